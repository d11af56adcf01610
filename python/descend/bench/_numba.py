"""The numba peer: hand-fused ``@njit(parallel=True, fastmath=True)`` loops.

The strongest "write it yourself" peer: one pass over memory per call, the gradient into a
buffer allocated once, ``prange`` over elements (rows for cross_entropy) on numba's pool set to
the same thread count. Each pointwise loss is one scalar function (value, derivative) that a
generic loop inlines; cross_entropy, SGD with momentum, Adam, AdamW and Adagrad have their own
loops. Scalars are Python floats, so float32 data is computed in float64 and stored back, as a
user's loop does. Importing this module fails without numba: the peer is then listed as missing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np

from descend.bench._kernels import Problem
from descend.bench._measure import Impl

NAME = "numba"
F = TypeVar("F", bound=Callable[..., Any])
Array = np.ndarray[Any, Any]
jit = cast(Callable[[F], F], numba.njit(fastmath=True))
pjit = cast(Callable[[F], F], numba.njit(parallel=True, fastmath=True))


def version() -> str:
    """Return numba's version."""
    return str(numba.__version__)


def set_threads(n: int) -> None:
    """Run ``prange`` loops on ``n`` threads (at most numba's pool size)."""
    numba.set_num_threads(min(n, vars(numba.config)["NUMBA_NUM_THREADS"]))


@jit
def _sign(d: float) -> float:
    return 1.0 if d > 0 else (-1.0 if d < 0 else 0.0)


@jit
def _mse(x: float, y: float) -> tuple[float, float]:
    d = x - y
    return d * d, 2.0 * d


@jit
def _l1(x: float, y: float) -> tuple[float, float]:
    return abs(x - y), _sign(x - y)


@jit
def _huber(x: float, y: float) -> tuple[float, float]:
    d = x - y
    c = min(max(d, -1.0), 1.0)  # the slope; c·d − c²/2 is the loss on both branches
    return c * d - 0.5 * c * c, c


@jit
def _log_cosh(x: float, y: float) -> tuple[float, float]:
    d = x - y
    a = abs(d)
    return a + math.log1p(math.exp(-2.0 * a)) - math.log(2.0), math.tanh(d)


@jit
def _quantile(x: float, y: float) -> tuple[float, float]:
    r = y - x
    return max(0.5 * r, -0.5 * r), 0.5 * _sign(x - y)


@jit
def _poisson(x: float, y: float) -> tuple[float, float]:
    e = math.exp(x)
    return e - y * x, e - y


@jit
def _bce(x: float, y: float) -> tuple[float, float]:
    value = -(y * max(math.log(x), -100.0) + (1.0 - y) * max(math.log1p(-x), -100.0))
    return value, (x - y) / max(x * (1.0 - x), 1e-12)


@jit
def _bce_logits(x: float, y: float) -> tuple[float, float]:
    e = math.exp(-abs(x))
    s = (1.0 if x >= 0 else e) / (1.0 + e)
    return max(x, 0.0) - x * y + math.log1p(e), s - y


@jit
def _kl(x: float, y: float) -> tuple[float, float]:
    return (y * math.log(y) if y > 0 else 0.0) - y * x, -y


@jit
def _soft_margin(x: float, y: float) -> tuple[float, float]:
    z = -y * x
    return max(z, 0.0) + math.log1p(math.exp(-abs(z))), -y / (1.0 + math.exp(-z))


@jit
def _hinge(x: float, y: float) -> tuple[float, float]:
    if y == 1.0:
        return x, 1.0
    return max(0.0, 1.0 - x), (-1.0 if x < 1.0 else 0.0)


def _loops(elem: Any) -> dict[str, Callable[..., Any]]:
    @pjit
    def value(x: Array, y: Array) -> float:
        s = 0.0
        for i in numba.prange(x.size):
            s += elem(x[i], y[i])[0]
        return s / x.size

    @pjit
    def grad(x: Array, y: Array, g: Array) -> None:
        inv = 1.0 / x.size
        for i in numba.prange(x.size):
            g[i] = elem(x[i], y[i])[1] * inv

    @pjit
    def both(x: Array, y: Array, g: Array) -> float:
        s, inv = 0.0, 1.0 / x.size
        for i in numba.prange(x.size):
            v, d = elem(x[i], y[i])
            s += v
            g[i] = d * inv
        return s / x.size

    return {"value": value, "grad": grad, "value_and_grad": both}


_POINTWISE = {
    "mse_loss": _mse,
    "l1_loss": _l1,
    "huber_loss": _huber,
    "smooth_l1_loss": _huber,  # beta = 1 is huber with delta = 1
    "log_cosh_loss": _log_cosh,
    "quantile_loss": _quantile,
    "poisson_nll_loss": _poisson,
    "binary_cross_entropy": _bce,
    "binary_cross_entropy_with_logits": _bce_logits,
    "kl_div": _kl,
    "soft_margin_loss": _soft_margin,
    "hinge_embedding_loss": _hinge,
}
_compiled: dict[str, dict[str, Callable[..., Any]]] = {}


