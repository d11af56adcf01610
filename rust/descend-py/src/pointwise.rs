//! The one binding of every pointwise loss: the kernel is chosen by name inside the core.

use descend_core::loss::pointwise::{run as run_pointwise, Request};
use descend_core::reduce::Reduction;
use descend_core::Float;
use numpy::{Element, PyArrayDescrMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyTuple};

use crate::arrays::{Input, Target};
use crate::door::{enter, to_py_err};

/// Value and/or gradient of the pointwise loss `loss` (see `descend._loss`).
#[pyfunction]
#[pyo3(signature = (loss, input, target, weight, upstream, reduction, params, want_value, want_grad, out))]
#[allow(clippy::too_many_arguments)]
pub fn pointwise<'py>(
    py: Python<'py>,
    loss: &str,
    input: &Bound<'py, PyAny>,
    target: &Bound<'py, PyAny>,
    weight: Option<&Bound<'py, PyAny>>,
    upstream: Option<&Bound<'py, PyAny>>,
    reduction: &str,
    params: Vec<(String, f64)>,
    want_value: bool,
    want_grad: bool,
    out: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let call = Call {
        loss,
        reduction: Reduction::parse(reduction).map_err(to_py_err)?,
        params,
        want_value,
        want_grad,
    };
    let dtype = input
        .cast::<PyUntypedArray>()
        .map_err(|_| PyTypeError::new_err("input must be an ndarray"))?
        .dtype();
    if dtype.is_equiv_to(&numpy::dtype::<f64>(py)) {
        call.run::<f64>(py, input, target, weight, upstream, out)
    } else if dtype.is_equiv_to(&numpy::dtype::<f32>(py)) {
        call.run::<f32>(py, input, target, weight, upstream, out)
    } else {
        Err(PyTypeError::new_err(format!(
            "input has dtype {dtype}; supported dtypes are float32 and float64"
        )))
    }
}

struct Call<'a> {
    loss: &'a str,
    reduction: Reduction,
    params: Vec<(String, f64)>,
    want_value: bool,
    want_grad: bool,
}

impl Call<'_> {
    fn run<'py, F: Float + Element>(
        &self,
        py: Python<'py>,
        input: &Bound<'py, PyAny>,
        target: &Bound<'py, PyAny>,
        weight: Option<&Bound<'py, PyAny>>,
        upstream: Option<&Bound<'py, PyAny>>,
        out: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let input = Input::<F>::borrow("input", input)?;
        let target = Input::<F>::borrow("target", target)?;
        let weight = weight
            .map(|w| Input::<F>::borrow("weight", w))
            .transpose()?;
        let upstream = upstream
            .map(|u| Input::<F>::borrow("upstream", u))
            .transpose()?;
        let elementwise = self.want_value && self.reduction == Reduction::None;
        // `out=` takes the gradient when there is one, else the elementwise values.
        let (mut values, mut grad) = match (elementwise, self.want_grad) {
            (true, true) => (
                Some(Target::fresh(py, input.shape())?),
                Some(Self::target(py, &input, out)?),
            ),
            (true, false) => (Some(Self::target(py, &input, out)?), None),
            (false, true) => (None, Some(Self::target(py, &input, out)?)),
            (false, false) => (None, None),
        };
        let params: Vec<(&str, f64)> = self.params.iter().map(|(n, v)| (n.as_str(), *v)).collect();
        let request = Request {
            input: input.operand(),
            target: target.operand(),
            weight: weight.as_ref().map(Input::operand),
            upstream: upstream.as_ref().map(Input::operand),
            reduction: self.reduction,
            params: &params,
            want_value: self.want_value,
            values: values.as_mut().map(Target::output),
            grad: grad.as_mut().map(Target::output),
        };
        let len = request.input.data.len();
        let reduced = enter(py, len, || run_pointwise(self.loss, request))?;
        let value: Option<Bound<'py, PyAny>> = match (reduced, values) {
            (Some(v), _) => Some(PyFloat::new(py, v).into_any()),
            (None, Some(values)) => Some(values.into_array().into_any()),
            (None, None) => None,
        };
        let grad = grad.map(|g| g.into_array().into_any());
        match (value, grad) {
            (Some(v), Some(g)) => Ok(PyTuple::new(py, [v, g])?.into_any()),
            (Some(x), None) | (None, Some(x)) => Ok(x),
            (None, None) => Err(to_py_err(descend_core::Error::Value(
                "nothing to compute".into(),
            ))),
        }
    }

    fn target<'py, F: Float + Element>(
        py: Python<'py>,
        input: &Input<'py, F>,
        out: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Target<'py, F>> {
        match out {
            Some(out) => Target::out(out),
            None => Target::fresh(py, input.shape()),
        }
    }
}
