"""THE table: every kernel with its reference, options, input domains and tolerances.

Tests are generated from these rows; adding a loss adds one row here. Tolerances are relative
to the float64 reference, per dtype, and justified per row:

- float64 results are compared at a few units of f64 rounding (the kernels and numpy evaluate
  the same formulas; sums differ only in order, ≤ ~1e-15 relative for these sizes).
- float32 results are compared with the f64 reference computed from the same f32 inputs: each
  elementwise result is one or two f32 roundings (≤ 2.4e-7 relative), so 1e-6 leaves room.
- ``scale`` gives the size of terms that cancel inside a formula (Poisson's eˣ − y): there an
  f32 result carries error ~eps32 × scale even when the difference is tiny, so the tolerance is
  ``rtol × (|reference| + scale)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
Draw = Callable[[np.random.Generator, tuple[int, ...]], Array]


def normal(rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
    return rng.standard_normal(shape) * 3.0


def log_rate(rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
    return rng.uniform(-3.0, 3.0, shape)


def rate(rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
    return rng.uniform(0.01, 10.0, shape)


def counts(rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
    return rng.poisson(2.0, shape).astype(np.float64)


def probability(rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
    return rng.uniform(0.0, 1.0, shape)


def inner_probability(rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
    # Away from 0 and 1, so central differences stay inside the domain.
    return rng.uniform(0.05, 0.95, shape)


def sparse_probability(rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
    # Exact zeros exercise kl_div's 0·log 0 = 0.
    return np.where(rng.random(shape) < 0.2, 0.0, rng.uniform(0.0, 1.0, shape))


def log_probability(rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
    return np.log(rng.uniform(0.01, 1.0, shape))


def signs(rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
    return rng.choice([-1.0, 1.0], shape)


def positive_weight(rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
    return rng.uniform(0.5, 2.0, shape)


def no_scale(x: Array, y: Array, params: dict[str, Any]) -> Array | float:
    return 0.0


def poisson_scale(x: Array, y: Array, params: dict[str, Any]) -> Array | float:
    if params.get("log_input", True):
        return np.exp(x) + np.abs(y * x)
    return np.abs(x) + np.abs(y * np.log(x + params.get("eps", 1e-8))) + np.abs(y) * 10.0


def logits_scale(x: Array, y: Array, params: dict[str, Any]) -> Array | float:
    # (1 − y)·x and (1 + (p − 1)·y)·log σ(x) are each ~|x|·(1 + p) and cancel; so do the
    # gradient's (p·y + 1 − y)·σ(x) and p·y, each ~1 + p.
    p = np.abs(params.get("pos_weight", 1.0))
    return (np.abs(x) + 1.0) * (1.0 + np.abs(y)) * (1.0 + p)


def msle_scale(x: Array, y: Array, params: dict[str, Any]) -> Array | float:
    # m(x) − m(y) cancels: an error of eps·(|m(x)| + |m(y)|) in it moves the value by 2|d| times
    # that and the gradient by 2/(1 + x) times that.
    mx, my = (np.log1p(np.maximum(v, 1e-7)) for v in (x, y))
    with np.errstate(invalid="ignore", divide="ignore"):
        reach = np.maximum(np.abs(mx - my), np.where(x > 1e-7, 1.0 / (1.0 + x), 0.0))
    return 2.0 * (np.abs(mx) + np.abs(my)) * np.nan_to_num(reach)


def kl_scale(x: Array, y: Array, params: dict[str, Any]) -> Array | float:
    # t·log t − t·x cancels (exp(t)·(t − x) in log space). Infinite x makes the value
    # infinite or NaN, compared exactly; it takes no part in the scale.
    x = np.where(np.isfinite(x), x, 0.0)
    if params.get("log_target", False):
        return np.exp(y) * (np.abs(y) + np.abs(x))
    with np.errstate(all="ignore"):
        return np.abs(np.where(y == 0.0, 0.0, y * np.log(np.abs(y)))) + np.abs(y * x)


@dataclass(frozen=True)
class PointwiseCase:
    """One pointwise loss under test."""

    name: str
    # Option sets tried besides the defaults ({} is always included).
    params: tuple[dict[str, Any], ...] = ()
    # Option sets that must raise ValueError.
    bad_params: tuple[dict[str, Any], ...] = ()
    input: Draw = normal
    target: Draw = normal
    # Whether the input may take any float (edge-value tests); rate-space inputs may not.
    any_input: bool = True
    rtol32: float = 1e-6
    rtol64: float = 1e-13
    scale: Callable[[Array, Array, dict[str, Any]], Array | float] = no_scale
    # torch.nn.functional name, when torch has the loss (fixtures are checked for it).
    torch: str | None = None
    # Step for finite differences (f64): well inside each kink-free region of the draws.
    fd_eps: float = 1e-6
    # Inputs for finite differences, when the loss's domain is narrower than its draws'.
    fd_input: Draw | None = None
    # Whether the loss takes ``weight`` (torch's signature decides).
    weighted: bool = True
    # The loss's third array: its keyword and how to draw it.
    aux: tuple[str, Draw] | None = None
    # Reductions besides "mean", "sum" and "none".
    extra_reductions: tuple[str, ...] = ()
    # Special values for the edge-value grid, when the domain is not every float.
    edges: tuple[float, ...] | None = None
    # (input, target) pairs outside the domain: they must raise ValueError, writing nothing.
    outside: tuple[tuple[float, float], ...] = ()
    notes: str = field(default="", compare=False)


POINTWISE: tuple[PointwiseCase, ...] = (
    PointwiseCase("mse_loss", torch="mse_loss"),
    PointwiseCase("l1_loss", torch="l1_loss"),
    PointwiseCase(
        "huber_loss",
        params=({"delta": 0.5}, {"delta": 2.0}, {"delta": 1e-3}),
        bad_params=({"delta": 0.0}, {"delta": -1.0}, {"delta": float("nan")}),
        torch="huber_loss",
    ),
    PointwiseCase(
        "smooth_l1_loss",
        params=({"beta": 0.5}, {"beta": 0.0}, {"beta": 3.0}),
        bad_params=({"beta": -0.5}, {"beta": float("inf")}),
        torch="smooth_l1_loss",
    ),
    # Two roundings through exp_m1/log1p (each ≤ 1 f32 ULP after rounding from f64) plus the
    # final arithmetic: 2e-6 for f32. f64: exp_m1 ≤ 4 ULP and log1p ≤ 2 ULP compound to ~1e-15.
    PointwiseCase("log_cosh_loss", rtol32=2e-6, rtol64=1e-14),
    # Two log1p (≤ 1 ULP each) whose difference cancels: relative to the logs' size (msle_scale).
    PointwiseCase("msle_loss", rtol32=2e-6, rtol64=1e-14, scale=msle_scale),
    PointwiseCase(
        "quantile_loss",
        params=({"q": 0.1}, {"q": 0.9}),
        bad_params=({"q": 0.0}, {"q": 1.0}, {"q": -0.5}, {"q": 1.5}),
    ),
    # exp/log to ≤ 2 f64 ULP, then eˣ − y·x cancels: relative to the terms' scale.
    PointwiseCase(
        "poisson_nll_loss",
        params=(
            {"full": True},
            {"log_input": False},
            {"log_input": False, "full": True, "eps": 1e-2},
        ),
        bad_params=({"eps": 0.0}, {"eps": -1e-8}),
        input=log_rate,
        target=counts,
        any_input=False,
        rtol32=2e-6,
        rtol64=1e-13,
        scale=poisson_scale,
        torch="poisson_nll_loss",
    ),
    # log and log1p to ≤ 1.5 f32 ULP each, then a weighted sum: 2e-6.
    PointwiseCase(
        "binary_cross_entropy",
        input=probability,
        target=probability,
        any_input=False,
        fd_input=inner_probability,
        rtol32=2e-6,
        edges=(0.0, 1.0, 0.5, 1e-30, 1e-7, 0.9999999, 0.25),
        outside=((1.5, 0.5), (-0.0001, 0.5), (float("nan"), 0.5), (0.5, 1.01), (0.5, -1.0)),
        torch="binary_cross_entropy",
    ),
    # exp, log1p: ≤ 1.5 f32 ULP, relative to the cancelling terms' size (logits_scale).
    PointwiseCase(
        "binary_cross_entropy_with_logits",
        target=probability,
        aux=("pos_weight", positive_weight),
        rtol32=2e-6,
        scale=logits_scale,
        torch="binary_cross_entropy_with_logits",
    ),
    PointwiseCase(
        "kl_div",
        params=({"log_target": True},),
        input=log_probability,
        target=sparse_probability,
        weighted=False,
        extra_reductions=("batchmean",),
        rtol32=2e-6,
        scale=kl_scale,
        torch="kl_div",
    ),
    # softplus: exp and log1p, ≤ 2 f32 ULP.
    PointwiseCase(
        "soft_margin_loss",
        target=signs,
        weighted=False,
        rtol32=2e-6,
        torch="soft_margin_loss",
    ),
    PointwiseCase(
        "hinge_embedding_loss",
        params=({"margin": 0.5}, {"margin": -1.0}),
        target=signs,
        weighted=False,
        torch="hinge_embedding_loss",
    ),
)


@dataclass(frozen=True)
class RowwiseCase:
    """One row-wise loss under test: scores (N, C, d…) against class labels or distributions.

    f32 tolerances are relative to each row's scale, not to the result: a row's loss is
    lse − x_y, which cancels, so its f32 error is ~eps32 × (|x|max + log C) however small the
    loss; a gradient entry's error is ~eps32 × the row's coefficient (w_y · upstream / den).
    """

    name: str
    params: tuple[dict[str, Any], ...] = ()
    bad_params: tuple[dict[str, Any], ...] = ()
    # Targets taken: "labels" (integers), "dense" (floats of the input's shape) or "both".
    targets: str = "labels"
    # Whether inputs (N, C, d1, …) are taken besides (C,) and (N, C); whether labels can be
    # ignored (ignore_index).
    kdim: bool = True
    ignores: bool = True
    # "mean" of labelled rows: over Σ w_y of the kept rows ("weights") or over the rows.
    label_mean: str = "weights"
    # Scores: logits, or log-probabilities for nll_loss.
    input: Draw = normal
    rtol32: float = 1e-6
    rtol64: float = 1e-13
    torch: str | None = None
    notes: str = field(default="", compare=False)


def log_probabilities(rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
    x = rng.standard_normal(shape) * 2.0
    axis = 1 if len(shape) > 1 else 0
    return x - np.log(np.sum(np.exp(x), axis=axis, keepdims=True))


ROWWISE: tuple[RowwiseCase, ...] = (
    # f32: exp to ≤ 2 f32 ULP per element, sums in f64, lse in f64: 4e-6 of the row scale.
    RowwiseCase(
        "cross_entropy",
        params=(
            {"label_smoothing": 0.1},
            {"ignore_index": 1},
            {"label_smoothing": 1.0, "ignore_index": 0},
        ),
        bad_params=(
            {"label_smoothing": -0.1},
            {"label_smoothing": 1.5},
            {"ignore_index": 0.5},
        ),
        targets="both",
        rtol32=4e-6,
        rtol64=1e-12,
        torch="cross_entropy",
    ),
    # Reads one element per row and scales it: one f32 rounding.
    RowwiseCase(
        "nll_loss",
        params=({"ignore_index": 2},),
        bad_params=({"ignore_index": 1.5},),
        input=log_probabilities,
        torch="nll_loss",
    ),
    # margin − x_y + x_c rounds twice, then sums: 1e-6 of the row scale.
    RowwiseCase(
        "multi_margin_loss",
        params=({"p": 2}, {"margin": 0.5}, {"p": 2, "margin": 3.0}),
        bad_params=({"p": 3}, {"p": 0}, {"margin": float("nan")}),
        kdim=False,
        ignores=False,
        label_mean="rows",
        torch="multi_margin_loss",
    ),
    # log σ via exp and log1p: ≤ 2 f32 ULP per term; 2e-6 of the row scale.
    RowwiseCase(
        "multilabel_soft_margin_loss",
        targets="dense",
        kdim=False,
        ignores=False,
        rtol32=2e-6,
        torch="multilabel_soft_margin_loss",
    ),
)


@dataclass(frozen=True)
class TernaryCase:
    """A pointwise loss of (input, target, a third array it also differentiates)."""

    name: str
    params: tuple[dict[str, Any], ...] = ()
    bad_params: tuple[dict[str, Any], ...] = ()
    rtol32: float = 1e-6
    rtol64: float = 1e-13
    torch: str | None = None


TERNARY: tuple[TernaryCase, ...] = (
    # log, a square and two divisions: ≤ 2 f32 roundings past the log's 1 ULP: 2e-6, relative
    # to the terms' size (½·|log v| and ½·d²/v cancel).
    TernaryCase(
        "gaussian_nll_loss",
        params=({"full": True}, {"eps": 1e-2}, {"full": True, "eps": 0.5}),
        bad_params=({"eps": 0.0}, {"eps": -1.0}),
        rtol32=2e-6,
        torch="gaussian_nll_loss",
    ),
)

REDUCTIONS = ("mean", "sum", "none")
DTYPES = (np.float32, np.float64)


def draw_inputs(
    case: PointwiseCase, params: dict[str, Any], rng: np.random.Generator, shape: tuple[int, ...]
) -> tuple[Array, Array]:
    """Inputs in the loss's domain: Poisson with ``log_input=False`` needs positive rates."""
    x = rate(rng, shape) if params.get("log_input", True) is False else case.input(rng, shape)
    return x, case.target(rng, shape)


