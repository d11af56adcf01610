"""Reference SGD and the Adam family (Adam, AdamW, Adamax, NAdam, RAdam), Adagrad and Lion."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from descend.reference.optim._base import Array, _lerp, _Reference, _scalar


class SGD(_Reference):
    """SGD: d = g + λp; b = d (first step) or μb + (1 − τ)d; d = d + μb or b; p −= lr·d."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, p: Array, g: Array, state: dict[str, Any], group: dict[str, Any]) -> None:
        mu, wd = group["momentum"], group["weight_decay"]
        d = g + _scalar(p, wd) * p if wd != 0 else g
        if mu != 0:
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = d.copy()
            else:
                b = state["momentum_buffer"]
                state["momentum_buffer"] = (
                    b * _scalar(p, mu) + _scalar(p, 1 - group["dampening"]) * d
                )
            b = state["momentum_buffer"]
            d = d + _scalar(p, mu) * b if group["nesterov"] else b
        p += _scalar(p, -group["lr"]) * d


class Adam(_Reference):
    """Adam: p −= lr/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε).

    m, v are moments of d = g (+ λp, or p shrunk by 1 − lr·λ when decoupled); ``amsgrad``
    keeps the running max of v in its place.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _update(self, p: Array, g: Array, state: dict[str, Any], group: dict[str, Any]) -> None:
        lr, (beta1, beta2), wd = group["lr"], group["betas"], group["weight_decay"]
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(p), exp_avg_sq=np.zeros_like(p))
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(p)
        state["step"] += 1
        t = state["step"]
        if wd != 0 and group["decoupled_weight_decay"]:
            p *= _scalar(p, 1 - lr * wd)
        elif wd != 0:
            g = g + _scalar(p, wd) * p
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m[...] = _lerp(m, g, 1 - beta1, weights_in_float64=True)
        v[...] = v * _scalar(p, beta2) + _scalar(p, 1 - beta2) * g * g
        if group["amsgrad"]:
            top = state["max_exp_avg_sq"]
            np.maximum(top, v, out=top)
            v = top
        bias1 = 1 - beta1**t
        bias2_sqrt = (1 - beta2**t) ** 0.5
        denom = np.sqrt(v) / _scalar(p, bias2_sqrt) + _scalar(p, group["eps"])
        p += (_scalar(p, -(lr / bias1)) * m) / denom  # torch's addcdiv order


class AdamW(Adam):
    """AdamW: Adam with decoupled weight decay, weight_decay 1e-2 by default."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            maximize=maximize,
            decoupled_weight_decay=True,
        )


