//! Losses: one family, one request, one lookup; a table per kind of driver.
//!
//! - [`pointwise`]: an elementwise loss ℓ(x, y), reduced by the driver (mse, BCE, kl_div, …);
//! - [`rowwise`]: a loss over the class axis of each row (cross_entropy, nll_loss, …).
//!
//! Every loss takes the same [`Request`] (input, target, weight, a third array, upstream,
//! reduction, options, outputs) and is found by name with [`find`] in both tables, so the
//! bindings have one door for every loss. [`request`] holds the checks every loss shares.

pub mod pointwise;
pub mod request;
pub mod rowwise;

pub use request::{Call, Labels, Request, Target};

use std::borrow::Cow;

use crate::registry::{self, Entry, Fact, Facts};
use crate::Result;

/// What the loss family states about a loss: its kind's facts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LossFacts {
    /// An elementwise loss.
    Pointwise(pointwise::PointwiseFacts),
    /// A loss over each row's classes.
    Rowwise(rowwise::RowFacts),
}

impl LossFacts {
    /// The shape of the unreduced loss (and of `upstream`) for an input of shape `input`.
    pub fn loss_shape<'s>(&self, input: &'s [usize]) -> Cow<'s, [usize]> {
        match self {
            Self::Pointwise(_) => Cow::Borrowed(input),
            Self::Rowwise(_) => Cow::Owned(rowwise::loss_shape(input)),
        }
    }

    /// The name of its differentiated third array (gaussian_nll_loss's `var`), if it has one.
    pub fn differentiated_third(&self) -> Option<&'static str> {
        match self {
            Self::Pointwise(p) if p.third_differentiated => p.third,
            _ => None,
        }
    }
}

impl Facts for LossFacts {
    const FAMILY: &'static str = "loss";

    fn describe(&self) -> Vec<(&'static str, Fact)> {
        match self {
            Self::Pointwise(p) => p.describe(),
            Self::Rowwise(r) => r.describe(),
        }
    }
}

/// A registered loss: its driver's entry point, monomorphised for it. It returns the reduced
/// value when one was asked for.
pub type LossEntry = Entry<LossFacts, fn(Call<'_>) -> Result<Option<f64>>>;

/// The loss called `name`, of either kind.
pub fn find(name: &str) -> Result<&'static LossEntry> {
    registry::find(&[pointwise::LOSSES, rowwise::LOSSES], name)
}

/// Runs the loss called `name`. Everything is validated before anything is written.
pub fn run(name: &str, call: Call<'_>) -> Result<Option<f64>> {
    (find(name)?.run)(call)
}
