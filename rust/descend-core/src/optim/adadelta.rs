//! Adadelta, as `torch.optim.Adadelta` (Zeiler, 2012).
//!
//! With d = ±g (− under `maximize`) plus λ·p (weight decay λ):
//! - v = ρ·v + (1 − ρ)·d·d (`square_avg`);
//! - δ = √(u + ε) / √(v + ε) · d, with u the running average of squared updates (`acc_delta`);
//! - u = ρ·u + (1 − ρ)·δ·δ;
//! - p = p − lr·δ.
//!
//! Defaults are torch's: lr = 1.0, ρ = 0.9, ε = 1e-6, no weight decay.

use super::{Optimizer, Rule, Variant};
use crate::float::Float;
use crate::hyper::Domain::{NonNegative, UnitInterval};

crate::hyper! {
    /// Adadelta's options, torch's names and defaults.
    pub struct Adadelta {
        lr: f64 = 1.0, NonNegative;
        rho: f64 = 0.9, UnitInterval;
        eps: f64 = 1e-6, NonNegative;
        weight_decay: f64 = 0.0, NonNegative;
        maximize: bool = false;
    }
}

impl Optimizer for Adadelta {
    const NAME: &'static str = "adadelta";
    const STATE: &'static [&'static str] = &["square_avg", "acc_delta"];
    type Options = Self;

    fn configure(_: &Self) -> Variant {
        Variant::of::<AdadeltaRule>()
    }
}

/// Adadelta.
pub struct AdadeltaRule;

#[derive(Clone, Copy)]
pub struct Scalars<F> {
    rho: F,
    one_minus_rho: F,
    eps: F,
    weight_decay: F,
    decay: bool,
    neg_lr: F,
    maximize: bool,
}

impl Rule for AdadeltaRule {
    type Options = Adadelta;
    const STATE: &'static [&'static str] = &["square_avg", "acc_delta"];
    type Scalars<F: Float> = Scalars<F>;

    fn scalars<F: Float>(o: &Adadelta, _step: u64, _fresh: bool, _: &mut [f64]) -> Scalars<F> {
        let Adadelta {
            lr,
            rho,
            eps,
            weight_decay,
            maximize,
        } = *o;
        Scalars {
            rho: F::from_f64(rho),
            one_minus_rho: F::from_f64(1.0 - rho),
            eps: F::from_f64(eps),
            weight_decay: F::from_f64(weight_decay),
            decay: weight_decay != 0.0,
            neg_lr: F::from_f64(-lr),
            maximize,
        }
    }

    #[inline(always)]
    fn update<F: Float>(k: &Scalars<F>, p: &mut F, g: F, s: &mut [F]) {
        let g = F::select(k.maximize, -g, g);
        let g = F::select(k.decay, g + k.weight_decay * *p, g);
        let v = s[0] * k.rho + k.one_minus_rho * g * g;
        s[0] = v;
        let std = (v + k.eps).sqrt();
        let delta = (s[1] + k.eps).sqrt() / std * g;
        s[1] = s[1] * k.rho + k.one_minus_rho * delta * delta;
        *p = *p + k.neg_lr * delta;
    }
}
