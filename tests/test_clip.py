"""clip_grad_norm_ and clip_grad_value_ against the numpy reference, edge values, thread counts,
SIMD paths, and failing calls that must write nothing."""

from __future__ import annotations

import inspect
import math
import os
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray
from test_simd import available_paths
from test_threads import run_on_threads

import descend as ds
from _support import unaligned
from descend import reference

CHUNK = ds._core.chunk_size()
SIZES = (0, 1, 7, CHUNK + 3, 1_000_000)
NORM_TYPES = (1.0, 2.0, 3.5, math.inf)
Grads = list[NDArray[Any]]

# Relative tolerance of the total norm against the reference's norm of per-tensor norms: both
# sum in float64 (in different orders, and for p = 3.5 through descend's exp/ln, ≤ 2 ULP each,
# against numpy's pow); the inf-norm is a max, exact.
NORM_RTOL = {1.0: 1e-13, 2.0: 1e-13, 3.5: 1e-13, math.inf: 0.0}
# The coefficients then agree to ~1e-13, so a float64 gradient to a few ULP; a float32 one is
# the same product unless the two coefficients round to neighbouring float32 values (≤ 1 ULP).
GRAD_RTOL = {np.dtype(np.float32): 1.2e-7, np.dtype(np.float64): 1e-12}


def draw(rng: np.random.Generator, sizes: tuple[int, ...] = SIZES) -> Grads:
    """One array per size, float32 and float64 alternating, some 2-D."""
    grads = []
    for i, n in enumerate(sizes):
        g = rng.standard_normal(n) * rng.uniform(0.1, 10.0)
        if n == CHUNK + 3:
            g = g.reshape(1, n)
        grads.append(g.astype(np.float32 if i % 2 == 0 else np.float64))
    return grads


def copies(grads: Grads) -> Grads:
    return [g.copy() for g in grads]


def assert_close_to_reference(got: Grads, want: Grads) -> None:
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g.dtype == w.dtype and g.shape == w.shape, i
        np.testing.assert_allclose(g, w, rtol=GRAD_RTOL[g.dtype], atol=0, err_msg=f"grads[{i}]")


