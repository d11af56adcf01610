//! Binding of the native metrics.

use descend_core::metrics;
use numpy::{PyArrayDyn, PyArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::arrays::{float_type, FloatType, Input};
use crate::door::enter;

/// ROC AUC of float scores for boolean labels (true = positive class).
#[pyfunction]
pub fn roc_auc<'py>(
    py: Python<'py>,
    positive: &Bound<'py, PyAny>,
    score: &Bound<'py, PyAny>,
) -> PyResult<f64> {
    let positive = positive
        .cast::<PyArrayDyn<bool>>()
        .map_err(|_| PyTypeError::new_err("positive must be a bool ndarray"))?;
    // SAFETY: read under the GIL before the call; nothing writes it during the call.
    let labels: Vec<bool> = unsafe { positive.as_array() }.iter().copied().collect();
    match float_type(score) {
        Some(FloatType::F64) => {
            let score = Input::<f64>::new(score)?;
            let data = score.operand().data;
            enter(py, data.len(), || metrics::roc_auc(&labels, data))
        }
        Some(FloatType::F32) => {
            let score = Input::<f32>::new(score)?;
            let data = score.operand().data;
            enter(py, data.len(), || metrics::roc_auc(&labels, data))
        }
        None => Err(PyTypeError::new_err(
            "y_score must be a float32 or float64 ndarray",
        )),
    }
}
