//! Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms", Algorithm 2); not
//! in torch.
//!
//! With d = ±g (− under `maximize`) and λ the weight decay:
//! - c = β₁·m + (1 − β₁)·d, the interpolation the sign is taken of;
//! - p = p·(1 − lr·λ), then p = p − lr·sign(c): the paper's decoupled decay
//!   p − lr·(sign(c) + λ·p), in the order of the reference implementations (decay first);
//! - m = β₂·m + (1 − β₂)·d: the momentum is updated after the step, with its own β₂.
//!
//! sign(0) = 0, so an element whose c is exactly 0 does not move (but still decays). A NaN c
//! gives a NaN step, as `numpy.sign`, JAX and Keras do (torch's `sign` would give 0 and hide
//! it).
//!
//! Defaults are Keras' `keras.optimizers.Lion`: lr = 1e-3, betas = (0.9, 0.99), no decay.

use super::{Optimizer, Rule, Variant};
use crate::float::Float;
use crate::hyper::Domain::{Decay, NonNegative};

crate::hyper! {
    /// Lion's options, Keras' defaults.
    pub struct Lion {
        lr: f64 = 1e-3, NonNegative;
        beta1("betas[0]"): f64 = 0.9, Decay;
        beta2("betas[1]"): f64 = 0.99, Decay;
        weight_decay: f64 = 0.0, NonNegative;
        maximize: bool = false;
    }
}

impl Optimizer for Lion {
    const NAME: &'static str = "lion";
    const STATE: &'static [&'static str] = &["exp_avg"];
    const COUNTS_STEPS: bool = false;
    type Options = Self;

    fn configure(_: &Self) -> Variant {
        Variant::of::<LionRule>()
    }
}

/// Lion.
pub struct LionRule;

#[derive(Clone, Copy)]
pub struct Scalars<F> {
    beta1: F,
    one_minus_beta1: F,
    beta2: F,
    one_minus_beta2: F,
    neg_lr: F,
    shrink: F,
    maximize: bool,
}

impl Rule for LionRule {
    type Options = Lion;
    const STATE: &'static [&'static str] = &["exp_avg"];
    type Scalars<F: Float> = Scalars<F>;

    fn scalars<F: Float>(o: &Lion, _step: u64, _fresh: bool, _: &mut [f64]) -> Scalars<F> {
        let Lion {
            lr,
            beta1,
            beta2,
            weight_decay,
            maximize,
        } = *o;
        Scalars {
            beta1: F::from_f64(beta1),
            one_minus_beta1: F::from_f64(1.0 - beta1),
            beta2: F::from_f64(beta2),
            one_minus_beta2: F::from_f64(1.0 - beta2),
            neg_lr: F::from_f64(-lr),
            shrink: F::from_f64(1.0 - lr * weight_decay),
            maximize,
        }
    }

    #[inline(always)]
    fn update<F: Float>(k: &Scalars<F>, p: &mut F, g: F, s: &mut [F]) {
        let g = F::select(k.maximize, -g, g);
        let c = s[0] * k.beta1 + k.one_minus_beta1 * g;
        let sign = F::select(c.is_nan(), c, c.signum0());
        *p = *p * k.shrink + k.neg_lr * sign;
        s[0] = s[0] * k.beta2 + k.one_minus_beta2 * g;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyper::Hyper;

    const H: [f64; 5] = [0.25, 0.9, 0.99, 0.0, 0.0];

    fn step(h: &[f64], p: &mut f64, g: f64, m: &mut f64) {
        let k = LionRule::scalars::<f64>(&Lion::from_values(h), 1, false, &mut []);
        let mut s = [*m];
        LionRule::update(&k, p, g, &mut s);
        *m = s[0];
    }

    #[test]
    fn every_element_moves_by_lr_whatever_the_gradient_size() {
        for g in [1e-30, 3.0, 1e30] {
            let (mut p, mut m) = (1.0, 0.0);
            step(&H, &mut p, g, &mut m);
            assert_eq!(p, 0.75);
            assert_eq!(m, (1.0 - 0.99) * g);
        }
    }

    #[test]
    fn zero_interpolation_holds_still_and_nan_propagates() {
        let (mut p, mut m) = (1.0, 0.0);
        step(&H, &mut p, 0.0, &mut m);
        assert_eq!(p, 1.0);
        step(&H, &mut p, f64::NAN, &mut m);
        assert!(p.is_nan() && m.is_nan());
    }

    #[test]
    fn decay_is_decoupled() {
        let mut h = H;
        h[3] = 0.5; // p·(1 − 0.125) − 0.25
        let (mut p, mut m) = (2.0, 0.0);
        step(&h, &mut p, 1.0, &mut m);
        assert_eq!(p, 1.5);
    }
}
