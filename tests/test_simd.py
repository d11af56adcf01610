"""Every SIMD path the CPU has, forced in a subprocess, gives bitwise the same results."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import descend as ds

SCRIPT = r"""
import hashlib, inspect, sys
import numpy as np
import descend as ds
sys.path.insert(0, sys.argv[2])
from cases import POINTWISE
assert ds.simd_level() == sys.argv[1], (ds.simd_level(), sys.argv[1])
rng = np.random.default_rng(5)
# A loss whose inputs must lie in a domain draws them as its row in the table does.
table = {case.name: case for case in POINTWISE}
digest = hashlib.sha256()
for dtype in (np.float32, np.float64):
    for n in (0, 1, 7, 8, 9, 31, 1000, 3 * 16384 + 3):
        x = rng.uniform(-4, 4, n).astype(dtype)
        y = rng.poisson(2.0, n).astype(dtype)
        w = rng.uniform(0, 2, n).astype(dtype)
        losses = [s for s in ds._core.specs() if s["family"] == "loss"]
        for spec in (s for s in losses if s["kind"] == "pointwise"):
            name = spec["name"]
            f = getattr(ds, name)
            if spec["domain"] is None or name not in table:
                xx, yy = x, y
            else:
                xx = table[name].input(rng, (n,)).astype(dtype)
                yy = table[name].target(rng, (n,)).astype(dtype)
            extra = (np.abs(w) + 0.5,) if spec["third_differentiated"] else ()
            weighting = {"weight": w} if "weight" in inspect.signature(f).parameters else {}
            for reduction in ("mean", "sum", "none"):
                v, g = f.value_and_grad(xx, yy, *extra, reduction=reduction, **weighting)
                digest.update(np.asarray(v, dtype=np.float64).tobytes())
                for part in g if isinstance(g, tuple) else (g,):
                    digest.update(part.tobytes())
        logits = x.repeat(7).reshape(n, 7) * np.arange(1, 8, dtype=dtype)
        labels = rng.integers(0, 7, n)
        bits = (labels % 2).astype(dtype).repeat(7).reshape(n, 7)
        for spec in (s for s in losses if s["kind"] == "rowwise"):
            f = getattr(ds, spec["name"])
            t = bits if spec["targets"] == "dense" else labels
            for reduction in ("mean", "sum", "none"):
                v, g = f.value_and_grad(
                    logits, t, reduction=reduction, weight=w[:7] if n >= 7 else None
                )
                digest.update(np.asarray(v, dtype=np.float64).tobytes())
                digest.update(g.tobytes())
print(digest.hexdigest())
"""


def available_paths() -> list[str]:
    best = ds.simd_level()
    order = {
        "scalar": ["scalar"],
        "avx2": ["scalar", "avx2"],
        "avx512": ["scalar", "avx2", "avx512"],
        "neon": ["scalar", "neon"],
    }
    return order[best]


def run_forced(level: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DESCEND_SIMD": level}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, level, str(Path(__file__).parent)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_forced_paths_agree_bitwise() -> None:
    paths = available_paths()
    digests = {}
    for level in paths:
        result = run_forced(level)
        assert result.returncode == 0, result.stderr
        digests[level] = result.stdout.strip()
    assert len(set(digests.values())) == 1, digests
    assert hashlib.sha256().hexdigest() not in digests.values()


def test_unavailable_path_warns_and_falls_back() -> None:
    level = "avx512" if ds.simd_level() != "avx512" else "neon"
    env = {**os.environ, "DESCEND_SIMD": level}
    code = "import warnings, descend as ds; print(ds.simd_level())"
    result = subprocess.run(
        [sys.executable, "-W", "always", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == ds.simd_level()
    assert "RuntimeWarning" in result.stderr and level in result.stderr


@pytest.mark.parametrize("bogus", ["sse9", "AVX2x"])
def test_unknown_path_warns(bogus: str) -> None:
    env = {**os.environ, "DESCEND_SIMD": bogus}
    result = subprocess.run(
        [sys.executable, "-W", "always", "-c", "import descend"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert bogus in result.stderr
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ds.simd_level() in {"scalar", "avx2", "avx512", "neon"}
