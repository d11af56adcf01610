"""Every docstring example of the public API runs and prints what it says."""

from __future__ import annotations

import doctest
import importlib
import inspect
from typing import Any

import pytest

import descend as ds
from descend import _batches, _callbacks, _fit, _gradcheck, _history, _threads
from descend.metrics import _checks, _classification, _regression
from descend.schedules._config import KINDS

PUBLIC_FUNCTIONS = ds.losses.__all__ + ds.activations.__all__ + ds.clip.__all__
DOCUMENTED = {name: getattr(ds, name) for name in PUBLIC_FUNCTIONS}
FUNCTIONS = set(PUBLIC_FUNCTIONS)
DOCUMENTED |= {"descend": ds, "gradcheck": _gradcheck, "threads": _threads}
DOCUMENTED |= {name: getattr(ds.optim, name) for name in ds.optim.__all__ if name != "Optimizer"}
# descend.schedules: the package docstring, and each public name (defined in private modules,
# which a finder run on the package would skip); each constructor names its torch twin.
DOCUMENTED |= {"schedules": ds.schedules}
DOCUMENTED |= {f"schedules.{name}": getattr(ds.schedules, name) for name in ds.schedules.__all__}
FUNCTIONS |= {f"schedules.{kind}" for kind in KINDS}
# The training workflow: each module's docstrings, examples of every function included.
DOCUMENTED |= {
    "batches": _batches,
    "callbacks": _callbacks,
    "fit": _fit,
    "history": _history,
    "metrics.checks": _checks,
    "metrics.classification": _classification,
    "metrics.regression": _regression,
    "models": ds.models,
    "preprocessing": ds.preprocessing,
}
WORKFLOW_API = [
    ds.batches,
    ds.EarlyStopping,
    ds.History,
    ds.History.plot,
    ds.plot_histories,
    ds.fit,
    ds.preprocessing.standardize,
    ds.preprocessing.min_max_scale,
    ds.models.MLP,
    ds.models.LinearModel,
    *(getattr(ds.metrics, name) for name in ds.metrics.__all__ if name.islower()),
]


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_examples_run(name: str) -> None:
    obj = DOCUMENTED[name]
    doc = obj.__doc__ or ""
    if name in FUNCTIONS:
        assert "Examples" in doc and "torch" in doc, f"{name} lacks an example or torch note"
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in (
        doctest.DocTestFinder().find(obj, name)
        if not isinstance(obj, (ds.Loss, ds.Activation))
        else [parser.get_doctest(doc, {}, name, None, 0)]
    ):
        runner.run(test)
    assert runner.failures == 0
    assert runner.tries > 0


@pytest.mark.parametrize("obj", WORKFLOW_API, ids=lambda obj: obj.__qualname__)
def test_workflow_api_has_examples(obj: object) -> None:
    assert "Examples\n" in (obj.__doc__ or ""), f"{obj} lacks an Examples section"


def test_readme_examples_run(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import re
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks
    monkeypatch.chdir(tmp_path)  # examples may write files
    namespace: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)


# Public callables whose docstrings still lack numpy sections; a name leaves this set when its
# docstring is completed (the test below then insists), and a new public name never enters it.
INCOMPLETE = {
    # Their modules are being rewritten: their docstrings are completed there.
    "descend.Activation",
    "descend.Loss",
    "descend.Optimizer",
    "descend.simd_level",
}
# The plain-numpy oracle descend.reference is not held to the sections: its docstrings say
# what each function mirrors, and its module docstrings the rest.
INCOMPLETE_MODULES = ("descend.reference",)
SECTIONS = ("Parameters", "Returns", "Raises", "Notes", "References", "Examples")
# Functions that take arguments and cannot raise: no Raises section (nor for those that take
# no argument).
CANNOT_RAISE = {
    "descend.schedules.is_schedule",
    "descend.preprocessing.MinMaxStats",
    "descend.preprocessing.StandardStats",
}


def _missing_sections(obj: Any, names: list[str]) -> list[str]:
    """Return what a numpy-style docstring lacks: sections, and parameters it leaves out."""
    from numpydoc.docscrape import NumpyDocString

    doc = NumpyDocString(inspect.getdoc(obj) or "")
    try:
        parameters = inspect.signature(obj).parameters
    except ValueError:  # an exception class: builtin __init__, nothing to document
        parameters = {}  # type: ignore[assignment]
    signature = [
        name
        for name, p in parameters.items()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and name != "self"
    ]
    wanted = [
        s
        for s in SECTIONS
        if not (s == "Returns" and inspect.isclass(obj))
        and not (s == "Raises" and CANNOT_RAISE.intersection(names))
    ]
    if not signature:
        wanted = [s for s in wanted if s not in ("Parameters", "Raises")]
    missing = [s for s in wanted if not doc[s]]
    documented = {n.strip() for p in doc["Parameters"] for n in p.name.split(",")}
    missing += [f"parameter {name}" for name in signature if name not in documented]
    return missing


def _public_callables() -> dict[int, tuple[list[str], Any]]:
    """Map each public callable (by identity) to every name it is exported under."""
    from _public import public_names

    found: dict[int, tuple[list[str], Any]] = {}
    for module, names in public_names().items():
        for name in names:
            obj = getattr(importlib.import_module(module), name)
            if callable(obj) and not inspect.ismodule(obj):
                found.setdefault(id(obj), ([], obj))[0].append(f"{module}.{name}")
    return found


def test_public_docstrings_have_numpy_sections() -> None:
    missing = {}
    for names, obj in _public_callables().values():
        if all(name.startswith(INCOMPLETE_MODULES) for name in names):
            continue
        gaps = _missing_sections(obj, names)
        listed = bool(INCOMPLETE.intersection(names))
        if gaps and not listed:
            missing[names[0]] = gaps
        if not gaps and listed:
            missing[names[0]] = ["nothing: remove it from INCOMPLETE"]
    assert not missing, missing
