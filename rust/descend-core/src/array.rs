//! Arrays as the core sees them: C-order slices with the shape the caller sees, and the shape
//! checks every driver runs before it writes anything.

use crate::error::{Error, Result};

/// A read-only array with the shape it has in Python (for messages and checks).
#[derive(Debug, Clone, Copy)]
pub struct Operand<'a, F> {
    /// Elements in C order.
    pub data: &'a [F],
    /// Shape as the caller sees it.
    pub shape: &'a [usize],
}

/// An output array with its shape.
#[derive(Debug)]
pub struct Output<'a, F> {
    /// Elements in C order.
    pub data: &'a mut [F],
    /// Shape as the caller sees it.
    pub shape: &'a [usize],
}

/// `(3,)`, `(2, 5)`, `()`: shapes as Python prints them, for error messages.
pub fn shape_str(shape: &[usize]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Checks that `name` (holding `len` elements, shaped `shape`) has the input's shape.
pub fn check_shape(name: &str, shape: &[usize], len: usize, input: &[usize]) -> Result<()> {
    check_shape_as(name, shape, len, ("input has", input))
}

/// Checks that `name` has the shape `expected.1`, described by `expected.0` in the message
/// (`"target has shape (3,) but the loss has shape (4,)"`).
pub fn check_shape_as(
    name: &str,
    shape: &[usize],
    len: usize,
    expected: (&str, &[usize]),
) -> Result<()> {
    let (what, want) = expected;
    if shape != want {
        return Err(Error::Shape(format!(
            "{name} has shape {} but {what} shape {}",
            shape_str(shape),
            shape_str(want)
        )));
    }
    if len != shape.iter().product::<usize>() {
        return Err(Error::Shape(format!(
            "{name} holds {len} elements but has shape {}",
            shape_str(shape)
        )));
    }
    Ok(())
}
