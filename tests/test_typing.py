"""The declarations' signatures reach type checkers: a wrong keyword is a mypy error."""

from __future__ import annotations

import textwrap
from pathlib import Path

from mypy import api


def check(tmp_path: Path, code: str) -> tuple[str, int]:
    path = tmp_path / "snippet.py"
    path.write_text(code)
    stdout, _, status = api.run(
        ["--strict", "--no-incremental", "--cache-dir", str(tmp_path), str(path)]
    )
    return stdout, status


def test_wrong_keyword_fails_and_right_ones_pass(tmp_path: Path) -> None:
    good = """
        import numpy as np
        import descend as ds
        x = np.zeros(3)
        v = ds.huber_loss(x, x, delta=2.0, reduction="sum")
        g = ds.huber_loss.grad(x, x, delta=2.0, out=np.empty(3))
        vg = ds.poisson_nll_loss.value_and_grad(x, x, log_input=False, full=True)
    """
    out, status = check(tmp_path, textwrap.dedent(good))
    assert status == 0, out
    good = textwrap.dedent(good)
    out, status = check(tmp_path, good + "ds.huber_loss(x, x, beta=2.0)\n")
    assert status == 1 and 'Unexpected keyword argument "beta"' in out, out
    out, status = check(tmp_path, good + 'ds.mse_loss.grad(x, x, reduction="avg")\n')
    assert status == 1 and "reduction" in out, out
