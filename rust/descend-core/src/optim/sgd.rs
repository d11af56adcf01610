//! SGD with momentum, dampening, Nesterov and weight decay, as `torch.optim.SGD`.
//!
//! With d = ±g (− under `maximize`) plus `weight_decay`·p:
//! - momentum μ ≠ 0: b = d on the first step (torch's "buffer is None"), else b = μ·b + (1 − τ)·d
//!   with τ the dampening; then d = d + μ·b (Nesterov) or d = b;
//! - p = p − lr·d.
//!
//! Defaults are torch's: lr = 1e-3, no momentum, no dampening, no weight decay.

use super::{flag, Rule, RuleSpec, Variant};
use crate::float::Float;
use crate::param::{Domain, ParamSpec};

pub const SPEC: RuleSpec = RuleSpec {
    name: "sgd",
    params: &[
        ParamSpec::new("lr", 1e-3, Domain::NonNegative),
        ParamSpec::new("momentum", 0.0, Domain::NonNegative),
        ParamSpec::new("dampening", 0.0, Domain::Finite),
        ParamSpec::new("weight_decay", 0.0, Domain::NonNegative),
        ParamSpec::new("nesterov", 0.0, Domain::Flag),
        ParamSpec::new("maximize", 0.0, Domain::Flag),
    ],
    state: &["momentum_buffer"],
    carried: &[],
    counts_steps: false,
    configure: |h| {
        if h[1] != 0.0 {
            Variant::of::<Sgd<true>>()
        } else {
            Variant::of::<Sgd<false>>()
        }
    },
};

/// SGD, with a momentum buffer when `MOMENTUM`.
pub struct Sgd<const MOMENTUM: bool>;

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

impl<const MOMENTUM: bool> Rule for Sgd<MOMENTUM> {
    const STATE: &'static [&'static str] = if MOMENTUM { &["momentum_buffer"] } else { &[] };
    type Scalars<F: Float> = Scalars<F>;

    fn scalars<F: Float>(h: &[f64], _step: u64, fresh: bool, _: &mut [f64]) -> Scalars<F> {
        Scalars {
            neg_lr: F::from_f64(-h[0]),
            momentum: F::from_f64(h[1]),
            keep: F::from_f64(1.0 - h[2]),
            weight_decay: F::from_f64(h[3]),
            decay: h[3] != 0.0,
            nesterov: flag(h[4]),
            maximize: flag(h[5]),
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
