//! The one binding of every loss: the methods of `descend.Loss` pass their arguments as they
//! got them; this checks the call, takes the arrays (through the coercion rules when the
//! kernels cannot take them as they are), and runs the core's entry for the loss.

use descend_core::array::Typed;
use descend_core::loss::{find, Labels, LossEntry, LossFacts, Request, Target};
use descend_core::reduce::Reduction;
use descend_core::Float;
use numpy::{Element, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};

use crate::arrays::{extent, float_type, int_type, Extents, FloatType, Input, IntType, Output};
use crate::call::{coerce, float, outputs, result, Params};
use crate::door::{enter, to_py_err};

/// Value and/or gradient of the loss `name`; `reduction` Ellipsis (not given) takes the
/// declaration's `default_reduction`, and `weighted` says whether the declaration takes
/// `weight=`.
#[pyfunction]
#[pyo3(signature = (name, default_reduction, weighted, want_value, want_grad, input, target, extra, reduction, weight, upstream, out, options))]
#[allow(clippy::too_many_arguments)]
pub fn loss<'py>(
    py: Python<'py>,
    name: &str,
    default_reduction: &Bound<'py, PyAny>,
    weighted: bool,
    want_value: bool,
    want_grad: bool,
    input: &Bound<'py, PyAny>,
    target: &Bound<'py, PyAny>,
    extra: &Bound<'py, PyTuple>,
    reduction: &Bound<'py, PyAny>,
    weight: Option<&Bound<'py, PyAny>>,
    upstream: Option<&Bound<'py, PyAny>>,
    out: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let entry = find(name).map_err(to_py_err)?;
    let given = !reduction.is(py.Ellipsis());
    let reduction = reduction_of(if given { reduction } else { default_reduction })?;
    if upstream.is_some() && !want_grad {
        return Err(PyValueError::new_err(format!(
            "upstream is used by {name}.grad and .value_and_grad"
        )));
    }
    if out.is_some() && !want_grad && reduction != Reduction::None {
        return Err(PyValueError::new_err(
            "out= receives an array; a reduced value is a float",
        ));
    }
    if weight.is_some() && !weighted {
        return Err(PyTypeError::new_err(format!(
            "{name}() got an unexpected keyword argument 'weight'"
        )));
    }
    let (third, keyword_third) = third_of(entry, extra, options)?;
    let params = Params::read(name, options, entry.params, keyword_third)?;
    let arrays = Arrays::of(py, &entry.facts, [input, target], weight, upstream, third)?;
    let call = Call {
        entry,
        reduction,
        want: (want_value, want_grad),
        params: &params.pairs()?,
    };
    let [value, grad, third_grad] = match float_type(&arrays.x) {
        Some(FloatType::F32) => call.run::<f32>(py, &arrays, out, |r| Typed::F32(r))?,
        _ => call.run::<f64>(py, &arrays, out, |r| Typed::F64(r))?,
    };
    let grad = match (grad, third_grad, arrays.third_shape) {
        (Some(g), Some(g3), None) => Some(PyTuple::new(py, [g, g3])?.into_any()),
        (Some(g), Some(g3), Some(shape)) => {
            let g3 = coerce(py, "unbroadcast", (g3, shape))?.get_item(0)?;
            Some(PyTuple::new(py, [g, g3])?.into_any())
        }
        (g, ..) => g,
    };
    result(py, value, grad)
}

/// torch's `reduction=`, a str.
fn reduction_of(r: &Bound<'_, PyAny>) -> PyResult<Reduction> {
    let name = r.cast::<PyString>().map_err(|_| {
        PyTypeError::new_err(format!(
            "reduction must be one of 'none', 'mean', 'sum' ('batchmean' for kl_div), got {r}"
        ))
    })?;
    Reduction::parse(name.to_str()?).map_err(to_py_err)
}

