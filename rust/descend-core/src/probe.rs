//! Roofline probes: kernels that only move memory, at full speed, with the same chunks, threads
//! and SIMD dispatch as the real kernels, so a kernel's GB/s can be stated as a fraction of
//! what the machine can do with that traffic pattern.

use pulp::{Simd, WithSimd};

use crate::error::{Error, Result};
use crate::float::Float;
use crate::par::{run_tasks, Bound, CHUNK};

/// Runs the probe called `name` over `reads` and `writes` (all of one length) and returns what
/// it returns (the streaming probe's sum, else 0): `"triad"` (reads b, c; writes a; a = b +
/// `scalar`·c), `"in_place"` (1 read; 2 or 3 updated), `"streams"` (1–3 reads; 0, 1 or 2
/// writes), `"exp"` (x; out), or `"math:f"` for a function `f` of [`MATH_FUNCTIONS`] (x; out).
/// One entry for every probe, so a binding needs no code per probe.
pub fn run<F: Float>(
    name: &str,
    reads: &[&[F]],
    writes: &mut [&mut [F]],
    scalar: f64,
) -> Result<f64> {
    let s = F::from_f64(scalar);
    let done = |r: Result<()>| r.map(|()| 0.0);
    match (name, reads, writes) {
        ("triad", [b, c], [a]) => done(triad(a, b, c, s)),
        ("in_place", [r], [a, b]) => done(in_place([*r], [take(a), take(b)], s)),
        ("in_place", [r], [a, b, c]) => done(in_place([*r], [take(a), take(b), take(c)], s)),
        ("streams", [a], []) => streams([*a], []),
        ("streams", [a, b], []) => streams([*a, *b], []),
        ("streams", [a, b, c], []) => streams([*a, *b, *c], []),
        ("streams", [a], [x]) => streams([*a], [take(x)]),
        ("streams", [a, b], [x, y]) => streams([*a, *b], [take(x), take(y)]),
        ("streams", [a, b, c], [x, y]) => streams([*a, *b, *c], [take(x), take(y)]),
        ("exp", [x], [out]) => done(exp(out, x)),
        (name, [x], [out]) if name.starts_with("math:") => done(math(&name[5..], out, x)),
        (name, reads, writes) => Err(Error::Value(format!(
            "no probe {name:?} of {} reads and {} writes; probes: triad (2, 1), in_place \
             (1, 2 or 3), streams (1-3, 0; 1, 1; 2-3, 2), exp (1, 1), math:f (1, 1)",
            reads.len(),
            writes.len()
        ))),
    }
}

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

/// An optimizer step's traffic with no math: `R` streams read and `W` updated in place
/// (`u = u·c + Σ reads`), the roofline of an update rule with the same streams (Adam: one
/// gradient read, parameter and two moments updated). In-place streams pay no write-allocate,
/// so this runs above a triad per byte counted.
pub fn in_place<F: Float, const R: usize, const W: usize>(
    reads: [&[F]; R],
    updates: [&mut [F]; W],
    c: F,
) -> Result<()> {
    let n = updates.first().map_or(0, |u| u.len());
    if reads.iter().any(|r| r.len() != n) || updates.iter().any(|u| u.len() != n) {
        return Err(Error::Shape(
            "in-place probe arrays differ in length".into(),
        ));
    }
    let tasks: Vec<_> = chunks(n, reads, updates)
        .map(|(reads, updates)| InPlace { reads, updates, c })
        .collect();
    run_tasks(n, Bound::Memory, tasks, crate::simd::dispatch);
    Ok(())
}

/// `R` streams read and `W` written, fresh (each write is the sum of the reads): the roofline
/// of a loss's value (2 read, none written), an activation's (1 read, 1 written) or
/// gaussian_nll_loss's gradients (3 read, 2 written). Returns the sum of the reads, which
/// keeps them alive when nothing is written.
pub fn streams<F: Float, const R: usize, const W: usize>(
    reads: [&[F]; R],
    writes: [&mut [F]; W],
) -> Result<f64> {
    let n = reads.first().map_or(0, |r| r.len());
    if reads.iter().any(|r| r.len() != n) || writes.iter().any(|w| w.len() != n) {
        return Err(Error::Shape("stream probe arrays differ in length".into()));
    }
    let tasks: Vec<_> = chunks(n, reads, writes)
        .map(|(reads, writes)| Streams { reads, writes })
        .collect();
    Ok(run_tasks(n, Bound::Memory, tasks, crate::simd::dispatch)
        .iter()
        .sum())
}

