//! Binary cross-entropy on probabilities, torch's `binary_cross_entropy(weight=None)`.
//!
//! ℓ = −(y·max(log x, −100) + (1 − y)·max(log(1 − x), −100)),
//! ∂ℓ/∂x = (x − y) / max(x·(1 − x), ε) with ε = 1e-12 rounded to f32, as torch's backward.
//! The clamp keeps x = 0 and x = 1 finite (a loss of 100 at worst, gradients ±1e12).
//! Input and target must lie in [0, 1] (NaN included in the refusal), as torch requires;
//! the driver checks every element before writing. `"mean"` is Σ w·ℓ / N, as torch's.

use super::WeightedMean;
use super::{Admits, Checked, Direct, Formula, KernelUser, LossSpec, NoThird, PointwiseLoss};
use crate::float::Float;
use crate::par::Bound;

crate::hyper! {
    /// Binary cross-entropy kernel.
    pub struct BinaryCrossEntropy {}
}

/// torch's `EPSILON` for this backward: 1e-12 held as a float32, whatever the dtype.
const EPSILON: f64 = 1e-12_f32 as f64;

impl PointwiseLoss for BinaryCrossEntropy {
    const SPEC: LossSpec = LossSpec {
        name: "binary_cross_entropy",
        weighted_mean: WeightedMean::OverCount,
        bound: Bound::Compute,
        ..LossSpec::BASE
    };
    type Options = Self;
    type Eval = Direct;
    type Third = NoThird;
    type Domain = Checked;

    fn specialise<U: KernelUser>(options: Self, user: U) -> U::Output {
        user.run(options)
    }
}

impl Formula for BinaryCrossEntropy {
    #[inline(always)]
    fn value<F: Float>(self, x: F, y: F, _: F) -> F {
        let floor = F::from_f64(-100.0);
        let log_x = x.ln();
        // ln_1p(−x) is torch's log(1 − x) without the rounding of 1 − x near 0.
        let log_1mx = (-x).ln_1p();
        let log_x = F::select(log_x < floor, floor, log_x);
        let log_1mx = F::select(log_1mx < floor, floor, log_1mx);
        (y - F::ONE) * log_1mx - y * log_x
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F, y: F, _: F) -> F {
        let eps = F::from_f64(EPSILON);
        let spread = (F::ONE - x) * x;
        (x - y) / F::select(spread < eps, eps, spread)
    }
}

impl Admits for BinaryCrossEntropy {
    const DOMAIN: &'static str = "input and target must lie in [0, 1]";

    #[inline(always)]
    fn admits<F: Float>(self, x: F, y: F, _: F) -> bool {
        let unit = |v: F| v >= F::ZERO && v <= F::ONE;
        unit(x) && unit(y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_at_the_ends() {
        let k = BinaryCrossEntropy;
        assert_eq!(k.value(0.0_f64, 1.0, 1.0), 100.0);
        assert_eq!(k.value(1.0_f64, 1.0, 1.0), 0.0);
        assert!((k.value(0.5_f32, 1.0, 1.0) - std::f32::consts::LN_2).abs() < 1e-7);
        assert_eq!(k.grad(0.0_f64, 1.0, 1.0), -1.0 / EPSILON);
        assert!(!k.admits(f64::NAN, 0.5, 1.0) && !k.admits(0.5, 1.5, 1.0));
    }
}
