//! The one binding of every pointwise loss: the kernel is chosen by name inside the core.

use descend_core::loss::pointwise::{run as run_pointwise, Request};
use descend_core::reduce::Reduction;
use descend_core::Float;
use numpy::Element;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyString, PyTuple};

use crate::arrays::{float_type, FloatType, Input, Target};
use crate::door::{enter, to_py_err};

/// Value and/or gradient of the pointwise loss `loss` (see `descend._loss`).
///
/// Returns `None`, having done nothing, when the arrays are not all ndarrays of one native
/// float32/float64 dtype: the Python layer then applies the coercion rules and calls again.
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
    params: Option<&Bound<'py, PyDict>>,
    want_value: bool,
    want_grad: bool,
    out: Option<&Bound<'py, PyAny>>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let Some(dtype) = float_type(input) else {
        return Ok(None);
    };
    let same = |a: Option<&Bound<'py, PyAny>>| a.is_none_or(|a| float_type(a) == Some(dtype));
    if !(same(Some(target)) && same(weight) && same(upstream)) {
        return Ok(None);
    }
    // Hyperparameters by name; numbers and bools both read as f64.
    let params = params
        .map(|dict| {
            dict.iter()
                .map(|(name, value)| Ok((name.cast_into::<PyString>()?, value.extract::<f64>()?)))
                .collect::<PyResult<Vec<_>>>()
        })
        .transpose()?
        .unwrap_or_default();
    let names = params
        .iter()
        .map(|(name, _)| name.to_str())
        .collect::<PyResult<Vec<_>>>()?;
    let params: Vec<(&str, f64)> = names
        .into_iter()
        .zip(params.iter().map(|(_, v)| *v))
        .collect();
    let call = Call {
        loss,
        reduction: Reduction::parse(reduction).map_err(to_py_err)?,
        params,
        want_value,
        want_grad,
    };
    let arrays = Arrays {
        input,
        target,
        weight,
        upstream,
        out,
    };
    match dtype {
        FloatType::F64 => call.run::<f64>(py, arrays).map(Some),
        FloatType::F32 => call.run::<f32>(py, arrays).map(Some),
    }
}

struct Call<'a> {
    loss: &'a str,
    reduction: Reduction,
    params: Vec<(&'a str, f64)>,
    want_value: bool,
    want_grad: bool,
}

struct Arrays<'a, 'py> {
    input: &'a Bound<'py, PyAny>,
    target: &'a Bound<'py, PyAny>,
    weight: Option<&'a Bound<'py, PyAny>>,
    upstream: Option<&'a Bound<'py, PyAny>>,
    out: Option<&'a Bound<'py, PyAny>>,
}

impl Call<'_> {
    fn run<'py, F: Float + Element>(
        &self,
        py: Python<'py>,
        arrays: Arrays<'_, 'py>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let input = Input::<F>::new(arrays.input);
        let target = Input::<F>::new(arrays.target);
        let weight = arrays.weight.map(Input::<F>::new);
        let upstream = arrays.upstream.map(Input::<F>::new);
        let inputs = [
            Some(&input),
            Some(&target),
            weight.as_ref(),
            upstream.as_ref(),
        ];
        let target_for = |out: Option<&Bound<'py, PyAny>>| match out {
            Some(out) => Target::out(out, F::DTYPE, &inputs),
            None => Ok(Target::fresh(py, input.shape())),
        };
        let elementwise = self.want_value && self.reduction == Reduction::None;
        // `out=` takes the gradient when there is one, else the elementwise values.
        let (mut values, mut grad) = match (elementwise, self.want_grad) {
            (true, true) => (
                Some(Target::fresh(py, input.shape())),
                Some(target_for(arrays.out)?),
            ),
            (true, false) => (Some(target_for(arrays.out)?), None),
            (false, true) => (None, Some(target_for(arrays.out)?)),
            (false, false) => (None, None),
        };
        let request = Request {
            input: input.operand(),
            target: target.operand(),
            weight: weight.as_ref().map(Input::operand),
            upstream: upstream.as_ref().map(Input::operand),
            reduction: self.reduction,
            params: &self.params,
            want_value: self.want_value,
            values: values.as_mut().map(Target::output),
            grad: grad.as_mut().map(Target::output),
        };
        let len = request.input.data.len();
        let reduced = enter(py, len, || run_pointwise(self.loss, request))?;
        let value = match (reduced, values) {
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
}