def option_sets(case: PointwiseCase) -> list[dict[str, Any]]:
    return [{}, *case.params]


def draw_aux(
    case: PointwiseCase, rng: np.random.Generator, shape: tuple[int, ...]
) -> dict[str, Array]:
    """The loss's third array, as a keyword argument (empty when it has none)."""
    if case.aux is None:
        return {}
    name, draw = case.aux
    return {name: draw(rng, shape)}


# Activations. Tolerances are rtol × (|reference| + scale) + ORACLE_EPS × oracle, where
# ``scale`` is the size of terms that cancel in descend's formula (or of a condition number
# times the result: an f32 rounding of an argument grows by it), and ``oracle`` the size of
# terms that cancel in the numpy reference's own formula (its error is a few f64 roundings of
# them, whatever the dtype under test). Both default to nothing.

ActivationScale = Callable[[Array, Array, dict[str, Any]], tuple[Any, Any]]


def no_activation_scale(x: Array, u: Array, params: dict[str, Any]) -> tuple[Any, Any]:
    return 0.0, 0.0


def _sigmoid(z: Array) -> Array:
    e = np.exp(-np.abs(z))
    return np.where(z >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def one_minus_sigmoid_oracle(x: Array, u: Array, params: dict[str, Any]) -> tuple[Any, Any]:
    """The reference's σ·(1 − σ) (and 1 − tanh²) lose ~eps64 absolutely as σ → 1."""
    return 0.0, np.abs(u)


def gelu_scale(x: Array, u: Array, params: dict[str, Any]) -> tuple[Any, Any]:
    """f32 rounds −x/√2 and −x²/2 (or 2u); erfc and exp turn that into x²·eps (or |2u|·eps)."""
    if params.get("approximate", "none") == "tanh":
        two_u = 2.0 * np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)
        cond = 4.0 * (1.0 + np.abs(two_u))
        s = _sigmoid(two_u)
        slope = 2.0 * np.sqrt(2.0 / np.pi) * (1.0 + 3.0 * 0.044715 * x * x)
        curve = np.where(np.abs(x) < 50.0, np.abs(x * slope) * s * _sigmoid(-two_u), 0.0)
        return np.abs(x * s) * cond, np.abs(u) * (s + curve) * cond
    phi = 0.5 * np.vectorize(math.erfc, otypes=[np.float64])(-x / math.sqrt(2.0))
    pdf = np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
    cond = 1.0 + x * x
    return np.abs(x) * phi * cond, np.abs(u) * (phi + np.abs(x) * pdf) * cond