def same_bits(a: Grads, b: Grads) -> bool:
    return all(x.dtype == y.dtype and x.tobytes() == y.tobytes() for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("norm_type", NORM_TYPES)
@pytest.mark.parametrize("ratio", [0.3, 2.0], ids=["clipped", "below"])
def test_matches_reference(norm_type: float, ratio: float) -> None:
    rng = np.random.default_rng(NORM_TYPES.index(norm_type))
    sizes = tuple(rng.permutation(SIZES * 2))
    grads = draw(rng, sizes)
    start = copies(grads)
    total = reference.clip_grad_norm_(copies(grads), math.inf, norm_type)
    max_norm = ratio * total
    want = copies(grads)
    want_total = reference.clip_grad_norm_(want, max_norm, norm_type)
    got_total = ds.clip_grad_norm_(grads, max_norm, norm_type)
    assert isinstance(got_total, float)
    assert got_total == pytest.approx(want_total, rel=NORM_RTOL[norm_type], abs=0)
    assert_close_to_reference(grads, want)
    if ratio > 1:
        assert same_bits(grads, start)  # a norm below max_norm writes nothing


def test_single_array_tuple_generator_and_empty() -> None:
    g = np.array([3.0, 4.0])
    assert ds.clip_grad_norm_(g, 1.0) == 5.0
    np.testing.assert_allclose(g, [0.6, 0.8], rtol=1e-6)
    pair = (np.array([3.0], np.float32), np.array([4.0]))
    assert ds.clip_grad_norm_(pair, 10.0) == 5.0
    assert ds.clip_grad_norm_(iter(pair), 10.0, norm_type="inf") == 4.0
    assert ds.clip_grad_norm_([], 1.0) == 0.0
    assert ds.clip_grad_norm_([np.zeros(0), np.zeros((3, 0))], 1.0, math.inf) == 0.0
    with pytest.warns(UserWarning, match="empty generator"):
        assert ds.clip_grad_norm_((g for g in ()), 1.0) == 0.0
    ds.clip_grad_value_(g, 0.7)
    ds.clip_grad_value_([], 0.7)


@pytest.mark.parametrize("norm_type", NORM_TYPES)
def test_zeros_have_norm_zero_and_stay_untouched(norm_type: float) -> None:
    grads = [np.array([0.0, -0.0], np.float32), np.zeros((2, 3)), np.array([-0.0])]
    start = copies(grads)
    assert ds.clip_grad_norm_(grads, 1.0, norm_type) == 0.0
    assert same_bits(grads, start)


@pytest.mark.parametrize("norm_type", NORM_TYPES)
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_norms(norm_type: float, bad: float) -> None:
    grads = [np.array([1.0, -2.0], np.float32), np.array([0.5, bad, 3.0])]
    start = copies(grads)
    with pytest.raises(RuntimeError, match="cannot be clipped"):
        ds.clip_grad_norm_(grads, 1.0, norm_type, error_if_nonfinite=True)
    assert same_bits(grads, start)
    want = copies(grads)
    want_total = reference.clip_grad_norm_(want, 1.0, norm_type)
    total = ds.clip_grad_norm_(grads, 1.0, norm_type)
    assert (math.isnan(total) and math.isnan(want_total)) or total == want_total == math.inf
    # inf: coefficient 0 (finite gradients become signed zeros, inf ones NaN); NaN: all NaN.
    assert same_bits(grads, want)
    if math.isnan(bad):
        assert all(np.isnan(g).all() for g in grads)
    else:
        assert grads[0].tolist() == [0.0, -0.0] and math.isnan(grads[1][1])


def test_float32_gradients_do_not_overflow_the_sum() -> None:
    # torch sums float32 tensors in float32 and returns inf here; the float64 sum does not.
    g = np.full(4, 1e30, np.float32)
    assert ds.clip_grad_norm_([g], math.inf) == pytest.approx(2e30, rel=1e-7)
    # float64 overflows past its range, as torch's float64 sum does.
    assert ds.clip_grad_norm_([np.full(2, 1e200)], math.inf) == math.inf


values = st.one_of(
    st.sampled_from([0.0, -0.0, math.nan, math.inf, -math.inf]),
    st.floats(1e-30, 1e30).flatmap(lambda x: st.sampled_from([x, -x])),
)


@given(
    arrays=st.lists(
        st.tuples(st.lists(values, max_size=40), st.sampled_from([np.float32, np.float64])),
        max_size=5,
    ),
    norm_type=st.sampled_from(NORM_TYPES),
    max_norm=st.floats(0.0, 1e31),
)
def test_edge_values_match_reference(
    arrays: list[tuple[list[float], type]], norm_type: float, max_norm: float
) -> None:
    grads = [np.array(v, dtype=d) for v, d in arrays]
    want = copies(grads)
    want_total = reference.clip_grad_norm_(want, max_norm, norm_type)
    total = ds.clip_grad_norm_(grads, max_norm, norm_type)
    if math.isnan(want_total):
        assert math.isnan(total)
    else:
        assert total == pytest.approx(want_total, rel=NORM_RTOL[norm_type], abs=0)
    for g, w in zip(grads, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=GRAD_RTOL[g.dtype], atol=0, equal_nan=True)


@pytest.mark.parametrize("clip_value", [0.0, 0.5, 3.0, math.inf])
def test_clip_value_matches_reference_bitwise(clip_value: float) -> None:
    rng = np.random.default_rng(5)
    grads = draw(rng)
    for g in grads[2:5]:
        g.ravel()[:4] = [math.nan, -0.0, math.inf, -math.inf]
    start, want = copies(grads), copies(grads)
    reference.clip_grad_value_(want, clip_value)
    ds.clip_grad_value_(grads, clip_value)
    assert same_bits(grads, want)
    if clip_value == 0.0:  # signed zeros as torch: -5 clamped by 0 is -0
        assert all(np.signbit(g[s < 0]).all() for g, s in zip(grads, start, strict=True))


@pytest.mark.parametrize("norm_type", [2.0, 3.5, math.inf])
@pytest.mark.parametrize("max_norm", [1.0, math.inf], ids=["clipped", "measured"])
def test_bitwise_equal_across_thread_counts(norm_type: float, max_norm: float) -> None:
    # Twice the memory-bound parallel threshold (4M elements), with ragged chunks: a pass over
    # it takes a few milliseconds, long enough for the second thread of a busy machine to wake
    # and take chunks. The thread hook sees the write pass when clipping, the read pass when
    # only measuring.
    rng = np.random.default_rng(6)
    grads = draw(rng, (8_000_001, 3, CHUNK + 7))

    def run() -> tuple[float, Grads]:
        mine = copies(grads)
        return ds.clip_grad_norm_(mine, max_norm, norm_type), mine

    results = []
    for threads in (1, 2, 3):
        with ds.threads(threads):
            results.append(run_on_threads(threads, run))
    (first_total, first), *rest = results
    for total, clipped in rest:
        assert total.hex() == first_total.hex()
        assert same_bits(clipped, first)


def test_clip_value_bitwise_equal_across_thread_counts() -> None:
    # Three times the threshold: one clamp pass over 4.5M float32 elements was often over before
    # a second thread woke on the busy machine (2% of calls ran on two threads).
    rng = np.random.default_rng(8)
    grads = draw(rng, (12_000_001, CHUNK + 7))

    def run() -> Grads:
        mine = copies(grads)
        ds.clip_grad_value_(mine, 0.5)
        return mine

    results = []
    for threads in (1, 2):
        with ds.threads(threads):
            results.append(run_on_threads(threads, run))
    assert same_bits(results[0], results[1])
    reference.clip_grad_value_(grads, 0.5)
    assert same_bits(results[1], grads)


def failing_calls() -> dict[str, tuple[Grads, type[Exception], str]]:
    buffer = np.ones(8)
    read_only = np.ones(3)
    read_only.flags.writeable = False
    good = [np.ones(4, np.float32), np.full((2, 2), 3.0)]
    return {
        "read-only last": ([*good, read_only], ValueError, r"grads\[2\] is read-only"),
        "overlapping": ([*good, buffer[:5], buffer[3:]], ValueError, "overlaps"),
        "the same array twice": ([*good, good[0]], ValueError, "overlaps"),
        "float16 last": ([*good, np.ones(2, np.float16)], TypeError, r"grads\[2\]"),
        "ints last": ([*good, np.ones(2, np.int64)], TypeError, r"grads\[2\]"),
        "not C-contiguous": ([*good, np.ones((3, 4))[:, ::2]], ValueError, "C-contiguous"),
        "unaligned last": ([*good, unaligned(np.ones(3))], ValueError, r"grads\[2\] is not al"),
        "a list, not an array": ([*good, [1.0, 2.0]], TypeError, r"grads\[2\]"),
    }


@pytest.mark.parametrize("what", list(failing_calls()))
def test_a_failing_call_writes_nothing(what: str) -> None:
    for clip in (
        lambda g: ds.clip_grad_norm_(g, 0.1),
        lambda g: ds.clip_grad_value_(g, 0.1),
    ):
        grads, error, match = failing_calls()[what]
        start = [np.array(g, copy=True) for g in grads]
        with pytest.raises(error, match=match):
            clip(grads)
        for g, s in zip(grads, start, strict=True):
            np.testing.assert_array_equal(g, s, strict=True)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"norm_type": 0.5}, ValueError, "norm_type must be >= 1 or inf, got 0.5"),
        ({"norm_type": 0}, ValueError, "norm_type"),
        ({"norm_type": -math.inf}, ValueError, "norm_type"),
        ({"norm_type": math.nan}, ValueError, "norm_type"),
        ({"norm_type": "two"}, TypeError, "norm_type must be a number"),
        ({"max_norm": -1.0}, ValueError, "max_norm must be >= 0"),
        ({"max_norm": math.nan}, ValueError, "max_norm"),
        ({"max_norm": None}, TypeError, "max_norm must be a number"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    g = np.array([3.0, 4.0])
    with pytest.raises(error, match=match):
        ds.clip_grad_norm_([g], **{"max_norm": 1.0, **kwargs})
    assert g.tolist() == [3.0, 4.0]


def test_bad_clip_values() -> None:
    g = np.array([3.0, -4.0])
    for value, error in ((-1.0, ValueError), (math.nan, ValueError), ("x", TypeError)):
        with pytest.raises(error, match="clip_value"):
            ds.clip_grad_value_([g], value)  # type: ignore[arg-type]
    assert g.tolist() == [3.0, -4.0]


def test_torch_spellings() -> None:
    g = [np.array([3.0, -4.0])]
    assert ds.clip_grad_norm_(g, max_norm=10.0, norm_type="inf", foreach=True) == 4.0
    ds.clip_grad_value_(g, clip_value=1.0, foreach=False)
    assert g[0].tolist() == [1.0, -1.0]


def test_signatures_match_reference() -> None:
    for name in ("clip_grad_norm_", "clip_grad_value_"):
        ours = inspect.signature(getattr(ds, name)).parameters
        ref = inspect.signature(getattr(reference, name)).parameters
        assert [(k, p.kind, p.default) for k, p in ours.items() if k != "foreach"] == [
            (k, p.kind, p.default) for k, p in ref.items()
        ]
        assert ours["foreach"].default is None


SIMD_SCRIPT = r"""
import hashlib, sys
import numpy as np
import descend as ds
assert ds.simd_level() == sys.argv[1], (ds.simd_level(), sys.argv[1])
rng = np.random.default_rng(9)
sizes = (0, 1, 7, 8, 9, 31, 1000, 3 * 16384 + 3)
dtypes = (np.float32, np.float64)
start = [rng.standard_normal(n).astype(dtypes[i % 2]) for i, n in enumerate(sizes)]
start[5][3] = 0.0
digest = hashlib.sha256()
for p in (1.0, 2.0, 3.5, float("inf")):
    for max_norm in (0.5, float("inf")):
        grads = [g.copy() for g in start]
        digest.update(float.hex(ds.clip_grad_norm_(grads, max_norm, p)).encode())
        for g in grads:
            digest.update(g.tobytes())
grads = [g.copy() for g in start]
ds.clip_grad_value_(grads, 0.5)
for g in grads:
    digest.update(g.tobytes())
print(digest.hexdigest())
"""


def test_forced_simd_paths_agree_bitwise() -> None:
    digests = {}
    for level in available_paths():
        env = {**os.environ, "DESCEND_SIMD": level}
        result = subprocess.run(
            [sys.executable, "-c", SIMD_SCRIPT, level],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        digests[level] = result.stdout.strip()
    assert len(set(digests.values())) == 1, digests
