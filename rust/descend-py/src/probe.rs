//! Binding of the roofline probes (used by the benchmarks).

use descend_core::{probe, Float};
use numpy::Element;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::arrays::{float_type, FloatType, Input, Target};
use crate::door::enter;

/// STREAM triad `a = b + scalar * c` in place, over arrays of one float dtype.
#[pyfunction]
pub fn triad<'py>(
    py: Python<'py>,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
    c: &Bound<'py, PyAny>,
    scalar: f64,
) -> PyResult<()> {
    let dtype = float_type(a);
    if [b, c].iter().any(|x| float_type(x) != dtype) {
        return Err(PyTypeError::new_err(
            "triad arrays must share one float dtype",
        ));
    }
    match dtype {
        Some(FloatType::F64) => run::<f64>(py, a, b, c, scalar),
        Some(FloatType::F32) => run::<f32>(py, a, b, c, scalar),
        None => Err(PyTypeError::new_err(
            "triad takes float32 or float64 arrays",
        )),
    }
}

fn run<'py, F: Float + Element>(
    py: Python<'py>,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
    c: &Bound<'py, PyAny>,
    scalar: f64,
) -> PyResult<()> {
    let (b, c) = (Input::<F>::new(b), Input::<F>::new(c));
    let mut a = Target::<F>::out(a, F::DTYPE, &[b.extent(), c.extent()])?;
    let (a, b, c) = (a.output().data, b.operand().data, c.operand().data);
    enter(py, a.len(), || probe::triad(a, b, c, F::from_f64(scalar)))
}

/// out = exp(x) elementwise with the kernels' exponential (the vector-exp probe).
#[pyfunction]
pub fn exp_probe<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    out: &Bound<'py, PyAny>,
) -> PyResult<()> {
    match (float_type(x), float_type(out)) {
        (Some(FloatType::F64), Some(FloatType::F64)) => exp_run::<f64>(py, x, out),
        (Some(FloatType::F32), Some(FloatType::F32)) => exp_run::<f32>(py, x, out),
        _ => Err(PyTypeError::new_err(
            "exp_probe takes two arrays of one float dtype",
        )),
    }
}

fn exp_run<'py, F: Float + Element>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    out: &Bound<'py, PyAny>,
) -> PyResult<()> {
    let x = Input::<F>::new(x);
    let mut out = Target::<F>::out(out, F::DTYPE, &[x.extent()])?;
    let (out, x) = (out.output().data, x.operand().data);
    enter(py, x.len(), || probe::exp(out, x))
}
