"""The native registry, the public API, the reference and the test table agree."""

from __future__ import annotations

import inspect

import descend as ds
from cases import ACTIVATIONS, POINTWISE, ROWWISE
from descend import reference

# In the reference (written ahead, from the formulas) but not native yet: issue 3's remainder.
PENDING = {
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "gaussian_nll_loss",
    "hinge_embedding_loss",
    "kl_div",
    "multi_margin_loss",
    "multilabel_soft_margin_loss",
    "soft_margin_loss",
}


def native_specs() -> list[tuple[str, list[tuple[str, float, str]]]]:
    pointwise = [(name, params) for name, params, _ in ds._core.pointwise_specs()]
    rowwise = [(name, params) for name, params, _ in ds._core.rowwise_specs()]
    return pointwise + rowwise


def test_registry_api_reference_and_table_agree() -> None:
    native = {name for name, _ in native_specs()}
    public = set(ds.losses.__all__)
    table = {c.name for c in POINTWISE + ROWWISE}
    assert native == public == table == set(reference.LOSSES) - PENDING
    assert all(isinstance(getattr(ds, n), ds.Loss) for n in public)
    assert set(ds.__all__) >= public
    dense = {name for name, _, dense in ds._core.rowwise_specs() if dense}
    assert dense == {c.name for c in ROWWISE if c.dense}


def test_parameters_and_defaults_agree() -> None:
    for name, params in native_specs():
        loss = getattr(ds, name)
        native_defaults = {p: d for p, d, _ in params}
        assert loss.defaults == native_defaults, name
        assert reference_defaults(name) == native_defaults, name


def reference_defaults(name: str) -> dict[str, float]:
    return {k: float(v) for k, v in getattr(reference, name).defaults.items()}


def test_signatures_are_torch_shaped() -> None:
    for name in ds.losses.__all__:
        sig = inspect.signature(getattr(ds, name))
        kinds = [p.kind for p in sig.parameters.values()]
        assert kinds[:2] == [inspect.Parameter.POSITIONAL_ONLY] * 2, name
        assert all(k is inspect.Parameter.KEYWORD_ONLY for k in kinds[2:]), name
        assert sig.parameters["reduction"].default == "mean"


def test_weighted_mean_rule_matches_reference() -> None:
    import numpy as np

    x, y, w = np.array([1.0, 3.0]), np.array([0.0, 0.0]), np.array([1.0, 3.0])
    for name, _, rule in ds._core.pointwise_specs():
        got = getattr(ds, name)(x, y, weight=w)
        assert got == getattr(reference, name)(x, y, weight=w)
        total = float(getattr(ds, name)(x, y, weight=w, reduction="sum"))
        assert got == (total / 4.0 if rule == "sum_w" else total / 2.0), name


# Python options the core takes under another name and type: (core name, {value: number}).
CHOICES = {"approximate": ("approximate_tanh", {"none": 0.0, "tanh": 1.0})}


def test_activations_registry_api_reference_and_table_agree() -> None:
    specs = ds._core.activation_specs()
    native = [name for name, _, _ in specs]
    assert native == list(reference.ACTIVATIONS)  # same order too
    assert set(native) == set(ds.activations.__all__) == {c.name for c in ACTIVATIONS}
    assert all(isinstance(getattr(ds, n), ds.Activation) for n in native)
    assert set(ds.__all__) >= set(native)
    along_dim = {name for name, _, kind in specs if kind == "dim"}
    assert along_dim == {c.name for c in ACTIVATIONS if c.dim}
    assert along_dim == {n for n in native if getattr(ds, n).along_dim}


def test_activation_parameters_and_defaults_agree() -> None:
    for name, params, kind in ds._core.activation_specs():
        f = getattr(ds, name)
        ref = getattr(reference, name).defaults
        assert f.defaults == ref, name
        native = {p: d for p, d, _ in params}
        if kind == "dim":
            native["dim"] = -1  # an argument of the call, not a hyperparameter
        translated = {}
        for option, default in f.defaults.items():
            if option in CHOICES:
                core_name, values = CHOICES[option]
                translated[core_name] = values[default]
            else:
                translated[option] = float(default)
        assert translated == native, name
