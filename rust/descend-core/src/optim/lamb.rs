//! LAMB (You et al., 2020), in optax's form (`optax.lamb`): not in torch.
//!
//! optax chains `scale_by_adam(b1, b2, eps, eps_root=0)`, `add_decayed_weights(weight_decay)`,
//! `scale_by_trust_ratio()` and a scale by −lr. With d = ±g (− under `maximize`), t the step
//! (1 for the first), λ the weight decay:
//! - m = (1 − β₁)·d + β₁·m, v = (1 − β₂)·d² + β₂·v (optax's `update_moment` order);
//! - u = (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε) + λ·p (the decay term added even when λ = 0,
//!   as optax);
//! - r = ‖p‖ / ‖u‖ over the whole tensor, or 1 when either norm is 0;
//! - p = p − lr·(u·r).
//!
//! r needs every element's u before any element of p moves, so the rule declares two sums
//! ([`Rule::SUMS`]): the driver's first pass updates m and v and sums p² and u² in f64, and the
//! second recomputes u from the updated moments (bitwise the same u) and moves p. The norms
//! are accumulated in f64 (optax sums in the parameters' dtype).
//!
//! Defaults: β = (0.9, 0.999), ε = 1e-6 and λ = 0 are optax's; optax has no default lr, and
//! 1e-3 is that of the PyTorch ports of LAMB (and of torch's Adam).

use super::{Gathering, Optimizer, Rule, Variant, MAX_SUMS};
use crate::float::Float;
use crate::hyper::Domain::{Decay, NonNegative};

crate::hyper! {
    /// LAMB's options (torch's names where torch has them).
    pub struct Lamb {
        lr: f64 = 1e-3, NonNegative;
        beta1("betas[0]"): f64 = 0.9, Decay;
        beta2("betas[1]"): f64 = 0.999, Decay;
        eps: f64 = 1e-6, NonNegative;
        weight_decay: f64 = 0.0, NonNegative;
        maximize: bool = false;
    }
}

impl Optimizer for Lamb {
    const NAME: &'static str = "lamb";
    const STATE: &'static [&'static str] = &["exp_avg", "exp_avg_sq"];
    type Options = Self;

    fn configure(_: &Self) -> Variant {
        Variant::gathering::<LambRule>()
    }
}

/// LAMB.
pub struct LambRule;

#[derive(Clone, Copy)]
pub struct Scalars<F> {
    beta1: F,
    one_minus_beta1: F,
    beta2: F,
    one_minus_beta2: F,
    bias_correction1: F,
    bias_correction2: F,
    eps: F,
    weight_decay: F,
    neg_lr: F,
    maximize: bool,
    /// The trust ratio, set by [`Rule::finish`].
    ratio: F,
}

/// optax's update direction before the trust ratio: the Adam step plus the decay term.
#[inline(always)]
fn direction<F: Float>(k: &Scalars<F>, p: F, m: F, v: F) -> F {
    let adam = m / k.bias_correction1 / ((v / k.bias_correction2).sqrt() + k.eps);
    adam + k.weight_decay * p
}

impl Rule for LambRule {
    type Options = Lamb;
    const STATE: &'static [&'static str] = &["exp_avg", "exp_avg_sq"];
    type Scalars<F: Float> = Scalars<F>;

    fn scalars<F: Float>(o: &Lamb, step: u64, _fresh: bool, _: &mut [f64]) -> Scalars<F> {
        let Lamb {
            lr,
            beta1,
            beta2,
            eps,
            weight_decay,
            maximize,
        } = *o;
        let t = step as f64;
        Scalars {
            beta1: F::from_f64(beta1),
            one_minus_beta1: F::from_f64(1.0 - beta1),
            beta2: F::from_f64(beta2),
            one_minus_beta2: F::from_f64(1.0 - beta2),
            bias_correction1: F::from_f64(1.0 - beta1.powf(t)),
            bias_correction2: F::from_f64(1.0 - beta2.powf(t)),
            eps: F::from_f64(eps),
            weight_decay: F::from_f64(weight_decay),
            neg_lr: F::from_f64(-lr),
            maximize,
            ratio: F::ONE,
        }
    }

    #[inline(always)]
    fn update<F: Float>(k: &Scalars<F>, p: &mut F, _g: F, s: &mut [F]) {
        let u = direction(k, *p, s[0], s[1]);
        *p = *p + k.neg_lr * (u * k.ratio);
    }
}

impl Gathering for LambRule {
    const SUMS: usize = 2;

    #[inline(always)]
    fn gather<F: Float>(k: &Scalars<F>, p: F, g: F, s: &mut [F]) -> [f64; MAX_SUMS] {
        let g = F::select(k.maximize, -g, g);
        let m = k.one_minus_beta1 * g + k.beta1 * s[0];
        let v = k.one_minus_beta2 * (g * g) + k.beta2 * s[1];
        s[0] = m;
        s[1] = v;
        let (p, u) = (p.to_f64(), direction(k, p, m, v).to_f64());
        [p * p, u * u]
    }

    fn finish<F: Float>(k: Scalars<F>, sums: &[f64]) -> Scalars<F> {
        let (param_norm, update_norm) = (sums[0].sqrt(), sums[1].sqrt());
        let ratio = if param_norm == 0.0 || update_norm == 0.0 {
            1.0
        } else {
            param_norm / update_norm
        };
        Scalars {
            ratio: F::from_f64(ratio),
            ..k
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ratio_is_one_when_a_norm_is_zero() {
        let options = crate::hyper::parse::<Lamb>("lamb", &[("lr", 0.1)]).unwrap();
        let k = LambRule::scalars::<f64>(&options, 1, true, &mut []);
        assert_eq!(LambRule::finish(k, &[0.0, 4.0]).ratio, 1.0);
        assert_eq!(LambRule::finish(k, &[4.0, 0.0]).ratio, 1.0);
        assert_eq!(LambRule::finish(k, &[9.0, 4.0]).ratio, 1.5);
        assert!(LambRule::finish(k, &[f64::NAN, 4.0]).ratio.is_nan());
    }
}
