//! Log-sigmoid, torch's `logsigmoid` (descend's name, `log_sigmoid`, as jax's).
//!
//! log σ(x) = min(x, 0) − log1p(e^(−|x|)) = −softplus(−x),  d/dx = σ(−x) = 1 − σ(x).
//!
//! Numerics: [`Float::log_sigmoid`], finite for every finite x (x itself far left, where
//! log(σ(x)) would be log 0); the derivative σ(−x) comes from the stable sigmoid pair, so it
//! does not cancel for x ≪ 0 as 1 − σ(x) would.

use super::sigmoid::sigmoid_pair;
use super::{ActivationSpec, Elementwise, KernelUser};
use crate::float::Float;
use crate::par::Bound;

crate::hyper! {
    /// Log-sigmoid kernel.
    pub struct LogSigmoid {}
}

impl Elementwise for LogSigmoid {
    const SPEC: ActivationSpec = ActivationSpec {
        name: "log_sigmoid",
        bound: Bound::Compute,
    };
    type Options = Self;

    fn specialise<U: KernelUser>(options: Self, user: U) -> U::Output {
        user.run(options)
    }

    #[inline(always)]
    fn value<F: Float>(self, x: F) -> F {
        x.log_sigmoid()
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F) -> F {
        sigmoid_pair(x).1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tails() {
        assert_eq!(LogSigmoid.value(-1e30_f32), -1e30);
        assert_eq!(LogSigmoid.grad(f64::NEG_INFINITY), 1.0);
        assert_eq!(LogSigmoid.grad(f64::INFINITY), 0.0);
        assert!((LogSigmoid.value(0.0_f64) + std::f64::consts::LN_2).abs() < 1e-16);
    }
}
