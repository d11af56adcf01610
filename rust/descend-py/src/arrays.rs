//! Borrowing numpy arrays as slices: inputs in any layout (copied to C order only when they are
//! not C-contiguous already), outputs C-contiguous and writable, nothing else.
//!
//! rust-numpy's dynamic borrow tracking is not used: it costs more than a whole small kernel
//! call, and it cannot see overlap between arrays that do not share a base object. Instead the
//! writable flag is read directly and every output's byte range is checked against every
//! input's extent, so `out=` aliasing an input is refused before anything is written.

use std::ffi::c_int;
use std::fmt::Display;
use std::ops::Range;

use descend_core::array::{Operand, Output};
use numpy::npyffi::{self, NPY_TYPES};
use numpy::{
    Element, PyArrayDescrMethods, PyArrayDyn, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

/// The float dtypes the kernels take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatType {
    F32,
    F64,
}

/// The dtype of `obj` if it is an ndarray of native-endian float32 or float64.
pub fn float_type(obj: &Bound<'_, PyAny>) -> Option<FloatType> {
    let array = obj.cast::<PyUntypedArray>().ok()?;
    let descr = array.dtype();
    if descr.is_native_byteorder() == Some(false) {
        return None;
    }
    match descr.num() {
        n if n == NPY_TYPES::NPY_DOUBLE as i32 => Some(FloatType::F64),
        n if n == NPY_TYPES::NPY_FLOAT as i32 => Some(FloatType::F32),
        _ => None,
    }
}

/// Whether `out` is an ndarray the kernels cannot write in place (not C-contiguous, or not
/// aligned). A call given one declines, and the Python layer fills it through a contiguous
/// buffer. Checked here rather than before the call in Python, where reading `out.flags` cost
/// 80 ns of every call.
pub fn needs_staging(out: Option<&Bound<'_, PyAny>>) -> bool {
    out.and_then(|out| out.cast::<PyUntypedArray>().ok())
        .is_some_and(|out| !(out.is_c_contiguous() && is_aligned(out)))
}

/// The integer dtypes class labels come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntType {
    I32,
    I64,
}

/// The dtype of `obj` if it is an ndarray of native-endian int32 or int64.
pub fn int_type(obj: &Bound<'_, PyAny>) -> Option<IntType> {
    let array = obj.cast::<PyUntypedArray>().ok()?;
    let descr = array.dtype();
    if descr.is_native_byteorder() == Some(false) {
        return None;
    }
    if descr.is_equiv_to(&numpy::dtype::<i64>(obj.py())) {
        Some(IntType::I64)
    } else if descr.is_equiv_to(&numpy::dtype::<i32>(obj.py())) {
        Some(IntType::I32)
    } else {
        None
    }
}

/// Byte range an array's elements can touch, whatever its strides.
fn extent<F: Element>(array: &Bound<'_, PyArrayDyn<F>>) -> Range<usize> {
    let start = array.data() as usize;
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
    let item = std::mem::size_of::<F>() as isize;
    (start as isize + low) as usize..(start as isize + high + item) as usize
}

/// The array's flags word (`NPY_ARRAY_*` bits).
fn flags(array: &Bound<'_, PyUntypedArray>) -> c_int {
    // SAFETY: reading the flags field of a live array object.
    unsafe { (*array.as_array_ptr()).flags }
}

/// Whether every element of `array` lies at an address aligned for its type. numpy allows
/// unaligned arrays (a field of a packed structured array, `np.frombuffer` at an odd offset);
/// a Rust slice or `ndarray` view of one is undefined behaviour, and was read wrong.
fn is_aligned(array: &Bound<'_, PyUntypedArray>) -> bool {
    flags(array) & npyffi::NPY_ARRAY_ALIGNED != 0
}

/// A read-only input, read in place when C-contiguous and aligned, else copied to C order.
pub struct Input<'py, F: Element> {
    array: Bound<'py, PyArrayDyn<F>>,
    copy: Option<Vec<F>>,
}

impl<'py, F: Element + Copy> Input<'py, F> {
    /// Wraps `obj`, whose dtype the caller has checked with [`float_type`].
    pub fn new(obj: &Bound<'py, PyAny>) -> Self {
        // SAFETY: the caller checked that obj is an ndarray whose dtype is F.
        let array = unsafe { obj.cast_unchecked::<PyArrayDyn<F>>() }.clone();
        let copy = if !is_aligned(array.as_untyped()) {
            Some(gather_unaligned(&array))
        } else if array.is_c_contiguous() {
            None
        } else {
            // SAFETY: read under the GIL, before any kernel runs; no Rust borrow aliases it.
            // Aligned, so every stride is a multiple of the element size, as a view needs.
            Some(unsafe { array.as_array() }.iter().copied().collect())
        };
        Self { array, copy }
    }

    /// The elements in C order, as the core sees them.
    pub fn operand(&self) -> Operand<'_, F> {
        let data = match &self.copy {
            Some(copy) => copy.as_slice(),
            // SAFETY: C-contiguous (checked in `new`); outputs were checked not to overlap it.
            None => unsafe { self.array.as_slice() }.unwrap_or_default(),
        };
        Operand {
            data,
            shape: self.array.shape(),
        }
    }

    /// The input's shape.
    pub fn shape(&self) -> &[usize] {
        self.array.shape()
    }

    /// The bytes its elements can touch, for overlap checks.
    pub fn extent(&self) -> Range<usize> {
        extent(&self.array)
    }

    /// The extent of an optional input; an absent one touches nothing.
    pub fn extent_of(input: Option<&Self>) -> Range<usize> {
        input.map_or(0..0, Self::extent)
    }
}

