//! Quantile (pinball) loss of a prediction x for the q-th quantile of y.
//!
//! With d = x − y: ℓ = (1 − q)·d if d > 0, else −q·d (= max(q(y − x), (q − 1)(y − x)));
//! ∂ℓ/∂x = 1 − q if d > 0, −q if d < 0, 0 at d = 0 (the convention torch uses for l1 at its
//! kink; NaN stays NaN). `q = 0.5` gives half of `l1_loss`. Not in torch; descend's weighted `"mean"` is
//! Σ w·ℓ / Σ w.

use super::{AnyInput, Direct, Formula, KernelUser, LossSpec, NoThird, PointwiseLoss};
use crate::float::Float;
use crate::hyper::Domain::OpenUnit;

crate::hyper! {
    /// Pinball kernel.
    pub struct QuantileLoss {
        /// The quantile.
        q: f64 = 0.5, OpenUnit;
    }
}

impl QuantileLoss {
    #[inline(always)]
    fn slope<F: Float>(self, d: F) -> F {
        let q = F::from_f64(self.q);
        F::select(d > F::ZERO, F::ONE - q, q)
    }
}

impl PointwiseLoss for QuantileLoss {
    const SPEC: LossSpec = LossSpec {
        name: "quantile_loss",
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

impl Formula for QuantileLoss {
    #[inline(always)]
    fn value<F: Float>(self, x: F, y: F, _: F) -> F {
        let d = x - y;
        self.slope(d) * d.abs()
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F, y: F, _: F) -> F {
        let q = F::from_f64(self.q);
        let d = x - y;
        // d·0 is 0 at the kink and NaN for a NaN difference: a NaN is not silenced here.
        F::select(
            d > F::ZERO,
            F::ONE - q,
            F::select(d < F::ZERO, -q, d * F::ZERO),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asymmetric_slopes() {
        let k = QuantileLoss { q: 0.9 };
        assert!((k.value(2.0_f64, 0.0, 1.0) - 0.2).abs() < 1e-15);
        assert!((k.value(-2.0_f64, 0.0, 1.0) - 1.8).abs() < 1e-15);
        assert!((k.grad(-2.0_f64, 0.0, 1.0) + 0.9).abs() < 1e-15);
        assert_eq!(k.grad(0.0_f64, 0.0, 1.0), 0.0);
    }
}
