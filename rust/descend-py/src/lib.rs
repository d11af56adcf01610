//! Python bindings of descend: borrow numpy arrays, check them, detach from the interpreter,
//! call the core, map its errors. No math and nothing per kernel lives here: a kernel is named
//! by a string, so adding one to the core's registry needs no change in this crate.

mod activation;
mod arrays;
mod call;
mod clip;
mod door;
mod loss;
mod metrics;
mod optim;
mod probe;
mod specs;

use pyo3::prelude::*;

/// Threads, SIMD level and specs: the small introspection surface of the core.
mod runtime {
    use descend_core::{par, simd};
    use pyo3::prelude::*;

    use crate::door::to_py_err;

    /// The instruction set kernels run with: "scalar", "avx2", "avx512" or "neon".
    #[pyfunction]
    pub fn simd_level() -> &'static str {
        simd::level().name()
    }

    /// The compiler and the commit this module was built from.
    #[pyfunction]
    pub fn build() -> &'static str {
        env!("DESCEND_BUILD")
    }

    /// Why DESCEND_SIMD was not honoured, if it was not.
    #[pyfunction]
    pub fn simd_warning() -> Option<&'static str> {
        simd::forced_level_warning()
    }

    /// Why a thread-count environment variable is ignored, if one is (warned at import).
    #[pyfunction]
    pub fn thread_variable_warning() -> Option<String> {
        par::ignored_thread_variable()
    }

    /// Threads used by parallel calls.
    #[pyfunction]
    pub fn get_num_threads() -> usize {
        par::num_threads()
    }

    /// Sets the thread count; returns the previous one.
    #[pyfunction]
    pub fn set_num_threads(n: usize) -> PyResult<usize> {
        par::set_num_threads(n).map_err(to_py_err)
    }

    /// Sets the calling thread's own thread count (None: the process-wide one again); returns
    /// the previous override.
    #[pyfunction]
    #[pyo3(signature = (n))]
    pub fn set_thread_override(n: Option<usize>) -> PyResult<Option<usize>> {
        par::set_thread_override(n).map_err(to_py_err)
    }

    /// Elements from which a call releases the GIL.
    #[pyfunction]
    pub fn gil_release_threshold() -> usize {
        par::GIL_RELEASE_FROM
    }

    /// Distinct pool threads that ran chunks in the most recent parallel call (a test hook).
    #[pyfunction]
    pub fn threads_used_by_last_call() -> u32 {
        par::threads_used_by_last_call()
    }

    /// Elements per chunk of parallel work.
    #[pyfunction]
    pub fn chunk_size() -> usize {
        par::CHUNK
    }
}

/// The native module `descend._core`.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(loss::loss, m)?)?;
    m.add_function(wrap_pyfunction!(specs::specs, m)?)?;
    m.add_function(wrap_pyfunction!(probe::triad, m)?)?;
    m.add_function(wrap_pyfunction!(probe::exp_probe, m)?)?;
    m.add_function(wrap_pyfunction!(probe::in_place_probe, m)?)?;
    m.add_function(wrap_pyfunction!(probe::stream_probe, m)?)?;
    m.add_function(wrap_pyfunction!(probe::math_probe, m)?)?;
    m.add_function(wrap_pyfunction!(metrics::roc_auc, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::simd_level, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::simd_warning, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::thread_variable_warning, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::build, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::get_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::set_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::set_thread_override, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::gil_release_threshold, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::threads_used_by_last_call, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::chunk_size, m)?)?;
    m.add_function(wrap_pyfunction!(activation::activation, m)?)?;
    m.add_class::<optim::OptimizerState>()?;
    m.add_function(wrap_pyfunction!(clip::clip_grad_norm, m)?)?;
    m.add_function(wrap_pyfunction!(clip::clip_grad_value, m)?)?;
    Ok(())
}