def gelu_oracle(x: Array, u: Array, params: dict[str, Any]) -> tuple[Any, Any]:
    """The tanh form's reference uses σ·(1 − σ) times x·2u'."""
    if params.get("approximate", "none") != "tanh":
        return 0.0, 0.0
    slope = 2.0 * np.sqrt(2.0 / np.pi) * (1.0 + 3.0 * 0.044715 * x * x)
    return 0.0, np.where(np.abs(x) < 50.0, np.abs(u * x * slope), 0.0)


def silu_scale(x: Array, u: Array, params: dict[str, Any]) -> tuple[Any, Any]:
    """σ(x)·(1 + x·σ(−x)) crosses 0 near x = −1.28."""
    s = _sigmoid(x)
    return 0.0, np.abs(u) * s * (1.0 + np.abs(x) * _sigmoid(-x))


def silu_oracle(x: Array, u: Array, params: dict[str, Any]) -> tuple[Any, Any]:
    return 0.0, np.abs(u * x) * _sigmoid(x)


def _rows(x: Array, u: Array, dim: int) -> tuple[Array, Array, Array, Array]:
    """(p, w, Σ |u|·w, Σ u) along dim, broadcastable against x, where w = p·(1 + |x − max|)
    is the error weight of p in f32 (0 where p is: −inf against a finite max)."""
    with np.errstate(all="ignore"):
        m = np.max(x, axis=dim, keepdims=True, initial=-np.inf)
        shifted = np.abs(x - m)
        e = np.exp(-shifted)
        p = e / np.sum(e, axis=dim, keepdims=True)
        w = np.where(p > 0.0, p * (1.0 + shifted), 0.0)
        dot = np.sum(np.abs(u) * w, axis=dim, keepdims=True)
        total = np.sum(u, axis=dim, keepdims=True)
    return p, w, dot, total


