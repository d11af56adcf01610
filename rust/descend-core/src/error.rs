//! The one error type of the core. Bindings map each variant to one builtin Python exception.

use std::fmt;

/// Everything that can go wrong in a call is one of these; none of them is a panic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Array shapes or lengths disagree (Python `ValueError`).
    Shape(String),
    /// An array has a dtype the kernel does not take (Python `TypeError`).
    Dtype(String),
    /// A hyperparameter, option or output buffer is invalid (Python `ValueError`).
    Value(String),
    /// No kernel of that name is registered in the family (Python `ValueError`).
    UnknownKernel(String),
    /// A class label is out of range (Python `IndexError`).
    Label(String),
    /// An axis (`dim`) is out of range for the array (Python `IndexError`, as numpy's
    /// `AxisError` is one).
    Axis(String),
    /// A computed quantity the call was told to refuse is not finite: `clip_grad_norm`'s total
    /// norm under `error_if_nonfinite` (Python `RuntimeError`, as torch raises).
    NonFinite(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Shape(m)
            | Self::Dtype(m)
            | Self::Value(m)
            | Self::UnknownKernel(m)
            | Self::Label(m)
            | Self::Axis(m)
            | Self::NonFinite(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

/// Result alias used throughout the core.
pub type Result<T> = std::result::Result<T, Error>;
