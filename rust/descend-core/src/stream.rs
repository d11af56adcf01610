//! Optional arrays as types: a driver loop is monomorphised over which arrays are present, so
//! an absent weight costs a multiply by the constant 1 (folded away) and an absent output costs
//! nothing, instead of a branch per element.

use crate::float::Float;

/// An input stream: a slice, or implicit ones.
pub trait Stream<F>: Copy + Send + Sync {
    /// Cuts the stream at `mid` (a no-op for the implicit ones).
    fn split(self, mid: usize) -> (Self, Self);
    /// Element `i`.
    ///
    /// # Safety
    /// `i` is below the stream's length (validated by the driver).
    unsafe fn at(self, i: usize) -> F;
}

/// An output stream: a mutable slice, or nothing.
pub trait Sink<F>: Send + Sized {
    /// Whether anything is written (lets the driver skip computing what nobody reads).
    const ON: bool;
    /// Cuts the sink at `mid`.
    fn split(self, mid: usize) -> (Self, Self);
    /// Writes element `i`.
    ///
    /// # Safety
    /// `i` is below the sink's length (validated by the driver).
    unsafe fn put(&mut self, i: usize, v: F);
    /// Whether it takes a second value per element (the gradient of a loss's third array).
    const PAIRED: bool = false;
    /// Writes element `i` and, for a paired sink, its second value.
    ///
    /// # Safety
    /// As [`Sink::put`].
    #[inline(always)]
    unsafe fn put_pair(&mut self, i: usize, v: F, second: F) {
        let _ = second;
        // SAFETY: forwarded from the caller.
        unsafe { self.put(i, v) };
    }
}

/// An absent input read as ones (no weight, no upstream).
#[derive(Debug, Clone, Copy)]
pub struct Ones;

/// An absent output.
#[derive(Debug)]
pub struct Off;

impl<F: Float> Stream<F> for Ones {
    fn split(self, _: usize) -> (Self, Self) {
        (Ones, Ones)
    }
    #[inline(always)]
    unsafe fn at(self, _: usize) -> F {
        F::ONE
    }
}

impl<F: Float> Stream<F> for &[F] {
    fn split(self, mid: usize) -> (Self, Self) {
        self.split_at(mid)
    }
    #[inline(always)]
    unsafe fn at(self, i: usize) -> F {
        // SAFETY: the caller guarantees i < self.len().
        unsafe { *self.get_unchecked(i) }
    }
}

impl<F: Float> Sink<F> for Off {
    const ON: bool = false;
    fn split(self, _: usize) -> (Self, Self) {
        (Off, Off)
    }
    #[inline(always)]
    unsafe fn put(&mut self, _: usize, _: F) {}
}

impl<F: Float> Sink<F> for &mut [F] {
    const ON: bool = true;
    fn split(self, mid: usize) -> (Self, Self) {
        self.split_at_mut(mid)
    }
    #[inline(always)]
    unsafe fn put(&mut self, i: usize, v: F) {
        // SAFETY: the caller guarantees i < self.len().
        unsafe { *self.get_unchecked_mut(i) = v };
    }
}

/// Two outputs written together: the gradient w.r.t. the input and w.r.t. the third array.
#[derive(Debug)]
pub struct Paired<'a, F>(pub &'a mut [F], pub &'a mut [F]);

impl<F: Float> Sink<F> for Paired<'_, F> {
    const ON: bool = true;
    const PAIRED: bool = true;
    fn split(self, mid: usize) -> (Self, Self) {
        let (a0, a1) = self.0.split_at_mut(mid);
        let (b0, b1) = self.1.split_at_mut(mid);
        (Paired(a0, b0), Paired(a1, b1))
    }
    #[inline(always)]
    unsafe fn put(&mut self, i: usize, v: F) {
        // SAFETY: the caller guarantees i < the length of both slices.
        unsafe { *self.0.get_unchecked_mut(i) = v };
    }
    #[inline(always)]
    unsafe fn put_pair(&mut self, i: usize, v: F, second: F) {
        // SAFETY: the caller guarantees i < the length of both slices.
        unsafe {
            *self.0.get_unchecked_mut(i) = v;
            *self.1.get_unchecked_mut(i) = second;
        }
    }
}