def softmax_scale(x: Array, u: Array, params: dict[str, Any]) -> tuple[Any, Any]:
    """f32 rounds x − max: e^(x − max) gains |x − max|·eps; u − Σu·p cancels, and Σu·p
    carries the errors of every p in the row."""
    _, w, dot, _ = _rows(np.atleast_1d(x), np.atleast_1d(u), params.get("dim", -1))
    grad = w * (np.abs(np.atleast_1d(u)) + dot)
    return w.reshape(x.shape), grad.reshape(x.shape)


def log_softmax_scale(x: Array, u: Array, params: dict[str, Any]) -> tuple[Any, Any]:
    """u − p·Σu cancels; p carries |x − max|·eps from the f32 shift."""
    _, w, _, total = _rows(np.atleast_1d(x), np.atleast_1d(u), params.get("dim", -1))
    grad = np.abs(np.atleast_1d(u)) + w * np.abs(total)
    return 0.0, grad.reshape(x.shape)


def log_softmax_oracle(x: Array, u: Array, params: dict[str, Any]) -> tuple[Any, Any]:
    """log Σ e^(x − max) is ~eps64 absolutely, however small (a row dominated by its max has
    Σ ≈ 1 and log Σ ≈ 0): both sides round it so, in different summation orders."""
    with np.errstate(all="ignore"):
        m = np.max(np.atleast_1d(x), axis=params.get("dim", -1), keepdims=True, initial=-np.inf)
        shift = np.abs(np.atleast_1d(x) - m)
    return (1.0 + shift).reshape(x.shape), 0.0


