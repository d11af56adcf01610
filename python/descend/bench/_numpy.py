"""The numpy peers: idiomatic numpy ("numpy") and numpy into preallocated buffers ("numpy out=").

"numpy" is what a user writes: whole-array expressions (``_formulas``), value and gradient
as two functions, optimizers with fresh temporaries. "numpy out=" is the best numpy gets: the
same math through in-place ufuncs into buffers allocated once, written for the kernels where a
user would bother (the common losses and optimizers); other rows show "—". Both run on one
thread, except that ``np.dot`` goes through numpy's BLAS, which may use every core.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from descend.bench._formulas import ACTIVATION_VALUES, ACTIVATION_VJPS, GRADS, VALUES
from descend.bench._kernels import Problem, clip_bounds
from descend.bench._measure import Impl

Array = np.ndarray[Any, Any]
Step = Callable[[list[Array], list[Array], list[list[Array]], int], None]


def version() -> str:
    """Return numpy's version."""
    return str(np.__version__)


def set_threads(n: int) -> None:
    """Nothing: numpy's ufuncs run on the calling thread."""


def impls(p: Problem) -> dict[str, Impl]:
    """Both numpy peers for ``p`` (only those that have the kernel)."""
    out: dict[str, Impl] = {}
    idiomatic = _idiomatic(p)
    if idiomatic is not None:
        out["numpy"] = idiomatic
    buffered = _buffered(p)
    if buffered is not None:
        out["numpy out="] = buffered
    return out


def _idiomatic(p: Problem) -> Impl | None:
    k = p.kernel
    if k.family in ("pointwise", "rowwise"):
        value, grad = VALUES[k.function], GRADS[k.function]
        a = p.inputs
        calls = {
            "value": lambda: float(value(np, *a)),
            "grad": lambda: grad(*a),
            "value_and_grad": lambda: (float(value(np, *a)), grad(*a)),
        }
        return Impl(calls[k.op], fresh=k.op != "value")
    if k.family == "activation":
        f, vjp = ACTIVATION_VALUES[k.function], ACTIVATION_VJPS[k.function]
        x, u = p.inputs
        act = {
            "value": lambda: f(x),
            "grad": lambda: vjp(x, u),
            "value_and_grad": lambda: (f(x), vjp(x, u)),
        }
        return Impl(act[k.op], fresh=True)
    if k.family == "clip":
        grads = [g.copy() for g in p.grads]
        bounds = clip_bounds(k.options["max_norm"])

        def clip() -> None:
            total = np.sqrt(sum(np.sum(g * g) for g in grads))
            coef = min(1.0, next(bounds) / (float(total) + 1e-6))
            for g in grads:
                g *= coef

        return Impl(clip, result=lambda _: (None, grads))
    return _optimizer(p, _IDIOMATIC.get(k.function))


def _optimizer(p: Problem, rule: Step | None) -> Impl | None:
    if rule is None:
        return None
    params = [q.copy() for q in p.params]
    state = [[np.zeros_like(q) for _ in range(3)] for q in params]
    step = [0]

    def call() -> None:
        step[0] += 1
        rule(params, p.grads, state, step[0])

    return Impl(call, result=lambda _: (None, params))


# Optimizers as a numpy user writes them: the update equations, temporaries and all.
LR, B1, B2, EPS, WD = 1e-3, 0.9, 0.999, 1e-8, 1e-2


def _sgd(params: list[Array], grads: list[Array], state: list[list[Array]], t: int) -> None:
    for p, g, (b, _, _) in zip(params, grads, state, strict=True):
        b[:] = g if t == 1 else 0.9 * b + g
        p -= LR * b


def _adam(decoupled: bool) -> Step:
    def step(params: list[Array], grads: list[Array], state: list[list[Array]], t: int) -> None:
        for p, g, (m, v, _) in zip(params, grads, state, strict=True):
            if decoupled:
                p *= 1 - LR * WD
            m[:] = B1 * m + (1 - B1) * g
            v[:] = B2 * v + (1 - B2) * g * g
            m_hat = m / (1 - B1**t)
            v_hat = v / (1 - B2**t)
            p -= LR * m_hat / (np.sqrt(v_hat) + EPS)

    return step


def _adagrad(params: list[Array], grads: list[Array], state: list[list[Array]], t: int) -> None:
    for p, g, (s, _, _) in zip(params, grads, state, strict=True):
        s += g * g
        p -= 1e-2 * g / (np.sqrt(s) + 1e-10)


_IDIOMATIC: dict[str, Step] = {
    "SGD": _sgd,
    "Adam": _adam(False),
    "AdamW": _adam(True),
    "Adagrad": _adagrad,
}


# numpy with out=: in-place ufuncs, one scratch buffer per tensor, nothing allocated per call.


def _sgd_out(params: list[Array], grads: list[Array], state: list[list[Array]], t: int) -> None:
    for p, g, (b, s, _) in zip(params, grads, state, strict=True):
        if t == 1:
            np.copyto(b, g)
        else:
            b *= 0.9
            b += g
        np.multiply(b, LR, out=s)
        p -= s


def _adam_out(decoupled: bool) -> Step:
    def step(params: list[Array], grads: list[Array], state: list[list[Array]], t: int) -> None:
        c1, c2 = 1 - B1**t, (1 - B2**t) ** 0.5
        for p, g, (m, v, s) in zip(params, grads, state, strict=True):
            if decoupled:
                p *= 1 - LR * WD
            m *= B1
            np.multiply(g, 1 - B1, out=s)
            m += s
            v *= B2
            np.multiply(g, g, out=s)
            s *= 1 - B2
            v += s
            np.sqrt(v, out=s)
            s /= c2
            s += EPS
            np.divide(m, s, out=s)
            s *= LR / c1
            p -= s

    return step


