//! Hinge embedding loss, torch's `hinge_embedding_loss(margin=1.0)`, for targets y = ±1.
//!
//! torch's form, which also defines other targets: ℓ = [y ≠ 1]·max(margin − x, 0) + [y ≠ −1]·x,
//! so y = 1 gives x, y = −1 gives max(margin − x, 0), and anything else (0, NaN) both terms.
//! ∂ℓ/∂x = −[y ≠ 1 and margin − x > 0] + [y ≠ −1]: 0 at the kink and for NaN, as torch's.
//! The clamp keeps NaN in the value (torch's `clamp_min`).

use super::{AnyInput, Direct, Formula, KernelUser, LossSpec, NoThird, PointwiseLoss};
use crate::float::Float;
use crate::hyper::Domain::Finite;

crate::hyper! {
    /// Hinge-embedding kernel.
    pub struct HingeEmbeddingLoss {
        margin: f64 = 1.0, Finite;
    }
}

impl PointwiseLoss for HingeEmbeddingLoss {
    const SPEC: LossSpec = LossSpec {
        name: "hinge_embedding_loss",
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

impl Formula for HingeEmbeddingLoss {
    #[inline(always)]
    fn value<F: Float>(self, x: F, y: F, _: F) -> F {
        let gap = F::from_f64(self.margin) - x;
        let hinge = F::select(gap < F::ZERO, F::ZERO, gap);
        F::select(y != F::ONE, hinge, F::ZERO) + F::select(y != -F::ONE, x, F::ZERO)
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F, y: F, _: F) -> F {
        let gap = F::from_f64(self.margin) - x;
        let hinge = F::select(y != F::ONE && gap > F::ZERO, -F::ONE, F::ZERO);
        hinge + F::select(y != -F::ONE, F::ONE, F::ZERO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_targets_and_the_kink() {
        let k = HingeEmbeddingLoss { margin: 1.0 };
        assert_eq!(k.value(0.25_f64, 1.0, 1.0), 0.25);
        assert_eq!(k.value(0.25_f64, -1.0, 1.0), 0.75);
        assert_eq!(k.grad(0.25_f64, -1.0, 1.0), -1.0);
        assert_eq!(k.grad(1.0_f64, -1.0, 1.0), 0.0);
        assert_eq!(k.grad(0.25_f32, 0.0, 1.0), 0.0);
        assert!(k.value(f64::NAN, -1.0, 1.0).is_nan());
    }
}
