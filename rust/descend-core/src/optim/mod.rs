//! Optimizer steps: per-element update rules over (param, grad, state...) with per-step scalars.
//!
//! An optimizer file holds only math: its options ([`crate::hyper!`]), which rule a
//! configuration of them selects (a flag that adds a state array, such as Adam's `amsgrad`,
//! selects a rule of its own, so a loop never carries an unused array), the per-step constants
//! of a tensor (learning rate, bias corrections), and the update of one element. [`OPTIMIZERS`]
//! is the only list of them. The machinery is elsewhere: [`state`] owns the state arrays,
//! [`step`] validates every tensor before any is written, [`passes`] runs fixed chunks across
//! all tensors of a call on the pool.
//!
//! Rules follow `torch.optim`'s single-tensor code (`foreach=False`) operation by operation, so
//! a trajectory differs from torch's only by rounding (torch's CPU kernels fuse some multiply-
//! adds; descend never fuses, so its scalar and vector paths agree bitwise).

mod adadelta;
mod adagrad;
mod adam;
mod adamax;
mod asgd;
mod lamb;
mod lion;
mod moments;
mod nadam;
mod passes;
mod radam;
mod rmsprop;
mod rprop;
mod sgd;
pub mod state;
mod step;
#[cfg(test)]
mod tests;

pub use state::{Buffers, Dtype, State, TensorState};
pub use step::{GradData, ParamData, Slot};

use crate::float::Float;
use crate::hyper::{self, Hyper};
use crate::par::Bound;
use crate::registry::{self, Entry, Fact, Facts};
use crate::Result;

/// The most state arrays any rule keeps per parameter.
pub const MAX_STATE: usize = 4;

/// The most per-tensor sums a rule may ask for before its parameters move (LAMB's two norms).
pub const MAX_SUMS: usize = 2;

/// An optimizer: its name, its options and the rule a configuration of them selects.
pub trait Optimizer: 'static {
    /// Registry name: torch's class name, lower case.
    const NAME: &'static str;
    /// torch's names of every state array any configuration keeps.
    const STATE: &'static [&'static str];
    /// Per-tensor scalar state kept beside `step` (ASGD's `eta` and `mu`); none by default.
    const CARRIED: &'static [&'static str] = &[];
    /// Whether torch's per-parameter state has a `step` entry (SGD's has not).
    const COUNTS_STEPS: bool = true;
    /// Its options, torch's names.
    type Options: Hyper;
    /// The rule these options select.
    fn configure(options: &Self::Options) -> Variant;
}

/// An update rule in one configuration of its flags.
pub trait Rule: Sync + 'static {
    /// The options it reads.
    type Options: Hyper;
    /// torch's names of the state arrays this configuration keeps.
    const STATE: &'static [&'static str];
    /// Per-step constants of one tensor, in its dtype.
    type Scalars<F: Float>: Copy + Send + Sync;
    /// The constants of step number `step` (1 for the first). `fresh` is true when the state
    /// arrays were just created (torch's "buffer is None"); `carried` is the optimizer's
    /// per-tensor scalar state, updated here.
    fn scalars<F: Float>(
        options: &Self::Options,
        step: u64,
        fresh: bool,
        carried: &mut [f64],
    ) -> Self::Scalars<F>;
    /// The value state array `i` starts from: zeros unless a rule says otherwise.
    fn initial(options: &Self::Options, i: usize) -> f64 {
        let _ = (options, i);
        0.0
    }
    /// Updates one element of the parameter from its gradient and its state (`s` has
    /// `STATE.len()` elements, in `STATE`'s order). For a [`Gathering`] rule, this is the
    /// second pass: [`Gathering::gather`] has already updated the state.
    fn update<F: Float>(k: &Self::Scalars<F>, p: &mut F, g: F, s: &mut [F]);
}

