//! Adamax, as `torch.optim.Adamax` (Kingma & Ba, 2015, §7.1: Adam under the infinity norm).
//!
//! With d = ±g (− under `maximize`) plus λ·p (λ the weight decay), t the step (1 for the first):
//! - m = lerp(m, d, 1 − β₁) (torch's two-sided lerp);
//! - u = max(β₂·u, |d| + ε), NaN-propagating as `torch.maximum` (and as the `amax` over
//!   `cat([β₂·u, |d| + ε])` of torch's differentiable path): ε is added to |d| before the max,
//!   so u ≥ ε and the division below is safe for ε > 0;
//! - p = p + (−lr/(1 − β₁ᵗ))·m / u, in torch's `addcdiv` order: the scaled numerator first,
//!   then the division.
//!
//! Defaults are torch's: lr = 2e-3, betas = (0.9, 0.999), eps = 1e-8, no weight decay.

use super::moments::Moments;
use super::{Optimizer, Rule, Variant};
use crate::float::Float;
use crate::hyper::Domain::{Decay, NonNegative};

crate::hyper! {
    /// Adamax's options, torch's names and defaults.
    pub struct Adamax {
        lr: f64 = 2e-3, NonNegative;
        beta1("betas[0]"): f64 = 0.9, Decay;
        beta2("betas[1]"): f64 = 0.999, Decay;
        eps: f64 = 1e-8, NonNegative;
        weight_decay: f64 = 0.0, NonNegative;
        maximize: bool = false;
    }
}

impl Optimizer for Adamax {
    const NAME: &'static str = "adamax";
    const STATE: &'static [&'static str] = &["exp_avg", "exp_inf"];
    type Options = Self;

    fn configure(_: &Self) -> Variant {
        Variant::of::<AdamaxRule>()
    }
}

/// Adamax.
pub struct AdamaxRule;

#[derive(Clone, Copy)]
pub struct Scalars<F> {
    moments: Moments<F>,
    beta2: F,
    eps: F,
    neg_clr: F,
}

impl Rule for AdamaxRule {
    type Options = Adamax;
    const STATE: &'static [&'static str] = &["exp_avg", "exp_inf"];
    type Scalars<F: Float> = Scalars<F>;

    fn scalars<F: Float>(o: &Adamax, step: u64, _fresh: bool, _: &mut [f64]) -> Scalars<F> {
        let Adamax {
            lr,
            beta1,
            beta2,
            eps,
            weight_decay,
            maximize,
        } = *o;
        let bias_correction = 1.0 - beta1.powf(step as f64);
        Scalars {
            // torch's Adamax has no decoupled decay.
            moments: Moments::new(lr, beta1, beta2, weight_decay, maximize, false),
            beta2: F::from_f64(beta2),
            eps: F::from_f64(eps),
            neg_clr: F::from_f64(-(lr / bias_correction)),
        }
    }

    #[inline(always)]
    fn update<F: Float>(k: &Scalars<F>, p: &mut F, g: F, s: &mut [F]) {
        let d = k.moments.direction(*p, g);
        let m = k.moments.exp_avg(s[0], d);
        let u = (s[1] * k.beta2).max_nan(d.abs() + k.eps);
        s[0] = m;
        s[1] = u;
        *p = *p + (k.neg_clr * m) / u;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyper::Hyper;

    fn step(h: &[f64], t: u64, p: &mut f64, g: f64, s: &mut [f64; 2]) {
        let k = AdamaxRule::scalars::<f64>(&Adamax::from_values(h), t, t == 1, &mut []);
        AdamaxRule::update(&k, p, g, s);
    }

    #[test]
    fn first_step_moves_by_lr_against_the_sign() {
        // m = (1 − β₁)g, u = |g| + ε, bias correction 1 − β₁: the step is lr·g/(|g| + ε).
        let h = [0.1, 0.9, 0.999, 0.0, 0.0, 0.0];
        let (mut p, mut s) = (1.0, [0.0; 2]);
        step(&h, 1, &mut p, -4.0, &mut s);
        assert!((p - 1.1).abs() < 1e-15, "{p}");
        assert_eq!(s[1], 4.0);
    }

    #[test]
    fn the_infinity_norm_propagates_nan() {
        let h = [0.1, 0.9, 0.999, 1e-8, 0.0, 0.0];
        let (mut p, mut s) = (1.0, [0.0, 2.0]);
        step(&h, 2, &mut p, f64::NAN, &mut s);
        assert!(s[1].is_nan() && p.is_nan());
    }
}
