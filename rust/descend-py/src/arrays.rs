//! Borrowing numpy arrays as slices: inputs in any layout (copied to C order only when they are
//! not C-contiguous already), outputs C-contiguous and writable, nothing else.

use descend_core::loss::pointwise::driver::{Operand, Output};
use numpy::{
    Element, PyArrayDyn, PyArrayMethods, PyReadonlyArrayDyn, PyReadwriteArrayDyn,
    PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

/// A read-only input, borrowed in place when C-contiguous.
pub struct Input<'py, F: Element> {
    array: PyReadonlyArrayDyn<'py, F>,
    copy: Option<Vec<F>>,
    shape: Vec<usize>,
}

impl<'py, F: Element + Copy> Input<'py, F> {
    /// Borrows `obj`, which must be an ndarray of dtype `F` (the Python layer casts).
    pub fn borrow(name: &str, obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        let array = obj
            .cast::<PyArrayDyn<F>>()
            .map_err(|_| {
                PyTypeError::new_err(format!("{name} must be an ndarray of the input's dtype"))
            })?
            .readonly();
        let shape = array.shape().to_vec();
        // as_slice() also accepts Fortran order, which would hand the core memory order.
        let copy = if array.is_c_contiguous() {
            None
        } else {
            Some(array.as_array().iter().copied().collect())
        };
        Ok(Self { array, copy, shape })
    }

    /// The borrow as the core sees it.
    pub fn operand(&self) -> Operand<'_, F> {
        let data = match &self.copy {
            Some(copy) => copy.as_slice(),
            None => self.array.as_slice().unwrap_or_default(),
        };
        Operand {
            data,
            shape: &self.shape,
        }
    }

    /// The input's shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }
}

/// A writable output: the caller's `out=` or a fresh numpy array.
pub struct Target<'py, F: Element> {
    array: Bound<'py, PyArrayDyn<F>>,
    guard: PyReadwriteArrayDyn<'py, F>,
    shape: Vec<usize>,
}

impl<'py, F: Element> Target<'py, F> {
    /// A new uninitialised array from numpy's allocator (which asks for huge pages for large
    /// blocks); the kernel writes every element, and first-touches the pages on its threads.
    pub fn fresh(py: Python<'py>, shape: &[usize]) -> PyResult<Self> {
        // SAFETY: the array is returned to Python only after the kernel has written all of it;
        // if the call fails first, it is dropped unread.
        let array = unsafe { PyArrayDyn::<F>::new(py, shape, false) };
        Self::wrap(array)
    }

    /// The caller's `out=`: must have dtype `F`, be writable, C-contiguous and not overlap an
    /// input (rust-numpy's borrow tracking refuses a view of a borrowed array).
    pub fn out(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        let array = obj
            .cast::<PyArrayDyn<F>>()
            .map_err(|_| {
                PyTypeError::new_err(format!(
                    "out must be an ndarray of dtype {}",
                    std::any::type_name::<F>()
                ))
            })?
            .clone();
        Self::wrap(array)
    }

    fn wrap(array: Bound<'py, PyArrayDyn<F>>) -> PyResult<Self> {
        if !array.is_c_contiguous() {
            return Err(PyValueError::new_err("out must be C-contiguous"));
        }
        let guard = array.try_readwrite().map_err(|e| {
            PyValueError::new_err(format!(
                "out must be writable and must not overlap an input ({e})"
            ))
        })?;
        let shape = array.shape().to_vec();
        Ok(Self {
            array,
            guard,
            shape,
        })
    }

    /// The output as the core sees it.
    pub fn output(&mut self) -> Output<'_, F> {
        Output {
            data: self.guard.as_slice_mut().unwrap_or_default(),
            shape: &self.shape,
        }
    }

    /// Gives the array back to Python.
    pub fn into_array(self) -> Bound<'py, PyArrayDyn<F>> {
        drop(self.guard);
        self.array
    }
}
