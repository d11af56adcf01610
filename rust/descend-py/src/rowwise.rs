//! The one binding of every row-wise loss: the kernel is chosen by name inside the core.

use descend_core::loss::rowwise::{loss_shape, run, Labels, Request, Target};
use descend_core::Float;
use numpy::Element;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::arrays::{float_type, int_type, needs_staging, FloatType, Input, IntType};
use crate::call::{finish, Ask, Params};
use crate::door::enter;

/// Value and/or gradient of the row-wise loss `loss` (see `descend._loss`); `aux` is the
/// pointwise family's third array, which no row-wise loss takes.
///
/// Returns `None`, having done nothing, when input, weight and upstream are not ndarrays of one
/// native float32/float64 dtype, or the target is neither int32/int64 labels nor an array of
/// that dtype, or `out` is not C-contiguous: the Python layer then applies the coercion rules or
/// stages `out`, and calls again.
#[pyfunction]
#[pyo3(signature = (loss, input, target, weight, upstream, aux, reduction, params, want_value, want_grad, out))]
#[allow(clippy::too_many_arguments)]
pub fn rowwise<'py>(
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
    if aux.is_some() {
        return Err(PyValueError::new_err(format!(
            "{loss} takes no third array"
        )));
    }
    let Some(dtype) = float_type(input) else {
        return Ok(None);
    };
    let same = |a: Option<&Bound<'py, PyAny>>| a.is_none_or(|a| float_type(a) == Some(dtype));
    let labels = int_type(target);
    if !((labels.is_some() || same(Some(target))) && same(weight) && same(upstream))
        || needs_staging(out)
    {
        return Ok(None);
    }
    let params = Params::read(params)?;
    let call = Call {
        loss,
        ask: Ask::new(reduction, want_value, want_grad)?,
        params: &params.pairs()?,
        labels,
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
    ask: Ask,
    params: &'a [(&'a str, f64)],
    labels: Option<IntType>,
}

struct Arrays<'a, 'py> {
    input: &'a Bound<'py, PyAny>,
    target: &'a Bound<'py, PyAny>,
    weight: Option<&'a Bound<'py, PyAny>>,
    upstream: Option<&'a Bound<'py, PyAny>>,
    out: Option<&'a Bound<'py, PyAny>>,
}

/// The target as read: labels of either width, or a float array.
enum Held<'py, F: Element> {
    I32(Input<'py, i32>),
    I64(Input<'py, i64>),
    Dense(Input<'py, F>),
}

impl Call<'_> {
    fn run<'py, F: Float + Element>(
        &self,
        py: Python<'py>,
        arrays: Arrays<'_, 'py>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let input = Input::<F>::new(arrays.input);
        let held = match self.labels {
            Some(IntType::I32) => Held::I32(Input::new(arrays.target)),
            Some(IntType::I64) => Held::I64(Input::new(arrays.target)),
            None => Held::<F>::Dense(Input::new(arrays.target)),
        };
        let weight = arrays.weight.map(Input::<F>::new);
        let upstream = arrays.upstream.map(Input::<F>::new);
        let (target, target_extent) = match &held {
            Held::I32(l) => (labels(l, Labels::I32), l.extent()),
            Held::I64(l) => (labels(l, Labels::I64), l.extent()),
            Held::Dense(t) => (Target::Dense(t.operand()), t.extent()),
        };
        let extents = [
            input.extent(),
            Input::extent_of(weight.as_ref()),
            Input::extent_of(upstream.as_ref()),
            target_extent,
        ];
        let shape = input.shape();
        let mut outputs =
            self.ask
                .outputs::<F>(py, &loss_shape(shape), shape, arrays.out, &extents)?;
        let request = Request {
            input: input.operand(),
            target,
            weight: weight.as_ref().map(Input::operand),
            upstream: upstream.as_ref().map(Input::operand),
            reduction: self.ask.reduction,
            params: self.params,
            want_value: self.ask.want_value,
            values: outputs.0.as_mut().map(|t| t.output()),
            grad: outputs.1.as_mut().map(|t| t.output()),
        };
        let len = request.input.data.len();
        let reduced = enter(py, len, || run(self.loss, request))?;
        finish(py, reduced, outputs, None)
    }
}

fn labels<'a, T: Element + Copy, F>(
    held: &'a Input<'_, T>,
    wrap: fn(&'a [T]) -> Labels<'a>,
) -> Target<'a, F> {
    let operand = held.operand();
    Target::Labels {
        data: wrap(operand.data),
        shape: operand.shape,
    }
}
