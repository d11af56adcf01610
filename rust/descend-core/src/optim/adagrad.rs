//! Adagrad, as `torch.optim.Adagrad` (Duchi et al., 2011), dense gradients.
//!
//! With d = ±g (− under `maximize`) plus λ·p (λ the weight decay), t the step (1 for the first):
//! - the accumulator s = s + d·d starts at `initial_accumulator_value`;
//! - the decayed rate lrₜ = lr / (1 + (t − 1)·lr_decay);
//! - p = p + (−lrₜ·d) / (√s + ε), in torch's `addcdiv` order (scaled numerator, then the
//!   division); ε is added outside the root.
//!
//! torch fills the accumulator of its constructor's parameters with the constructor's
//! `initial_accumulator_value` (and of later groups with the defaults' value), ignoring a
//! group's own entry; descend fills each tensor's from its group's value, which is the same
//! unless a group overrides it.
//!
//! Defaults are torch's: lr = 1e-2, no lr decay, no weight decay, accumulator from 0,
//! eps = 1e-10.

use super::{Optimizer, Rule, Variant};
use crate::float::Float;
use crate::hyper::Domain::NonNegative;

crate::hyper! {
    /// Adagrad's options, torch's names and defaults.
    pub struct Adagrad {
        lr: f64 = 1e-2, NonNegative;
        lr_decay: f64 = 0.0, NonNegative;
        weight_decay: f64 = 0.0, NonNegative;
        initial_accumulator_value: f64 = 0.0, NonNegative;
        eps: f64 = 1e-10, NonNegative;
        maximize: bool = false;
    }
}

impl Optimizer for Adagrad {
    const NAME: &'static str = "adagrad";
    const STATE: &'static [&'static str] = &["sum"];
    type Options = Self;

    fn configure(_: &Self) -> Variant {
        Variant::of::<AdagradRule>()
    }
}

/// Adagrad.
pub struct AdagradRule;

#[derive(Clone, Copy)]
pub struct Scalars<F> {
    neg_clr: F,
    weight_decay: F,
    decay: bool,
    eps: F,
    maximize: bool,
}

impl Rule for AdagradRule {
    type Options = Adagrad;
    const STATE: &'static [&'static str] = &["sum"];
    type Scalars<F: Float> = Scalars<F>;

    fn scalars<F: Float>(o: &Adagrad, step: u64, _fresh: bool, _: &mut [f64]) -> Scalars<F> {
        let Adagrad {
            lr,
            lr_decay,
            weight_decay,
            eps,
            maximize,
            ..
        } = *o;
        let clr = lr / (1.0 + (step as f64 - 1.0) * lr_decay);
        Scalars {
            neg_clr: F::from_f64(-clr),
            weight_decay: F::from_f64(weight_decay),
            decay: weight_decay != 0.0,
            eps: F::from_f64(eps),
            maximize,
        }
    }

    fn initial(o: &Adagrad, _: usize) -> f64 {
        o.initial_accumulator_value
    }

    #[inline(always)]
    fn update<F: Float>(k: &Scalars<F>, p: &mut F, g: F, s: &mut [F]) {
        let g = F::select(k.maximize, -g, g);
        let g = F::select(k.decay, g + k.weight_decay * *p, g);
        let sum = s[0] + g * g;
        s[0] = sum;
        *p = *p + (k.neg_clr * g) / (sum.sqrt() + k.eps);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyper::Hyper;

    #[test]
    fn the_accumulator_starts_at_its_initial_value_and_lr_decays() {
        let h = Adagrad::from_values(&[0.5, 1.0, 0.0, 16.0, 0.0, 0.0]);
        assert_eq!(AdagradRule::initial(&h, 0), 16.0);
        // t = 2: lrₜ = 0.5 / 2; s = 16 + 9 = 25; p = 1 − 0.25·3/5.
        let k = AdagradRule::scalars::<f64>(&h, 2, false, &mut []);
        let (mut p, mut s) = (1.0, [16.0]);
        AdagradRule::update(&k, &mut p, 3.0, &mut s);
        assert_eq!((p, s[0]), (0.85, 25.0));
    }
}