/// The loss's third array: the third positional argument of a loss that differentiates it
/// (torch's `var`), or a keyword option (torch's `pos_weight`), with that keyword.
fn third_of<'py>(
    entry: &LossEntry,
    extra: &Bound<'py, PyTuple>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<(Option<Bound<'py, PyAny>>, Option<&'static str>)> {
    let keyword = match entry.facts {
        LossFacts::Pointwise(p) if !p.third_differentiated => p.third,
        _ => None,
    };
    match (entry.facts.differentiated_third(), extra.len()) {
        (Some(_), 1) => Ok((Some(extra.get_item(0)?), None)),
        (None, 0) => match (keyword, options) {
            (Some(key), Some(options)) => Ok((options.get_item(key)?, keyword)),
            _ => Ok((None, keyword)),
        },
        (third, n) => {
            let (count, names) = match third {
                Some(third) => (3, format!(" (input, target, {third})")),
                None => (2, String::new()),
            };
            Err(PyTypeError::new_err(format!(
                "{}() takes {count} positional arguments{names} but {} were given",
                entry.name,
                2 + n
            )))
        }
    }
}

/// A call's arrays, all of one float dtype but the labels.
struct Arrays<'py> {
    x: Bound<'py, PyAny>,
    y: Bound<'py, PyAny>,
    labels: Option<IntType>,
    w: Option<Bound<'py, PyAny>>,
    u: Option<Bound<'py, PyAny>>,
    third: Option<Bound<'py, PyAny>>,
    /// The shape a differentiated third array was given in, when it was broadcast.
    third_shape: Option<Bound<'py, PyAny>>,
    /// The caller's arrays, when these are coerced copies: `out=` must not overlap them either.
    originals: Extents,
}

impl<'py> Arrays<'py> {
    /// The arrays as given when the kernels take them so, else through `descend._arrays`.
    fn of(
        py: Python<'py>,
        facts: &LossFacts,
        [x, y]: [&Bound<'py, PyAny>; 2],
        w: Option<&Bound<'py, PyAny>>,
        u: Option<&Bound<'py, PyAny>>,
        third: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Self> {
        let labels = match facts {
            LossFacts::Rowwise(_) => int_type(y),
            LossFacts::Pointwise(_) => None,
        };
        if takes_as_given(facts, x, y, labels.is_some(), w, u, third.as_ref()) {
            return Ok(Self {
                x: x.clone(),
                y: y.clone(),
                labels,
                w: w.cloned(),
                u: u.cloned(),
                third,
                third_shape: None,
                originals: Extents::new(),
            });
        }
        let given = [Some(x), Some(y), w, u, third.as_ref()];
        let originals = given.into_iter().flatten().map(extent).collect();
        let kind = match facts {
            LossFacts::Rowwise(_) => "rowwise",
            LossFacts::Pointwise(_) => "pointwise",
        };
        let differentiated = facts.differentiated_third();
        let name = match facts {
            LossFacts::Pointwise(p) => p.third,
            LossFacts::Rowwise(_) => None,
        };
        let args = (kind, x, y, w, u, name, third, differentiated.is_some());
        let t = coerce(py, "loss_operands", args)?;
        let some = |i: usize| t.get_item(i).map(|v| (!v.is_none()).then_some(v));
        let y = t.get_item(1)?;
        Ok(Self {
            x: t.get_item(0)?,
            labels: int_type(&y),
            y,
            w: some(2)?,
            u: some(3)?,
            third: some(4)?,
            third_shape: some(5)?,
            originals,
        })
    }
}

/// Whether the kernels take a call's arrays as they are: ndarrays of one native float dtype
/// (labels int32 or int64 for a row-wise loss), a pointwise loss's per-element arrays of the
/// input's shape.
fn takes_as_given(
    facts: &LossFacts,
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    labels: bool,
    w: Option<&Bound<'_, PyAny>>,
    u: Option<&Bound<'_, PyAny>>,
    third: Option<&Bound<'_, PyAny>>,
) -> bool {
    let Some(dtype) = float_type(x) else {
        return false;
    };
    let same = |a: Option<&Bound<'_, PyAny>>| a.is_none_or(|a| float_type(a) == Some(dtype));
    let Ok(x) = x.cast::<PyUntypedArray>() else {
        return false;
    };
    let fits = |a: Option<&Bound<'_, PyAny>>| {
        a.is_none_or(|a| {
            a.cast::<PyUntypedArray>()
                .is_ok_and(|a| a.shape() == x.shape())
        })
    };
    let per_element = match facts {
        LossFacts::Rowwise(_) => true,
        LossFacts::Pointwise(_) => fits(w) && fits(third),
    };
    (labels || same(Some(y))) && same(w) && same(u) && same(third) && per_element
}

/// A call's options, resolved.
struct Call<'a> {
    entry: &'static LossEntry,
    reduction: Reduction,
    want: (bool, bool),
    params: &'a [(&'a str, f64)],
}

