"""Bad input: builtin exceptions that name the argument, nothing written, never a panic."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import descend as ds
from cases import POINTWISE, ROWWISE

X = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
Y = np.zeros((3, 4))


def test_shape_mismatch_names_both_shapes() -> None:
    with pytest.raises(ValueError, match=r"target has shape \(3, 5\) but input has shape \(3, 4\)"):
        ds.mse_loss(X, np.zeros((3, 5)))
    with pytest.raises(ValueError, match=r"weight has shape \(5,\), which does not broadcast"):
        ds.mse_loss(X, Y, weight=np.ones(5))
    # A weight that broadcasts is spread over the input, as torch's.
    assert ds.mse_loss(X, Y, weight=np.ones(4)) == ds.mse_loss(X, Y)
    with pytest.raises(ValueError, match="upstream"):
        ds.mse_loss.grad(X, Y, reduction="none", upstream=np.ones(3))


@pytest.mark.parametrize(
    "bad",
    [
        np.array([1 + 2j] * 12).reshape(3, 4),
        np.array(["a"] * 12).reshape(3, 4),
        np.array([object()] * 12).reshape(3, 4),
        np.zeros((3, 4), "datetime64[s]"),
    ],
)
def test_non_real_dtypes_raise_type_error(bad: np.ndarray) -> None:
    with pytest.raises(TypeError, match="input"):
        ds.mse_loss(bad, Y)
    with pytest.raises(TypeError, match="target"):
        ds.mse_loss.grad(X, bad)


@pytest.mark.parametrize("dtype", [np.float16, np.longdouble])
def test_unsupported_float_widths_name_supported_dtypes(dtype: type) -> None:
    with pytest.raises(TypeError, match="float32 and float64"):
        ds.huber_loss(X.astype(dtype), Y)


def test_promotion_rules() -> None:
    ints = np.arange(12).reshape(3, 4)
    assert ds.mse_loss.grad(ints, Y).dtype == np.float64
    assert ds.mse_loss.grad(ints > 3, Y).dtype == np.float64
    assert ds.mse_loss.grad(X.astype(np.float32), Y.astype(np.float32)).dtype == np.float32
    assert ds.mse_loss.grad(X.astype(np.float32), Y).dtype == np.float64
    # weight is cast to the result dtype
    g32 = ds.mse_loss.grad(X.astype(np.float32), Y.astype(np.float32), weight=np.ones((3, 4)))
    assert g32.dtype == np.float32


def test_reduction_must_be_known() -> None:
    with pytest.raises(ValueError, match="'none', 'mean', 'sum'"):
        ds.mse_loss(X, Y, reduction="avg")  # type: ignore[arg-type]


def test_unknown_keyword_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="delta"):
        ds.mse_loss(X, Y, delta=1.0)  # type: ignore[call-arg]


def test_upstream_only_with_none_reduction() -> None:
    with pytest.raises(ValueError, match="upstream"):
        ds.mse_loss.grad(X, Y, upstream=np.ones_like(X))
    with pytest.raises(ValueError, match="upstream"):
        ds.mse_loss(X, Y, reduction="none", upstream=np.ones_like(X))


@pytest.mark.parametrize(
    "make_out",
    [
        lambda: np.zeros((4, 3)),  # wrong shape
        lambda: np.zeros((3, 4), np.float32),  # wrong dtype
        lambda: np.zeros((3, 4)).tolist(),  # not an array
    ],
)
def test_bad_out_raises_and_writes_nothing(make_out: object) -> None:
    out = make_out()  # type: ignore[operator]
    before = np.array(out, copy=True)
    with pytest.raises((ValueError, TypeError), match="out"):
        ds.mse_loss.grad(X, Y, out=out)
    np.testing.assert_array_equal(np.asarray(out), before)


def test_read_only_out_raises() -> None:
    out = np.zeros((3, 4))
    out.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        ds.mse_loss.grad(X, Y, out=out)
    assert np.all(out == 0)


def test_out_overlapping_an_input_raises_and_writes_nothing() -> None:
    x = X.copy()
    with pytest.raises(ValueError, match="overlap"):
        ds.mse_loss.grad(x, Y, out=x)
    np.testing.assert_array_equal(x, X)
    big = np.concatenate([X.ravel(), X.ravel()])
    with pytest.raises(ValueError, match="overlap"):
        ds.mse_loss.grad(big[:12].reshape(3, 4), Y, out=big[6:18].reshape(3, 4))
    with pytest.raises(ValueError, match="overlap"):  # non-contiguous out staged in Python
        wide = np.zeros((3, 8))
        ds.mse_loss.grad(wide[:, ::2], Y, out=wide[:, 1::2])
    np.testing.assert_array_equal(big[:12], X.ravel())


@pytest.mark.parametrize("method", ["grad", "value_and_grad"])
def test_out_overlapping_a_third_array_raises_and_writes_nothing(method: str) -> None:
    """A loss's third array is an input too: var here, pos_weight for BCE with logits."""
    var = np.full((3, 4), 0.5)
    with pytest.raises(ValueError, match="overlap"):
        getattr(ds.gaussian_nll_loss, method)(X, Y, var, out=var)
    np.testing.assert_array_equal(var, 0.5)
    pos_weight = np.full((3, 4), 2.0)
    with pytest.raises(ValueError, match="overlap"):
        getattr(ds.binary_cross_entropy_with_logits, method)(
            X, np.ones((3, 4)), pos_weight=pos_weight, out=pos_weight
        )
    np.testing.assert_array_equal(pos_weight, 2.0)


