//! Averaged SGD, as `torch.optim.ASGD` (Polyak & Juditsky, 1992; the step-size schedule of
//! Bottou, 2012).
//!
//! Per tensor, two scalars carry from step to step: the step size η (the group's lr when the
//! state is created) and the averaging weight μ (1 at first). Step t, with d = ±g (− under
//! `maximize`) plus λ_wd·p:
//! - p = p·(1 − λ·η), then p = p − η·d, with the η computed at the end of the previous step;
//! - the average: a = p while μ = 1, else a = a + (p − a)·μ;
//! - then, for the next step: η = lr / (1 + λ·lr·t)^α and μ = 1 / max(1, t − t₀).
//!
//! η and μ are kept in f64. torch keeps them in its default dtype (float32 unless
//! `torch.set_default_dtype(torch.float64)`); its float64 trajectories match descend's with
//! float64 as the default.
//!
//! Defaults are torch's: lr = 1e-2, λ = 1e-4, α = 0.75, t₀ = 1e6, no weight decay.

use super::{Optimizer, Rule, Variant};
use crate::float::Float;
use crate::hyper::Domain::{Finite, NonNegative};

crate::hyper! {
    /// ASGD's options, torch's names and defaults.
    pub struct Asgd {
        lr: f64 = 1e-2, NonNegative;
        lambd: f64 = 1e-4, NonNegative;
        alpha: f64 = 0.75, NonNegative;
        t0: f64 = 1e6, Finite;
        weight_decay: f64 = 0.0, NonNegative;
        maximize: bool = false;
    }
}

impl Optimizer for Asgd {
    const NAME: &'static str = "asgd";
    const STATE: &'static [&'static str] = &["ax"];
    const CARRIED: &'static [&'static str] = &["eta", "mu"];
    type Options = Self;

    fn configure(_: &Self) -> Variant {
        Variant::of::<AsgdRule>()
    }
}

/// ASGD.
pub struct AsgdRule;

#[derive(Clone, Copy)]
pub struct Scalars<F> {
    shrink: F,
    neg_eta: F,
    mu: F,
    average: bool,
    weight_decay: F,
    decay: bool,
    maximize: bool,
}

impl Rule for AsgdRule {
    type Options = Asgd;
    const STATE: &'static [&'static str] = &["ax"];
    type Scalars<F: Float> = Scalars<F>;

    fn scalars<F: Float>(o: &Asgd, step: u64, fresh: bool, carried: &mut [f64]) -> Scalars<F> {
        let Asgd {
            lr,
            lambd,
            alpha,
            t0,
            weight_decay,
            maximize,
        } = *o;
        if fresh {
            carried.copy_from_slice(&[lr, 1.0]);
        }
        let (eta, mu) = (carried[0], carried[1]);
        let t = step as f64;
        carried[0] = lr / (1.0 + lambd * lr * t).powf(alpha);
        carried[1] = 1.0 / (t - t0).max(1.0);
        Scalars {
            shrink: F::from_f64(1.0 - lambd * eta),
            neg_eta: F::from_f64(-eta),
            mu: F::from_f64(mu),
            average: mu != 1.0,
            weight_decay: F::from_f64(weight_decay),
            decay: weight_decay != 0.0,
            maximize,
        }
    }

    #[inline(always)]
    fn update<F: Float>(k: &Scalars<F>, p: &mut F, g: F, s: &mut [F]) {
        let g = F::select(k.maximize, -g, g);
        let g = F::select(k.decay, g + k.weight_decay * *p, g);
        let q = *p * k.shrink + k.neg_eta * g;
        *p = q;
        s[0] = F::select(k.average, s[0] + (q - s[0]) * k.mu, q);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyper::Hyper;

    #[test]
    fn a_step_uses_the_eta_of_the_step_before() {
        let h = Asgd::from_values(&[0.5, 0.1, 0.75, 1.0, 0.0, 0.0]);
        let mut carried = [0.0, 0.0];
        let eta2 = 0.5 / (1.0_f64 + 0.1 * 0.5).powf(0.75);
        let first = AsgdRule::scalars::<f64>(&h, 1, true, &mut carried);
        assert_eq!((first.neg_eta, first.average), (-0.5, false));
        assert_eq!(carried, [eta2, 1.0]);
        let second = AsgdRule::scalars::<f64>(&h, 2, false, &mut carried);
        assert_eq!(second.neg_eta, -eta2);
        assert_eq!(carried[1], 1.0); // max(1, 2 − t₀) = 1
        let third = AsgdRule::scalars::<f64>(&h, 3, false, &mut carried);
        assert!(!third.average);
        assert_eq!(carried[1], 0.5); // after step 3: 1 / (3 − 1)
        assert!(AsgdRule::scalars::<f64>(&h, 4, false, &mut carried).average);
    }
}
