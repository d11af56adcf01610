//! Smooth L1 loss.
//!
//! With d = x − y: ℓ = ½d²/β if |d| < β, else |d| − ½β;  ∂ℓ/∂x = d/β if |d| < β, else sign(d).
//! `beta = 0` is exactly `l1_loss` (NaN slopes included) (the quadratic zone is empty, so nothing divides by zero),
//! as in torch: `torch.nn.functional.smooth_l1_loss(beta=1.0)`. torch has no `weight` here;
//! descend's weighted `"mean"` is Σ w·ℓ / Σ w.

use super::{AnyInput, Direct, Formula, KernelUser, LossSpec, NoThird, PointwiseLoss};
use crate::float::Float;
use crate::hyper::Domain::NonNegative;

crate::hyper! {
    /// Smooth L1's options.
    pub struct SmoothL1Options {
        /// Where the quadratic zone ends; 0 is `l1_loss`.
        beta: f64 = 1.0, NonNegative;
    }
}

/// Smooth L1 kernel with threshold `beta`. `RECIPROCAL` when 1/β is finite in f32 and f64: the
/// loop then multiplies by 1/β, rounded once per call, instead of dividing twice per element
/// (f32 value_and_grad in L1, three paired runs: 0.31 against 0.40–0.42 ns per element);
/// results move by at most an ulp. Zero and tinier β divide (see
/// [`PointwiseLoss::specialise`]).
#[derive(Debug, Clone, Copy)]
pub struct SmoothL1Loss<const RECIPROCAL: bool = false> {
    beta: f64,
}

impl<const RECIPROCAL: bool> PointwiseLoss for SmoothL1Loss<RECIPROCAL> {
    const SPEC: LossSpec = LossSpec {
        name: "smooth_l1_loss",
        ..LossSpec::BASE
    };
    type Options = SmoothL1Options;
    type Eval = Direct;
    type Third = NoThird;
    type Domain = AnyInput;

    fn specialise<U: KernelUser>(options: SmoothL1Options, user: U) -> U::Output {
        let beta = options.beta;
        if beta > 0.0 && 1.0 / beta < f64::from(f32::MAX) {
            user.run(SmoothL1Loss::<true> { beta })
        } else {
            user.run(SmoothL1Loss::<false> { beta })
        }
    }
}

impl<const RECIPROCAL: bool> Formula for SmoothL1Loss<RECIPROCAL> {
    #[inline(always)]
    fn value<F: Float>(self, x: F, y: F, _: F) -> F {
        let beta = F::from_f64(self.beta);
        let half = F::from_f64(0.5);
        let d = x - y;
        let a = d.abs();
        let quadratic = if RECIPROCAL {
            d * d * F::from_f64(0.5 / self.beta)
        } else {
            // With beta = 0 this branch is never taken, so its 0/0 never reaches the result.
            half * d * d / beta
        };
        F::select(a < beta, quadratic, a - half * beta)
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F, y: F, _: F) -> F {
        let d = x - y;
        if !RECIPROCAL && self.beta == 0.0 {
            // torch hands beta = 0 to l1_loss, whose sgn gives NaN differences a zero slope.
            return d.signum0();
        }
        let beta = F::from_f64(self.beta);
        let linear = if RECIPROCAL {
            d * F::from_f64(1.0 / self.beta)
        } else {
            d / beta
        };
        // NaN takes the quadratic branch and stays NaN, as in torch's backward.
        F::select(d.abs() >= beta, F::ONE.copysign(d), linear)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beta_zero_is_l1() {
        let k = SmoothL1Loss::<false> { beta: 0.0 };
        assert_eq!(k.value(0.25_f64, 0.0, 1.0), 0.25);
        assert_eq!(k.grad(0.25_f64, 0.0, 1.0), 1.0);
        assert_eq!(k.grad(0.0_f64, 0.0, 1.0), 0.0);
        let k = SmoothL1Loss::<false> { beta: 2.0 };
        assert_eq!(k.value(1.0_f32, 0.0, 1.0), 0.25);
        assert_eq!(k.grad(1.0_f32, 0.0, 1.0), 0.5);
    }

    #[test]
    fn reciprocal_and_division_agree() {
        // Within an ulp for an ordinary β; a β whose inverse overflows f32 divides instead of
        // giving ±inf or NaN in its (subnormal) quadratic zone.
        let (divide, multiply) = (
            SmoothL1Loss::<false> { beta: 3.0 },
            SmoothL1Loss::<true> { beta: 3.0 },
        );
        for x in [0.1_f32, -1.7, 2.9] {
            assert!((divide.grad(x, 0.0, 1.0) - multiply.grad(x, 0.0, 1.0)).abs() <= f32::EPSILON);
            assert!(
                (divide.value(x, 0.0, 1.0) - multiply.value(x, 0.0, 1.0)).abs() <= f32::EPSILON
            );
        }
        struct GradAndValue(f32);
        impl KernelUser for GradAndValue {
            type Output = (f32, f32);
            fn run<K: PointwiseLoss>(self, k: K) -> (f32, f32) {
                let (_, grad) = super::super::testing::value_and_grad(k, self.0, 0.0, 1.0);
                let (value, _) = super::super::testing::value_and_grad(k, 0.0, 0.0, 1.0);
                (grad, value)
            }
        }
        let options = SmoothL1Options { beta: 1e-39 };
        let (grad, value) = SmoothL1Loss::<false>::specialise(options, GradAndValue(5e-40));
        assert_eq!((grad, value), (5e-40_f32 / 1e-39_f32, 0.0));
    }
}
