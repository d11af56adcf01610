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

/// One request, in whichever element type its arrays share: the form every driver's entry
/// point takes, so a registry entry holds one function for every dtype.
#[derive(Debug)]
pub enum Typed<A, B> {
    /// float32 arrays.
    F32(A),
    /// float64 arrays.
    F64(B),
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

/// A C-order array seen along one axis: `outer` blocks of `len` × `inner` elements (for the
/// last axis, inner = 1). Its rows are the `outer`·`inner` vectors along the axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Axis {
    /// Product of the dimensions before the axis.
    pub outer: usize,
    /// Length of the axis.
    pub len: usize,
    /// Product of the dimensions after it.
    pub inner: usize,
}

impl Axis {
    /// `shape` along axis `dim` (already in range).
    pub fn of(shape: &[usize], dim: usize) -> Self {
        Self {
            outer: shape[..dim].iter().product(),
            len: shape[dim],
            inner: shape[dim + 1..].iter().product(),
        }
    }
}

/// `data` in row order: itself when the axis is the last one (inner ≤ 1), else a transposed
/// copy in which row r = (o, d) is contiguous.
pub fn to_rows<F: Copy>(data: &[F], axis: Axis) -> std::borrow::Cow<'_, [F]> {
    let Axis { len, inner, .. } = axis;
    if inner <= 1 || len == 0 {
        // Already in row order (or empty).
        return std::borrow::Cow::Borrowed(data);
    }
    let mut rows = Vec::with_capacity(data.len());
    for block in data.chunks_exact(len * inner) {
        for d in 0..inner {
            rows.extend((0..len).map(|c| block[c * inner + d]));
        }
    }
    std::borrow::Cow::Owned(rows)
}

/// Writes row-ordered `rows` back into `data`'s C order (the inverse of [`to_rows`]).
pub fn from_rows<F: Copy>(rows: &[F], data: &mut [F], axis: Axis) {
    let Axis { len, inner, .. } = axis;
    if len * inner == 0 {
        return;
    }
    for (block, row_block) in data
        .chunks_exact_mut(len * inner)
        .zip(rows.chunks_exact(len * inner))
    {
        for (d, row) in row_block.chunks_exact(len).enumerate() {
            for (c, &v) in row.iter().enumerate() {
                block[c * inner + d] = v;
            }
        }
    }
}