def _adagrad_out(params: list[Array], grads: list[Array], state: list[list[Array]], t: int) -> None:
    for p, g, (acc, s, _) in zip(params, grads, state, strict=True):
        np.multiply(g, g, out=s)
        acc += s
        np.sqrt(acc, out=s)
        s += 1e-10
        np.divide(g, s, out=s)
        s *= 1e-2
        p -= s


_BUFFERED_STEPS: dict[str, Step] = {
    "SGD": _sgd_out,
    "Adam": _adam_out(False),
    "AdamW": _adam_out(True),
    "Adagrad": _adagrad_out,
}


def _buffered(p: Problem) -> Impl | None:
    k = p.kernel
    if k.family == "optim":
        return _optimizer(p, _BUFFERED_STEPS.get(k.function))
    make = _BUFFERED.get(k.function)
    if make is None or k.family in ("clip", "activation"):
        return None
    calls = make(*p.inputs)
    return Impl(calls[k.op])


def _mse_out(x: Array, y: Array) -> dict[str, Callable[[], Any]]:
    g = np.empty_like(x)
    scale = x.dtype.type(2.0 / x.size)

    def value() -> float:
        np.subtract(x, y, out=g)
        return float(np.dot(g, g)) / x.size

    def grad() -> Any:
        np.subtract(x, y, out=g)
        return np.multiply(g, scale, out=g)

    def both() -> tuple[float, Array]:
        np.subtract(x, y, out=g)
        v = float(np.dot(g, g)) / x.size
        return v, np.multiply(g, scale, out=g)

    return {"value": value, "grad": grad, "value_and_grad": both}


def _huber_out(x: Array, y: Array) -> dict[str, Callable[[], Any]]:
    d, g = np.empty_like(x), np.empty_like(x)
    inv_n = x.dtype.type(1.0 / x.size)

    def both() -> tuple[float, Array]:
        np.subtract(x, y, out=d)
        np.clip(d, -1.0, 1.0, out=g)  # the slope, with delta = 1
        v = float(np.dot(g, d) - 0.5 * np.dot(g, g))  # Σ of the loss, branch-free
        return v / x.size, np.multiply(g, inv_n, out=g)

    def grad() -> Any:
        np.subtract(x, y, out=g)
        np.clip(g, -1.0, 1.0, out=g)
        return np.multiply(g, inv_n, out=g)

    return {"value": lambda: both()[0], "grad": grad, "value_and_grad": both}


def _log_cosh_out(x: Array, y: Array) -> dict[str, Callable[[], Any]]:
    d, t, g = np.empty_like(x), np.empty_like(x), np.empty_like(x)
    inv_n = x.dtype.type(1.0 / x.size)
    ln2 = float(np.log(2.0))

    def value() -> float:
        np.subtract(x, y, out=d)
        np.negative(d, out=t)
        np.logaddexp(d, t, out=t)
        return float(t.sum()) / x.size - ln2

    def grad() -> Any:
        np.subtract(x, y, out=g)
        np.tanh(g, out=g)
        return np.multiply(g, inv_n, out=g)

    def both() -> tuple[float, Array]:
        v = value()
        np.tanh(d, out=g)
        return v, np.multiply(g, inv_n, out=g)

    return {"value": value, "grad": grad, "value_and_grad": both}


def _bce_logits_out(x: Array, y: Array) -> dict[str, Callable[[], Any]]:
    e, t, g = np.empty_like(x), np.empty_like(x), np.empty_like(x)
    inv_n = x.dtype.type(1.0 / x.size)

    def value() -> float:
        np.abs(x, out=e)
        np.negative(e, out=e)
        np.exp(e, out=e)  # e^(−|x|)
        np.log1p(e, out=t)
        np.maximum(x, 0, out=g)
        np.add(t, g, out=t)
        np.multiply(x, y, out=g)
        np.subtract(t, g, out=t)
        return float(t.sum()) / x.size

    def grad() -> Any:
        np.multiply(x, 0.5, out=g)
        np.tanh(g, out=g)  # σ(x) = ½·tanh(x/2) + ½
        np.multiply(g, 0.5, out=g)
        np.add(g, 0.5, out=g)
        np.subtract(g, y, out=g)
        return np.multiply(g, inv_n, out=g)

    return {"value": value, "grad": grad, "value_and_grad": lambda: (value(), grad())}


def _cross_entropy_out(x: Array, labels: Array) -> dict[str, Callable[[], Any]]:
    rows = np.arange(x.shape[0])
    g = np.empty_like(x)
    m = np.empty((x.shape[0], 1), x.dtype)
    s = np.empty((x.shape[0], 1), x.dtype)
    inv_n = x.dtype.type(1.0 / x.shape[0])

    def both() -> tuple[float, Array]:
        np.max(x, axis=1, keepdims=True, out=m)
        np.subtract(x, m, out=g)
        picked = g[rows, labels]
        np.exp(g, out=g)
        np.sum(g, axis=1, keepdims=True, out=s)
        value = float(np.mean(np.log(s[:, 0]) - picked))
        np.divide(g, s, out=g)
        g[rows, labels] -= 1.0
        return value, np.multiply(g, inv_n, out=g)

    return {"value": lambda: both()[0], "grad": lambda: both()[1], "value_and_grad": both}


_BUFFERED: dict[str, Callable[..., dict[str, Callable[[], Any]]]] = {
    "mse_loss": _mse_out,
    "huber_loss": _huber_out,
    "log_cosh_loss": _log_cosh_out,
    "binary_cross_entropy_with_logits": _bce_logits_out,
    "cross_entropy": _cross_entropy_out,
}
