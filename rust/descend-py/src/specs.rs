//! The core's one export of its kernels, as Python dicts: the Python layer builds its loss,
//! activation and optimizer objects' options from it, and the drift test checks it.

use descend_core::hyper::{Domain, ParamSpec};
use descend_core::par::Bound as Speed;
use descend_core::registry::{describe_all, Fact};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3::IntoPyObjectExt;

/// One dict per kernel of every family: `family`, `name`, `bound` ("memory" or "compute"),
/// `params` (a list of (name, default, domain description, choices or None); a choice's default
/// is its word), and the family's facts under their own keys.
#[pyfunction]
pub fn specs(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    describe_all()
        .into_iter()
        .map(|kernel| {
            let dict = PyDict::new(py);
            dict.set_item("family", kernel.family)?;
            dict.set_item("name", kernel.name)?;
            let bound = match kernel.bound {
                Speed::Memory => "memory",
                Speed::Compute => "compute",
            };
            dict.set_item("bound", bound)?;
            let params = kernel
                .params
                .iter()
                .map(|p| param(py, p))
                .collect::<PyResult<Vec<_>>>()?;
            dict.set_item("params", params)?;
            for (key, fact) in kernel.facts {
                dict.set_item(key, value(py, &fact)?)?;
            }
            Ok(dict)
        })
        .collect()
}

fn param<'py>(py: Python<'py>, p: &ParamSpec) -> PyResult<Bound<'py, PyAny>> {
    let described = p.domain.describe();
    match p.domain {
        Domain::Choice(words) => {
            let default = words.get(p.default as usize).copied().unwrap_or_default();
            (p.name, default, described, words.to_vec()).into_bound_py_any(py)
        }
        _ => (p.name, p.default, described, None::<Vec<&str>>).into_bound_py_any(py),
    }
}

fn value<'py>(py: Python<'py>, fact: &Fact) -> PyResult<Bound<'py, PyAny>> {
    match fact {
        Fact::Word(w) => w.into_bound_py_any(py),
        Fact::Number(n) => n.into_bound_py_any(py),
        Fact::Flag(b) => b.into_bound_py_any(py),
        Fact::Names(names) => names.to_vec().into_bound_py_any(py),
        Fact::Nothing => py.None().into_bound(py).into_bound_py_any(py),
    }
}
