"""Every docstring example of the public API runs and prints what it says."""

from __future__ import annotations

import doctest
from typing import Any

import pytest

import descend as ds
from descend import _batches, _callbacks, _fit, _gradcheck, _history, _threads
from descend.metrics import _classification, _regression
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
