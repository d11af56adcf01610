//! Binding of the roofline probes (used by the benchmarks).

use descend_core::{probe, Float};
use numpy::{Element, PyArrayDescrMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::arrays::{Input, Target};
use crate::door::enter;

/// STREAM triad `a = b + scalar * c` in place, over C-contiguous arrays of one float dtype.
#[pyfunction]
pub fn triad<'py>(
    py: Python<'py>,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
    c: &Bound<'py, PyAny>,
    scalar: f64,
) -> PyResult<()> {
    let dtype = a
        .cast::<PyUntypedArray>()
        .map_err(|_| PyTypeError::new_err("a must be an ndarray"))?
        .dtype();
    if dtype.is_equiv_to(&numpy::dtype::<f64>(py)) {
        run::<f64>(py, a, b, c, scalar)
    } else {
        run::<f32>(py, a, b, c, scalar)
    }
}

fn run<'py, F: Float + Element>(
    py: Python<'py>,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
    c: &Bound<'py, PyAny>,
    scalar: f64,
) -> PyResult<()> {
    let mut a = Target::<F>::out(a)?;
    let (b, c) = (Input::<F>::borrow("b", b)?, Input::<F>::borrow("c", c)?);
    let (a, b, c) = (a.output().data, b.operand().data, c.operand().data);
    enter(py, a.len(), || probe::triad(a, b, c, F::from_f64(scalar)))
}
