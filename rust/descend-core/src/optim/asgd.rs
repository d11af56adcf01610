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

use super::{flag, Rule, RuleSpec, Variant};
use crate::float::Float;
use crate::param::{Domain, ParamSpec};

pub const SPEC: RuleSpec = RuleSpec {
    name: "asgd",
    params: &[
        ParamSpec::new("lr", 1e-2, Domain::NonNegative),
        ParamSpec::new("lambd", 1e-4, Domain::NonNegative),
        ParamSpec::new("alpha", 0.75, Domain::NonNegative),
        ParamSpec::new("t0", 1e6, Domain::Finite),
        ParamSpec::new("weight_decay", 0.0, Domain::NonNegative),
        ParamSpec::new("maximize", 0.0, Domain::Flag),
    ],
    state: &["ax"],
    carried: &["eta", "mu"],
    counts_steps: true,
    configure: |_| Variant::of::<Asgd>(),
};

/// ASGD.
pub struct Asgd;

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

impl Rule for Asgd {
    const STATE: &'static [&'static str] = &["ax"];
    type Scalars<F: Float> = Scalars<F>;

    fn scalars<F: Float>(h: &[f64], step: u64, fresh: bool, carried: &mut [f64]) -> Scalars<F> {
        let &[lr, lambd, alpha, t0, weight_decay, maximize] = h else {
            unreachable!("the driver checked the hyperparameter count")
        };
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
            maximize: flag(maximize),
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

    #[test]
    fn a_step_uses_the_eta_of_the_step_before() {
        let h = [0.5, 0.1, 0.75, 1.0, 0.0, 0.0];
        let mut carried = [0.0, 0.0];
        let eta2 = 0.5 / (1.0_f64 + 0.1 * 0.5).powf(0.75);
        let first = Asgd::scalars::<f64>(&h, 1, true, &mut carried);
        assert_eq!((first.neg_eta, first.average), (-0.5, false));
        assert_eq!(carried, [eta2, 1.0]);
        let second = Asgd::scalars::<f64>(&h, 2, false, &mut carried);
        assert_eq!(second.neg_eta, -eta2);
        assert_eq!(carried[1], 1.0); // max(1, 2 − t₀) = 1
        let third = Asgd::scalars::<f64>(&h, 3, false, &mut carried);
        assert!(!third.average);
        assert_eq!(carried[1], 0.5); // after step 3: 1 / (3 − 1)
        assert!(Asgd::scalars::<f64>(&h, 4, false, &mut carried).average);
    }
}
