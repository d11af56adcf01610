//! The one binding of every pointwise loss: the kernel is chosen by name inside the core.

use descend_core::loss::pointwise::{run, spec, Aux, Request};
use descend_core::Float;
use numpy::{Element, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::arrays::{float_type, needs_staging, FloatType, Input, Target};
use crate::call::{finish, Ask, Params};
use crate::door::enter;

/// Value and/or gradient of the pointwise loss `loss` (see `descend._loss`).
///
/// Returns `None`, having done nothing, when the arrays are not all ndarrays of one native
/// float32/float64 dtype, or weight or the third array is not of the input's shape, or `out` is
/// not C-contiguous: the Python layer then applies the coercion rules (broadcasting included) or
/// stages `out`, and calls again.
#[pyfunction]
#[pyo3(signature = (loss, input, target, weight, upstream, aux, reduction, params, want_value, want_grad, out))]
#[allow(clippy::too_many_arguments)]
pub fn pointwise<'py>(
    py: Python<'py>,
    loss: &str,
    input: &Bound<'py, PyAny>,
    target: &Bound<'py, PyAny>,
    weight: Option<&Bound<'py, PyAny>>,
    upstream: Option<&Bound<'py, PyAny>>,
    aux: Option<&Bound<'py, PyAny>>,
    reduction: &Bound<'py, PyAny>,
    params: Option<&Bound<'py, PyDict>>,
    want_value: bool,
    want_grad: bool,
    out: Option<&Bound<'py, PyAny>>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let Some(dtype) = float_type(input) else {
        return Ok(None);
    };
    let same = |a: Option<&Bound<'py, PyAny>>| a.is_none_or(|a| float_type(a) == Some(dtype));
    // weight and the third array broadcast to the input's shape: Python does that.
    let shape = input.cast::<PyUntypedArray>()?.shape();
    let fits = |a: Option<&Bound<'py, PyAny>>| {
        a.is_none_or(|a| a.cast::<PyUntypedArray>().is_ok_and(|a| a.shape() == shape))
    };
    if !(same(Some(target)) && same(weight) && same(upstream) && same(aux)) {
        return Ok(None);
    }
    if !(fits(weight) && fits(aux)) || needs_staging(out) {
        return Ok(None);
    }
    let params = Params::read(params)?;
    let ask = Ask::new(reduction, want_value, want_grad)?;
    let arrays = Arrays {
        input,
        target,
        weight,
        upstream,
        aux,
        out,
    };
    match dtype {
        FloatType::F64 => arrays
            .call::<f64>(py, loss, ask, &params.pairs()?)
            .map(Some),
        FloatType::F32 => arrays
            .call::<f32>(py, loss, ask, &params.pairs()?)
            .map(Some),
    }
}

struct Arrays<'a, 'py> {
    input: &'a Bound<'py, PyAny>,
    target: &'a Bound<'py, PyAny>,
    weight: Option<&'a Bound<'py, PyAny>>,
    upstream: Option<&'a Bound<'py, PyAny>>,
    aux: Option<&'a Bound<'py, PyAny>>,
    out: Option<&'a Bound<'py, PyAny>>,
}

impl<'py> Arrays<'_, 'py> {
    fn call<F: Float + Element>(
        self,
        py: Python<'py>,
        loss: &str,
        ask: Ask,
        params: &[(&str, f64)],
    ) -> PyResult<Bound<'py, PyAny>> {
        let input = Input::<F>::new(self.input);
        let target = Input::<F>::new(self.target);
        let weight = self.weight.map(Input::<F>::new);
        let upstream = self.upstream.map(Input::<F>::new);
        let aux = self.aux.map(Input::<F>::new);
        let extents = [
            Some(&input),
            Some(&target),
            weight.as_ref(),
            upstream.as_ref(),
            aux.as_ref(),
        ]
        .map(Input::extent_of);
        let shape = input.shape();
        let mut outputs = ask.outputs::<F>(py, shape, shape, self.out, &extents)?;
        let differentiated = spec(loss).is_some_and(|s| matches!(s.aux, Aux::WithGrad(_)));
        let mut aux_grad = (differentiated && ask.want_grad).then(|| Target::fresh(py, shape));
        let request = Request {
            input: input.operand(),
            target: target.operand(),
            weight: weight.as_ref().map(Input::operand),
            aux: aux.as_ref().map(Input::operand),
            upstream: upstream.as_ref().map(Input::operand),
            reduction: ask.reduction,
            params,
            want_value: ask.want_value,
            values: outputs.0.as_mut().map(|t| t.output()),
            grad: outputs.1.as_mut().map(|t| t.output()),
            aux_grad: aux_grad.as_mut().map(Target::output),
        };
        let len = request.input.data.len();
        let reduced = enter(py, len, || run(loss, request))?;
        finish(py, reduced, outputs, aux_grad)
    }
}
