//! Rprop, as `torch.optim.Rprop` (Riedmiller & Braun, 1993; the variant without backtracking).
//!
//! With d = ±g (− under `maximize`) and p' the previous step's (possibly zeroed) gradient:
//! - s = sign(d·p'), the sign of the product as torch forms it (an underflowing product is 0);
//! - η = η₊ where s > 0, η₋ where s < 0, 1 where s = 0;
//! - step size σ = clamp(σ·η, σ_min, σ_max) (σ starts at the group's lr on the first step);
//! - where η = η₋, d = 0 (no move, and no sign change remembered);
//! - p = p − sign(d)·σ, and p' = d.
//!
//! NaN as torch: `torch.sign` maps NaN to 0, so a NaN gradient leaves the parameter and σ
//! where they are (η = 1), and is remembered as p' = NaN, which in turn makes the next product
//! NaN (η = 1 again). σ is clamped NaN-propagating, as `clamp_`.
//!
//! Defaults are torch's: lr = 1e-2, (η₋, η₊) = (0.5, 1.2), (σ_min, σ_max) = (1e-6, 50).

use super::{Optimizer, Rule, Variant};
use crate::float::Float;
use crate::hyper::Domain::{NonNegative, OpenUnit, Positive};

crate::hyper! {
    /// Rprop's options, torch's names and defaults.
    pub struct Rprop {
        lr: f64 = 1e-2, NonNegative;
        eta_minus("etas[0]"): f64 = 0.5, OpenUnit;
        eta_plus("etas[1]"): f64 = 1.2, Positive;
        min_step("step_sizes[0]"): f64 = 1e-6, NonNegative;
        max_step("step_sizes[1]"): f64 = 50.0, NonNegative;
        maximize: bool = false;
    }
    relations(o) {
        // torch's constructor requires 0 < η₋ < 1 < η₊; so does every later step.
        if o.eta_plus > 1.0 {
            Ok(())
        } else {
            Err(format!(
                "etas must satisfy 0 < etas[0] < 1 < etas[1], got {}, {}",
                o.eta_minus, o.eta_plus
            ))
        }
    }
}

impl Optimizer for Rprop {
    const NAME: &'static str = "rprop";
    const STATE: &'static [&'static str] = &["prev", "step_size"];
    type Options = Self;

    fn configure(_: &Self) -> Variant {
        Variant::of::<RpropRule>()
    }
}

/// Rprop's rule.
pub struct RpropRule;

#[derive(Clone, Copy)]
pub struct Scalars<F> {
    eta_minus: F,
    eta_plus: F,
    min_step: F,
    max_step: F,
    maximize: bool,
}

impl Rule for RpropRule {
    type Options = Rprop;
    const STATE: &'static [&'static str] = &["prev", "step_size"];
    type Scalars<F: Float> = Scalars<F>;

    fn scalars<F: Float>(o: &Rprop, _step: u64, _fresh: bool, _: &mut [f64]) -> Scalars<F> {
        Scalars {
            eta_minus: F::from_f64(o.eta_minus),
            eta_plus: F::from_f64(o.eta_plus),
            min_step: F::from_f64(o.min_step),
            max_step: F::from_f64(o.max_step),
            maximize: o.maximize,
        }
    }

    /// `step_size` starts at the lr of the step that creates it, as torch's `full_like`.
    fn initial(o: &Rprop, i: usize) -> f64 {
        if i == 1 {
            o.lr
        } else {
            0.0
        }
    }

    #[inline(always)]
    fn update<F: Float>(k: &Scalars<F>, p: &mut F, g: F, s: &mut [F]) {
        let g = F::select(k.maximize, -g, g);
        let sign = (g * s[0]).signum0();
        let eta = F::select(
            sign > F::ZERO,
            k.eta_plus,
            F::select(sign < F::ZERO, k.eta_minus, F::ONE),
        );
        let step = clamp(s[1] * eta, k.min_step, k.max_step);
        // torch zeroes where the factor equals η₋ (not where the sign was negative): the same
        // elements, unless η₋ rounds to 1 in the dtype, and then as torch.
        let g = F::select(eta == k.eta_minus, F::ZERO, g);
        *p = *p + -g.signum0() * step;
        s[0] = g;
        s[1] = step;
    }
}

/// `torch.clamp(x, lo, hi)`: NaN stays NaN; lo > hi gives hi.
#[inline(always)]
fn clamp<F: Float>(x: F, lo: F, hi: F) -> F {
    let x = F::select(x.is_nan() || x > lo, x, lo);
    F::select(x.is_nan() || x < hi, x, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(p: &mut f64, g: f64, s: &mut [f64; 2]) {
        let options = crate::hyper::parse::<Rprop>("rprop", &[("lr", 0.1)]).unwrap();
        let k = RpropRule::scalars::<f64>(&options, 1, false, &mut []);
        RpropRule::update(&k, p, g, s);
    }

    #[test]
    fn a_sign_change_shrinks_the_step_and_skips_the_move() {
        let (mut p, mut s) = (0.0, [0.0, 0.1]);
        step(&mut p, 2.0, &mut s); // no previous gradient: η = 1
        assert_eq!((p, s), (-0.1, [2.0, 0.1]));
        step(&mut p, 3.0, &mut s); // same sign: η₊
        assert_eq!(s[1], 0.1 * 1.2);
        step(&mut p, -1.0, &mut s); // sign change: η₋, no move, gradient forgotten
        assert_eq!(p, -0.1 - 0.1 * 1.2);
        assert_eq!(s, [0.0, 0.1 * 1.2 * 0.5]);
    }

    #[test]
    fn a_nan_gradient_moves_nothing_as_torch() {
        let (mut p, mut s) = (1.0, [2.0, 0.1]);
        step(&mut p, f64::NAN, &mut s);
        assert_eq!((p, s[1]), (1.0, 0.1));
        assert!(s[0].is_nan());
        step(&mut p, 1.0, &mut s);
        assert_eq!((p, s), (0.9, [1.0, 0.1]));
    }

    #[test]
    fn clamp_keeps_nan_and_prefers_the_upper_bound() {
        assert!(clamp(f64::NAN, 0.0, 1.0).is_nan());
        assert_eq!(clamp(5.0, 2.0, 1.0), 1.0);
        assert_eq!(clamp(1e-9, 1e-6, 50.0), 1e-6);
    }
}
