"""Error of descend's vectorised math in ULP, float64 against extended precision.

float64 results are compared with ``np.longdouble`` (x87 80-bit: 11 bits beyond float64, enough
to resolve errors to 1/1000 ULP) for exp, expm1, log, log1p, tanh, sqrt, softplus, sigmoid and
log_sigmoid, and with mpmath at 40 digits for erf and erfc. float32 is covered exhaustively by
``cargo test --release -p descend-core -- --ignored ulp``. The sweep mixes uniform points over
each function's interesting range with log-spaced magnitudes of both signs, so tiny and huge
arguments are in it.

Usage: python benches/ulp.py [--points 200000] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from descend.bench import _probes

L = np.longdouble
Ref = Callable[[Any], Any]


def _softplus(x: Any) -> Any:
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def _sigmoid(x: Any) -> Any:
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1, e) / (1 + e)


def _log_sigmoid(x: Any) -> Any:
    return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))


def _mp(name: str) -> Ref:
    import mpmath

    mpmath.mp.dps = 40
    f = getattr(mpmath, name)

    def ref(x: Any) -> Any:
        # Through a 25-digit string: float() would round the reference to float64.
        return np.array([L(mpmath.nstr(f(mpmath.mpf(float(v))), 25)) for v in x], dtype=L)

    return ref


# name → (reference in extended precision, range of the uniform part)
FUNCTIONS: dict[str, tuple[Ref | str, float]] = {
    "exp": (np.exp, 709.0),
    "exp_m1": (np.expm1, 709.0),
    "ln": (np.log, 1e6),
    "ln_1p": (np.log1p, 1e6),
    "tanh": (np.tanh, 20.0),
    "sqrt": (np.sqrt, 1e6),
    "softplus": (_softplus, 800.0),
    "sigmoid": (_sigmoid, 750.0),
    "log_sigmoid": (_log_sigmoid, 800.0),
    "erf": ("erf", 6.0),
    "erfc": ("erfc", 27.0),
}
POSITIVE = {"ln", "sqrt"}
NEAR_MINUS_ONE = {"ln_1p"}


def points(name: str, width: float, n: int, rng: np.random.Generator) -> Any:
    uniform = rng.uniform(-width, width, n // 2)
    magnitudes = 10.0 ** rng.uniform(-300, np.log10(width), n - n // 2)
    x = np.concatenate([uniform, magnitudes * rng.choice([-1.0, 1.0], magnitudes.size)])
    if name in POSITIVE:
        x = np.abs(x)
    if name in NEAR_MINUS_ONE:
        x = np.maximum(x, -1.0 + 1e-16)
    return x


def ulps(got: Any, want: Any) -> Any:
    """|got − want| in units of float64's spacing at want (the value rounded to float64)."""
    rounded = want.astype(np.float64)
    spacing = np.spacing(np.abs(rounded)).astype(L)
    both_special = (got == rounded) | (np.isnan(got) & np.isnan(rounded))
    err = np.abs(got.astype(L) - want) / spacing
    return np.where(both_special, 0.0, err.astype(np.float64))


def measure(n: int, seed: int = 0) -> dict[str, dict[str, float]]:
    rng = np.random.default_rng(seed)
    out: dict[str, dict[str, float]] = {}
    for name, (reference, width) in FUNCTIONS.items():
        x = points(name, width, n if not isinstance(reference, str) else n // 20, rng)
        got = np.empty_like(x)
        _probes.math(name, x, got)
        ref = _mp(reference) if isinstance(reference, str) else reference
        want = ref(x.astype(L))
        finite = np.isfinite(want.astype(np.float64))
        err = ulps(got[finite], want[finite])
        worst = int(np.argmax(err))
        out[name] = {
            "points": int(x.size),
            "max_ulp": float(err[worst]),
            "at": float(x[finite][worst]),
            "mean_ulp": float(err.mean()),
        }
        print(
            f"{name:12s} max {err[worst]:6.2f} ULP at x = {x[finite][worst]: .6g}"
            f"   mean {err.mean():.3f}   ({x.size} points)"
        )
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=200_000)
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    result = measure(args.points)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
        print(f"wrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
