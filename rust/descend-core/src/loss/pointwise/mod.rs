//! Pointwise losses: an elementwise loss ℓ(x, y) and its derivative ∂ℓ/∂x, reduced by the driver.
//!
//! A kernel file holds one small `Copy` struct (its options, declared with [`crate::hyper!`])
//! and two impls: [`PointwiseLoss`], which names it and states the capabilities it has (how an
//! element is evaluated, its third array, a domain its inputs must lie in), and the math those
//! capabilities need ([`Formula`], or [`StagedFormula`]; [`ThirdGrad`]; [`Admits`]). A
//! capability the kernel states but lacks the math for fails to compile. [`LOSSES`] below is
//! the only list of them. Everything else (shapes, weights, reductions, the fused pass, chunks,
//! threads, SIMD) is the driver's: [`driver`] validates and plans, [`pass`] runs the loop.

mod capability;
mod domain;
pub mod driver;
mod pass;
#[cfg(test)]
mod tests;

mod binary_cross_entropy;
mod binary_cross_entropy_with_logits;
mod gaussian_nll_loss;
mod hinge_embedding_loss;
mod huber_loss;
mod kl_div;
mod l1_loss;
mod log_cosh_loss;
mod mse_loss;
mod msle_loss;
mod poisson_nll_loss;
mod quantile_loss;
mod smooth_l1_loss;
mod soft_margin_loss;

pub use capability::{
    AnyInput, Checked, DifferentiatedThird, Direct, Domain, Eval, NoThird, OptionalThird, Staged,
    Third,
};

use super::{LossEntry, LossFacts};
use crate::array::Typed;
use crate::float::Float;
use crate::hyper::Hyper;
use crate::par::Bound;
use crate::registry::{Entry, Fact};

/// How a weighted `"mean"` is normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightedMean {
    /// Σ w·ℓ / Σ w (torch's `mse_loss`/`l1_loss`; descend's weighted average elsewhere).
    OverWeights,
    /// Σ w·ℓ / N (torch's `huber_loss` and BCEs).
    OverCount,
}

/// What a pointwise kernel declares about itself beside its options and capabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LossSpec {
    /// Registry name = file stem = Python name.
    pub name: &'static str,
    /// Rule for `reduction="mean"` with `weight=`.
    pub weighted_mean: WeightedMean,
    /// What limits its speed (decides when threads pay).
    pub bound: Bound,
    /// The Python name of its third array, if it has one (its [`Third`] says how it is read).
    pub third: Option<&'static str>,
    /// Whether `reduction="batchmean"` (the sum over the size of the first axis) applies.
    pub batchmean: bool,
}

impl LossSpec {
    /// Weighted mean over Σ w, memory-bound, no third array, no `"batchmean"`: what most
    /// losses are; a spec names only where it differs.
    pub const BASE: Self = Self {
        name: "",
        weighted_mean: WeightedMean::OverWeights,
        bound: Bound::Memory,
        third: None,
        batchmean: false,
    };
}

/// A pointwise loss: its name, options and capabilities.
pub trait PointwiseLoss: Copy + Send + Sync + 'static {
    /// Name, weight rule, bound, third array, batchmean.
    const SPEC: LossSpec;
    /// Its options; most kernels are their own.
    type Options: Hyper;
    /// How an element is evaluated: [`Direct`] ([`Formula`]) or [`Staged`] ([`StagedFormula`]).
    type Eval: Eval<Self>;
    /// How its third array is read: [`NoThird`], [`OptionalThird`] (ones when absent) or
    /// [`DifferentiatedThird`] (required, with [`ThirdGrad`]).
    type Third: Third<Self>;
    /// Whether its inputs are checked first: [`AnyInput`] or [`Checked`] ([`Admits`]).
    type Domain: Domain<Self>;
    /// Hands `user` the kernel for `options`: one monomorphised type per on/off option,
    /// decided once, before the loop (a flag tested inside it costs both branches per lane).
    fn specialise<U: KernelUser>(options: Self::Options, user: U) -> U::Output;
}

/// An element's math in one step. Branch-free (selects, not jumps) so the loop vectorises;
/// `value_and_grad` returns bitwise what `value` and `grad` return. `a` is the element of the
/// third array (1 without one).
pub trait Formula: PointwiseLoss {
    /// ℓ(x, y).
    fn value<F: Float>(self, x: F, y: F, a: F) -> F;
    /// ∂ℓ/∂x.
    fn grad<F: Float>(self, x: F, y: F, a: F) -> F;
    /// Both, sharing work where the formulas allow.
    #[inline(always)]
    fn value_and_grad<F: Float>(self, x: F, y: F, a: F) -> (F, F) {
        (self.value(x, y, a), self.grad(x, y, a))
    }
}

