"""Every docstring example of the public API runs and prints what it says."""

from __future__ import annotations

import doctest

import pytest

import descend as ds
from descend import _gradcheck, _threads

PUBLIC_FUNCTIONS = ds.losses.__all__ + ds.activations.__all__ + ds.clip.__all__
DOCUMENTED = {name: getattr(ds, name) for name in PUBLIC_FUNCTIONS}
FUNCTIONS = set(PUBLIC_FUNCTIONS)
DOCUMENTED |= {"descend": ds, "gradcheck": _gradcheck, "threads": _threads}
DOCUMENTED |= {name: getattr(ds.optim, name) for name in ds.optim.__all__ if name != "Optimizer"}


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


def test_demo_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from descend import __main__

    __main__.main(["demo", "-n", "100000"])
    out = capsys.readouterr().out
    for name in ("mse_loss", "huber_loss", "log_cosh_loss"):
        assert name in out
    assert "checked against descend.reference" in out
