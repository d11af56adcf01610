//! RMSprop, as `torch.optim.RMSprop` (Hinton's lecture 6e; the centered form is Graves, 2013).
//!
//! With d = ±g (− under `maximize`) plus λ·p (weight decay λ):
//! - v = α·v + (1 − α)·d·d;
//! - centered: ḡ = lerp(ḡ, d, 1 − α) (torch's two-sided lerp) and a = √(v − ḡ·ḡ), else a = √v;
//!   then a = a + ε (ε outside the root, as torch);
//! - momentum μ > 0: b = μ·b + d/a and p = p − lr·b; else p = p − lr·d/a.
//!
//! Defaults are torch's: lr = 1e-2, α = 0.99, ε = 1e-8, no weight decay, no momentum. As torch,
//! α is only required to be ≥ 0.

use super::moments::lerp;
use super::{Optimizer, Rule, Variant};
use crate::float::Float;
use crate::hyper::Domain::NonNegative;

crate::hyper! {
    /// RMSprop's options, torch's names and defaults.
    pub struct RmsProp {
        lr: f64 = 1e-2, NonNegative;
        alpha: f64 = 0.99, NonNegative;
        eps: f64 = 1e-8, NonNegative;
        weight_decay: f64 = 0.0, NonNegative;
        momentum: f64 = 0.0, NonNegative;
        centered: bool = false;
        maximize: bool = false;
    }
}

impl Optimizer for RmsProp {
    const NAME: &'static str = "rmsprop";
    const STATE: &'static [&'static str] = &["square_avg", "momentum_buffer", "grad_avg"];
    type Options = Self;

    fn configure(o: &Self) -> Variant {
        match (o.momentum > 0.0, o.centered) {
            (false, false) => Variant::of::<RmsPropRule<false, false>>(),
            (true, false) => Variant::of::<RmsPropRule<true, false>>(),
            (false, true) => Variant::of::<RmsPropRule<false, true>>(),
            (true, true) => Variant::of::<RmsPropRule<true, true>>(),
        }
    }
}

/// RMSprop, with a momentum buffer when `MOMENTUM` and a gradient average when `CENTERED`.
pub struct RmsPropRule<const MOMENTUM: bool, const CENTERED: bool>;

#[derive(Clone, Copy)]
pub struct Scalars<F> {
    alpha: F,
    one_minus_alpha: F,
    weight: F,
    one_minus_weight: F,
    low_weight: bool,
    eps: F,
    weight_decay: F,
    decay: bool,
    momentum: F,
    neg_lr: F,
    maximize: bool,
}

impl<const MOMENTUM: bool, const CENTERED: bool> RmsPropRule<MOMENTUM, CENTERED> {
    /// Where `grad_avg` sits in the state slice.
    const GRAD_AVG: usize = 1 + MOMENTUM as usize;
}

impl<const MOMENTUM: bool, const CENTERED: bool> Rule for RmsPropRule<MOMENTUM, CENTERED> {
    type Options = RmsProp;
    const STATE: &'static [&'static str] = match (MOMENTUM, CENTERED) {
        (false, false) => &["square_avg"],
        (true, false) => &["square_avg", "momentum_buffer"],
        (false, true) => &["square_avg", "grad_avg"],
        (true, true) => &["square_avg", "momentum_buffer", "grad_avg"],
    };
    type Scalars<F: Float> = Scalars<F>;

    fn scalars<F: Float>(o: &RmsProp, _step: u64, _fresh: bool, _: &mut [f64]) -> Scalars<F> {
        let RmsProp {
            lr,
            alpha,
            eps,
            weight_decay,
            momentum,
            maximize,
            ..
        } = *o;
        // torch's lerp takes its weight in the tensor's dtype and forms 1 − w there.
        let weight = F::from_f64(1.0 - alpha);
        Scalars {
            alpha: F::from_f64(alpha),
            one_minus_alpha: F::from_f64(1.0 - alpha),
            weight,
            one_minus_weight: F::ONE - weight,
            low_weight: weight.to_f64().abs() < 0.5,
            eps: F::from_f64(eps),
            weight_decay: F::from_f64(weight_decay),
            decay: weight_decay != 0.0,
            momentum: F::from_f64(momentum),
            neg_lr: F::from_f64(-lr),
            maximize,
        }
    }

    #[inline(always)]
    fn update<F: Float>(k: &Scalars<F>, p: &mut F, g: F, s: &mut [F]) {
        let g = F::select(k.maximize, -g, g);
        let g = F::select(k.decay, g + k.weight_decay * *p, g);
        let v = s[0] * k.alpha + k.one_minus_alpha * g * g;
        s[0] = v;
        let avg = if CENTERED {
            let mean = lerp(
                s[Self::GRAD_AVG],
                g,
                k.weight,
                k.one_minus_weight,
                k.low_weight,
            );
            s[Self::GRAD_AVG] = mean;
            (v - mean * mean).sqrt()
        } else {
            v.sqrt()
        };
        let avg = avg + k.eps;
        if MOMENTUM {
            let b = s[1] * k.momentum + g / avg;
            s[1] = b;
            *p = *p + k.neg_lr * b;
        } else {
            // torch's addcdiv: (value · g) / avg.
            *p = *p + k.neg_lr * g / avg;
        }
    }
}
