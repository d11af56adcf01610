//! Pointwise losses: an elementwise loss ℓ(x, y) and its derivative ∂ℓ/∂x, reduced by the driver.
//!
//! A kernel is one small `Copy` struct holding its hyperparameters and implementing
//! [`PointwiseLoss`]; [`registry!`] below is the only list of them. Everything else (shapes,
//! weights, reductions, the fused pass, chunks, threads, SIMD) is in [`driver`].

pub mod driver;

mod huber_loss;
mod l1_loss;
mod log_cosh_loss;
mod mse_loss;
mod poisson_nll_loss;
mod quantile_loss;
mod smooth_l1_loss;

use crate::float::Float;
use crate::par::Bound;
use crate::param::ParamSpec;

pub use crate::array::{Operand, Output};
pub use driver::{run, Request};

/// How a weighted `"mean"` is normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightedMean {
    /// Σ w·ℓ / Σ w (torch's `mse_loss`/`l1_loss`; descend's weighted average elsewhere).
    OverWeights,
    /// Σ w·ℓ / N (torch's `huber_loss`).
    OverCount,
}

/// What the bindings and the drift test need to know about a loss.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LossSpec {
    /// Registry name = file stem = Python name.
    pub name: &'static str,
    /// Hyperparameters in declaration order.
    pub params: &'static [ParamSpec],
    /// Rule for `reduction="mean"` with `weight=`.
    pub weighted_mean: WeightedMean,
    /// What limits its speed (decides when threads pay).
    pub bound: Bound,
}

/// An elementwise loss. Implementations are branch-free (selects, not jumps) so the driver's
/// loop vectorises, and `value_and_grad` must return bitwise what `value` and `grad` return.
pub trait PointwiseLoss: Copy + Send + Sync + 'static {
    /// Name, hyperparameters and weight rule.
    const SPEC: LossSpec;
    /// Builds the kernel from hyperparameters already resolved and checked against `SPEC`.
    fn new(params: &[f64]) -> Self;
    /// Hands `user` the kernel for `params`. A kernel with on/off options overrides this to
    /// pick one monomorphised type per combination, so the option is decided once, before the
    /// loop: a runtime flag inside the loop makes LLVM evaluate both branches in every lane.
    #[inline]
    fn specialise<U: KernelUser>(params: &[f64], user: U) -> U::Output {
        user.run(Self::new(params))
    }
    /// ℓ(x, y).
    fn value<F: Float>(self, x: F, y: F) -> F;
    /// ∂ℓ/∂x at (x, y).
    fn grad<F: Float>(self, x: F, y: F) -> F;
    /// Both, sharing work where the formulas allow.
    #[inline(always)]
    fn value_and_grad<F: Float>(self, x: F, y: F) -> (F, F) {
        (self.value(x, y), self.grad(x, y))
    }
}

/// Something that runs a kernel value (see [`PointwiseLoss::specialise`]).
pub trait KernelUser {
    /// What the run returns.
    type Output;
    /// Called with the kernel, its options resolved into its type and fields.
    fn run<K: PointwiseLoss>(self, kernel: K) -> Self::Output;
}

/// Something generic over the kernel type, run by [`visit`] once the name is resolved.
pub trait Visitor {
    /// What the visit returns.
    type Output;
    /// Called with the kernel type the name resolved to.
    fn visit<K: PointwiseLoss>(self) -> Self::Output;
}

macro_rules! registry {
    ($($kernel:ty),* $(,)?) => {
        /// Every pointwise loss, in registry order.
        pub const LOSSES: &[LossSpec] = &[$(<$kernel as PointwiseLoss>::SPEC),*];

        /// Runs `visitor` with the kernel called `name`, or returns it back if there is none.
        pub fn visit<V: Visitor>(name: &str, visitor: V) -> Result<V::Output, V> {
            $(if name == <$kernel as PointwiseLoss>::SPEC.name {
                return Ok(visitor.visit::<$kernel>());
            })*
            Err(visitor)
        }
    };
}

registry! {
    mse_loss::MseLoss,
    l1_loss::L1Loss,
    huber_loss::HuberLoss,
    smooth_l1_loss::SmoothL1Loss,
    log_cosh_loss::LogCoshLoss,
    quantile_loss::QuantileLoss,
    poisson_nll_loss::PoissonNllLoss,
}

/// The spec of the loss called `name`.
pub fn spec(name: &str) -> Option<&'static LossSpec> {
    LOSSES.iter().find(|s| s.name == name)
}