/// A rule that needs per-tensor sums before any parameter moves (LAMB's ‖p‖², ‖u‖²): the
/// driver first runs [`Gathering::gather`] over every element (parameters read-only), totals
/// each tensor's terms in a fixed order, hands them to [`Gathering::finish`], and only then
/// runs [`Rule::update`].
pub trait Gathering: Rule {
    /// How many sums (at most [`MAX_SUMS`]).
    const SUMS: usize;
    /// First pass over one element: updates the state, never the parameter, and returns the
    /// element's term of each sum (the first `SUMS` are used).
    fn gather<F: Float>(k: &Self::Scalars<F>, p: F, g: F, s: &mut [F]) -> [f64; MAX_SUMS];
    /// The step's final constants of a tensor from its totals (`SUMS` of them, summed in f64
    /// in an order that does not depend on the thread count).
    fn finish<F: Float>(k: Self::Scalars<F>, sums: &[f64]) -> Self::Scalars<F>;
}

/// One configuration of an optimizer, as the driver runs it.
#[derive(Debug, Clone, Copy)]
pub struct Variant {
    /// The state arrays it keeps.
    pub state: &'static [&'static str],
    /// Initial value of each state array, from the group's option values.
    pub initial: fn(&[f64], usize) -> f64,
    /// Runs a validated step.
    pub run: fn(passes::Job<'_>),
}

impl Variant {
    /// The variant of a one-pass rule.
    pub const fn of<R: Rule>() -> Self {
        Self {
            state: R::STATE,
            initial: initial::<R>,
            run: passes::run::<R>,
        }
    }

    /// The variant of a rule with a read-only pass of sums first.
    pub const fn gathering<R: Gathering>() -> Self {
        Self {
            state: R::STATE,
            initial: initial::<R>,
            run: passes::run_gathering::<R>,
        }
    }
}

fn initial<R: Rule>(values: &[f64], i: usize) -> f64 {
    R::initial(&R::Options::from_values(values), i)
}

/// What the optimizer family states about an optimizer.
#[derive(Debug, Clone, Copy)]
pub struct OptimizerFacts {
    /// torch's names of every state array any configuration keeps.
    pub state: &'static [&'static str],
    /// Names of per-tensor scalar state, beside `step`.
    pub carried: &'static [&'static str],
    /// Whether torch's per-parameter state has a `step` entry.
    pub counts_steps: bool,
}

impl Facts for OptimizerFacts {
    const FAMILY: &'static str = "optimizer";

    fn describe(&self) -> Vec<(&'static str, Fact)> {
        vec![
            ("state", Fact::Names(self.state)),
            ("carried", Fact::Names(self.carried)),
            ("counts_steps", Fact::Flag(self.counts_steps)),
        ]
    }
}

/// An optimizer's entry points, monomorphised for it.
#[derive(Debug, Clone, Copy)]
pub struct OptimizerRun {
    /// Checks one group's option values (in the spec's order): domains and relations.
    pub check: fn(&[f64]) -> Result<()>,
    /// The configuration that checked values select.
    pub configure: fn(&[f64]) -> Variant,
}

/// A registered optimizer.
pub type OptimizerEntry = Entry<OptimizerFacts, OptimizerRun>;

/// The entry of optimizer `O`.
pub const fn entry<O: Optimizer>() -> OptimizerEntry {
    Entry {
        name: O::NAME,
        params: O::Options::SPECS,
        bound: Bound::Memory,
        facts: OptimizerFacts {
            state: O::STATE,
            carried: O::CARRIED,
            counts_steps: O::COUNTS_STEPS,
        },
        run: OptimizerRun {
            check: check::<O>,
            configure: configure::<O>,
        },
    }
}

fn check<O: Optimizer>(values: &[f64]) -> Result<()> {
    hyper::from_values::<O::Options>(O::NAME, values).map(drop)
}

fn configure<O: Optimizer>(values: &[f64]) -> Variant {
    O::configure(&O::Options::from_values(values))
}

/// Every optimizer.
pub const OPTIMIZERS: &[OptimizerEntry] = &[
    entry::<sgd::Sgd>(),
    entry::<adam::Adam>(),
    entry::<adamax::Adamax>(),
    entry::<nadam::NAdam>(),
    entry::<radam::RAdam>(),
    entry::<adagrad::Adagrad>(),
    entry::<lion::Lion>(),
    entry::<rmsprop::RmsProp>(),
    entry::<adadelta::Adadelta>(),
    entry::<rprop::Rprop>(),
    entry::<asgd::Asgd>(),
    entry::<lamb::Lamb>(),
];

/// The optimizer called `name`.
pub fn find(name: &str) -> Result<&'static OptimizerEntry> {
    registry::find(&[OPTIMIZERS], name)
}