@dataclass(frozen=True)
class ActivationCase:
    """One activation under test."""

    name: str
    # Option sets tried besides the defaults ({} is always included).
    params: tuple[dict[str, Any], ...] = ()
    # Option sets that must raise ValueError.
    bad_params: tuple[dict[str, Any], ...] = ()
    # Along a dimension (softmax, log_softmax): .grad needs upstream; dim is drawn.
    dim: bool = False
    rtol32: float = 1e-6
    rtol64: float = 1e-13
    scale: ActivationScale = no_activation_scale
    oracle: ActivationScale = no_activation_scale
    notes: str = field(default="", compare=False)


ORACLE_EPS = 4.0 * np.finfo(np.float64).eps

ACTIVATIONS: tuple[ActivationCase, ...] = (
    # exp ≤ 1–2 ULP, an f64 sum, one product: 1e-6 (f32) with the shift's |x − max|·eps.
    ActivationCase("softmax", dim=True, scale=softmax_scale),
    ActivationCase("log_softmax", dim=True, scale=log_softmax_scale, oracle=log_softmax_oracle),
    # exp, one division, one product: ≤ ~4 f32 ULP.
    ActivationCase("sigmoid", oracle=one_minus_sigmoid_oracle),
    # Float::log_sigmoid ≤ 2 f32 ULP.
    ActivationCase("log_sigmoid"),
    # softplus ≤ 2 f32 ULP, then / β; β powers of two so β·x is exact in both dtypes.
    ActivationCase(
        "softplus",
        params=({"beta": 2.0}, {"beta": 0.5, "threshold": 5.0}, {"threshold": 1.0}),
        bad_params=({"beta": 0.0}, {"beta": -1.0}, {"threshold": float("nan")}),
    ),
    # Exact selects: f64 is bitwise the reference.
    ActivationCase("relu", rtol64=0.0, rtol32=0.0),
    # One product, and the f32 rounding of the slope (≤ 6e-8).
    ActivationCase(
        "leaky_relu",
        params=({"negative_slope": 0.2}, {"negative_slope": -0.5}, {"negative_slope": 0.0}),
        bad_params=({"negative_slope": float("inf")},),
        rtol64=1e-15,
    ),
    # expm1 ≤ 1.6 and exp ≤ 1 f32 ULP, times α.
    ActivationCase(
        "elu",
        params=({"alpha": 0.5}, {"alpha": 2.0}),
        bad_params=({"alpha": float("nan")},),
    ),
    # tanh ≤ 2.4 f32 ULP; the derivative 4e/(1 + e)² ≤ ~4 ULP. The reference's 1 − tanh²
    # cancels (oracle).
    ActivationCase("tanh", oracle=one_minus_sigmoid_oracle),
    # erfc ≤ 4 f64 ULP; f32 argument roundings conditioned by x² (scale). 2e-6: erfc_f32 and
    # exp compound to ~4 f32 ULP.
    ActivationCase(
        "gelu",
        params=({"approximate": "tanh"},),
        bad_params=({"approximate": "erf"},),
        rtol32=2e-6,
        scale=gelu_scale,
        oracle=gelu_oracle,
    ),
    # σ pair ≤ 3 f32 ULP, a product; the derivative crosses 0 (scale).
    ActivationCase("silu", scale=silu_scale, oracle=silu_oracle),
)


