//! The one binding of every activation: the kernel is chosen by name inside the core.

use descend_core::activation::{find, Request};
use descend_core::array::Typed;
use descend_core::Float;
use numpy::{Element, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::PyIndexError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyInt, PyTuple};

use crate::arrays::{float_type, needs_staging, FloatType, Input, Target};
use crate::call::Params;
use crate::door::{enter, to_py_err};

/// Value and/or vector-Jacobian product of the activation `name` (see `descend._activation`).
///
/// `out=` receives the gradient when there is one, else the value. Returns `None`, having done
/// nothing, when input and upstream are not ndarrays of one native float32/float64 dtype, or
/// `out` is not C-contiguous: the Python layer then applies the coercion rules or stages `out`,
/// and calls again.
#[pyfunction]
#[pyo3(signature = (name, input, upstream, params, dim, want_value, want_grad, out))]
#[allow(clippy::too_many_arguments)]
pub fn activation<'py>(
    py: Python<'py>,
    name: &str,
    input: &Bound<'py, PyAny>,
    upstream: Option<&Bound<'py, PyAny>>,
    params: Option<&Bound<'py, PyDict>>,
    dim: &Bound<'py, PyAny>,
    want_value: bool,
    want_grad: bool,
    out: Option<&Bound<'py, PyAny>>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let Some(dtype) = float_type(input) else {
        return Ok(None);
    };
    if upstream.is_some_and(|u| float_type(u) != Some(dtype)) || needs_staging(out) {
        return Ok(None);
    }
    let dim = match dim.extract::<i64>() {
        Ok(dim) => dim,
        // Beyond i64 is out of bounds like any other axis: IndexError, not OverflowError.
        Err(_) if dim.is_instance_of::<PyInt>() => {
            return Err(PyIndexError::new_err(format!(
                "dim {dim} is out of bounds for an array of dimension {}",
                input.cast::<PyUntypedArray>()?.ndim()
            )));
        }
        Err(err) => return Err(err),
    };
    let entry = find(name).map_err(to_py_err)?;
    let params = Params::read(params, entry.params)?;
    let call = Call {
        run: entry.run,
        params: &params.pairs()?,
        dim,
        want_value,
        want_grad,
    };
    match dtype {
        FloatType::F64 => call
            .run::<f64>(py, input, upstream, out, |r| Typed::F64(r))
            .map(Some),
        FloatType::F32 => call
            .run::<f32>(py, input, upstream, out, |r| Typed::F32(r))
            .map(Some),
    }
}

struct Call<'a> {
    run: fn(descend_core::activation::Call<'_>) -> descend_core::Result<()>,
    params: &'a [(&'a str, f64)],
    dim: i64,
    want_value: bool,
    want_grad: bool,
}

impl Call<'_> {
    fn run<'py, F: Float + Element>(
        &self,
        py: Python<'py>,
        input: &Bound<'py, PyAny>,
        upstream: Option<&Bound<'py, PyAny>>,
        out: Option<&Bound<'py, PyAny>>,
        typed: for<'r> fn(Request<'r, F>) -> descend_core::activation::Call<'r>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if !(self.want_value || self.want_grad) {
            return Err(to_py_err(descend_core::Error::Value(
                "nothing to compute".into(),
            )));
        }
        let input = Input::<F>::new(input);
        let upstream = upstream.map(Input::<F>::new);
        let extents = [input.extent(), Input::extent_of(upstream.as_ref())];
        let shape = input.shape();
        let take = |out: Option<&Bound<'py, PyAny>>| match out {
            Some(out) => Target::<F>::out(out, F::DTYPE, &extents),
            None => Ok(Target::fresh(py, shape)),
        };
        // out= takes the gradient when there is one, else the value.
        let (mut value, mut grad) = match (self.want_value, self.want_grad) {
            (true, true) => (Some(Target::fresh(py, shape)), Some(take(out)?)),
            (true, false) => (Some(take(out)?), None),
            _ => (None, Some(take(out)?)),
        };
        let request = Request {
            input: input.operand(),
            upstream: upstream.as_ref().map(Input::operand),
            params: self.params,
            dim: self.dim,
            value: value.as_mut().map(Target::output),
            grad: grad.as_mut().map(Target::output),
        };
        let len = request.input.data.len();
        let run = self.run;
        enter(py, len, || run(typed(request)))?;
        let value = value.map(|v| v.into_array().into_any());
        let grad = grad.map(|g| g.into_array().into_any());
        match (value, grad) {
            (Some(v), Some(g)) => Ok(PyTuple::new(py, [v, g])?.into_any()),
            (Some(x), None) | (None, Some(x)) => Ok(x),
            (None, None) => unreachable!("one of the two was asked for"),
        }
    }
}