@pjit
def _gaussian(x: Array, y: Array, var: Array, gx: Array, gv: Array, want_grad: bool) -> float:
    s, inv = 0.0, 1.0 / x.size
    for i in numba.prange(x.size):
        v = max(var[i], 1e-6)
        d = x[i] - y[i]
        s += 0.5 * (math.log(v) + d * d / v)
        if want_grad:
            gx[i] = d / v * inv
            gv[i] = (0.5 * (1.0 / v - d * d / (v * v)) if var[i] >= 1e-6 else 0.0) * inv
    return s * inv


@pjit
def _cross_entropy(x: Array, labels: Array, g: Array, want_grad: bool) -> float:
    rows, classes = x.shape
    total, inv = 0.0, 1.0 / rows
    for r in numba.prange(rows):
        m = x[r, 0]
        for c in range(1, classes):
            m = max(m, x[r, c])
        s = 0.0
        for c in range(classes):
            e = math.exp(x[r, c] - m)
            s += e
            if want_grad:
                g[r, c] = e
        total += m + math.log(s) - x[r, labels[r]]
        if want_grad:
            scale = inv / s
            for c in range(classes):
                g[r, c] *= scale
            g[r, labels[r]] -= inv
    return float(total * inv)


def impls(p: Problem) -> dict[str, Impl]:
    """Return numba's implementation of ``p``, where one is written."""
    k = p.kernel
    if k.family == "optim":
        step = _STEPS.get(k.function)
        return {} if step is None else {NAME: step(p)}
    if k.family in ("clip", "activation"):
        return {}
    a = p.inputs
    g = np.empty_like(a[0])
    want = k.op != "value"
    if k.function == "gaussian_nll_loss":
        gv = np.empty_like(a[0])
        x, y, var = a
        return {NAME: _outputs(k.op, lambda: _gaussian(x, y, var, g, gv, want), [g, gv])}
    if k.function == "cross_entropy":
        logits, labels = a
        return {NAME: _outputs(k.op, lambda: _cross_entropy(logits, labels, g, want), [g])}
    elem = _POINTWISE.get(k.function)
    if elem is None:
        return {}
    loops = _compiled.setdefault(k.function, _loops(elem))
    f = loops[k.op]
    call = (lambda: f(*a)) if k.op == "value" else (lambda: f(*a, g))
    return {NAME: _outputs(k.op, call, [g])}


def _outputs(op: str, call: Callable[[], Any], grads: list[Any]) -> Impl:
    if op == "value":
        return Impl(lambda: float(call()))
    if op == "grad":
        return Impl(call, result=lambda _: (None, grads))
    return Impl(call, result=lambda v: (float(v), grads))


@pjit
def _sgd(p: Array, g: Array, b: Array, lr: float, first: bool) -> None:
    for i in numba.prange(p.size):
        b[i] = g[i] if first else 0.9 * b[i] + g[i]
        p[i] -= lr * b[i]


@pjit
def _adam(p: Array, g: Array, m: Array, v: Array, t: int, decay: float) -> None:
    lr, b1, b2, eps = 1e-3, 0.9, 0.999, 1e-8
    step = lr / (1.0 - b1**t)
    root = 1.0 / math.sqrt(1.0 - b2**t)
    for i in numba.prange(p.size):
        gi = g[i]
        m[i] = b1 * m[i] + (1.0 - b1) * gi
        v[i] = b2 * v[i] + (1.0 - b2) * gi * gi
        p[i] = p[i] * decay - step * m[i] / (math.sqrt(v[i]) * root + eps)


@pjit
def _adagrad(p: Array, g: Array, s: Array) -> None:
    for i in numba.prange(p.size):
        s[i] += g[i] * g[i]
        p[i] -= 1e-2 * g[i] / (math.sqrt(s[i]) + 1e-10)


def _rule(p: Problem, update: Callable[[Any, Any, list[Any], int], None]) -> Impl:
    params = [q.copy() for q in p.params]
    state = [[np.zeros_like(q), np.zeros_like(q)] for q in params]
    t = [0]

    def call() -> None:
        t[0] += 1
        for q, g, s in zip(params, p.grads, state, strict=True):
            update(q, g, s, t[0])

    return Impl(call, result=lambda _: (None, params))


_STEPS: dict[str, Callable[[Problem], Impl]] = {
    "SGD": lambda p: _rule(p, lambda q, g, s, t: _sgd(q, g, s[0], 1e-3, t == 1)),
    "Adam": lambda p: _rule(p, lambda q, g, s, t: _adam(q, g, s[0], s[1], t, 1.0)),
    "AdamW": lambda p: _rule(p, lambda q, g, s, t: _adam(q, g, s[0], s[1], t, 1.0 - 1e-3 * 1e-2)),
    "Adagrad": lambda p: _rule(p, lambda q, g, s, t: _adagrad(q, g, s[0])),
}