/// An element's math in two stages, for elements that chain two long computations (an
/// exponential, then a logarithm): the driver runs the first stage over a block as a loop of
/// its own. Fused, one element's dependency chain fills the out-of-order window and the core
/// overlaps few elements; as two loops each chain is short (BCE on logits, f32 value_and_grad
/// in L1: 1.9 against 2.9 ns per element).
pub trait StagedFormula: PointwiseLoss {
    /// The first stage of an element (e.g. e^(−|x|)).
    fn stage<F: Float>(self, x: F, y: F, a: F) -> F;
    /// ℓ, given the element's first stage.
    fn value_given<F: Float>(self, x: F, y: F, a: F, stage: F) -> F;
    /// ∂ℓ/∂x, given the element's first stage.
    fn grad_given<F: Float>(self, x: F, y: F, a: F, stage: F) -> F;
    /// Both, bitwise what the separate methods return.
    #[inline(always)]
    fn value_and_grad_given<F: Float>(self, x: F, y: F, a: F, stage: F) -> (F, F) {
        (
            self.value_given(x, y, a, stage),
            self.grad_given(x, y, a, stage),
        )
    }
}

/// ∂ℓ/∂a, for a loss whose third array is differentiated too (torch's `var`).
pub trait ThirdGrad: PointwiseLoss {
    /// ∂ℓ/∂a at (x, y, a).
    fn third_grad<F: Float>(self, x: F, y: F, a: F) -> F;
}

/// A domain the inputs must lie in, checked in a read-only pass before anything is written.
pub trait Admits: PointwiseLoss {
    /// The domain, stated for the error message.
    const DOMAIN: &'static str;
    /// Whether (x, y, a) lies in it; NaN counts as outside where torch refuses it.
    fn admits<F: Float>(self, x: F, y: F, a: F) -> bool;
}

/// Something that runs a kernel value (see [`PointwiseLoss::specialise`]).
pub trait KernelUser {
    /// What the run returns.
    type Output;
    /// Called with the kernel, its options resolved into its type and fields.
    fn run<K: PointwiseLoss>(self, kernel: K) -> Self::Output;
}

/// What the loss family states about a pointwise loss.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PointwiseFacts {
    /// Rule for `reduction="mean"` with `weight=`.
    pub weighted_mean: WeightedMean,
    /// The Python name of its third array, if it has one.
    pub third: Option<&'static str>,
    /// Whether that array is differentiated (`.grad` then returns a pair).
    pub third_differentiated: bool,
    /// The domain its inputs must lie in, if they must.
    pub domain: Option<&'static str>,
    /// Whether `reduction="batchmean"` applies.
    pub batchmean: bool,
}

impl PointwiseFacts {
    pub(crate) fn describe(&self) -> Vec<(&'static str, Fact)> {
        let word = |w: Option<&'static str>| w.map_or(Fact::Nothing, Fact::Word);
        vec![
            ("kind", Fact::Word("pointwise")),
            (
                "weighted_mean",
                Fact::Word(match self.weighted_mean {
                    WeightedMean::OverWeights => "sum_w",
                    WeightedMean::OverCount => "count",
                }),
            ),
            ("third", word(self.third)),
            (
                "third_differentiated",
                Fact::Flag(self.third_differentiated),
            ),
            ("domain", word(self.domain)),
            ("batchmean", Fact::Flag(self.batchmean)),
        ]
    }
}

/// The entry of pointwise loss `K`.
pub const fn entry<K: PointwiseLoss>() -> LossEntry {
    // A third array's name and its way of being read are stated apart; they must agree.
    assert!(K::SPEC.third.is_some() == K::Third::TAKES);
    Entry {
        name: K::SPEC.name,
        params: <K::Options as Hyper>::SPECS,
        bound: K::SPEC.bound,
        facts: LossFacts::Pointwise(PointwiseFacts {
            weighted_mean: K::SPEC.weighted_mean,
            third: K::SPEC.third,
            third_differentiated: K::Third::DIFFERENTIATED,
            domain: K::Domain::DESCRIPTION,
            batchmean: K::SPEC.batchmean,
        }),
        run: |call| match call {
            Typed::F32(r) => driver::run::<K, f32>(r),
            Typed::F64(r) => driver::run::<K, f64>(r),
        },
    }
}

/// Every pointwise loss.
pub const LOSSES: &[LossEntry] = &[
    entry::<mse_loss::MseLoss>(),
    entry::<l1_loss::L1Loss>(),
    entry::<huber_loss::HuberLoss>(),
    entry::<smooth_l1_loss::SmoothL1Loss>(),
    entry::<log_cosh_loss::LogCoshLoss>(),
    entry::<quantile_loss::QuantileLoss>(),
    entry::<poisson_nll_loss::PoissonNllLoss>(),
    entry::<binary_cross_entropy::BinaryCrossEntropy>(),
    entry::<binary_cross_entropy_with_logits::BinaryCrossEntropyWithLogits>(),
    entry::<kl_div::KlDiv>(),
    entry::<soft_margin_loss::SoftMarginLoss>(),
    entry::<hinge_embedding_loss::HingeEmbeddingLoss>(),
    entry::<gaussian_nll_loss::GaussianNllLoss>(),
    entry::<msle_loss::MsleLoss>(),
];

/// Evaluating a kernel as the driver does, whatever its capabilities, for the kernels' tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Eval, PointwiseLoss};
    use crate::float::Float;

    /// (ℓ, ∂ℓ/∂x) at (x, y, a), through the kernel's evaluation.
    pub(crate) fn value_and_grad<K: PointwiseLoss, F: Float>(k: K, x: F, y: F, a: F) -> (F, F) {
        let stage = K::Eval::stage(k, x, y, a);
        K::Eval::value_and_grad(k, x, y, a, stage)
    }
}
