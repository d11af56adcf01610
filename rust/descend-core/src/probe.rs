//! Roofline probes: kernels that only move memory, at full speed, with the same chunks, threads
//! and SIMD dispatch as the real kernels, so a kernel's GB/s can be stated as a fraction of
//! what the machine can do with that traffic pattern.

use pulp::{Simd, WithSimd};

use crate::error::{Error, Result};
use crate::float::Float;
use crate::par::{run_tasks, Bound, CHUNK};

/// STREAM triad a = b + s·c: two streams read, one written in place (12 bytes per f32).
pub fn triad<F: Float>(a: &mut [F], b: &[F], c: &[F], s: F) -> Result<()> {
    if a.len() != b.len() || a.len() != c.len() {
        return Err(Error::Shape(format!(
            "triad arrays have lengths {}, {}, {}",
            a.len(),
            b.len(),
            c.len()
        )));
    }
    let n = a.len();
    let tasks: Vec<Triad<'_, F>> = a
        .chunks_mut(CHUNK)
        .zip(b.chunks(CHUNK).zip(c.chunks(CHUNK)))
        .map(|(a, (b, c))| Triad { a, b, c, s })
        .collect();
    run_tasks(n, Bound::Memory, tasks, crate::simd::dispatch);
    Ok(())
}

struct Triad<'a, F> {
    a: &'a mut [F],
    b: &'a [F],
    c: &'a [F],
    s: F,
}

impl<F: Float> WithSimd for Triad<'_, F> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        for (a, (&b, &c)) in self.a.iter_mut().zip(self.b.iter().zip(self.c)) {
            *a = b + self.s * c;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triad_computes_and_checks_lengths() {
        let (b, c) = (vec![1.0_f32; 40_000], vec![2.0_f32; 40_000]);
        let mut a = vec![0.0_f32; 40_000];
        triad(&mut a, &b, &c, 3.0).unwrap();
        assert!(a.iter().all(|&v| v == 7.0));
        assert!(triad(&mut a[..3], &b, &c, 3.0).is_err());
    }
}