/// Cuts `R` read and `W` written streams of length `n` into the kernels' chunks.
fn chunks<'a, F, const R: usize, const W: usize>(
    n: usize,
    mut reads: [&'a [F]; R],
    mut writes: [&'a mut [F]; W],
) -> impl Iterator<Item = ([&'a [F]; R], [&'a mut [F]; W])> {
    (0..n).step_by(CHUNK).map(move |start| {
        let take = CHUNK.min(n - start);
        let head = reads.map(|r| &r[..take]);
        reads = reads.map(|r| &r[take..]);
        let heads = std::array::from_fn(|i| {
            let (a, b) = std::mem::take(&mut writes[i]).split_at_mut(take);
            writes[i] = b;
            a
        });
        (head, heads)
    })
}

struct Streams<'a, F, const R: usize, const W: usize> {
    reads: [&'a [F]; R],
    writes: [&'a mut [F]; W],
}

/// Partial sums of the read-only probe: a block-sized buffer added to as a plain loop, which
/// LLVM vectorises (a few running sums in a fixed-size array were left scalar in the
/// extension module, at a third of the speed).
const SUM_LANES: usize = 64;

impl<F: Float, const R: usize, const W: usize> WithSimd for Streams<'_, F, R, W> {
    type Output = f64;

    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> f64 {
        let Self { reads, mut writes } = self;
        let n = reads.first().map_or(0, |r| r.len());
        if W > 0 {
            for i in 0..n {
                let mut s = F::ZERO;
                for r in &reads {
                    s = s + r[i];
                }
                for w in &mut writes {
                    w[i] = s;
                }
            }
            return 0.0;
        }
        let mut lanes = [F::ZERO; SUM_LANES];
        for start in (0..n - n % SUM_LANES).step_by(SUM_LANES) {
            for r in &reads {
                for (lane, &v) in lanes.iter_mut().zip(&r[start..start + SUM_LANES]) {
                    *lane = *lane + v;
                }
            }
        }
        let tail = reads.iter().flat_map(|r| &r[n - n % SUM_LANES..]);
        lanes.iter().chain(tail).map(|v| v.to_f64()).sum()
    }
}

struct InPlace<'a, F, const R: usize, const W: usize> {
    reads: [&'a [F]; R],
    updates: [&'a mut [F]; W],
    c: F,
}

impl<F: Float, const R: usize, const W: usize> WithSimd for InPlace<'_, F, R, W> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        let n = self.updates.first().map_or(0, |u| u.len());
        let Self {
            reads,
            mut updates,
            c,
        } = self;
        for i in 0..n {
            let mut s = F::ZERO;
            for r in &reads {
                s = s + r[i];
            }
            for u in &mut updates {
                u[i] = u[i] * c + s;
            }
        }
    }
}

/// Moves a written stream out of the list handed to [`run`].
fn take<'a, F>(w: &mut &'a mut [F]) -> &'a mut [F] {
    std::mem::take(w)
}

/// The vectorised functions of [`crate::Float`], by name, for measuring their error from Python
/// against a higher-precision reference (`benches/ulp.py`). Every path computes them with the
/// same operations, so the plain loop here gives the kernels' values bit for bit.
pub fn math<F: Float>(name: &str, out: &mut [F], x: &[F]) -> Result<()> {
    if out.len() != x.len() {
        return Err(Error::Shape(format!(
            "math probe arrays have lengths {} and {}",
            out.len(),
            x.len()
        )));
    }
    let f: fn(F) -> F = match name {
        "exp" => F::exp,
        "exp_m1" => F::exp_m1,
        "ln" => F::ln,
        "ln_1p" => F::ln_1p,
        "tanh" => F::tanh,
        "erf" => F::erf,
        "erfc" => F::erfc,
        "sqrt" => F::sqrt,
        "softplus" => F::softplus,
        "sigmoid" => F::sigmoid,
        "log_sigmoid" => F::log_sigmoid,
        _ => {
            return Err(Error::Value(format!(
                "no function {name:?}; the math probe has {MATH_FUNCTIONS:?}"
            )))
        }
    };
    for (o, &v) in out.iter_mut().zip(x) {
        *o = f(v);
    }
    Ok(())
}

/// The names [`math`] takes.
pub const MATH_FUNCTIONS: &[&str] = &[
    "exp",
    "exp_m1",
    "ln",
    "ln_1p",
    "tanh",
    "erf",
    "erfc",
    "sqrt",
    "softplus",
    "sigmoid",
    "log_sigmoid",
];

/// out = eˣ elementwise with the kernels' exp: the cost of one exponential, which bounds the
/// softmax and logistic losses (one read, one write per element).
pub fn exp<F: Float>(out: &mut [F], x: &[F]) -> Result<()> {
    if out.len() != x.len() {
        return Err(Error::Shape(format!(
            "exp arrays have lengths {} and {}",
            out.len(),
            x.len()
        )));
    }
    let tasks: Vec<Exp<'_, F>> = out
        .chunks_mut(CHUNK)
        .zip(x.chunks(CHUNK))
        .map(|(out, x)| Exp { out, x })
        .collect();
    run_tasks(x.len(), Bound::Compute, tasks, crate::simd::dispatch);
    Ok(())
}

struct Exp<'a, F> {
    out: &'a mut [F],
    x: &'a [F],
}

impl<F: Float> WithSimd for Exp<'_, F> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        for (o, &x) in self.out.iter_mut().zip(self.x) {
            *o = x.exp();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_compute_and_check_lengths() {
        let (b, c) = (vec![1.0_f32; 40_001], vec![2.0_f32; 40_001]);
        let mut a = vec![0.0_f32; 40_001];
        triad(&mut a, &b, &c, 3.0).unwrap();
        assert!(a.iter().all(|&v| v == 7.0));
        assert!(triad(&mut a[..3], &b, &c, 3.0).is_err());
        let (mut w, mut v) = (vec![0.0_f32; 40_001], vec![0.0_f32; 40_001]);
        let sum = streams([&b[..], &c[..], &b[..]], [&mut w, &mut v]);
        assert_eq!(sum.unwrap(), 0.0);
        assert!(w.iter().chain(&v).all(|&x| x == 4.0));
        assert_eq!(streams([&b[..], &c[..]], []).unwrap(), 3.0 * 40_001.0);
        assert!(streams([&b[..3], &c[..4]], []).is_err());
        let mut e = vec![0.0_f64; 3];
        exp(&mut e, &[0.0, 1.0, -1.0]).unwrap();
        assert_eq!(e[0], 1.0);
        assert!((e[1] - std::f64::consts::E).abs() < 1e-15);
    }
}
