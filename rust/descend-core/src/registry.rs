//! The one shape every kernel family registers in.
//!
//! A family keeps its kernels in tables of [`Entry`]s (the losses one per kind of driver,
//! pointwise and row-wise; activations and optimizers one each): a kernel's name, its hyperparameters (with domains
//! and defaults), what limits its speed, the facts its family states about it (which targets a
//! row-wise loss takes, which state an optimizer keeps, …) and the entry points of the family's
//! driver, monomorphised for the kernel. [`find`] is the one lookup and
//! [`Error::UnknownKernel`] its one error; [`describe_all`] is the one export that the bindings,
//! the Python layer and the drift test read.

use crate::error::{Error, Result};
use crate::hyper::ParamSpec;
use crate::par::Bound;

/// One registered kernel: its spec, its family's facts, and its driver's entry points.
#[derive(Debug)]
pub struct Entry<Facts: 'static, Run: 'static> {
    /// Registry name = file stem = Python name (torch's class name, lower case, for optimizers).
    pub name: &'static str,
    /// Hyperparameters in declaration order.
    pub params: &'static [ParamSpec],
    /// What limits its speed (decides when threads pay).
    pub bound: Bound,
    /// What the family states about it.
    pub facts: Facts,
    /// The driver's entry points for this kernel.
    pub run: Run,
}

/// A family's facts about one of its kernels.
pub trait Facts {
    /// The family's name in messages (`"loss"`, `"activation"`, `"optimizer"`).
    const FAMILY: &'static str;
    /// The facts as (key, value) pairs, for the export.
    fn describe(&self) -> Vec<(&'static str, Fact)>;
}

/// A value in the export.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    /// A word (`"labels"`).
    Word(&'static str),
    /// A number.
    Number(f64),
    /// A yes or no.
    Flag(bool),
    /// A list of names (an optimizer's state arrays).
    Names(&'static [&'static str]),
    /// Not applicable (a loss without a third array).
    Nothing,
}

/// The entry called `name` in a family's `tables`.
pub fn find<F: Facts, R>(
    tables: &[&'static [Entry<F, R>]],
    name: &str,
) -> Result<&'static Entry<F, R>> {
    let mut entries = tables.iter().flat_map(|table| table.iter());
    entries.find(|e| e.name == name).ok_or_else(|| {
        let known: Vec<&str> = tables
            .iter()
            .flat_map(|t| t.iter().map(|e| e.name))
            .collect();
        Error::UnknownKernel(format!("unknown {} {name:?}; known: {known:?}", F::FAMILY))
    })
}

/// One kernel as the export gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Description {
    /// Its family (`"loss"`, `"activation"`, `"optimizer"`).
    pub family: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Its hyperparameters.
    pub params: &'static [ParamSpec],
    /// What limits its speed.
    pub bound: Bound,
    /// Its family's facts.
    pub facts: Vec<(&'static str, Fact)>,
}

fn describe<F: Facts, R>(table: &'static [Entry<F, R>]) -> impl Iterator<Item = Description> {
    table.iter().map(|e| Description {
        family: F::FAMILY,
        name: e.name,
        params: e.params,
        bound: e.bound,
        facts: e.facts.describe(),
    })
}

/// Every registered kernel of every family, each family in its registry order.
pub fn describe_all() -> Vec<Description> {
    describe(crate::loss::pointwise::LOSSES)
        .chain(describe(crate::loss::rowwise::LOSSES))
        .chain(describe(crate::activation::ACTIVATIONS))
        .chain(describe(crate::optim::OPTIMIZERS))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_unknown_ones_name_the_family() {
        let all = describe_all();
        let mut names: Vec<&str> = all.iter().map(|d| d.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len());
        let err = find(&[crate::optim::OPTIMIZERS], "adamm").unwrap_err();
        assert!(matches!(err, Error::UnknownKernel(_)));
        assert!(err
            .to_string()
            .starts_with("unknown optimizer \"adamm\"; known: [\"sgd\""));
    }
}
