//! What the loss and activation bindings share: reading options, the arrays a call writes, the
//! coercion rules' slow path, and the Python result.

use std::ops::Range;

use descend_core::hyper::{Domain, ParamSpec};
use descend_core::Float;
use numpy::Element;
use pyo3::call::PyCallArgs;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyString, PyTuple};

use crate::arrays::Output;

/// A kernel's options as the caller passed them by keyword, numbers and bools read as f64.
pub struct Params<'py>(Vec<(Bound<'py, PyString>, f64)>);

impl<'py> Params<'py> {
    /// Reads the keyword options of a call of `kernel`, whose options are `specs`, leaving out
    /// `skip` (a keyword the caller handles itself): a name that is not an option is refused
    /// as Python refuses an unexpected keyword, and a word is read as its index among its
    /// option's choices.
    pub fn read(
        kernel: &str,
        options: Option<&Bound<'py, PyDict>>,
        specs: &[ParamSpec],
        skip: Option<&str>,
    ) -> PyResult<Self> {
        let mut pairs = Vec::new();
        for (name, value) in options.into_iter().flatten() {
            let name = name.cast_into::<PyString>()?;
            let key = name.to_str()?;
            if Some(key) == skip {
                continue;
            }
            let Some(spec) = specs.iter().find(|s| s.name == key) else {
                return Err(PyTypeError::new_err(format!(
                    "{kernel}() got an unexpected keyword argument '{key}'"
                )));
            };
            let number = number(key, &value, spec)?;
            pairs.push((name, number));
        }
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
fn number(name: &str, value: &Bound<'_, PyAny>, spec: &ParamSpec) -> PyResult<f64> {
    let shown = || value.repr().map_or_else(|_| "?".into(), |r| r.to_string());
    if let Domain::Choice(words) = spec.domain {
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

/// Calls `function` of `descend._arrays`, where the coercion rules live, for arrays the
/// kernels cannot take as they are (lists, integers, other dtypes, broadcast shapes).
pub fn coerce<'py>(
    py: Python<'py>,
    function: &str,
    args: impl PyCallArgs<'py>,
) -> PyResult<Bound<'py, PyTuple>> {
    let module = py.import("descend._arrays")?;
    Ok(module
        .call_method1(function, args)?
        .cast_into::<PyTuple>()?)
}

/// The arrays a call writes: the value's array (unreduced values, shaped `value_shape`) and
/// the gradient (shaped `grad_shape`), each when asked for. `out=` takes the gradient when
/// there is one, else the values; it must not overlap `inputs` (byte extents).
pub fn outputs<'py, F: Float + Element>(
    py: Python<'py>,
    (values, grad): (bool, bool),
    (value_shape, grad_shape): (&[usize], &[usize]),
    out: Option<&Bound<'py, PyAny>>,
    inputs: &[Range<usize>],
) -> PyResult<Outputs<'py, F>> {
    let take = |shape: &[usize]| match out {
        Some(out) => Output::out(out, F::DTYPE, inputs),
        None => Ok(Output::fresh(py, shape)),
    };
    Ok(match (values, grad) {
        (true, true) => (
            Some(Output::fresh(py, value_shape)),
            Some(take(grad_shape)?),
        ),
        (true, false) => (Some(take(value_shape)?), None),
        (false, true) => (None, Some(take(grad_shape)?)),
        (false, false) => (None, None),
    })
}

/// (the value's array, the gradient), each when asked for.
pub type Outputs<'py, F> = (Option<Output<'py, F>>, Option<Output<'py, F>>);

/// The Python result: the value (a float or an array), the gradient, or the pair of both.
pub fn result<'py>(
    py: Python<'py>,
    value: Option<Bound<'py, PyAny>>,
    grad: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    match (value, grad) {
        (Some(v), Some(g)) => Ok(PyTuple::new(py, [v, g])?.into_any()),
        (Some(x), None) | (None, Some(x)) => Ok(x),
        (None, None) => Ok(py.None().into_bound(py)),
    }
}

/// A reduced value as a Python float.
pub fn float(py: Python<'_>, v: f64) -> Bound<'_, PyAny> {
    PyFloat::new(py, v).into_any()
}
