//! Borrowing numpy arrays as slices: inputs read in place when C-contiguous and aligned (else
//! read from numpy's contiguous copy), outputs written in place or through a buffer copied
//! back, nothing else.
//!
//! rust-numpy's dynamic borrow tracking is not used: it costs more than a whole small kernel
//! call, and it cannot see overlap between arrays that do not share a base object. Instead the
//! writable flag is read directly and every output's byte range is checked against every
//! input's extent, so `out=` aliasing an input is refused before anything is written.

use std::ffi::c_int;
use std::fmt::Display;
use std::ops::Range;

use descend_core::array::{Operand, Output as CoreOutput};
use numpy::npyffi::{self, NPY_TYPES};
use numpy::{
    Element, PyArrayDescrMethods, PyArrayDyn, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use smallvec::SmallVec;

/// The float dtypes the kernels take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatType {
    F32,
    F64,
}

/// The dtype of `obj` if it is an ndarray of native-endian float32 or float64.
pub fn float_type(obj: &Bound<'_, PyAny>) -> Option<FloatType> {
    let descr = obj.cast::<PyUntypedArray>().ok()?.dtype();
    if descr.is_native_byteorder() == Some(false) {
        return None;
    }
    match descr.num() {
        n if n == NPY_TYPES::NPY_DOUBLE as i32 => Some(FloatType::F64),
        n if n == NPY_TYPES::NPY_FLOAT as i32 => Some(FloatType::F32),
        _ => None,
    }
}

/// The integer dtypes class labels come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntType {
    I32,
    I64,
}

/// The dtype of `obj` if it is an ndarray of native-endian int32 or int64. By kind and size:
/// numpy's equivalence test cost a float target's every call 300 instructions.
pub fn int_type(obj: &Bound<'_, PyAny>) -> Option<IntType> {
    let descr = obj.cast::<PyUntypedArray>().ok()?.dtype();
    if descr.kind() != b'i' || descr.is_native_byteorder() == Some(false) {
        return None;
    }
    match descr.itemsize() {
        8 => Some(IntType::I64),
        4 => Some(IntType::I32),
        _ => None,
    }
}

/// Byte ranges for overlap checks, inline for every call's count.
pub type Extents = SmallVec<[Range<usize>; 10]>;

/// Byte range an array's elements can touch, whatever its strides; empty for a non-array.
pub fn extent(obj: &Bound<'_, PyAny>) -> Range<usize> {
    let Ok(array) = obj.cast::<PyUntypedArray>() else {
        return 0..0;
    };
    extent_of(array, array.dtype().itemsize())
}

/// Byte range of `array`'s elements of `item` bytes each.
fn extent_of(array: &Bound<'_, PyUntypedArray>, item: usize) -> Range<usize> {
    // SAFETY: reading the data pointer of a live array object.
    let start = unsafe { (*array.as_array_ptr()).data } as usize;
    if array.len() == 0 {
        return start..start;
    }
    let (mut low, mut high) = (0_isize, 0_isize);
    for (&dim, &stride) in array.shape().iter().zip(array.strides()) {
        let reach = stride * (dim as isize - 1);
        if reach < 0 {
            low += reach;
        } else {
            high += reach;
        }
    }
    let item = item as isize;
    (start as isize + low) as usize..(start as isize + high + item) as usize
}

/// [`extent`] of an array of `F`.
fn typed_extent<F: Element>(array: &Bound<'_, PyArrayDyn<F>>) -> Range<usize> {
    extent_of(array.as_untyped(), std::mem::size_of::<F>())
}

/// The array's flags word (`NPY_ARRAY_*` bits).
fn flags(array: &Bound<'_, PyUntypedArray>) -> c_int {
    // SAFETY: reading the flags field of a live array object.
    unsafe { (*array.as_array_ptr()).flags }
}

/// Whether the kernels can use `array`'s memory as a slice: C-contiguous and aligned (numpy
/// allows unaligned arrays, such as a field of a packed structured array; a Rust slice of one
/// is undefined behaviour).
fn as_slice_ok(array: &Bound<'_, PyUntypedArray>) -> bool {
    array.is_c_contiguous() && flags(array) & npyffi::NPY_ARRAY_ALIGNED != 0
}

fn writable(array: &Bound<'_, PyUntypedArray>) -> bool {
    flags(array) & npyffi::NPY_ARRAY_WRITEABLE != 0
}

