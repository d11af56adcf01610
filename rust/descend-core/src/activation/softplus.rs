//! Softplus, torch's `softplus(beta=1, threshold=20)`.
//!
//! f(x) = log(1 + e^(β·x)) / β, and x itself where β·x > threshold (strictly, as torch);
//! f'(x) = σ(β·x), and 1 where β·x > threshold.
//!
//! Numerics: [`Float::softplus`] (max(z, 0) + log1p(e^(−|z|))) never forms e^z, so it stays
//! finite where torch's literal log1p(exp(β·x)) overflows (β·x > ~709 with a threshold raised
//! that high). β must be > 0 (torch also takes β < 0; descend refuses it, and 0).

use super::sigmoid::sigmoid_pair;
use super::{ActivationSpec, Elementwise, KernelUser};
use crate::float::Float;
use crate::hyper::Domain::{Finite, Positive};
use crate::par::Bound;

crate::hyper! {
    /// Softplus kernel.
    pub struct Softplus {
        beta: f64 = 1.0, Positive;
        /// Above β·x = threshold, f(x) = x.
        threshold: f64 = 20.0, Finite;
    }
}

impl Elementwise for Softplus {
    const SPEC: ActivationSpec = ActivationSpec {
        name: "softplus",
        bound: Bound::Compute,
    };
    type Options = Self;

    fn specialise<U: KernelUser>(options: Self, user: U) -> U::Output {
        user.run(options)
    }

    #[inline(always)]
    fn value<F: Float>(self, x: F) -> F {
        let bx = F::from_f64(self.beta) * x;
        let inv_beta = F::from_f64(1.0 / self.beta);
        F::select(
            bx > F::from_f64(self.threshold),
            x,
            bx.softplus() * inv_beta,
        )
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F) -> F {
        let bx = F::from_f64(self.beta) * x;
        F::select(bx > F::from_f64(self.threshold), F::ONE, sigmoid_pair(bx).0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_is_strict() {
        let k = Softplus {
            beta: 1.0,
            threshold: 20.0,
        };
        assert!((k.value(20.0_f64) - (1.0 + 20.0_f64.exp()).ln()).abs() < 1e-14);
        assert_eq!(k.value(20.5_f64), 20.5);
        assert_eq!(k.grad(20.5_f64), 1.0);
        let k = Softplus {
            beta: 2.0,
            threshold: 1e300,
        };
        assert_eq!(k.value(1e300_f64), 1e300);
        assert_eq!(k.value(f64::NEG_INFINITY), 0.0);
    }
}