def test_out_sharing_memory_with_an_input_of_another_dtype_is_refused() -> None:
    """The input is converted before the core reads it, but out= would overwrite the caller's."""
    buf = np.zeros(12)
    labels = buf.view(np.int64)
    labels[:] = np.arange(12)
    with pytest.raises(ValueError, match="overlap"):
        ds.mse_loss.grad(labels, np.ones(12), out=buf)
    with pytest.raises(ValueError, match="overlap"):
        ds.sigmoid(labels, out=buf)
    with pytest.raises(ValueError, match="overlap"):  # through the staging buffer
        ds.mse_loss.grad(labels[::2], np.ones(6), out=buf[::2])
    halves = buf.view(np.float32)[:12]
    with pytest.raises(ValueError, match="overlap"):  # float32 with float64 gives float64
        ds.mse_loss.grad(np.ones(6), halves[:6], out=buf[:6])
    np.testing.assert_array_equal(labels[:6], np.arange(6))


LOGITS, LABELS = np.zeros((2, 3)), np.array([0, 1])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: ds.mse_loss(X, Y, reduction=None), TypeError, "reduction must be one of"),
        (lambda: ds.huber_loss(X, Y, delta="a"), TypeError, "delta must be a number, got 'a'"),
        (
            lambda: ds.cross_entropy(LOGITS, LABELS, label_smoothing="a"),
            TypeError,
            "label_smoothing must be a number",
        ),
        (
            lambda: ds.cross_entropy(LOGITS, LABELS, ignore_index=None),
            TypeError,
            "ignore_index must be a number, got None",
        ),
        (lambda: ds.elu(X, alpha="a"), TypeError, "alpha must be a number"),
        (lambda: ds.softmax(X, dim=2**70), IndexError, f"dim {2**70} is out of bounds"),
        (lambda: ds.Adam([np.zeros(3)], betas=0.9), TypeError, "betas must be a pair"),
        (lambda: ds.Adam([np.zeros(3)], betas=(0.9,)), ValueError, "betas must be a pair"),
        (lambda: ds.Adam([np.zeros(3)], betas=(0.9, 0.9, 0.9)), ValueError, "betas must be a"),
        (lambda: ds.Rprop([np.zeros(3)], etas=1.2), TypeError, "etas must be a pair"),
        (
            lambda: ds.cross_entropy(LOGITS, np.array([1, 2**64 - 100], np.uint64)),
            IndexError,
            f"class {2**64 - 100} at flat index 1",
        ),
    ],
)
def test_bad_options_are_named(call: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize(
    "bad", [{"eps": 0}, {"eps": float("nan")}, {"atol": -1.0}, {"rtol": float("inf")}]
)
def test_gradcheck_refuses_bad_settings(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=f"{next(iter(bad))} must be a finite number"):
        ds.gradcheck(lambda x: float(np.sum(x**2)), lambda x: 2 * x, np.ones(3), **bad)


def test_reference_optimizer_refuses_no_parameters() -> None:
    with pytest.raises(ValueError, match="empty parameter list"):
        ds.reference.optim.SGD([])


def test_a_mutated_pair_option_fails_the_step_before_writing() -> None:
    p = np.ones(3)
    opt = ds.Adam([p])
    for bad, error in (((0.9, 0.9, 0.9), ValueError), (0.9, TypeError)):
        opt.param_groups[0]["betas"] = bad
        with pytest.raises(error, match=r"param_groups\[0\]\[betas\] must be a pair"):
            opt.step([np.ones(3)])
    np.testing.assert_array_equal(p, 1.0)


def test_reduced_value_with_out_is_refused() -> None:
    with pytest.raises(ValueError, match="out"):
        ds.mse_loss(X, Y, out=np.zeros((3, 4)))


def test_garbage_never_panics() -> None:
    """Throw junk at the native entry point: only ordinary exceptions may come out."""
    core = ds._core
    junk: list[object] = [
        None,
        1,
        "x",
        [1.0],
        np.zeros(3),
        np.zeros((0,)),
        np.zeros(3, np.int8),
        np.zeros(3, np.int64),
        np.full(3, -7, np.int32),
        np.zeros((3, 3)),
        np.zeros(3, np.float32),
        np.zeros((2, 2))[:, 0],
        object(),
    ]
    names = [c.name for c in POINTWISE + ROWWISE] + ["nope", ""]
    rng = np.random.default_rng(0)
    for _ in range(3000):
        args = [
            rng.choice(names),
            junk[rng.integers(len(junk))],
            junk[rng.integers(len(junk))],
            junk[rng.integers(len(junk))],
            junk[rng.integers(len(junk))],
            junk[rng.integers(len(junk))],
            rng.choice(["mean", "sum", "none", "bogus"]),
            [("delta", float(rng.choice([-1.0, 0.5, np.nan])))] if rng.random() < 0.3 else [],
            bool(rng.integers(2)),
            bool(rng.integers(2)),
            junk[rng.integers(len(junk))],
        ]
        try:
            core.loss(*args)
        except BaseException as exc:
            assert isinstance(exc, Exception), f"{type(exc).__name__} escaped for {args!r}"
            assert type(exc).__name__ != "PanicException", f"panic for {args!r}: {exc}"


CHUNK = ds._core.chunk_size()
# Long enough for the domain pass to run its chunks on two threads.
PARALLEL = 2**19 + 10


@pytest.mark.parametrize(
    ("size", "bad"),
    [
        (1000, [3]),
        (1000, [300, 301, 900]),
        (1000, [511, 512]),
        (1000, [999]),
        (PARALLEL, [CHUNK - 1, CHUNK]),
        (PARALLEL, [5 * CHUNK + 3, 3 * CHUNK + 1, 20 * CHUNK]),
        (PARALLEL, [PARALLEL - 1]),
    ],
)
def test_a_domain_error_names_the_first_element_outside_it(size: int, bad: list[int]) -> None:
    x = np.full(size, 0.5, np.float32)
    x[bad] = -1.0
    first = min(bad)
    x[first] = 1.5  # told apart from the later ones by its value as well as its index
    g = np.full_like(x, 7.0)
    with (
        ds.threads(2),
        pytest.raises(ValueError, match=rf"found input 1\.5, .* at flat index {first}$"),
    ):
        ds.binary_cross_entropy.value_and_grad(x, np.zeros_like(x), out=g)
    assert (g == 7.0).all()
