//! The one binding of every loss: the kernel is chosen by name inside the core.

use descend_core::array::Typed;
use descend_core::loss::{find, Labels, LossEntry, Request, Target as LossTarget};
use descend_core::Float;
use numpy::{Element, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::arrays::{float_type, int_type, needs_staging, FloatType, Input, IntType, Target};
use crate::call::{finish, Ask, Params};
use crate::door::{enter, to_py_err};

/// Value and/or gradient of the loss `loss` (see `descend._loss`).
///
/// Returns `None`, having done nothing, when input, weight, upstream and the third array are
/// not ndarrays of one native float32/float64 dtype, weight or the third array is not of the
/// input's shape, the target is neither int32/int64 labels nor an array of that dtype, or
/// `out` is not C-contiguous: the Python layer then applies the coercion rules (broadcasting
/// included) or stages `out`, and calls again.
#[pyfunction]
#[pyo3(signature = (loss, input, target, weight, upstream, third, reduction, params, want_value, want_grad, out))]
#[allow(clippy::too_many_arguments)]
pub fn loss<'py>(
    py: Python<'py>,
    loss: &str,
    input: &Bound<'py, PyAny>,
    target: &Bound<'py, PyAny>,
    weight: Option<&Bound<'py, PyAny>>,
    upstream: Option<&Bound<'py, PyAny>>,
    third: Option<&Bound<'py, PyAny>>,
    reduction: &Bound<'py, PyAny>,
    params: Option<&Bound<'py, PyDict>>,
    want_value: bool,
    want_grad: bool,
    out: Option<&Bound<'py, PyAny>>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let entry = find(loss).map_err(to_py_err)?;
    let Some(dtype) = float_type(input) else {
        return Ok(None);
    };
    let same = |a: Option<&Bound<'py, PyAny>>| a.is_none_or(|a| float_type(a) == Some(dtype));
    let labels = int_type(target);
    // A pointwise loss's weight and third array broadcast to the input's shape: Python does.
    let shape = input.cast::<PyUntypedArray>()?.shape();
    let per_element = entry.facts.loss_shape(shape) == shape;
    let fits = |a: Option<&Bound<'py, PyAny>>| {
        a.is_none_or(|a| a.cast::<PyUntypedArray>().is_ok_and(|a| a.shape() == shape))
    };
    if !((labels.is_some() || same(Some(target))) && same(weight) && same(upstream) && same(third))
        || !(fits(third) && (!per_element || fits(weight)))
        || needs_staging(out)
    {
        return Ok(None);
    }
    let params = Params::read(params, entry.params)?;
    let call = Call {
        entry,
        ask: Ask::new(reduction, want_value, want_grad)?,
        params: &params.pairs()?,
        labels,
    };
    let arrays = Arrays {
        input,
        target,
        weight,
        upstream,
        third,
        out,
    };
    match dtype {
        FloatType::F64 => call.run::<f64>(py, arrays, |r| Typed::F64(r)).map(Some),
        FloatType::F32 => call.run::<f32>(py, arrays, |r| Typed::F32(r)).map(Some),
    }
}

struct Call<'a> {
    entry: &'static LossEntry,
    ask: Ask,
    params: &'a [(&'a str, f64)],
    labels: Option<IntType>,
}

struct Arrays<'a, 'py> {
    input: &'a Bound<'py, PyAny>,
    target: &'a Bound<'py, PyAny>,
    weight: Option<&'a Bound<'py, PyAny>>,
    upstream: Option<&'a Bound<'py, PyAny>>,
    third: Option<&'a Bound<'py, PyAny>>,
    out: Option<&'a Bound<'py, PyAny>>,
}

/// The target as read: labels of either width, or a float array.
enum Held<'py, F: Element> {
    I32(Input<'py, i32>),
    I64(Input<'py, i64>),
    Floats(Input<'py, F>),
}

impl Call<'_> {
    fn run<'py, F: Float + Element>(
        &self,
        py: Python<'py>,
        arrays: Arrays<'_, 'py>,
        typed: for<'r> fn(Request<'r, F>) -> descend_core::loss::Call<'r>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let input = Input::<F>::new(arrays.input);
        let held = match self.labels {
            Some(IntType::I32) => Held::I32(Input::new(arrays.target)),
            Some(IntType::I64) => Held::I64(Input::new(arrays.target)),
            None => Held::<F>::Floats(Input::new(arrays.target)),
        };
        let weight = arrays.weight.map(Input::<F>::new);
        let upstream = arrays.upstream.map(Input::<F>::new);
        let third = arrays.third.map(Input::<F>::new);
        let (target, target_extent) = match &held {
            Held::I32(l) => (labels(l, Labels::I32), l.extent()),
            Held::I64(l) => (labels(l, Labels::I64), l.extent()),
            Held::Floats(t) => (LossTarget::Floats(t.operand()), t.extent()),
        };
        let extents = [
            input.extent(),
            target_extent,
            Input::extent_of(weight.as_ref()),
            Input::extent_of(upstream.as_ref()),
            Input::extent_of(third.as_ref()),
        ];
        let shape = input.shape();
        let loss_shape = self.entry.facts.loss_shape(shape);
        let mut outputs = self
            .ask
            .outputs::<F>(py, &loss_shape, shape, arrays.out, &extents)?;
        let differentiated = self.entry.facts.differentiated_third().is_some();
        let mut third_grad =
            (differentiated && self.ask.want_grad).then(|| Target::fresh(py, shape));
        let request = Request {
            input: input.operand(),
            target,
            weight: weight.as_ref().map(Input::operand),
            third: third.as_ref().map(Input::operand),
            upstream: upstream.as_ref().map(Input::operand),
            reduction: self.ask.reduction,
            params: self.params,
            want_value: self.ask.want_value,
            values: outputs.0.as_mut().map(|t| t.output()),
            grad: outputs.1.as_mut().map(|t| t.output()),
            third_grad: third_grad.as_mut().map(Target::output),
        };
        let len = request.input.data.len();
        let run = self.entry.run;
        let reduced = enter(py, len, || run(typed(request)))?;
        finish(py, reduced, outputs, third_grad)
    }
}

fn labels<'a, T: Element + Copy, F>(
    held: &'a Input<'_, T>,
    wrap: fn(&'a [T]) -> Labels<'a>,
) -> LossTarget<'a, F> {
    let operand = held.operand();
    LossTarget::Labels {
        data: wrap(operand.data),
        shape: operand.shape,
    }
}
