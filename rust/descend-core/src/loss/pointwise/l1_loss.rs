//! Mean absolute error.
//!
//! ℓ(x, y) = |x − y|,  ∂ℓ/∂x = sign(x − y), 0 where x = y (torch's convention at the kink).
//! torch: `torch.nn.functional.l1_loss`; with `weight`, `"mean"` is Σ w·ℓ / Σ w as in torch.

use super::{AnyInput, Direct, Formula, KernelUser, LossSpec, NoThird, PointwiseLoss};
use crate::float::Float;

crate::hyper! {
    /// Absolute error kernel.
    pub struct L1Loss {}
}

impl PointwiseLoss for L1Loss {
    const SPEC: LossSpec = LossSpec {
        name: "l1_loss",
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

impl Formula for L1Loss {
    #[inline(always)]
    fn value<F: Float>(self, x: F, y: F, _: F) -> F {
        (x - y).abs()
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F, y: F, _: F) -> F {
        (x - y).signum0()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kink_has_zero_slope() {
        assert_eq!(L1Loss.value(-2.0_f64, 1.0, 1.0), 3.0);
        assert_eq!(L1Loss.grad(-2.0_f64, 1.0, 1.0), -1.0);
        assert_eq!(L1Loss.grad(1.0_f32, 1.0, 1.0), 0.0);
    }
}
