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

use super::{flag, Rule, RuleSpec, Variant};
use crate::float::Float;
use crate::param::{Domain, ParamSpec};

pub const SPEC: RuleSpec = RuleSpec {
    name: "lion",
    params: &[
        ParamSpec::new("lr", 1e-3, Domain::NonNegative),
        ParamSpec::new("betas[0]", 0.9, Domain::Decay),
        ParamSpec::new("betas[1]", 0.99, Domain::Decay),
        ParamSpec::new("weight_decay", 0.0, Domain::NonNegative),
        ParamSpec::new("maximize", 0.0, Domain::Flag),
    ],
    state: &["exp_avg"],
    carried: &[],
    counts_steps: false,
    configure: |_| Variant::of::<Lion>(),
};

/// Lion.
pub struct Lion;

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

impl Rule for Lion {
    const STATE: &'static [&'static str] = &["exp_avg"];
    type Scalars<F: Float> = Scalars<F>;

    fn scalars<F: Float>(h: &[f64], _step: u64, _fresh: bool, _: &mut [f64]) -> Scalars<F> {
        let &[lr, beta1, beta2, weight_decay, maximize] = h else {
            unreachable!("the driver checked the hyperparameter count")
        };
        Scalars {
            beta1: F::from_f64(beta1),
            one_minus_beta1: F::from_f64(1.0 - beta1),
            beta2: F::from_f64(beta2),
            one_minus_beta2: F::from_f64(1.0 - beta2),
            neg_lr: F::from_f64(-lr),
            shrink: F::from_f64(1.0 - lr * weight_decay),
            maximize: flag(maximize),
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

    const H: [f64; 5] = [0.25, 0.9, 0.99, 0.0, 0.0];

    fn step(h: &[f64], p: &mut f64, g: f64, m: &mut f64) {
        let k = Lion::scalars::<f64>(h, 1, false, &mut []);
        let mut s = [*m];
        Lion::update(&k, p, g, &mut s);
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