class Adamax(_Reference):
    """Adamax: m ← lerp(m, d, 1 − β₁); u ← max(β₂u, abs(d) + ε); p −= lr/(1 − β₁ᵗ) · m/u.

    d = g + λp; the max propagates NaN (``np.maximum``, as ``torch.maximum``).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
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
        lr, (beta1, beta2), wd = group["lr"], group["betas"], group["weight_decay"]
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(p), exp_inf=np.zeros_like(p))
        state["step"] += 1
        if wd != 0:
            g = g + _scalar(p, wd) * p
        m, u = state["exp_avg"], state["exp_inf"]
        m[...] = _lerp(m, g, 1 - beta1, weights_in_float64=True)
        np.maximum(u * _scalar(p, beta2), np.abs(g) + _scalar(p, group["eps"]), out=u)
        clr = lr / (1 - beta1 ** state["step"])
        p += _scalar(p, -clr) * m / u


class NAdam(_Reference):
    """NAdam: Adam whose step mixes d and m with the momentum schedule μₜ.

    μₜ = β₁(1 − ½·0.96^(tψ)), Π = μ₁⋯μₜ (``mu_product``, a float64 scalar);
    D = √(v/(1 − β₂ᵗ)) + ε; p −= lr(1 − μₜ)/(1 − Π) · d/D + lr·μₜ₊₁/(1 − Π·μₜ₊₁) · m/D.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, p: Array, g: Array, state: dict[str, Any], group: dict[str, Any]) -> None:
        lr, (beta1, beta2), wd = group["lr"], group["betas"], group["weight_decay"]
        psi = group["momentum_decay"]
        if not state:
            state.update(
                step=0, mu_product=1.0, exp_avg=np.zeros_like(p), exp_avg_sq=np.zeros_like(p)
            )
        state["step"] += 1
        t = state["step"]
        if wd != 0 and group["decoupled_weight_decay"]:
            p *= _scalar(p, 1 - lr * wd)
        elif wd != 0:
            g = g + _scalar(p, wd) * p
        mu = beta1 * (1 - 0.5 * 0.96 ** (t * psi))
        mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        state["mu_product"] *= mu
        mu_product = state["mu_product"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m[...] = _lerp(m, g, 1 - beta1, weights_in_float64=True)
        v[...] = v * _scalar(p, beta2) + _scalar(p, 1 - beta2) * g * g
        denom = np.sqrt(v / _scalar(p, 1 - beta2**t)) + _scalar(p, group["eps"])
        p += _scalar(p, -lr * (1 - mu) / (1 - mu_product)) * g / denom
        p += _scalar(p, -lr * mu_next / (1 - mu_product * mu_next)) * m / denom


class RAdam(_Reference):
    """RAdam: p −= lr·m̂ while ρₜ ≤ 5, then p −= lr·m̂·√(1 − β₂ᵗ)/(√v + ε)·r(ρₜ).

    m̂ = m/(1 − β₁ᵗ); ρ∞ = 2/(1 − β₂) − 1, ρₜ = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ),
    r = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ)); weight decay as Adam's.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, p: Array, g: Array, state: dict[str, Any], group: dict[str, Any]) -> None:
        lr, (beta1, beta2), wd = group["lr"], group["betas"], group["weight_decay"]
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(p), exp_avg_sq=np.zeros_like(p))
        state["step"] += 1
        t = state["step"]
        if wd != 0 and group["decoupled_weight_decay"]:
            p *= _scalar(p, 1 - lr * wd)
        elif wd != 0:
            g = g + _scalar(p, wd) * p
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m[...] = _lerp(m, g, 1 - beta1, weights_in_float64=True)
        v[...] = v * _scalar(p, beta2) + _scalar(p, 1 - beta2) * g * g
        bias2 = 1 - beta2**t
        step = m / _scalar(p, 1 - beta1**t) * _scalar(p, lr)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2**t / bias2
        if rho_t > 5:
            ratio = (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            rect = ratio**0.5
            # torch forms scalar / tensor as reciprocal(tensor) * scalar
            adaptive = 1 / (np.sqrt(v) + _scalar(p, group["eps"])) * _scalar(p, bias2**0.5)
            step = step * adaptive * _scalar(p, rect)
        p -= step


class Adagrad(_Reference):
    """Adagrad: s ← s + d², p −= lr/(1 + (t − 1)·lr_decay) · d/(√s + ε).

    d = g + λp; s starts at ``initial_accumulator_value``.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "eps": eps,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, p: Array, g: Array, state: dict[str, Any], group: dict[str, Any]) -> None:
        wd = group["weight_decay"]
        if not state:
            state.update(step=0, sum=np.full_like(p, group["initial_accumulator_value"]))
        state["step"] += 1
        if wd != 0:
            g = g + _scalar(p, wd) * p
        s = state["sum"]
        s += g * g
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        p += _scalar(p, -clr) * g / (np.sqrt(s) + _scalar(p, group["eps"]))


class Lion(_Reference):
    """Lion: c = β₁m + (1 − β₁)d; p ← p(1 − lr·λ) − lr·sign(c); m ← β₂m + (1 − β₂)d.

    Chen et al., 2023, Algorithm 2 (decay applied to p first, as the reference code does).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.99),
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {"lr": lr, "betas": betas, "weight_decay": weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    def _update(self, p: Array, g: Array, state: dict[str, Any], group: dict[str, Any]) -> None:
        lr, (beta1, beta2), wd = group["lr"], group["betas"], group["weight_decay"]
        if not state:
            state["exp_avg"] = np.zeros_like(p)
        m = state["exp_avg"]
        c = m * _scalar(p, beta1) + _scalar(p, 1 - beta1) * g
        p *= _scalar(p, 1 - lr * wd)
        p -= _scalar(p, lr) * np.sign(c)
        m[...] = m * _scalar(p, beta2) + _scalar(p, 1 - beta2) * g
