//! The one door every native call goes through: run inline or detached, and map core errors
//! to builtin Python exceptions, exhaustively.

use descend_core::{par, Error};
use pyo3::exceptions::{PyIndexError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;

/// Core error → builtin exception (`ValueError`, `TypeError`, `IndexError`, `RuntimeError`).
pub fn to_py_err(err: Error) -> PyErr {
    match err {
        Error::Shape(m) | Error::Value(m) | Error::UnknownKernel(m) => PyValueError::new_err(m),
        Error::Dtype(m) => PyTypeError::new_err(m),
        Error::Label(m) | Error::Axis(m) => PyIndexError::new_err(m),
        Error::NonFinite(m) => PyRuntimeError::new_err(m),
    }
}

/// Runs `work` over `len` elements: with the GIL held when the work is small (releasing costs
/// more than such work), detached from the interpreter otherwise.
pub fn enter<T, W>(py: Python<'_>, len: usize, work: W) -> PyResult<T>
where
    T: Send,
    W: FnOnce() -> descend_core::Result<T> + Send,
{
    let result = if par::releases_gil(len) {
        py.detach(work)
    } else {
        work()
    };
    result.map_err(to_py_err)
}