/// A read-only input: the caller's array when C-contiguous and aligned, else numpy's copy.
pub struct Input<'py, F: Element> {
    array: Bound<'py, PyArrayDyn<F>>,
    /// The caller's array's bytes, which an output must not overlap even when it is copied.
    given: Range<usize>,
}

impl<'py, F: Element + Copy> Input<'py, F> {
    /// Wraps `obj`, whose dtype the caller has checked ([`float_type`], [`int_type`]).
    pub fn new(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        // SAFETY: the caller checked that obj is an ndarray whose dtype is F.
        let array = unsafe { obj.cast_unchecked::<PyArrayDyn<F>>() };
        let given = typed_extent(array);
        if as_slice_ok(array.as_untyped()) {
            let array = array.clone();
            return Ok(Self { array, given });
        }
        // numpy's copy is C-contiguous and aligned (an unaligned array copies element by element).
        let copy = array.call_method1("copy", ("C",))?;
        // SAFETY: a copy of an array of dtype F has dtype F.
        let array = unsafe { copy.cast_into_unchecked() };
        Ok(Self { array, given })
    }

    /// The elements in C order, as the core sees them.
    pub fn operand(&self) -> Operand<'_, F> {
        Operand {
            // SAFETY: C-contiguous and aligned (checked or copied in `new`); no output overlaps
            // it (checked by `Output::out`), and nothing writes it during the call.
            data: unsafe { self.array.as_slice() }.unwrap_or_default(),
            shape: self.array.shape(),
        }
    }

    /// The input's shape.
    pub fn shape(&self) -> &[usize] {
        self.array.shape()
    }

    /// The bytes the caller's array can touch, for overlap checks.
    pub fn extent(&self) -> Range<usize> {
        self.given.clone()
    }
}

/// A writable output: a fresh array, the caller's `out=`, or a buffer standing in for an
/// `out=` the kernels cannot write as a slice (copied into it by [`Output::into_result`]).
pub struct Output<'py, F: Element> {
    array: Bound<'py, PyArrayDyn<F>>,
    staged_for: Option<Bound<'py, PyAny>>,
}

impl<'py, F: Element + Copy> Output<'py, F> {
    /// A new uninitialised array from numpy's allocator (which asks for huge pages for large
    /// blocks); the kernel writes every element, and first-touches the pages on its threads.
    pub fn fresh(py: Python<'py>, shape: &[usize]) -> Self {
        // SAFETY: the array is returned to Python only after the kernel has written all of it;
        // if the call fails first, it is dropped unread.
        let array = unsafe { PyArrayDyn::<F>::new(py, shape, false) };
        Self {
            array,
            staged_for: None,
        }
    }

    /// The caller's `out=` for a result of dtype `dtype`: writable, disjoint from every byte
    /// range in `inputs`, written directly or through a buffer of its shape (the core checks
    /// the shape).
    pub fn out(obj: &Bound<'py, PyAny>, dtype: &str, inputs: &[Range<usize>]) -> PyResult<Self> {
        let Ok(array) = obj.cast::<PyUntypedArray>() else {
            let kind = obj.get_type().name()?;
            return Err(PyTypeError::new_err(format!(
                "out must be a numpy array, got {kind}"
            )));
        };
        if array.cast::<PyArrayDyn<F>>().is_err() {
            return Err(PyTypeError::new_err(format!(
                "out has dtype {} but the result has dtype {dtype}",
                array.dtype()
            )));
        }
        if !writable(array) {
            return Err(PyValueError::new_err("out is read-only"));
        }
        let bytes = extent(obj);
        if inputs
            .iter()
            .any(|i| bytes.start < i.end && i.start < bytes.end)
        {
            return Err(PyValueError::new_err("out must not overlap an input"));
        }
        if as_slice_ok(array) {
            // SAFETY: checked to be an ndarray of dtype F above.
            let array = unsafe { obj.cast_unchecked::<PyArrayDyn<F>>() }.clone();
            return Ok(Self {
                array,
                staged_for: None,
            });
        }
        let mut staged = Self::fresh(obj.py(), array.shape());
        staged.staged_for = Some(obj.clone());
        Ok(staged)
    }

