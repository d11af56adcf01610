//! The one binding of the roofline probes (the benchmark's): arrays lent, the probe chosen by
//! name inside the core.

use descend_core::probe as probes;
use descend_core::Float;
use numpy::Element;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::arrays::{check_disjoint, float_type, FloatType, Input, Named, Output};
use crate::door::enter;

/// Runs the probe `name` (see `descend_core::probe::run`) over `reads` and `writes`, arrays of
/// one float dtype; returns what the probe returns.
#[pyfunction]
#[pyo3(signature = (name, reads, writes, scalar=0.5))]
pub fn probe<'py>(
    py: Python<'py>,
    name: &str,
    reads: Vec<Bound<'py, PyAny>>,
    writes: Vec<Bound<'py, PyAny>>,
    scalar: f64,
) -> PyResult<f64> {
    let dtype = reads.first().and_then(float_type);
    if reads.iter().chain(&writes).any(|a| float_type(a) != dtype) {
        return Err(PyTypeError::new_err(
            "a probe's arrays must share one float dtype, float32 or float64",
        ));
    }
    match dtype {
        Some(FloatType::F32) => run::<f32>(py, name, &reads, &writes, scalar),
        _ => run::<f64>(py, name, &reads, &writes, scalar),
    }
}

fn run<F: Float + Element>(
    py: Python<'_>,
    name: &str,
    reads: &[Bound<'_, PyAny>],
    writes: &[Bound<'_, PyAny>],
    scalar: f64,
) -> PyResult<f64> {
    let inputs = reads
        .iter()
        .map(Input::<F>::new)
        .collect::<PyResult<Vec<_>>>()?;
    let extents: Vec<_> = inputs.iter().map(Input::extent).collect();
    let mut outputs = writes
        .iter()
        .map(|w| Output::<F>::out(w, F::DTYPE, &extents))
        .collect::<PyResult<Vec<_>>>()?;
    let written = outputs.iter().enumerate();
    check_disjoint(
        written
            .map(|(i, o)| (o.extent(), true, Named("writes", i)))
            .collect(),
    )?;
    let reads: Vec<&[F]> = inputs.iter().map(|i| i.operand().data).collect();
    let mut writes: Vec<&mut [F]> = outputs.iter_mut().map(|o| o.output().data).collect();
    let n = reads.first().map_or(0, |r| r.len());
    enter(py, n, || probes::run(name, &reads, &mut writes, scalar))
}
