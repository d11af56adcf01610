//! SGD with momentum, dampening, Nesterov and weight decay, as `torch.optim.SGD`.
//!
//! With d = ±g (− under `maximize`) plus `weight_decay`·p:
//! - momentum μ ≠ 0: b = d on the first step (torch's "buffer is None"), else b = μ·b + (1 − τ)·d
//!   with τ the dampening; then d = d + μ·b (Nesterov) or d = b;
//! - p = p − lr·d.
//!
//! Defaults are torch's: lr = 1e-3, no momentum, no dampening, no weight decay.

use super::{Optimizer, Rule, Variant};
use crate::float::Float;
use crate::hyper::Domain::{Finite, NonNegative};

crate::hyper! {
    /// SGD's options, torch's names and defaults.
    pub struct Sgd {
        lr: f64 = 1e-3, NonNegative;
        momentum: f64 = 0.0, NonNegative;
        dampening: f64 = 0.0, Finite;
        weight_decay: f64 = 0.0, NonNegative;
        nesterov: bool = false;
        maximize: bool = false;
    }
    relations(o) {
        // torch's constructor refuses this combination; so does every later step.
        if o.nesterov && (o.momentum <= 0.0 || o.dampening != 0.0) {
            Err("Nesterov momentum requires a momentum and zero dampening".into())
        } else {
            Ok(())
        }
    }
}

impl Optimizer for Sgd {
    const NAME: &'static str = "sgd";
    const STATE: &'static [&'static str] = &["momentum_buffer"];
    const COUNTS_STEPS: bool = false;
    type Options = Self;

    fn configure(options: &Self) -> Variant {
        if options.momentum != 0.0 {
            Variant::of::<SgdRule<true>>()
        } else {
            Variant::of::<SgdRule<false>>()
        }
    }
}

/// SGD's rule, with a momentum buffer when `MOMENTUM`.
pub struct SgdRule<const MOMENTUM: bool>;

#[derive(Clone, Copy)]
pub struct Scalars<F> {
    neg_lr: F,
    momentum: F,
    keep: F,
    weight_decay: F,
    decay: bool,
    nesterov: bool,
    maximize: bool,
    first: bool,
}

impl<const MOMENTUM: bool> Rule for SgdRule<MOMENTUM> {
    type Options = Sgd;
    const STATE: &'static [&'static str] = if MOMENTUM { &["momentum_buffer"] } else { &[] };
    type Scalars<F: Float> = Scalars<F>;

    fn scalars<F: Float>(o: &Sgd, _step: u64, fresh: bool, _: &mut [f64]) -> Scalars<F> {
        Scalars {
            neg_lr: F::from_f64(-o.lr),
            momentum: F::from_f64(o.momentum),
            keep: F::from_f64(1.0 - o.dampening),
            weight_decay: F::from_f64(o.weight_decay),
            decay: o.weight_decay != 0.0,
            nesterov: o.nesterov,
            maximize: o.maximize,
            first: fresh,
        }
    }

    #[inline(always)]
    fn update<F: Float>(k: &Scalars<F>, p: &mut F, g: F, s: &mut [F]) {
        let g = F::select(k.maximize, -g, g);
        let mut d = F::select(k.decay, g + k.weight_decay * *p, g);
        if MOMENTUM {
            let b = F::select(k.first, d, s[0] * k.momentum + k.keep * d);
            s[0] = b;
            d = F::select(k.nesterov, d + k.momentum * b, b);
        }
        *p = *p + k.neg_lr * d;
    }
}
