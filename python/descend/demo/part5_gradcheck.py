"""Part 5: check a user-defined loss's gradient with `descend.gradcheck`.

The pseudo-Huber loss, written in numpy as a user would, ``mean(δ²(√(1 + (r/δ)²) − 1))``
with ``r = input − target``, has gradient ``r / √(1 + (r/δ)²) / n``. `descend.gradcheck`
compares such a gradient with central finite differences of the value. The right gradient
passes; a wrong one (the square root forgotten, as if the loss were ½r²) fails where the
residuals are large, and the report says which elements and by how much. A descend loss
is checked the same way.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

import descend as ds
from descend.demo._output import Output

__all__ = ["check", "pseudo_huber", "pseudo_huber_grad", "pseudo_huber_grad_wrong", "run"]

Array = NDArray[np.float64]
DELTA = 1.0
RESIDUALS = np.array([-2.4, -0.9, -0.04, 0.02, 0.5, 2.2])


def pseudo_huber(x: Array, target: Array) -> float:
    """Return the mean pseudo-Huber loss of ``x`` against ``target``."""
    r = (x - target) / DELTA
    return float(np.mean(DELTA**2 * (np.sqrt(1.0 + r * r) - 1.0)))


def pseudo_huber_grad(x: Array, target: Array) -> Array:
    """Return d(pseudo_huber)/dx."""
    r = x - target
    grad: Array = r / np.sqrt(1.0 + (r / DELTA) ** 2) / r.size
    return grad


def pseudo_huber_grad_wrong(x: Array, target: Array) -> Array:
    """Return a wrong d(pseudo_huber)/dx on purpose: the gradient of mean(½r²)."""
    grad: Array = (x - target) / x.size
    return grad


def check(
    fn: Callable[[Array], ArrayLike], grad_fn: Callable[[Array], ArrayLike], x: Array
) -> tuple[bool, str]:
    """Run `descend.gradcheck`; return whether it passed and its report when it failed."""
    try:
        ds.gradcheck(fn, grad_fn, x)
    except ds.GradcheckError as error:
        return False, str(error)
    return True, ""


def run(out: Output, fast: bool) -> dict[str, tuple[bool, str]]:
    """Check three (value, gradient) pairs and print the failing one's report."""
    # Residuals large and small: the wrong gradient is nearly right where |r| ≪ δ.
    target = np.random.default_rng(0).normal(size=len(RESIDUALS))
    x = target + RESIDUALS
    cases = {
        "descend huber_loss with huber_loss.grad": (
            lambda v: ds.huber_loss(v, target),
            lambda v: ds.huber_loss.grad(v, target),
        ),
        "user pseudo-Huber loss, its gradient": (
            lambda v: pseudo_huber(v, target),
            lambda v: pseudo_huber_grad(v, target),
        ),
        "user pseudo-Huber loss, a wrong gradient": (
            lambda v: pseudo_huber(v, target),
            lambda v: pseudo_huber_grad_wrong(v, target),
        ),
    }
    out.say(
        f"  at {x.size} points, residuals input − target = {RESIDUALS.tolist()}; float64, "
        "central differences"
    )
    results = {name: check(fn, grad, x) for name, (fn, grad) in cases.items()}
    out.table(
        ["value and gradient", "gradcheck"],
        [[name, "passed" if ok else "FAILED"] for name, (ok, _) in results.items()],
        "ll",
    )
    for name, (ok, report) in results.items():
        if not ok:
            out.say(f"  the report for '{name}':")
            out.say("\n".join(f"    {line}" for line in report.splitlines()))
    return results
