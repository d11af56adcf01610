"""The PyTorch CPU peer: ``torch.nn.functional`` with autograd, ``torch.optim`` in each mode.

Losses: the value under ``no_grad``; the gradient by ``backward()`` on a leaf made from the
numpy input (``torch.from_numpy``, no copy). The two losses torch lacks (``log_cosh_loss``,
``quantile_loss``) are written with torch ops, as a user would. Optimizers: ``torch.optim``
with ``foreach=False``, ``foreach=True`` and ``fused=True`` where torch has a CPU kernel for it
(modes torch refuses are left out). Importing this module fails without torch: the peer is
then listed as missing.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from descend.bench._formulas import VALUES
from descend.bench._kernels import Problem, clip_bounds
from descend.bench._measure import Impl, Output

NAME = "torch"
# kl_div's reduction="mean" is torch's default (and descend's), warned about on every call.
warnings.filterwarnings("ignore", message="reduction: 'mean' divides the total loss")
MODES: dict[str, dict[str, bool]] = {
    "foreach=False": {"foreach": False},
    "foreach=True": {"foreach": True},
    "fused=True": {"fused": True},
}


def version() -> str:
    """Return torch's version."""
    return str(torch.__version__)


def set_threads(n: int) -> None:
    """Limit torch's intra-op pool to ``n`` threads."""
    torch.set_num_threads(n)


def _loss(name: str) -> Callable[..., Any]:
    f = getattr(torch.nn.functional, name, None)
    if f is not None:
        return f  # type: ignore[no-any-return]
    formula = VALUES[name]
    return lambda *args: formula(torch, *args)


def _as_output(ret: Any) -> Output:
    value, grads = ret
    return value, [g.numpy() for g in grads]


def impls(p: Problem) -> dict[str, Impl]:
    """Return torch's implementations of ``p`` (one per optimizer mode)."""
    k = p.kernel
    if k.family in ("pointwise", "rowwise"):
        return {NAME: _loss_impl(p)}
    if k.family == "activation":
        return {NAME: _activation_impl(p)}
    if k.family == "clip":
        return _clip_impls(p)
    cls = getattr(torch.optim, k.function, None)
    if cls is None:
        return {}
    out: dict[str, Impl] = {}
    for label, mode in MODES.items():
        tensors = [torch.from_numpy(q.copy()) for q in p.params]
        for tensor, g in zip(tensors, p.grads, strict=True):
            tensor.grad = torch.from_numpy(g)
        try:
            opt = cls(tensors, **k.options, **mode)
        except (RuntimeError, TypeError, ValueError):
            continue  # no such mode for this rule on the CPU
        out[f"{NAME} {label}"] = _step(opt, tensors)
    return out


def _step(opt: Any, tensors: list[Any]) -> Impl:
    return Impl(opt.step, result=lambda _: (None, [t.detach().numpy() for t in tensors]))


def _clip(tensors: list[Any], grads: list[Any], max_norm: float, label: str) -> Impl:
    foreach = label == "foreach=True"
    bounds = clip_bounds(max_norm)
    return Impl(
        lambda: torch.nn.utils.clip_grad_norm_(tensors, next(bounds), foreach=foreach),
        result=lambda _: (None, [np.asarray(g) for g in grads]),
    )


ACTIVATIONS: dict[str, Callable[[Any], Any]] = {
    "softmax": lambda x: torch.nn.functional.softmax(x, dim=-1),
    "log_softmax": lambda x: torch.nn.functional.log_softmax(x, dim=-1),
    "sigmoid": torch.sigmoid,
    "log_sigmoid": torch.nn.functional.logsigmoid,
    "softplus": torch.nn.functional.softplus,
    "relu": torch.relu,
    "leaky_relu": torch.nn.functional.leaky_relu,
    "elu": torch.nn.functional.elu,
    "tanh": torch.tanh,
    "gelu": torch.nn.functional.gelu,
    "silu": torch.nn.functional.silu,
}


def _activation_impl(p: Problem) -> Impl:
    f = ACTIVATIONS[p.kernel.function]
    x, u = (torch.from_numpy(a) for a in p.inputs)

    def value() -> Any:
        with torch.no_grad():
            return f(x)

    def both() -> tuple[Any, Any]:
        leaf = x.detach().requires_grad_(True)
        y = f(leaf)
        y.backward(u)
        return y.detach(), leaf.grad

    calls = {"value": value, "grad": lambda: both()[1], "value_and_grad": both}
    return Impl(calls[p.kernel.op], result=_tensors, fresh=True)


def _tensors(ret: Any) -> Output:
    tensors = ret if isinstance(ret, tuple) else (ret,)
    return None, [t.numpy() for t in tensors]


def _loss_impl(p: Problem) -> Impl:
    k = p.kernel
    f = _loss(k.function)
    inputs = [torch.from_numpy(a) for a in p.inputs]
    # gaussian_nll_loss differentiates the variance too, as descend does.
    wrt = (0, 2) if k.function == "gaussian_nll_loss" else (0,)

    def value() -> float:
        with torch.no_grad():
            return float(f(*inputs))

    def both() -> tuple[float, list[Any]]:
        leaves = [t.detach().requires_grad_(i in wrt) for i, t in enumerate(inputs)]
        loss = f(*leaves)
        loss.backward()
        return loss.item(), [leaves[i].grad for i in wrt]

    if k.op == "value":
        return Impl(value)
    if k.op == "grad":
        return Impl(lambda: both()[1], result=lambda g: (None, [t.numpy() for t in g]), fresh=True)
    return Impl(both, result=_as_output, fresh=True)


def _clip_impls(p: Problem) -> dict[str, Impl]:
    out: dict[str, Impl] = {}
    for label in ("foreach=False", "foreach=True"):
        grads = [torch.from_numpy(g.copy()) for g in p.grads]
        tensors = [torch.empty_like(g) for g in grads]
        for tensor, g in zip(tensors, grads, strict=True):
            tensor.grad = g
        out[f"{NAME} {label}"] = _clip(tensors, grads, p.kernel.options["max_norm"], label)
    return out
