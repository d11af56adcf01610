"""The native registry, the public API, the reference and the test table agree."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import descend as ds
from cases import ACTIVATIONS, OPTIMIZERS, POINTWISE, ROWWISE, TERNARY, draw_inputs
from descend import reference


def native_specs() -> list[tuple[str, list[tuple[str, float, str]]]]:
    pointwise = [(name, params) for name, params, *_ in ds._core.pointwise_specs()]
    rowwise = [(name, params) for name, params, _ in ds._core.rowwise_specs()]
    return pointwise + rowwise


def test_registry_api_reference_and_table_agree() -> None:
    native = {name for name, _ in native_specs()}
    public = set(ds.losses.__all__)
    table = {c.name for c in POINTWISE + TERNARY + ROWWISE}
    assert native == public == table == set(reference.LOSSES)
    assert all(isinstance(getattr(ds, n), ds.Loss) for n in public)
    assert set(ds.__all__) >= public
    targets = {name: targets for name, _, targets in ds._core.rowwise_specs()}
    assert targets == {c.name: c.targets for c in ROWWISE}


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
        positional = 3 if name in {c.name for c in TERNARY} else 2
        assert kinds[:positional] == [inspect.Parameter.POSITIONAL_ONLY] * positional, name
        assert all(k is inspect.Parameter.KEYWORD_ONLY for k in kinds[positional:]), name
        assert sig.parameters["reduction"].default == "mean"


def test_weighted_mean_rule_matches_reference() -> None:
    rng = np.random.default_rng(0)
    for case in POINTWISE:
        if not case.weighted:
            continue
        x, y = draw_inputs(case, {}, rng, (2,))
        w = np.array([1.0, 3.0])
        f = getattr(ds, case.name)
        got = f(x, y, weight=w)
        assert got == pytest.approx(getattr(reference, case.name)(x, y, weight=w), rel=1e-14)
        total = float(f(x, y, weight=w, reduction="sum"))
        rule = {name: rule for name, _, rule, _ in ds._core.pointwise_specs()}[case.name]
        assert got == (total / 4.0 if rule == "sum_w" else total / 2.0), case.name


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


TORCH_ONLY = {"foreach", "fused", "capturable", "differentiable"}


def test_optimizers_registry_api_reference_and_table_agree() -> None:
    classes = {
        n: c
        for n in ds.optim.__all__
        if isinstance(c := getattr(ds.optim, n), type)
        and issubclass(c, ds.Optimizer)
        and c is not ds.Optimizer
    }
    native = {name: params for name, params, *_ in ds._core.optimizer_specs()}
    assert {c._rule for c in classes.values()} == set(native)
    assert {c.name for c in OPTIMIZERS} == set(classes)
    assert set(ds.__all__) >= set(classes)
    for name, cls in classes.items():
        sig = inspect.signature(cls)
        ref = inspect.signature(getattr(reference.optim, name))
        ours = {k: p for k, p in sig.parameters.items() if k not in TORCH_ONLY}
        assert [(k, p.kind, p.default) for k, p in ours.items()] == [
            (k, p.kind, p.default) for k, p in ref.parameters.items()
        ], name
        for field, default, _ in native[cls._rule]:
            key, _, index = field.partition("[")
            if name == "AdamW" and key in ("weight_decay", "decoupled_weight_decay"):
                continue  # AdamW's own default (1e-2, always decoupled) over Adam's rule
            value = sig.parameters[key].default
            value = value[int(index[:-1])] if index else value
            assert float(value) == default, (name, field)