/// The elements of an unaligned array in C order, each read from its own byte address.
fn gather_unaligned<F: Element + Copy>(array: &Bound<'_, PyArrayDyn<F>>) -> Vec<F> {
    let (shape, strides) = (array.shape(), array.strides());
    let len = shape.iter().product::<usize>();
    let mut out = Vec::with_capacity(len);
    if len == 0 {
        return out;
    }
    let base = array.data().cast::<u8>().cast_const();
    // The last axis is read in a loop; the others are stepped like an odometer.
    let (inner, inner_stride) = match (shape.last(), strides.last()) {
        (Some(&n), Some(&stride)) => (n, stride),
        _ => (1, 0), // 0-d: one element
    };
    let outer = shape.len().saturating_sub(1);
    let mut index = vec![0_usize; outer];
    let mut offset = 0_isize;
    for _ in 0..len / inner {
        for i in 0..inner as isize {
            // SAFETY: the byte offset of an element of the array, which numpy keeps in bounds;
            // read_unaligned has no alignment requirement.
            out.push(unsafe {
                base.offset(offset + i * inner_stride)
                    .cast::<F>()
                    .read_unaligned()
            });
        }
        for axis in (0..outer).rev() {
            index[axis] += 1;
            offset += strides[axis];
            if index[axis] < shape[axis] {
                break;
            }
            offset -= strides[axis] * shape[axis] as isize;
            index[axis] = 0;
        }
    }
    out
}

/// A writable output: the caller's `out=` or a fresh numpy array.
pub struct Target<'py, F: Element> {
    array: Bound<'py, PyArrayDyn<F>>,
}

impl<'py, F: Element + Copy> Target<'py, F> {
    /// A new uninitialised array from numpy's allocator (which asks for huge pages for large
    /// blocks); the kernel writes every element, and first-touches the pages on its threads.
    pub fn fresh(py: Python<'py>, shape: &[usize]) -> Self {
        // SAFETY: the array is returned to Python only after the kernel has written all of it;
        // if the call fails first, it is dropped unread.
        let array = unsafe { PyArrayDyn::<F>::new(py, shape, false) };
        Self { array }
    }

    /// The caller's `out=`: dtype `F`, writable, C-contiguous, and not overlapping `inputs`
    /// (their byte extents).
    pub fn out(obj: &Bound<'py, PyAny>, dtype: &str, inputs: &[Range<usize>]) -> PyResult<Self> {
        let array = obj
            .cast::<PyArrayDyn<F>>()
            .map_err(|_| PyTypeError::new_err(format!("out must be an ndarray of dtype {dtype}")))?
            .clone();
        if flags(array.as_untyped()) & npyffi::NPY_ARRAY_WRITEABLE == 0 {
            return Err(PyValueError::new_err("out is read-only"));
        }
        if !(array.is_c_contiguous() && is_aligned(array.as_untyped())) {
            return Err(PyValueError::new_err(
                "out must be C-contiguous and aligned",
            ));
        }
        let bytes = extent(&array);
        for other in inputs {
            if bytes.start < other.end && other.start < bytes.end {
                return Err(PyValueError::new_err("out must not overlap an input"));
            }
        }
        Ok(Self { array })
    }

    /// The output as the core sees it.
    pub fn output(&mut self) -> Output<'_, F> {
        // SAFETY: C-contiguous and writable (checked), disjoint from every input (checked), and
        // this is the only Rust view of it for the duration of the call.
        let data = unsafe { self.array.as_slice_mut() }.unwrap_or_default();
        Output {
            data,
            shape: self.array.shape(),
        }
    }

    /// Gives the array back to Python.
    pub fn into_array(self) -> Bound<'py, PyArrayDyn<F>> {
        self.array
    }
}

/// `obj` as an array written in place (an optimizer's parameter): an ndarray of dtype `F`,
/// writable and C-contiguous. `what` names it in errors (`params[3]`).
pub fn in_place<'py, F: Element>(
    obj: &Bound<'py, PyAny>,
    what: &dyn Display,
) -> PyResult<Target<'py, F>> {
    let array = obj
        .cast::<PyArrayDyn<F>>()
        .map_err(|_| PyTypeError::new_err(format!("{what} must be a float32 or float64 ndarray")))?
        .clone();
    if flags(array.as_untyped()) & npyffi::NPY_ARRAY_WRITEABLE == 0 {
        return Err(PyValueError::new_err(format!("{what} is read-only")));
    }
    if !array.is_c_contiguous() {
        return Err(PyValueError::new_err(format!(
            "{what} must be C-contiguous"
        )));
    }
    if !is_aligned(array.as_untyped()) {
        return Err(PyValueError::new_err(format!(
            "{what} is not aligned in memory (a field of a packed structured array, or a \
             buffer read at an odd offset); pass an aligned copy"
        )));
    }
    Ok(Target { array })
}

impl<F: Element> Target<'_, F> {
    /// The bytes its elements can touch, for overlap checks.
    pub fn extent(&self) -> Range<usize> {
        extent(&self.array)
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
