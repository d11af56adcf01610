//! Optimizer steps: per-element update rules over (param, grad, state...) with per-step scalars.
//!
//! A rule file holds only math: which state arrays a configuration keeps, the per-step
//! constants of a tensor (learning rate, bias corrections), and the update of one element.
//! [`driver`] holds the machinery: the state it owns, validation of every tensor before any is
//! written, fixed chunks across all tensors of a call, threads and SIMD dispatch.
//!
//! Rules follow `torch.optim`'s single-tensor code (`foreach=False`) operation by operation, so
//! a trajectory differs from torch's only by rounding (torch's CPU kernels fuse some multiply-
//! adds; descend never fuses, so its scalar and vector paths agree bitwise).

mod adadelta;
mod adagrad;
mod adam;
mod adamax;
mod asgd;
pub mod driver;
mod lamb;
mod lion;
mod moments;
mod nadam;
mod passes;
mod radam;
mod rmsprop;
mod rprop;
mod sgd;

pub use driver::{GradData, ParamData, Slot, State};

use crate::float::Float;
use crate::param::ParamSpec;

/// The most state arrays any rule keeps per parameter.
pub const MAX_STATE: usize = 4;

/// The most per-tensor sums a rule may ask for before its parameters move (LAMB's two norms).
pub const MAX_SUMS: usize = 2;

/// An update rule in one configuration of its flags (a flag that adds a state array, such as
/// Adam's `amsgrad`, is a separate configuration, so a loop never carries an unused array).
pub trait Rule: Sync + 'static {
    /// torch's names of the state arrays this configuration keeps.
    const STATE: &'static [&'static str];
    /// Per-step constants of one tensor, in its dtype.
    type Scalars<F: Float>: Copy + Send + Sync;
    /// The constants of step number `step` (1 for the first) under hyperparameters `h` (in the
    /// spec's order). `fresh` is true when the state arrays were just created (torch's "buffer
    /// is None"); `carried` is the rule's per-tensor scalar state, updated here.
    fn scalars<F: Float>(
        h: &[f64],
        step: u64,
        fresh: bool,
        carried: &mut [f64],
    ) -> Self::Scalars<F>;
    /// Value state array `i` starts from (zeros unless the rule says otherwise).
    fn initial(h: &[f64], i: usize) -> f64 {
        let _ = (h, i);
        0.0
    }
    /// Updates one element of the parameter from its gradient and its state (`s` has
    /// `STATE.len()` elements, in `STATE`'s order). For a rule with [`Rule::SUMS`], this is the
    /// second pass: [`Rule::gather`] has already updated the state.
    fn update<F: Float>(k: &Self::Scalars<F>, p: &mut F, g: F, s: &mut [F]);

    /// How many per-tensor sums the rule needs before any parameter moves (LAMB's ‖p‖², ‖u‖²).
    /// Zero, the default, is a one-pass rule; otherwise the driver first runs [`Rule::gather`]
    /// over every element (parameters read-only), totals each tensor's terms in a fixed order,
    /// hands them to [`Rule::finish`], and only then runs [`Rule::update`].
    const SUMS: usize = 0;
    /// First pass over one element (rules with [`Rule::SUMS`] only): updates the state, never
    /// the parameter, and returns the element's term of each sum (the first `SUMS` are used).
    #[inline(always)]
    fn gather<F: Float>(k: &Self::Scalars<F>, p: F, g: F, s: &mut [F]) -> [f64; MAX_SUMS] {
        let _ = (k, p, g, s);
        [0.0; MAX_SUMS]
    }
    /// The step's final constants of a tensor from its totals (`SUMS` of them, summed in f64
    /// in an order that does not depend on the thread count).
    fn finish<F: Float>(k: Self::Scalars<F>, sums: &[f64]) -> Self::Scalars<F> {
        let _ = sums;
        k
    }
}

/// One configuration of a rule, as the driver runs it.
#[derive(Debug, Clone, Copy)]
pub struct Variant {
    /// The state arrays it keeps.
    pub state: &'static [&'static str],
    /// Initial value of each state array.
    pub initial: fn(&[f64], usize) -> f64,
    /// Runs a validated step.
    pub run: fn(driver::Job<'_>),
}

impl Variant {
    /// The variant of rule `R`.
    pub const fn of<R: Rule>() -> Self {
        Self {
            state: R::STATE,
            initial: R::initial,
            run: passes::run::<R>,
        }
    }
}

/// A registered optimizer.
pub struct RuleSpec {
    /// Registry name (the torch class name, lower case).
    pub name: &'static str,
    /// Hyperparameters in the order bindings pass them; torch's names (`betas[0]`).
    pub params: &'static [ParamSpec],
    /// torch's names of every state array any configuration keeps.
    pub state: &'static [&'static str],
    /// Names of per-tensor scalar state (ASGD's `eta`, `mu`), beside `step`.
    pub carried: &'static [&'static str],
    /// Whether torch's per-parameter state has a `step` entry.
    pub counts_steps: bool,
    /// The configuration for hyperparameters `h`.
    pub configure: fn(&[f64]) -> Variant,
}

/// Every optimizer, by name.
pub const RULES: &[RuleSpec] = &[
    sgd::SPEC,
    adam::SPEC,
    adamax::SPEC,
    nadam::SPEC,
    radam::SPEC,
    adagrad::SPEC,
    lion::SPEC,
    rmsprop::SPEC,
    adadelta::SPEC,
    rprop::SPEC,
    asgd::SPEC,
    lamb::SPEC,
];

/// The rule called `name`.
pub fn find(name: &str) -> crate::Result<&'static RuleSpec> {
    RULES.iter().find(|r| r.name == name).ok_or_else(|| {
        let known: Vec<&str> = RULES.iter().map(|r| r.name).collect();
        crate::Error::Value(format!("unknown optimizer {name:?}; known: {known:?}"))
    })
}

/// A flag passed as 0.0 / 1.0.
pub(crate) fn flag(v: f64) -> bool {
    v != 0.0
}