    /// The output as the core sees it.
    pub fn output(&mut self) -> CoreOutput<'_, F> {
        CoreOutput {
            // SAFETY: C-contiguous, aligned and writable (checked or fresh), disjoint from every
            // input (checked), and this is the only Rust view of it for the call.
            data: unsafe { self.array.as_slice_mut() }.unwrap_or_default(),
            shape: self.array.shape(),
        }
    }

    /// The result for Python: the array, or the caller's `out=` once the buffer is copied in.
    pub fn into_result(self) -> PyResult<Bound<'py, PyAny>> {
        match self.staged_for {
            None => Ok(self.array.into_any()),
            Some(out) => {
                let numpy = PyModule::import(out.py(), "numpy")?;
                numpy.call_method1("copyto", (&out, self.array))?;
                Ok(out)
            }
        }
    }

    /// The bytes its elements can touch, for overlap checks.
    pub fn extent(&self) -> Range<usize> {
        typed_extent(&self.array)
    }
}

/// `obj` as an array written in place (an optimizer's parameter, a clipped gradient): an
/// ndarray of dtype `F`, writable, C-contiguous and aligned. `what` names it in errors.
fn in_place<'py, F: Element>(
    obj: &Bound<'py, PyAny>,
    what: &dyn Display,
) -> PyResult<Output<'py, F>> {
    let array = obj.cast::<PyArrayDyn<F>>().map_err(|_| {
        PyTypeError::new_err(format!("{what} must be a float32 or float64 ndarray"))
    })?;
    let untyped = array.as_untyped();
    if !writable(untyped) {
        return Err(PyValueError::new_err(format!("{what} is read-only")));
    }
    if !untyped.is_c_contiguous() {
        return Err(PyValueError::new_err(format!(
            "{what} must be C-contiguous"
        )));
    }
    if !as_slice_ok(untyped) {
        return Err(PyValueError::new_err(format!(
            "{what} is not aligned in memory (a field of a packed structured array, or a \
             buffer read at an odd offset); pass an aligned copy"
        )));
    }
    Ok(Output {
        array: array.clone(),
        staged_for: None,
    })
}

/// A float array of either dtype written in place (a parameter, a clipped gradient).
pub enum InPlace<'py> {
    F32(Output<'py, f32>),
    F64(Output<'py, f64>),
}

impl<'py> InPlace<'py> {
    /// `obj` lent in place (see [`in_place`]); `what` names it in errors.
    pub fn lend(obj: &Bound<'py, PyAny>, what: &dyn Display) -> PyResult<Self> {
        match float_type(obj) {
            Some(FloatType::F32) => Ok(Self::F32(in_place(obj, what)?)),
            Some(FloatType::F64) => Ok(Self::F64(in_place(obj, what)?)),
            None => Err(PyTypeError::new_err(format!(
                "{what} must be a float32 or float64 ndarray"
            ))),
        }
    }

    /// The bytes its elements can touch, for overlap checks.
    pub fn extent(&self) -> Range<usize> {
        match self {
            Self::F32(o) => o.extent(),
            Self::F64(o) => o.extent(),
        }
    }
}

/// Refuses any overlap between a written array and any other, by one sort of the byte ranges
/// (not pairwise): `arrays` are (extent, written, name).
pub fn check_disjoint<N: Display>(mut arrays: Vec<(Range<usize>, bool, N)>) -> PyResult<()> {
    arrays.retain(|(r, _, _)| !r.is_empty());
    arrays.sort_unstable_by_key(|(r, _, _)| r.start);
    // The furthest end reached so far by any array and by a written one, with its name: an
    // overlap with a written array, or of a written array with anything, shows against these.
    let mut any: Option<(usize, &N)> = None;
    let mut written: Option<(usize, &N)> = None;
    for (range, writes, name) in &arrays {
        let clash = written
            .filter(|(end, _)| range.start < *end)
            .or_else(|| any.filter(|(end, _)| *writes && range.start < *end));
        if let Some((_, other)) = clash {
            return Err(PyValueError::new_err(format!(
                "{name} overlaps {other} in memory; every array written in place must be \
                 separate"
            )));
        }
        if any.is_none_or(|(end, _)| range.end > end) {
            any = Some((range.end, name));
        }
        if *writes && written.is_none_or(|(end, _)| range.end > end) {
            written = Some((range.end, name));
        }
    }
    Ok(())
}

/// An array's name in messages, `params[3]`, formatted only when a message is needed.
#[derive(Debug, Clone, Copy)]
pub struct Named(pub &'static str, pub usize);

impl Display for Named {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}[{}]", self.0, self.1)
    }
}