def lamb_lr(steps_taken: int) -> float:
    """LAMB's convergence schedule: its steps are proportional to ‖p‖, so with a constant lr it
    crawls where Rosenbrock's valley passes the origin, or (lr large enough to get through)
    jitters at the minimum by ~lr·‖p‖; annealing does both."""
    return 0.05 * 0.999**steps_taken


@dataclass(frozen=True)
class OptimizerCase:
    """An optimizer (its ``descend`` class name) with one set of constructor options.

    ``converge`` gives the options for the convergence problems (a learning rate that suits the
    rule) and ``steps`` how many steps they get. ``rtol32`` bounds the float32 trajectory's
    error against the float64 reference per step taken (see ``test_optim``).
    """

    name: str
    options: dict[str, Any] = field(default_factory=dict)
    converge: dict[str, Any] = field(default_factory=dict)
    steps: int = 3000
    rtol32: float = 1e-6

    @property
    def id(self) -> str:
        opts = ",".join(f"{k}={v}" for k, v in self.options.items())
        return f"{self.name}({opts})"


OPTIMIZERS: tuple[OptimizerCase, ...] = (
    OptimizerCase("SGD", {"lr": 0.05}, {"lr": 1e-3}, steps=20000),
    OptimizerCase("SGD", {"lr": 0.05, "momentum": 0.9}, {"lr": 2e-3, "momentum": 0.9}),
    OptimizerCase(
        "SGD",
        {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01},
        {"lr": 2e-3, "momentum": 0.9, "dampening": 0.3},
    ),
    OptimizerCase(
        "SGD",
        {"lr": 0.05, "momentum": 0.8, "nesterov": True, "maximize": True},
        {"lr": 1e-3, "momentum": 0.9, "nesterov": True, "maximize": True},
    ),
    OptimizerCase("Adam", {"lr": 0.01}, {"lr": 0.02}),
    OptimizerCase("Adam", {"lr": 0.01, "amsgrad": True}, {"lr": 0.02, "amsgrad": True}),
    OptimizerCase(
        "Adam",
        {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1},
        {"lr": 0.02, "betas": (0.8, 0.99)},
    ),
    OptimizerCase(
        "Adam",
        {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True},
        {"lr": 0.02, "maximize": True},
    ),
    OptimizerCase("AdamW", {"lr": 0.01}, {"lr": 0.02, "weight_decay": 0.0}),
    OptimizerCase(
        "AdamW",
        {"lr": 0.01, "amsgrad": True, "betas": (0.3, 0.5)},
        {"lr": 0.02, "amsgrad": True, "weight_decay": 0.0},
    ),
    OptimizerCase("Adamax", {"lr": 0.01}, {"lr": 0.05}),
    OptimizerCase(
        "Adamax",
        {"lr": 0.01, "betas": (0.3, 0.5), "eps": 1e-6, "weight_decay": 0.1, "maximize": True},
        {"lr": 0.05, "maximize": True},
    ),
    OptimizerCase("NAdam", {"lr": 0.01}, {"lr": 0.02}),
    OptimizerCase(
        "NAdam",
        {
            "lr": 0.01,
            "betas": (0.8, 0.99),
            "eps": 1e-6,
            "weight_decay": 0.1,
            "momentum_decay": 0.05,
        },
        {"lr": 0.02, "momentum_decay": 0.05},
    ),
    OptimizerCase(
        "NAdam",
        {
            "lr": 0.01,
            "betas": (0.3, 0.5),
            "weight_decay": 0.1,
            "decoupled_weight_decay": True,
            "maximize": True,
        },
        {"lr": 0.02, "maximize": True},
    ),
    # Rosenbrock: the first steps (ρₜ ≤ 5) are plain momentum steps of lr·m̂ against gradients
    # in the hundreds, so lr stays small; β₂ = 0.99 lets the adaptive phase take over sooner.
    OptimizerCase("RAdam", {"lr": 0.01}, {"lr": 0.005, "betas": (0.9, 0.99)}, steps=5000),
    OptimizerCase(
        "RAdam",
        {"lr": 0.01, "betas": (0.5, 0.9), "eps": 1e-6, "weight_decay": 0.1},
        {"lr": 0.005, "betas": (0.9, 0.99)},
        steps=5000,
    ),
    OptimizerCase(  # ρ∞ = 3: never rectified
        "RAdam",
        {
            "lr": 0.01,
            "betas": (0.3, 0.5),
            "weight_decay": 0.1,
            "decoupled_weight_decay": True,
            "maximize": True,
        },
        {"lr": 0.005, "betas": (0.9, 0.99), "maximize": True},
        steps=5000,
    ),
    OptimizerCase("Adagrad", {"lr": 0.05}, {"lr": 1.5}, steps=5000),
    OptimizerCase(
        "Adagrad",
        {
            "lr": 0.05,
            "lr_decay": 0.01,
            "weight_decay": 0.1,
            "initial_accumulator_value": 0.5,
            "eps": 1e-6,
            "maximize": True,
        },
        {"lr": 1.5, "initial_accumulator_value": 0.5, "maximize": True},
        steps=5000,
    ),
    # float32: sign(c) is discontinuous, so a c within rounding of 0 would flip an element's
    # step by 2·lr, beyond any per-step bound. m depends on the gradients alone; over this
    # stream (and seeds 4-12) float32 and float64 c never differ in sign (the smallest |c| is
    # 3e-7 of |β₁m| + |(1 − β₁)g|), so the default rtol32 holds.
    OptimizerCase("Lion", {"lr": 0.01}, {"lr": 1e-3}, steps=5000),
    OptimizerCase(
        "Lion",
        {"lr": 0.01, "betas": (0.5, 0.9), "weight_decay": 0.5, "maximize": True},
        {"lr": 1e-3, "maximize": True},
        steps=5000,
    ),
    OptimizerCase("RMSprop", {"lr": 0.01}, {"lr": 1e-3}, steps=6000),
    OptimizerCase(
        "RMSprop",
        {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.1},
        {"lr": 1e-3, "momentum": 0.9},
    ),
    OptimizerCase(
        "RMSprop",
        {"lr": 0.01, "centered": True, "alpha": 0.9, "eps": 1e-6},
        {"lr": 1e-3, "centered": True},
    ),
    # α = 0.3 puts the lerp weight 1 − α above ½: torch's other lerp branch.
    OptimizerCase(
        "RMSprop",
        {"lr": 0.01, "centered": True, "momentum": 0.5, "alpha": 0.3, "maximize": True},
        {"lr": 1e-3, "centered": True, "momentum": 0.5, "maximize": True},
    ),
    # Adadelta with torch's defaults drifts back along Rosenbrock's valley (torch's own run does
    # too); a smaller lr and ε settle it.
    OptimizerCase("Adadelta", {}, {"lr": 0.3, "eps": 1e-8}, steps=10000),
    OptimizerCase(
        "Adadelta",
        {"lr": 0.5, "rho": 0.5, "eps": 1e-4, "weight_decay": 0.1, "maximize": True},
        {"lr": 0.3, "eps": 1e-8, "maximize": True},
        steps=10000,
    ),
    OptimizerCase("Rprop", {"lr": 0.01}, {"lr": 0.01}),
    # Bounds that bind: σ_max = 0.2 is reached within the trajectory, σ_min = 1e-3 too.
    OptimizerCase(
        "Rprop",
        {"lr": 0.05, "etas": (0.3, 2.0), "step_sizes": (1e-3, 0.2), "maximize": True},
        {"lr": 0.01, "maximize": True},
    ),
    OptimizerCase("ASGD", {"lr": 0.01}, {"lr": 1e-3}, steps=20000),
    # t₀ = 5: the average starts moving (μ < 1) within every test's steps, resume included.
    OptimizerCase(
        "ASGD",
        {"lr": 0.05, "lambd": 0.1, "alpha": 0.5, "t0": 5.0, "weight_decay": 0.1, "maximize": True},
        {"lr": 1e-3, "t0": 100.0, "maximize": True},
        steps=20000,
    ),
    OptimizerCase("LAMB", {"lr": 0.01}, {"lr": lamb_lr}, steps=5000),
    OptimizerCase(
        "LAMB",
        {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-4, "weight_decay": 0.1, "maximize": True},
        {"lr": lamb_lr, "maximize": True},
        steps=5000,
    ),
)