/// The target as read: labels of either width, or floats.
enum Held<'py, F: Element> {
    I32(Input<'py, i32>),
    I64(Input<'py, i64>),
    Floats(Input<'py, F>),
}

/// (value, gradient, third array's gradient), each when there is one.
type Results<'py> = [Option<Bound<'py, PyAny>>; 3];

impl Call<'_> {
    fn run<'py, F: Float + Element>(
        &self,
        py: Python<'py>,
        a: &Arrays<'py>,
        out: Option<&Bound<'py, PyAny>>,
        typed: for<'r> fn(Request<'r, F>) -> descend_core::loss::Call<'r>,
    ) -> PyResult<Results<'py>> {
        let input = Input::<F>::new(&a.x)?;
        let held = match a.labels {
            Some(IntType::I32) => Held::I32(Input::new(&a.y)?),
            Some(IntType::I64) => Held::I64(Input::new(&a.y)?),
            None => Held::<F>::Floats(Input::new(&a.y)?),
        };
        let lend = |o: &Option<Bound<'py, PyAny>>| o.as_ref().map(Input::<F>::new).transpose();
        let (weight, upstream, third) = (lend(&a.w)?, lend(&a.u)?, lend(&a.third)?);
        let (target, target_extent) = match &held {
            Held::I32(l) => (labels(l, Labels::I32), l.extent()),
            Held::I64(l) => (labels(l, Labels::I64), l.extent()),
            Held::Floats(t) => (Target::Floats(t.operand()), t.extent()),
        };
        let mut extents = a.originals.clone();
        extents.extend([input.extent(), target_extent]);
        extents.extend(
            [&weight, &upstream, &third]
                .into_iter()
                .flatten()
                .map(Input::extent),
        );
        let shape = input.shape();
        let (want_value, want_grad) = self.want;
        let unreduced = want_value && self.reduction == Reduction::None;
        let loss_shape = self.entry.facts.loss_shape(shape);
        let shapes = (&*loss_shape, shape);
        let (mut values, mut grad) =
            outputs::<F>(py, (unreduced, want_grad), shapes, out, &extents)?;
        let differentiated = self.entry.facts.differentiated_third().is_some() && want_grad;
        let mut third_grad = differentiated.then(|| Output::fresh(py, shape));
        let request = Request {
            input: input.operand(),
            target,
            weight: weight.as_ref().map(Input::operand),
            third: third.as_ref().map(Input::operand),
            upstream: upstream.as_ref().map(Input::operand),
            reduction: self.reduction,
            params: self.params,
            want_value,
            values: values.as_mut().map(Output::output),
            grad: grad.as_mut().map(Output::output),
            third_grad: third_grad.as_mut().map(Output::output),
        };
        let run = self.entry.run;
        let reduced = enter(py, request.input.data.len(), || run(typed(request)))?;
        let value = match (reduced, values) {
            (Some(v), _) => Some(float(py, v)),
            (None, v) => v.map(Output::into_result).transpose()?,
        };
        let grad = grad.map(Output::into_result).transpose()?;
        Ok([
            value,
            grad,
            third_grad.map(Output::into_result).transpose()?,
        ])
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
