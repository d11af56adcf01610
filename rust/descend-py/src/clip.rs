//! Bindings of gradient clipping: lend a list of gradient arrays (each writable and
//! C-contiguous, no two overlapping), then clip them in one core call.

use descend_core::clip::{self, Grad};
use pyo3::prelude::*;

use crate::arrays::{check_disjoint, InPlace, Named};
use crate::door::enter;

/// Checks every array (dtype, writable, C-contiguous, disjoint from the others) before the
/// core sees any: a failing call writes nothing.
fn lend<'py>(grads: &[Bound<'py, PyAny>]) -> PyResult<Vec<InPlace<'py>>> {
    let lent = (0..grads.len())
        .map(|i| InPlace::lend(&grads[i], &Named("grads", i)))
        .collect::<PyResult<Vec<_>>>()?;
    let extents = lent.iter().enumerate();
    check_disjoint(
        extents
            .map(|(i, g)| (g.extent(), true, Named("grads", i)))
            .collect(),
    )?;
    Ok(lent)
}

/// The lent arrays as the core sees them, and their total element count.
fn views<'a>(lent: &'a mut [InPlace<'_>]) -> (Vec<Grad<'a>>, usize) {
    let grads: Vec<Grad<'a>> = lent
        .iter_mut()
        .map(|l| match l {
            InPlace::F32(t) => Grad::F32(t.output().data),
            InPlace::F64(t) => Grad::F64(t.output().data),
        })
        .collect();
    let len = grads.iter().map(Grad::len).sum();
    (grads, len)
}

/// Scales `grads` in place so their total `norm_type`-norm is at most `max_norm`; returns the
/// total norm before clipping.
#[pyfunction]
pub fn clip_grad_norm(
    py: Python<'_>,
    grads: Vec<Bound<'_, PyAny>>,
    max_norm: f64,
    norm_type: f64,
    error_if_nonfinite: bool,
) -> PyResult<f64> {
    let mut lent = lend(&grads)?;
    let (mut views, len) = views(&mut lent);
    enter(py, len, || {
        clip::clip_grad_norm(&mut views, max_norm, norm_type, error_if_nonfinite)
    })
}

/// Clamps every element of `grads` into [-clip_value, clip_value] in place.
#[pyfunction]
pub fn clip_grad_value(
    py: Python<'_>,
    grads: Vec<Bound<'_, PyAny>>,
    clip_value: f64,
) -> PyResult<()> {
    let mut lent = lend(&grads)?;
    let (mut views, len) = views(&mut lent);
    enter(py, len, || clip::clip_grad_value(&mut views, clip_value))
}
