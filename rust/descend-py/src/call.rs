//! What every loss binding shares: reading the options, planning the output arrays, and
//! turning the core's answer into Python objects.

use std::ops::Range;

use descend_core::hyper::{Domain, ParamSpec};
use descend_core::reduce::Reduction;
use descend_core::Float;
use numpy::Element;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyString, PyTuple};

use crate::arrays::Target;
use crate::door::to_py_err;

/// Hyperparameters by name, as the Python layer passed them (numbers and bools read as f64).
pub struct Params<'py>(Vec<(Bound<'py, PyString>, f64)>);

impl<'py> Params<'py> {
    /// Reads the options dict (`None`: all defaults) of a kernel whose options are `specs`: a
    /// word is read as its index among the choices of its option.
    pub fn read(dict: Option<&Bound<'py, PyDict>>, specs: &[ParamSpec]) -> PyResult<Self> {
        let pairs = dict
            .map(|dict| {
                dict.iter()
                    .map(|(name, value)| {
                        let name = name.cast_into::<PyString>()?;
                        let number = number(&name, &value, specs)?;
                        Ok((name, number))
                    })
                    .collect::<PyResult<Vec<_>>>()
            })
            .transpose()?
            .unwrap_or_default();
        Ok(Self(pairs))
    }

    /// The (name, value) pairs the core takes.
    pub fn pairs(&self) -> PyResult<Vec<(&str, f64)>> {
        self.0
            .iter()
            .map(|(name, value)| Ok((name.to_str()?, *value)))
            .collect()
    }
}

/// An option's value as the core takes it: a number or bool, or a choice's index.
fn number(
    name: &Bound<'_, PyString>,
    value: &Bound<'_, PyAny>,
    specs: &[ParamSpec],
) -> PyResult<f64> {
    let shown = || value.repr().map_or_else(|_| "?".into(), |r| r.to_string());
    let choices = specs.iter().find_map(|s| match s.domain {
        Domain::Choice(words) if name.to_str().is_ok_and(|n| n == s.name) => Some(words),
        _ => None,
    });
    if let Some(words) = choices {
        let word = value.cast::<PyString>().ok().and_then(|w| w.to_str().ok());
        return word
            .and_then(|w| words.iter().position(|c| *c == w))
            .map(|i| i as f64)
            .ok_or_else(|| {
                let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
                PyValueError::new_err(format!(
                    "{name} must be {}, got {}",
                    quoted.join(" or "),
                    shown()
                ))
            });
    }
    value
        .extract()
        .map_err(|_| PyTypeError::new_err(format!("{name} must be a number, got {}", shown())))
}

/// What a call asks for.
#[derive(Debug, Clone, Copy)]
pub struct Ask {
    /// torch's `reduction=`.
    pub reduction: Reduction,
    /// The loss value.
    pub want_value: bool,
    /// The gradient.
    pub want_grad: bool,
}

impl Ask {
    /// Parses the reduction (torch's spelling, a str) and keeps the flags.
    pub fn new(reduction: &Bound<'_, PyAny>, want_value: bool, want_grad: bool) -> PyResult<Self> {
        let name = reduction.cast::<PyString>().map_err(|_| {
            PyTypeError::new_err(format!(
                "reduction must be one of 'none', 'mean', 'sum' ('batchmean' for kl_div), got {reduction}"
            ))
        })?;
        Ok(Self {
            reduction: Reduction::parse(name.to_str()?).map_err(to_py_err)?,
            want_value,
            want_grad,
        })
    }

    /// The arrays the call writes: unreduced values (shaped `value_shape`) and the gradient
    /// (shaped `grad_shape`). `out=` takes the gradient when there is one, else the values;
    /// it must not overlap any of `inputs` (byte extents).
    pub fn outputs<'py, F: Float + Element>(
        self,
        py: Python<'py>,
        value_shape: &[usize],
        grad_shape: &[usize],
        out: Option<&Bound<'py, PyAny>>,
        inputs: &[Range<usize>],
    ) -> PyResult<Outputs<'py, F>> {
        let take = |out: Option<&Bound<'py, PyAny>>, shape: &[usize]| match out {
            Some(out) => Target::out(out, F::DTYPE, inputs),
            None => Ok(Target::fresh(py, shape)),
        };
        let elementwise = self.want_value && self.reduction == Reduction::None;
        Ok(match (elementwise, self.want_grad) {
            (true, true) => (
                Some(Target::fresh(py, value_shape)),
                Some(take(out, grad_shape)?),
            ),
            (true, false) => (Some(take(out, value_shape)?), None),
            (false, true) => (None, Some(take(out, grad_shape)?)),
            (false, false) => (None, None),
        })
    }
}

/// (unreduced values, gradient), each present when asked for.
pub type Outputs<'py, F> = (Option<Target<'py, F>>, Option<Target<'py, F>>);

/// The Python result: the value (a float, or the values array), the gradient, or both. With
/// `aux_grad` (the gradient w.r.t. a loss's third array), the gradient is the pair of both.
pub fn finish<'py, F: Float + Element>(
    py: Python<'py>,
    reduced: Option<f64>,
    (values, grad): Outputs<'py, F>,
    aux_grad: Option<Target<'py, F>>,
) -> PyResult<Bound<'py, PyAny>> {
    let value = match (reduced, values) {
        (Some(v), _) => Some(PyFloat::new(py, v).into_any()),
        (None, Some(values)) => Some(values.into_array().into_any()),
        (None, None) => None,
    };
    let grad = match (grad, aux_grad) {
        (Some(g), Some(ga)) => {
            Some(PyTuple::new(py, [g.into_array(), ga.into_array()])?.into_any())
        }
        (g, _) => g.map(|g| g.into_array().into_any()),
    };
    match (value, grad) {
        (Some(v), Some(g)) => Ok(PyTuple::new(py, [v, g])?.into_any()),
        (Some(x), None) | (None, Some(x)) => Ok(x),
        (None, None) => Err(to_py_err(descend_core::Error::Value(
            "nothing to compute".into(),
        ))),
    }
}
