//! Binding of the roofline probes (used by the benchmarks).

use descend_core::{probe, Float};
use numpy::Element;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::arrays::{check_disjoint, float_type, FloatType, Input, Named, Target};
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

/// The in-place probe: `reads` read, `updates` updated in place (u = u·c + Σ reads), all of one
/// float dtype and length; (1 read, 2 updates) is SGD with momentum's traffic, (1, 3) Adam's.
#[pyfunction]
pub fn in_place_probe<'py>(
    py: Python<'py>,
    reads: Vec<Bound<'py, PyAny>>,
    updates: Vec<Bound<'py, PyAny>>,
) -> PyResult<()> {
    match shared_dtype("in_place_probe", &reads, &updates)? {
        FloatType::F64 => in_place_run::<f64>(py, &reads, &updates),
        FloatType::F32 => in_place_run::<f32>(py, &reads, &updates),
    }
}

/// The one float dtype of a multi-stream probe's arrays.
fn shared_dtype(
    probe: &str,
    reads: &[Bound<'_, PyAny>],
    outs: &[Bound<'_, PyAny>],
) -> PyResult<FloatType> {
    let dtype = reads.first().and_then(float_type);
    if reads.iter().chain(outs).any(|a| float_type(a) != dtype) {
        return Err(PyTypeError::new_err(format!(
            "{probe} arrays must share one float dtype"
        )));
    }
    dtype.ok_or_else(|| PyTypeError::new_err(format!("{probe} takes float32 or float64 arrays")))
}

/// A probe's inputs and outputs.
type Streams<'py, F> = (Vec<Input<'py, F>>, Vec<Target<'py, F>>);

/// A multi-stream probe's arrays: `reads` as inputs, `outs` as outputs of their length that
/// overlap nothing.
fn streams_of<'py, F: Float + Element>(
    reads: &[Bound<'py, PyAny>],
    outs: &[Bound<'py, PyAny>],
    name: &'static str,
) -> PyResult<Streams<'py, F>> {
    let inputs: Vec<Input<'py, F>> = reads.iter().map(Input::new).collect();
    let extents: Vec<_> = inputs.iter().map(Input::extent).collect();
    let targets = outs
        .iter()
        .map(|o| Target::<F>::out(o, F::DTYPE, &extents))
        .collect::<PyResult<Vec<_>>>()?;
    check_disjoint(
        targets
            .iter()
            .enumerate()
            .map(|(i, t)| (t.extent(), true, Named(name, i)))
            .collect(),
    )?;
    Ok((inputs, targets))
}

fn in_place_run<'py, F: Float + Element>(
    py: Python<'py>,
    reads: &[Bound<'py, PyAny>],
    updates: &[Bound<'py, PyAny>],
) -> PyResult<()> {
    let (inputs, mut targets) = streams_of::<F>(reads, updates, "updates")?;
    let reads: Vec<&[F]> = inputs.iter().map(|i| i.operand().data).collect();
    let mut outs: Vec<&mut [F]> = targets.iter_mut().map(|t| t.output().data).collect();
    let n = outs.first().map_or(0, |o| o.len());
    let c = F::from_f64(0.5);
    match (reads.as_slice(), outs.as_mut_slice()) {
        ([r], [a, b]) => enter(py, n, || {
            probe::in_place([*r], [std::mem::take(a), std::mem::take(b)], c)
        }),
        ([r], [a, b, d]) => enter(py, n, || {
            probe::in_place(
                [*r],
                [std::mem::take(a), std::mem::take(b), std::mem::take(d)],
                c,
            )
        }),
        _ => Err(PyValueError::new_err(
            "in_place_probe takes 1 read and 2 or 3 updated arrays",
        )),
    }
}

/// The streaming probe: `reads` read and `writes` written fresh (each write the sum of the
/// reads), all of one float dtype and length; returns the sum of the reads. (2, 0) is a loss
/// value's traffic, (1, 1) an activation's, (3, 2) gaussian_nll_loss's gradients'.
#[pyfunction]
pub fn stream_probe<'py>(
    py: Python<'py>,
    reads: Vec<Bound<'py, PyAny>>,
    writes: Vec<Bound<'py, PyAny>>,
) -> PyResult<f64> {
    match shared_dtype("stream_probe", &reads, &writes)? {
        FloatType::F64 => stream_run::<f64>(py, &reads, &writes),
        FloatType::F32 => stream_run::<f32>(py, &reads, &writes),
    }
}

fn stream_run<'py, F: Float + Element>(
    py: Python<'py>,
    reads: &[Bound<'py, PyAny>],
    writes: &[Bound<'py, PyAny>],
) -> PyResult<f64> {
    let (inputs, mut targets) = streams_of::<F>(reads, writes, "writes")?;
    let r: Vec<&[F]> = inputs.iter().map(|i| i.operand().data).collect();
    let mut w: Vec<&mut [F]> = targets.iter_mut().map(|t| t.output().data).collect();
    let n = r.first().map_or(0, |x| x.len());
    match (r.as_slice(), w.as_mut_slice()) {
        ([a], []) => enter(py, n, || probe::streams([*a], [])),
        ([a, b], []) => enter(py, n, || probe::streams([*a, *b], [])),
        ([a, b, c], []) => enter(py, n, || probe::streams([*a, *b, *c], [])),
        ([a], [x]) => enter(py, n, || probe::streams([*a], [std::mem::take(x)])),
        ([a, b], [x, y]) => enter(py, n, || probe::streams([*a, *b], [std::mem::take(x), std::mem::take(y)])),
        ([a, b, c], [x, y]) => {
            enter(py, n, || probe::streams([*a, *b, *c], [std::mem::take(x), std::mem::take(y)]))
        }
        _ => Err(PyValueError::new_err(
            "stream_probe takes 1-3 reads with no write, 1 read and 1 write, or 2-3 reads and 2 writes",
        )),
    }
}

/// out = f(x) for one of descend's vectorised functions `f` (named), to measure its error.
#[pyfunction]
pub fn math_probe<'py>(
    py: Python<'py>,
    name: &str,
    x: &Bound<'py, PyAny>,
    out: &Bound<'py, PyAny>,
) -> PyResult<()> {
    match (float_type(x), float_type(out)) {
        (Some(FloatType::F64), Some(FloatType::F64)) => math_run::<f64>(py, name, x, out),
        (Some(FloatType::F32), Some(FloatType::F32)) => math_run::<f32>(py, name, x, out),
        _ => Err(PyTypeError::new_err(
            "math_probe takes two arrays of one float dtype",
        )),
    }
}

fn math_run<'py, F: Float + Element>(
    py: Python<'py>,
    name: &str,
    x: &Bound<'py, PyAny>,
    out: &Bound<'py, PyAny>,
) -> PyResult<()> {
    let x = Input::<F>::new(x);
    let mut out = Target::<F>::out(out, F::DTYPE, &[x.extent()])?;
    let (out, x) = (out.output().data, x.operand().data);
    enter(py, x.len(), || probe::math(name, out, x))
}
