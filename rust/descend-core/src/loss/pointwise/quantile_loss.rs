//! Quantile (pinball) loss of a prediction x for the q-th quantile of y.
//!
//! With d = x − y: ℓ = (1 − q)·d if d > 0, else −q·d (= max(q(y − x), (q − 1)(y − x)));
//! ∂ℓ/∂x = 1 − q if d > 0, −q if d < 0, 0 at d = 0 (the convention torch uses for l1 at its
//! kink; NaN stays NaN). `q = 0.5` gives half of `l1_loss`. Not in torch; descend's weighted `"mean"` is
//! Σ w·ℓ / Σ w.

use super::{LossSpec, PointwiseLoss, WeightedMean};
use crate::float::Float;
use crate::par::Bound;
use crate::param::{Domain, ParamSpec};

/// Pinball kernel for quantile `q`.
#[derive(Debug, Clone, Copy)]
pub struct QuantileLoss {
    q: f64,
}

impl QuantileLoss {
    #[inline(always)]
    fn slope<F: Float>(self, d: F) -> F {
        let q = F::from_f64(self.q);
        F::select(d > F::ZERO, F::ONE - q, q)
    }
}

impl PointwiseLoss for QuantileLoss {
    type Third = super::NoThird;

    const SPEC: LossSpec = LossSpec {
        name: "quantile_loss",
        params: &[ParamSpec::new("q", 0.5, Domain::OpenUnit)],
        weighted_mean: WeightedMean::OverWeights,
        bound: Bound::Memory,
        ..LossSpec::BASE
    };

    fn new(params: &[f64]) -> Self {
        Self { q: params[0] }
    }

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
        let k = QuantileLoss::new(&[0.9]);
        assert!((k.value(2.0_f64, 0.0, 1.0) - 0.2).abs() < 1e-15);
        assert!((k.value(-2.0_f64, 0.0, 1.0) - 1.8).abs() < 1e-15);
        assert!((k.grad(-2.0_f64, 0.0, 1.0) + 0.9).abs() < 1e-15);
        assert_eq!(k.grad(0.0_f64, 0.0, 1.0), 0.0);
    }
}
