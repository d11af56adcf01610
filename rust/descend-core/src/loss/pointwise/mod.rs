//! Pointwise losses: an elementwise loss ℓ(x, y) and its derivative ∂ℓ/∂x, reduced by the driver.
//!
//! A kernel is one small `Copy` struct holding its hyperparameters and implementing
//! [`PointwiseLoss`]; [`registry!`] below is the only list of them. Everything else (shapes,
//! weights, reductions, the fused pass, chunks, threads, SIMD) is in [`driver`].

pub mod driver;

mod binary_cross_entropy;
mod binary_cross_entropy_with_logits;
mod gaussian_nll_loss;
mod hinge_embedding_loss;
mod huber_loss;
mod kl_div;
mod l1_loss;
mod log_cosh_loss;
mod mse_loss;
mod poisson_nll_loss;
mod quantile_loss;
mod smooth_l1_loss;
mod soft_margin_loss;

use crate::float::Float;
use crate::par::Bound;
use crate::param::ParamSpec;

pub use crate::array::{Operand, Output};
pub use driver::{run, DifferentiatedThird, NoThird, OptionalThird, Request, Third};

/// How a weighted `"mean"` is normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightedMean {
    /// Σ w·ℓ / Σ w (torch's `mse_loss`/`l1_loss`; descend's weighted average elsewhere).
    OverWeights,
    /// Σ w·ℓ / N (torch's `huber_loss`).
    OverCount,
}

/// A third per-element array a loss reads besides input and target (torch's `pos_weight`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aux {
    /// The loss reads only input and target; kernels see ones.
    None,
    /// Optional, read as ones when absent; the Python keyword that carries it.
    Optional(&'static str),
    /// Required, and differentiated too: `.grad` also gives ∂ℓ/∂a (torch's `var`); the
    /// Python argument that carries it.
    WithGrad(&'static str),
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
    /// Its third array, if any.
    pub aux: Aux,
    /// The domain its elements must lie in, when it has one (see [`PointwiseLoss::admits`]),
    /// stated for the error message; checked in a read-only pass before anything is written.
    pub domain: Option<&'static str>,
    /// Whether `reduction="batchmean"` (the sum over the size of the first axis) applies.
    pub batchmean: bool,
}

impl LossSpec {
    /// A loss with no hyperparameters, weighted mean over Σ w, memory-bound, reading input and
    /// target only, any values, no `"batchmean"`: the base specs update.
    pub const BASE: Self = Self {
        name: "",
        params: &[],
        weighted_mean: WeightedMean::OverWeights,
        bound: Bound::Memory,
        aux: Aux::None,
        domain: None,
        batchmean: false,
    };
}

/// An elementwise loss. Implementations are branch-free (selects, not jumps) so the driver's
/// loop vectorises, and `value_and_grad` must return bitwise what `value` and `grad` return.
pub trait PointwiseLoss: Copy + Send + Sync + 'static {
    /// Name, hyperparameters and weight rule.
    const SPEC: LossSpec;
    /// How its third array is compiled in: [`NoThird`], [`OptionalThird`] or
    /// [`DifferentiatedThird`], matching `SPEC.aux`.
    type Third: Third;
    /// Builds the kernel from hyperparameters already resolved and checked against `SPEC`.
    fn new(params: &[f64]) -> Self;
    /// Hands `user` the kernel for `params`. A kernel with on/off options overrides this to
    /// pick one monomorphised type per combination, so the option is decided once, before the
    /// loop: a runtime flag inside the loop makes LLVM evaluate both branches in every lane.
    #[inline]
    fn specialise<U: KernelUser>(params: &[f64], user: U) -> U::Output {
        user.run(Self::new(params))
    }
    /// ℓ(x, y), given the element `a` of the third array (1 without one; see [`Aux`]).
    fn value<F: Float>(self, x: F, y: F, a: F) -> F;
    /// ∂ℓ/∂x at (x, y).
    fn grad<F: Float>(self, x: F, y: F, a: F) -> F;
    /// Both, sharing work where the formulas allow.
    #[inline(always)]
    fn value_and_grad<F: Float>(self, x: F, y: F, a: F) -> (F, F) {
        (self.value(x, y, a), self.grad(x, y, a))
    }
    /// Whether the driver runs [`PointwiseLoss::prepass`] over each block as a loop of its
    /// own, before the loss loop, which then calls the `*_given` methods with its results.
    ///
    /// For elements that chain two long computations (an exponential, then a logarithm):
    /// fused, one element's dependency chain fills the out-of-order window and the core
    /// overlaps few elements; as two loops each chain is short. BCE on logits, f32
    /// value_and_grad in L1: 1.9 against 2.9 ns per element.
    const PREPASS: bool = false;
    /// The first stage of an element (e.g. e^(−|x|)), when `PREPASS`.
    #[inline(always)]
    fn prepass<F: Float>(self, x: F, y: F, a: F) -> F {
        let _ = (x, y, a);
        F::ZERO
    }
    /// `value`, given the element's `prepass` result; bitwise the same.
    #[inline(always)]
    fn value_given<F: Float>(self, x: F, y: F, a: F, pre: F) -> F {
        let _ = pre;
        self.value(x, y, a)
    }
    /// `grad`, given the element's `prepass` result; bitwise the same.
    #[inline(always)]
    fn grad_given<F: Float>(self, x: F, y: F, a: F, pre: F) -> F {
        let _ = pre;
        self.grad(x, y, a)
    }
    /// `value_and_grad`, given the element's `prepass` result; bitwise the same.
    #[inline(always)]
    fn value_and_grad_given<F: Float>(self, x: F, y: F, a: F, pre: F) -> (F, F) {
        let _ = pre;
        self.value_and_grad(x, y, a)
    }
    /// ∂ℓ/∂a, for a loss whose third array is differentiated ([`Aux::WithGrad`]).
    #[inline(always)]
    fn aux_grad<F: Float>(self, x: F, y: F, a: F) -> F {
        let _ = (x, y, a);
        F::ZERO
    }
    /// ℓ, ∂ℓ/∂x and ∂ℓ/∂a, bitwise what the separate methods return.
    #[inline(always)]
    fn value_and_grads<F: Float>(self, x: F, y: F, a: F) -> (F, F, F) {
        let (l, d) = self.value_and_grad(x, y, a);
        (l, d, self.aux_grad(x, y, a))
    }
    /// Whether (x, y, a) lies in the loss's domain (`SPEC.domain`); NaN counts as outside
    /// where torch refuses it.
    #[inline(always)]
    fn admits<F: Float>(self, x: F, y: F, a: F) -> bool {
        let _ = (x, y, a);
        true
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
    binary_cross_entropy::BinaryCrossEntropy,
    binary_cross_entropy_with_logits::BinaryCrossEntropyWithLogits,
    kl_div::KlDiv,
    soft_margin_loss::SoftMarginLoss,
    hinge_embedding_loss::HingeEmbeddingLoss,
    gaussian_nll_loss::GaussianNllLoss,
}

/// The spec of the loss called `name`.
pub fn spec(name: &str) -> Option<&'static LossSpec> {
    LOSSES.iter().find(|s| s.name == name)
}
