//! Mean squared error.
//!
//! ℓ(x, y) = (x − y)²,  ∂ℓ/∂x = 2(x − y).
//! torch: `torch.nn.functional.mse_loss`; with `weight`, `"mean"` is Σ w·ℓ / Σ w as in torch.
//! Numerics: exact up to the rounding of the square; overflows to inf past |x − y| ≈ 1.8e19 (f32).

use super::{AnyInput, Direct, Formula, KernelUser, LossSpec, NoThird, PointwiseLoss};
use crate::float::Float;

crate::hyper! {
    /// Squared error kernel.
    pub struct MseLoss {}
}

impl PointwiseLoss for MseLoss {
    const SPEC: LossSpec = LossSpec {
        name: "mse_loss",
        ..LossSpec::BASE
    };
    type Options = Self;
    type Eval = Direct;
    type Third = NoThird;
    type Domain = AnyInput;

    fn specialise<U: KernelUser>(options: Self, user: U) -> U::Output {
        user.run(options)
    }
}

impl Formula for MseLoss {
    #[inline(always)]
    fn value<F: Float>(self, x: F, y: F, _: F) -> F {
        let d = x - y;
        d * d
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F, y: F, _: F) -> F {
        let d = x - y;
        d + d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_and_slope() {
        assert_eq!(MseLoss.value(3.0_f64, 1.0, 1.0), 4.0);
        assert_eq!(MseLoss.grad(3.0_f32, 1.0, 1.0), 4.0);
        assert_eq!(MseLoss.grad(1.0_f32, 3.0, 1.0), -4.0);
    }
}
