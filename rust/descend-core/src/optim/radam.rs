//! RAdam, as `torch.optim.RAdam` (Liu et al., 2020, "On the Variance of the Adaptive Learning
//! Rate and Beyond").
//!
//! With d = ±g (− under `maximize`), t the step (1 for the first), λ the weight decay:
//! - coupled decay: d = d + λ·p; decoupled: p = p·(1 − lr·λ) first;
//! - m = lerp(m, d, 1 − β₁), v = β₂·v + (1 − β₂)·d·d, m̂ = m / (1 − β₁ᵗ);
//! - ρ∞ = 2/(1 − β₂) − 1 and ρₜ = ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ), the length of the approximated simple
//!   moving average;
//! - ρₜ > 5: p = p − ((m̂·lr)·a)·r with the adaptive rate a = (1/(√v + ε))·√(1 − β₂ᵗ) (torch
//!   forms `scalar / tensor` as `reciprocal(tensor) * scalar`) and the rectification
//!   r = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ));
//! - otherwise p = p − m̂·lr (plain momentum: the variance is not yet tractable).
//!
//! ρₜ depends only on t and β₂, so the branch is taken once per tensor and step, in the
//! scalars, never per element.
//!
//! Defaults are torch's: lr = 1e-3, betas = (0.9, 0.999), eps = 1e-8, no weight decay.

use super::moments::Moments;
use super::{Optimizer, Rule, Variant};
use crate::float::Float;
use crate::hyper::Domain::{Decay, NonNegative};

crate::hyper! {
    /// RAdam's options, torch's names and defaults.
    pub struct RAdam {
        lr: f64 = 1e-3, NonNegative;
        beta1("betas[0]"): f64 = 0.9, Decay;
        beta2("betas[1]"): f64 = 0.999, Decay;
        eps: f64 = 1e-8, NonNegative;
        weight_decay: f64 = 0.0, NonNegative;
        decoupled_weight_decay: bool = false;
        maximize: bool = false;
    }
}

impl Optimizer for RAdam {
    const NAME: &'static str = "radam";
    const STATE: &'static [&'static str] = &["exp_avg", "exp_avg_sq"];
    type Options = Self;

    fn configure(_: &Self) -> Variant {
        Variant::of::<RAdamRule>()
    }
}

/// RAdam.
pub struct RAdamRule;

#[derive(Clone, Copy)]
pub struct Scalars<F> {
    moments: Moments<F>,
    bias_correction1: F,
    lr: F,
    rectified: bool,
    bias_correction2_sqrt: F,
    rect: F,
    eps: F,
}

impl Rule for RAdamRule {
    type Options = RAdam;
    const STATE: &'static [&'static str] = &["exp_avg", "exp_avg_sq"];
    type Scalars<F: Float> = Scalars<F>;

    fn scalars<F: Float>(o: &RAdam, step: u64, _fresh: bool, _: &mut [f64]) -> Scalars<F> {
        let RAdam {
            lr,
            beta1,
            beta2,
            eps,
            weight_decay,
            decoupled_weight_decay,
            maximize,
        } = *o;
        let t = step as f64;
        let bias_correction1 = 1.0 - beta1.powf(t);
        let bias_correction2 = 1.0 - beta2.powf(t);
        let rho_inf = 2.0 / (1.0 - beta2) - 1.0;
        let rho_t = rho_inf - 2.0 * t * beta2.powf(t) / bias_correction2;
        let rect = ((rho_t - 4.0) * (rho_t - 2.0) * rho_inf
            / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
            .sqrt();
        Scalars {
            moments: Moments::new(
                lr,
                beta1,
                beta2,
                weight_decay,
                maximize,
                decoupled_weight_decay,
            ),
            bias_correction1: F::from_f64(bias_correction1),
            lr: F::from_f64(lr),
            rectified: rho_t > 5.0,
            bias_correction2_sqrt: F::from_f64(bias_correction2.sqrt()),
            rect: F::from_f64(rect),
            eps: F::from_f64(eps),
        }
    }

    #[inline(always)]
    fn update<F: Float>(k: &Scalars<F>, p: &mut F, g: F, s: &mut [F]) {
        let d = k.moments.direction(*p, g);
        let param = k.moments.decayed(*p);
        let (m, v) = k.moments.update(d, s);
        let step = m / k.bias_correction1 * k.lr;
        let adaptive = F::ONE / (v.sqrt() + k.eps) * k.bias_correction2_sqrt;
        *p = param - F::select(k.rectified, step * adaptive * k.rect, step);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyper::Hyper;

    const H: [f64; 7] = [0.1, 0.9, 0.999, 1e-8, 0.0, 0.0, 0.0];

    #[test]
    fn early_steps_are_plain_momentum() {
        // With β₂ = 0.999, ρₜ ≤ 5 for the first steps: p moves by lr·m̂, which is lr·g at t = 1.
        let k = RAdamRule::scalars::<f64>(&RAdam::from_values(&H), 1, true, &mut []);
        assert!(!k.rectified);
        let (mut p, mut s) = (1.0, [0.0; 2]);
        RAdamRule::update(&k, &mut p, 3.0, &mut s);
        assert!((p - 0.7).abs() < 1e-15, "{p}");
    }

    #[test]
    fn rectification_starts_once_rho_exceeds_five_and_tends_to_one() {
        let first = (1..100)
            .find(|&t| {
                RAdamRule::scalars::<f64>(&RAdam::from_values(&H), t, false, &mut []).rectified
            })
            .unwrap();
        assert_eq!(first, 6); // ρ₅ ≈ 4.99, ρ₆ ≈ 5.99 for β₂ = 0.999
        let late = RAdamRule::scalars::<f64>(&RAdam::from_values(&H), 1_000_000, false, &mut []);
        assert!((late.rect - 1.0).abs() < 1e-3);
    }
}
