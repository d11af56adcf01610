//! NAdam, as `torch.optim.NAdam` (Dozat, 2016: Adam with Nesterov momentum, and its momentum
//! schedule).
//!
//! With d = ±g (− under `maximize`), t the step (1 for the first), λ the weight decay, ψ the
//! momentum decay:
//! - coupled decay: d = d + λ·p; decoupled: p = p·(1 − lr·λ) first;
//! - μₜ = β₁·(1 − ½·0.96^(t·ψ)), μₜ₊₁ likewise; the product Πμ = μ₁⋯μₜ is per-tensor state
//!   (`mu_product`, carried between steps, 1 before the first);
//! - m = lerp(m, d, 1 − β₁), v = β₂·v + (1 − β₂)·d·d;
//! - D = √(v / (1 − β₂ᵗ)) + ε (the bias correction inside the root, unlike Adam);
//! - p = p + (−lr·(1 − μₜ)/(1 − Πμ))·d / D, then p = p + (−lr·μₜ₊₁/(1 − Πμ·μₜ₊₁))·m / D: two
//!   `addcdiv`s, as torch, each scaling the numerator before the division.
//!
//! torch keeps `mu_product` in a float32 tensor unless its default dtype is float64; descend
//! keeps it in f64 for every parameter dtype, which is torch's value under
//! `torch.set_default_dtype(torch.float64)`.
//!
//! Defaults are torch's: lr = 2e-3, betas = (0.9, 0.999), eps = 1e-8, no weight decay,
//! momentum_decay = 4e-3.

use super::moments::Moments;
use super::{Optimizer, Rule, Variant};
use crate::float::Float;
use crate::hyper::Domain::{Decay, NonNegative};

crate::hyper! {
    /// NAdam's options, torch's names and defaults.
    pub struct NAdam {
        lr: f64 = 2e-3, NonNegative;
        beta1("betas[0]"): f64 = 0.9, Decay;
        beta2("betas[1]"): f64 = 0.999, Decay;
        eps: f64 = 1e-8, NonNegative;
        weight_decay: f64 = 0.0, NonNegative;
        momentum_decay: f64 = 4e-3, NonNegative;
        decoupled_weight_decay: bool = false;
        maximize: bool = false;
    }
}

impl Optimizer for NAdam {
    const NAME: &'static str = "nadam";
    const STATE: &'static [&'static str] = &["exp_avg", "exp_avg_sq"];
    const CARRIED: &'static [&'static str] = &["mu_product"];
    type Options = Self;

    fn configure(_: &Self) -> Variant {
        Variant::of::<NAdamRule>()
    }
}

/// NAdam.
pub struct NAdamRule;

#[derive(Clone, Copy)]
pub struct Scalars<F> {
    moments: Moments<F>,
    bias_correction2: F,
    eps: F,
    grad_coef: F,
    avg_coef: F,
}

/// μₜ, the momentum coefficient of step t.
fn mu(beta1: f64, momentum_decay: f64, t: f64) -> f64 {
    beta1 * (1.0 - 0.5 * 0.96_f64.powf(t * momentum_decay))
}

impl Rule for NAdamRule {
    type Options = NAdam;
    const STATE: &'static [&'static str] = &["exp_avg", "exp_avg_sq"];
    type Scalars<F: Float> = Scalars<F>;

    fn scalars<F: Float>(o: &NAdam, step: u64, fresh: bool, carried: &mut [f64]) -> Scalars<F> {
        let NAdam {
            lr,
            beta1,
            beta2,
            eps,
            weight_decay,
            momentum_decay,
            decoupled_weight_decay,
            maximize,
        } = *o;
        let t = step as f64;
        let mu_now = mu(beta1, momentum_decay, t);
        let mu_next = mu(beta1, momentum_decay, t + 1.0);
        // torch creates mu_product = 1 together with the moment buffers; the driver starts
        // carried scalars at 0, so the product starts here, when the buffers are fresh.
        let mu_product = if fresh { 1.0 } else { carried[0] } * mu_now;
        carried[0] = mu_product;
        let mu_product_next = mu_product * mu_next;
        Scalars {
            moments: Moments::new(
                lr,
                beta1,
                beta2,
                weight_decay,
                maximize,
                decoupled_weight_decay,
            ),
            bias_correction2: F::from_f64(1.0 - beta2.powf(t)),
            eps: F::from_f64(eps),
            grad_coef: F::from_f64(-lr * (1.0 - mu_now) / (1.0 - mu_product)),
            avg_coef: F::from_f64(-lr * mu_next / (1.0 - mu_product_next)),
        }
    }

    #[inline(always)]
    fn update<F: Float>(k: &Scalars<F>, p: &mut F, g: F, s: &mut [F]) {
        let d = k.moments.direction(*p, g);
        let param = k.moments.decayed(*p);
        let (m, v) = k.moments.update(d, s);
        let denom = (v / k.bias_correction2).sqrt() + k.eps;
        let param = param + (k.grad_coef * d) / denom;
        *p = param + (k.avg_coef * m) / denom;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyper::Hyper;

    #[test]
    fn mu_product_starts_at_one_and_accumulates() {
        let h = [2e-3, 0.9, 0.999, 1e-8, 0.0, 4e-3, 0.0, 0.0];
        let mut carried = [0.0];
        NAdamRule::scalars::<f64>(&NAdam::from_values(&h), 1, true, &mut carried);
        assert_eq!(carried[0], mu(0.9, 4e-3, 1.0));
        NAdamRule::scalars::<f64>(&NAdam::from_values(&h), 2, false, &mut carried);
        assert_eq!(carried[0], mu(0.9, 4e-3, 1.0) * mu(0.9, 4e-3, 2.0));
    }

    #[test]
    fn first_step_of_a_constant_gradient() {
        // m = (1 − β₁)·g and v/(1 − β₂) = g², so D = |g| (ε = 0): the gradient term moves p by
        // −lr·sign(g) (Πμ = μ₁), the momentum term by −lr·sign(g)·μ₂·(1 − β₁)/(1 − μ₁μ₂).
        let h = [0.1, 0.9, 0.999, 0.0, 0.0, 4e-3, 0.0, 0.0];
        let k = NAdamRule::scalars::<f64>(&NAdam::from_values(&h), 1, true, &mut [0.0]);
        let (mut p, mut s) = (1.0, [0.0; 2]);
        NAdamRule::update(&k, &mut p, 2.0, &mut s);
        let (m1, m2) = (mu(0.9, 4e-3, 1.0), mu(0.9, 4e-3, 2.0));
        let want = 1.0 - 0.1 * (1.0 + m2 * 0.1 / (1.0 - m1 * m2));
        assert!((p - want).abs() < 1e-15, "{p} vs {want}");
    }
}
