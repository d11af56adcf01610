"""The native registry, the public API, the reference and the test table agree."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import descend as ds
from cases import ACTIVATIONS, OPTIMIZERS, POINTWISE, ROWWISE, TERNARY, draw_inputs
from descend import reference
from descend._specs import SPECS, family

LOSSES = family("loss")


def test_registry_api_reference_and_table_agree() -> None:
    native = {spec["name"] for spec in LOSSES}
    public = set(ds.losses.__all__)
    table = {c.name for c in POINTWISE + TERNARY + ROWWISE}
    assert native == public == table == set(reference.LOSSES)
    assert all(isinstance(getattr(ds, n), ds.Loss) for n in public)
    assert set(ds.__all__) >= public
    rowwise = [spec for spec in LOSSES if spec["kind"] == "rowwise"]
    assert {s["name"]: s["targets"] for s in rowwise} == {c.name: c.targets for c in ROWWISE}


def test_parameters_and_defaults_agree() -> None:
    for spec in LOSSES:
        name = spec["name"]
        loss = getattr(ds, name)
        native_defaults = {p: d for p, d, *_ in spec["params"]}
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
        rule = SPECS[case.name]["weighted_mean"]
        assert got == (total / 4.0 if rule == "sum_w" else total / 2.0), case.name


def test_activations_registry_api_reference_and_table_agree() -> None:
    specs = family("activation")
    native = [spec["name"] for spec in specs]
    assert set(native) == set(reference.ACTIVATIONS)
    assert set(native) == set(ds.activations.__all__) == {c.name for c in ACTIVATIONS}
    assert all(isinstance(getattr(ds, n), ds.Activation) for n in native)
    assert set(ds.__all__) >= set(native)
    along_dim = {spec["name"] for spec in specs if spec["along_dim"]}
    assert along_dim == {c.name for c in ACTIVATIONS if c.dim}
    assert along_dim == {n for n in native if getattr(ds, n).along_dim}


def test_activation_parameters_and_defaults_agree() -> None:
    for spec in family("activation"):
        name = spec["name"]
        f = getattr(ds, name)
        ref = getattr(reference, name).defaults
        assert f.defaults == ref, name
        native = {p: d for p, d, *_ in spec["params"]}
        if spec["along_dim"]:
            native["dim"] = -1  # an argument of the call, not a hyperparameter
        assert f.defaults == native, name


TORCH_ONLY = {"foreach", "fused", "capturable", "differentiable"}


def test_optimizers_registry_api_reference_and_table_agree() -> None:
    classes = {
        n: c
        for n in ds.optim.__all__
        if isinstance(c := getattr(ds.optim, n), type)
        and issubclass(c, ds.Optimizer)
        and c is not ds.Optimizer
    }
    native = {spec["name"]: spec["params"] for spec in family("optimizer")}
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
        for field, default, *_ in native[cls._rule]:
            key, _, index = field.partition("[")
            if name == "AdamW" and key in ("weight_decay", "decoupled_weight_decay"):
                continue  # AdamW's own default (1e-2, always decoupled) over Adam's rule
            value = sig.parameters[key].default
            value = value[int(index[:-1])] if index else value
            assert float(value) == default, (name, field)


def test_declaration_modules_list_every_declaration() -> None:
    # The packages re-export what these lists name, so a declaration left out of its module's
    # __all__ would be missing from descend's namespace.
    declared = [
        (ds.losses.regression, ds.Loss),
        (ds.losses.likelihood, ds.Loss),
        (ds.losses.binary, ds.Loss),
        (ds.losses.classification, ds.Loss),
        (ds.activations, ds.Activation),
        (reference.regression, object),
        (reference.classification, object),
        (reference.activations, object),
    ]
    for module, kind in declared:
        objects = {
            name
            for name, value in vars(module).items()
            if isinstance(value, kind)
            and not isinstance(value, type)
            and hasattr(value, "grad")
            and getattr(value, "__module__", None) == module.__name__
        }
        assert objects == set(module.__all__), module.__name__
