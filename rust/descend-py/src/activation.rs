//! The one binding of every activation: `descend.Activation`'s native base, whose methods
//! parse their own arguments and run the core's entry for the activation through the door.

use descend_core::activation::{find, ActivationEntry, Request};
use descend_core::array::Typed;
use descend_core::Float;
use numpy::{Element, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyInt};

use crate::arrays::{extent, float_type, Extents, FloatType, Input};
use crate::call::{coerce, outputs, result, Params};
use crate::door::{enter, to_py_err};

/// Value and/or vector-Jacobian product of the activation `name` (the methods of
/// `descend.Activation`, which pass their arguments as they got them, options by keyword).
#[pyfunction]
#[pyo3(signature = (name, want_value, want_grad, input, upstream, out, options))]
#[allow(clippy::too_many_arguments)]
pub fn activation<'py>(
    py: Python<'py>,
    name: &str,
    want_value: bool,
    want_grad: bool,
    input: &Bound<'py, PyAny>,
    upstream: Option<&Bound<'py, PyAny>>,
    out: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let this = Activation {
        entry: find(name).map_err(to_py_err)?,
    };
    this.call(py, input, upstream, out, options, (want_value, want_grad))
}

/// A registered activation.
struct Activation {
    entry: &'static ActivationEntry,
}

impl Activation {
    fn call<'py>(
        &self,
        py: Python<'py>,
        input: &Bound<'py, PyAny>,
        upstream: Option<&Bound<'py, PyAny>>,
        out: Option<&Bound<'py, PyAny>>,
        options: Option<&Bound<'py, PyDict>>,
        want: (bool, bool),
    ) -> PyResult<Bound<'py, PyAny>> {
        let name = self.entry.name;
        let along_dim = self.entry.facts.along_dim;
        if want.1 && upstream.is_none() && along_dim {
            return Err(PyTypeError::new_err(format!(
                "{name}.grad() needs upstream (its Jacobian is not diagonal)"
            )));
        }
        let dim = match options.map(|o| o.get_item("dim")).transpose()?.flatten() {
            Some(dim) if along_dim => dim_of(&dim, input)?,
            _ => -1,
        };
        let skip = along_dim.then_some("dim");
        let params = Params::read(name, options, self.entry.params, skip)?;
        let same = upstream.is_none_or(|u| float_type(u) == float_type(input));
        // A coerced copy no longer shares the caller's memory, which `out=` must not overlap.
        let mut originals = Extents::new();
        let (x, u) = match float_type(input) {
            Some(_) if same => (input.clone(), upstream.cloned()),
            _ => {
                originals.extend([Some(input), upstream].into_iter().flatten().map(extent));
                let t = coerce(py, "activation_operands", (input, upstream))?;
                let u = t.get_item(1)?;
                (t.get_item(0)?, (!u.is_none()).then_some(u))
            }
        };
        let call = Call {
            entry: self.entry,
            params: &params.pairs()?,
            dim,
            want,
        };
        match float_type(&x) {
            Some(FloatType::F32) => {
                call.run::<f32>(py, &x, u.as_ref(), out, originals, |r| Typed::F32(r))
            }
            _ => call.run::<f64>(py, &x, u.as_ref(), out, originals, |r| Typed::F64(r)),
        }
    }
}

/// `dim`, an integer: beyond int64 it is out of bounds like any other axis (IndexError).
fn dim_of(dim: &Bound<'_, PyAny>, input: &Bound<'_, PyAny>) -> PyResult<i64> {
    if !dim.is_instance_of::<PyInt>() && !dim.hasattr("__index__")? {
        let shown = dim.repr()?;
        return Err(PyTypeError::new_err(format!(
            "dim must be an integer, got {shown}"
        )));
    }
    dim.extract::<i64>().map_err(|_| {
        let ndim = input.cast::<PyUntypedArray>().map_or(0, |a| a.ndim());
        PyIndexError::new_err(format!(
            "dim {dim} is out of bounds for an array of dimension {ndim}"
        ))
    })
}

/// A call's options, resolved.
struct Call<'a> {
    entry: &'static ActivationEntry,
    params: &'a [(&'a str, f64)],
    dim: i64,
    want: (bool, bool),
}

impl Call<'_> {
    fn run<'py, F: Float + Element>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        upstream: Option<&Bound<'py, PyAny>>,
        out: Option<&Bound<'py, PyAny>>,
        originals: Extents,
        typed: for<'r> fn(Request<'r, F>) -> descend_core::activation::Call<'r>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let input = Input::<F>::new(x)?;
        let upstream = upstream.map(Input::<F>::new).transpose()?;
        let mut extents = originals;
        extents.extend(
            [Some(&input), upstream.as_ref()]
                .into_iter()
                .flatten()
                .map(Input::extent),
        );
        let shape = input.shape();
        let (mut value, mut grad) = outputs::<F>(py, self.want, (shape, shape), out, &extents)?;
        let request = Request {
            input: input.operand(),
            upstream: upstream.as_ref().map(Input::operand),
            params: self.params,
            dim: self.dim,
            value: value.as_mut().map(|v| v.output()),
            grad: grad.as_mut().map(|g| g.output()),
        };
        let len = request.input.data.len();
        let run = self.entry.run;
        enter(py, len, || run(typed(request)))?;
        let value = value.map(|v| v.into_result()).transpose()?;
        let grad = grad.map(|g| g.into_result()).transpose()?;
        result(py, value, grad)
    }
}
