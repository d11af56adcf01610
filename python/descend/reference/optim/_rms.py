"""Reference RMSprop, Adadelta, Rprop, ASGD and LAMB."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from descend.reference.optim._base import Array, _lerp, _Reference, _scalar


class RMSprop(_Reference):
    """RMSprop: v = αv + (1 − α)d²; a = √(v − ḡ²) (centered) or √v, plus ε; p −= lr·d/a.

    With momentum μ > 0, b = μb + d/a and p −= lr·b.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "alpha": alpha,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "centered": centered,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, p: Array, g: Array, state: dict[str, Any], group: dict[str, Any]) -> None:
        alpha, wd, mu = group["alpha"], group["weight_decay"], group["momentum"]
        if not state:
            state.update(step=0, square_avg=np.zeros_like(p))
            if mu > 0:
                state["momentum_buffer"] = np.zeros_like(p)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(p)
        state["step"] += 1
        if wd != 0:
            g = g + _scalar(p, wd) * p
        v = state["square_avg"]
        v[...] = v * _scalar(p, alpha) + _scalar(p, 1 - alpha) * g * g
        if group["centered"]:
            mean = state["grad_avg"]
            mean[...] = _lerp(mean, g, 1 - alpha)
            avg = np.sqrt(v - mean * mean)
        else:
            avg = np.sqrt(v)
        avg = avg + _scalar(p, group["eps"])
        if mu > 0:
            b = state["momentum_buffer"]
            b[...] = b * _scalar(p, mu) + g / avg
            p += _scalar(p, -group["lr"]) * b
        else:
            p += _scalar(p, -group["lr"]) * g / avg


class Adadelta(_Reference):
    """Adadelta: v = ρv + (1 − ρ)d²; δ = √(u + ε)/√(v + ε)·d; u = ρu + (1 − ρ)δ²; p −= lr·δ."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, p: Array, g: Array, state: dict[str, Any], group: dict[str, Any]) -> None:
        rho, eps, wd = group["rho"], _scalar(p, group["eps"]), group["weight_decay"]
        if not state:
            state.update(step=0, square_avg=np.zeros_like(p), acc_delta=np.zeros_like(p))
        state["step"] += 1
        if wd != 0:
            g = g + _scalar(p, wd) * p
        v, u = state["square_avg"], state["acc_delta"]
        v[...] = v * _scalar(p, rho) + _scalar(p, 1 - rho) * g * g
        delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u[...] = u * _scalar(p, rho) + _scalar(p, 1 - rho) * delta * delta
        p += _scalar(p, -group["lr"]) * delta


class Rprop(_Reference):
    """Rprop: σ ·= η₊, η₋ or 1 as sign(d·d′) is +, − or 0, clamped; d = 0 where −.

    Then p −= sign(d)·σ and d′ = d; σ starts at the lr; sign(NaN) = 0, as torch.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "maximize": maximize}
        super().__init__(params, defaults)

    def _update(self, p: Array, g: Array, state: dict[str, Any], group: dict[str, Any]) -> None:
        if not state:
            state.update(step=0, prev=np.zeros_like(p), step_size=np.full_like(p, group["lr"]))
        state["step"] += 1
        eta_minus, eta_plus = (_scalar(p, e) for e in group["etas"])
        low, high = (_scalar(p, s) for s in group["step_sizes"])
        with np.errstate(invalid="ignore"):
            sign = np.nan_to_num(np.sign(g * state["prev"]), nan=0.0)
            eta = np.where(sign > 0, eta_plus, np.where(sign < 0, eta_minus, _scalar(p, 1)))
            step_size = state["step_size"]
            step_size[...] = np.minimum(np.maximum(step_size * eta, low), high)
            g = np.where(eta == eta_minus, _scalar(p, 0), g)
            p -= np.nan_to_num(np.sign(g), nan=0.0) * step_size
        state["prev"][...] = g


class ASGD(_Reference):
    """ASGD: p = p(1 − λη) − ηd with the previous step's η.

    The average ax = p while μ = 1, else ax += μ(p − ax); then η = lr/(1 + λ·lr·t)^α and
    μ = 1/max(1, t − t₀) for the next step.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0.0,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "lambd": lambd,
            "alpha": alpha,
            "t0": t0,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, p: Array, g: Array, state: dict[str, Any], group: dict[str, Any]) -> None:
        lr, lambd, wd = group["lr"], group["lambd"], group["weight_decay"]
        if not state:
            state.update(step=0, eta=float(lr), mu=1.0, ax=np.zeros_like(p))
        state["step"] += 1
        t = state["step"]
        if wd != 0:
            g = g + _scalar(p, wd) * p
        eta, mu = state["eta"], state["mu"]
        p *= _scalar(p, 1 - lambd * eta)
        p += _scalar(p, -eta) * g
        ax = state["ax"]
        if mu != 1:
            ax += (p - ax) * _scalar(p, mu)
        else:
            ax[...] = p
        state["eta"] = lr / (1 + lambd * lr * t) ** group["alpha"]
        state["mu"] = 1 / max(1, t - group["t0"])


class LAMB(_Reference):
    """LAMB, transcribing optax.lamb: p −= lr·r·u with r = ‖p‖/‖u‖ per tensor (1 if either is 0).

    u = m̂/(√v̂ + ε) + λp, with m̂, v̂ the bias-corrected Adam moments of d (optax's order of
    operations); norms in float64.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, p: Array, g: Array, state: dict[str, Any], group: dict[str, Any]) -> None:
        beta1, beta2 = group["betas"]
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(p), exp_avg_sq=np.zeros_like(p))
        state["step"] += 1
        t = state["step"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m[...] = _scalar(p, 1 - beta1) * g + _scalar(p, beta1) * m
        v[...] = _scalar(p, 1 - beta2) * (g * g) + _scalar(p, beta2) * v
        m_hat = m / _scalar(p, 1 - beta1**t)
        v_hat = v / _scalar(p, 1 - beta2**t)
        u = m_hat / (np.sqrt(v_hat) + _scalar(p, group["eps"]))
        u = u + _scalar(p, group["weight_decay"]) * p
        param_norm = np.sqrt(np.sum(np.square(p, dtype=np.float64)))
        update_norm = np.sqrt(np.sum(np.square(u, dtype=np.float64)))
        ratio = 1.0 if param_norm == 0 or update_norm == 0 else param_norm / update_norm
        p += _scalar(p, -group["lr"]) * (u * _scalar(p, ratio))
