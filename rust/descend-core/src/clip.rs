//! Gradient clipping, as `torch.nn.utils.clip_grad_norm_` and `clip_grad_value_`, over a list
//! of gradient tensors (f32 and f64 mixed), in place.
//!
//! **By norm.** The total p-norm of all gradients viewed as one vector,
//! ‖g‖ₚ = (Σ_tensors Σ_elements |g|ᵖ)^(1/p) for 1 ≤ p < ∞ and max |g| for p = ∞, then every
//! gradient is multiplied by min(max_norm / (‖g‖ₚ + 10⁻⁶), 1). torch takes a norm per tensor and
//! then the norm of those norms; (Σₜ (Sₜ^(1/p))ᵖ)^(1/p) = (Σₜ Sₜ)^(1/p) exactly, so the sum of
//! |g|ᵖ is taken directly and the two differ only by rounding (the tests hold them together).
//!
//! **By value.** Every element is clamped into [−c, c]; NaN stays NaN, as `torch.clamp`.
//!
//! Numerics and determinism:
//! - |g|ᵖ is summed in f64 whatever the dtype: element i of a chunk goes to lane i mod
//!   [`LANES`], lanes are summed as [`reduce::sum_lanes`], and the chunk partials of all tensors
//!   by [`reduce::pairwise_sum`] in tensor-then-chunk order. Chunks are [`CHUNK`] elements
//!   whatever the thread count, so the norm is bitwise the same on 1, 2, 3 ... threads.
//! - p = 2 squares and p = 1 takes |g|: no transcendental per element. Other p use the
//!   vectorised f64 `exp(p·ln|g|)` (≤ 2 ULP each; the relative error of a term grows with
//!   |p·ln|g||, so about 10⁻¹³ for p·|ln|g|| ≈ 100), and one `powf` per call for the root.
//!   That costs ~7 ns per element on the 2-core development machine, about twice torch's f32
//!   `pow`, whose norm of a 10⁶-element f32 tensor is ~10⁻⁴ off (measured at p = 3.5).
//! - p = ∞ is the largest |g|, NaN if any element is NaN (as torch's max reduction). An empty
//!   list, or empty tensors, have norm 0 for every p (torch refuses the ∞-norm of an empty
//!   tensor: a max has no identity, but a norm's is 0).
//! - Overflow as torch's f64 path: Σ|g|ᵖ becomes inf once it exceeds f64's range (|g| ≳ 10¹⁵⁴
//!   for p = 2). f32 gradients never overflow here, whereas torch sums f32 tensors in f32 and
//!   returns inf once |g| ≳ 1.8·10¹⁹ (p = 2).
//! - The coefficient is computed once in f64 and rounded to each tensor's dtype before the
//!   multiply (torch computes it in the promoted dtype of the norms, f32 when every gradient is,
//!   so an f32 result can differ from torch's by an ULP or two of the coefficient).
//! - torch multiplies even when the coefficient is 1 (to avoid a device sync); multiplying by
//!   exactly 1 changes no value, so a tensor whose rounded coefficient is 1 is not written (the
//!   common case of a norm below max_norm costs one read pass, not two).
//!
//! A NaN coefficient (a NaN norm, or ∞/∞ with max_norm = ∞) is not clamped, as `torch.clamp`
//! does not: it turns every gradient NaN, unless `error_if_nonfinite` refuses the call first.

use std::marker::PhantomData;

use pulp::{Simd, WithSimd};

use crate::error::{Error, Result};
use crate::float::Float;
use crate::par::{self, Bound, CHUNK};
use crate::reduce::{self, LANES};
use crate::simd;

/// A gradient tensor's elements, written in place.
#[derive(Debug)]
pub enum Grad<'a> {
    /// float32.
    F32(&'a mut [f32]),
    /// float64.
    F64(&'a mut [f64]),
}

impl Grad<'_> {
    /// Its number of elements.
    pub fn len(&self) -> usize {
        match self {
            Self::F32(g) => g.len(),
            Self::F64(g) => g.len(),
        }
    }

    /// Whether it has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// torch's `eps` in `max_norm / (total_norm + 1e-6)`.
const EPS: f64 = 1e-6;

/// The order p of the norm, with its cheap special cases.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Order {
    One,
    Two,
    P(f64),
    Inf,
}

impl Order {
    fn parse(norm_type: f64) -> Result<Self> {
        if norm_type.is_nan() || norm_type < 1.0 {
            return Err(Error::Value(format!(
                "norm_type must be >= 1 or inf, got {norm_type:?} (for p < 1 the p-\"norm\" breaks \
                 the triangle inequality, so it is not a norm; torch's 0 counts nonzeros and its \
                 -inf is a minimum)"
            )));
        }
        Ok(if norm_type == 1.0 {
            Self::One
        } else if norm_type == 2.0 {
            Self::Two
        } else if norm_type == f64::INFINITY {
            Self::Inf
        } else {
            Self::P(norm_type)
        })
    }
}

/// The total `norm_type`-norm of all `grads` viewed as one vector (read only).
pub fn total_norm(grads: &[Grad<'_>], norm_type: f64) -> Result<f64> {
    let order = Order::parse(norm_type)?;
    Ok(norm(grads, order))
}

/// torch's `clip_grad_norm_`: scales every gradient in place by
/// min(`max_norm` / (total + 1e-6), 1) and returns the total norm. With `error_if_nonfinite`, a
/// NaN or infinite total is an error and nothing is written.
pub fn clip_grad_norm(
    grads: &mut [Grad<'_>],
    max_norm: f64,
    norm_type: f64,
    error_if_nonfinite: bool,
) -> Result<f64> {
    let order = Order::parse(norm_type)?;
    // +inf is allowed: torch code passes it to measure the norm without clipping.
    if max_norm.is_nan() || max_norm < 0.0 {
        return Err(Error::Value(format!(
            "max_norm must be >= 0 (inf to only measure the norm), got {max_norm:?}"
        )));
    }
    let total = norm(grads, order);
    if error_if_nonfinite && !total.is_finite() {
        return Err(Error::NonFinite(format!(
            "the total norm of order {norm_type:?} of the gradients is {total:?}, so they cannot \
             be clipped; pass error_if_nonfinite=False to scale them by it anyway"
        )));
    }
    let coef = max_norm / (total + EPS);
    // Clamped with a comparison so a NaN coefficient stays NaN, as torch.clamp(max=1.0).
    let coef = if coef > 1.0 { 1.0 } else { coef };
    write::<Scale>(grads, coef);
    Ok(total)
}

/// torch's `clip_grad_value_`: clamps every element into [−`clip_value`, `clip_value`] in place
/// (NaN stays NaN).
pub fn clip_grad_value(grads: &mut [Grad<'_>], clip_value: f64) -> Result<()> {
    if clip_value.is_nan() || clip_value < 0.0 {
        return Err(Error::Value(format!(
            "clip_value must be >= 0, got {clip_value:?}"
        )));
    }
    write::<Clamp>(grads, clip_value);
    Ok(())
}

/// A chunk of one tensor, read.
enum Piece<'a> {
    F32(&'a [f32]),
    F64(&'a [f64]),
}

fn norm(grads: &[Grad<'_>], order: Order) -> f64 {
    let mut pieces = Vec::new();
    for g in grads {
        match g {
            Grad::F32(g) => pieces.extend(g.chunks(CHUNK).map(Piece::F32)),
            Grad::F64(g) => pieces.extend(g.chunks(CHUNK).map(Piece::F64)),
        }
    }
    let total_len = grads.iter().map(Grad::len).sum();
    let partials = par::run_tasks(total_len, Bound::Memory, pieces, |piece| match piece {
        Piece::F32(data) => simd::dispatch(Partial { data, order }),
        Piece::F64(data) => simd::dispatch(Partial { data, order }),
    });
    match order {
        Order::Inf => partials.into_iter().fold(0.0, f64::max_nan),
        Order::One => reduce::pairwise_sum(&partials),
        Order::Two => reduce::pairwise_sum(&partials).sqrt(),
        Order::P(p) => reduce::pairwise_sum(&partials).powf(1.0 / p),
    }
}

/// One chunk's Σ|g|ᵖ (its max |g| for p = ∞).
struct Partial<'a, F> {
    data: &'a [F],
    order: Order,
}

impl<F: Float> WithSimd for Partial<'_, F> {
    type Output = f64;

    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> f64 {
        let Self { data, order } = self;
        match order {
            Order::One => lane_sum::<F, Abs>(data, 1.0),
            Order::Two => lane_sum::<F, Square>(data, 2.0),
            Order::P(p) => lane_sum::<F, Power>(data, p),
            Order::Inf => lane_max(data),
        }
    }
}

/// |g|ᵖ of one element, in f64. Types, not closures: a closure is a function of its own that
/// does not inherit the SIMD context's target features, and its loop stays scalar.
trait Term {
    fn term<F: Float>(g: F, p: f64) -> f64;
}

struct Abs;

impl Term for Abs {
    #[inline(always)]
    fn term<F: Float>(g: F, _: f64) -> f64 {
        g.abs().to_f64()
    }
}

struct Square;

impl Term for Square {
    #[inline(always)]
    fn term<F: Float>(g: F, _: f64) -> f64 {
        let g = g.to_f64();
        g * g
    }
}

struct Power;

impl Term for Power {
    /// e^(p·ln|g|): |g| = 0 gives e^(−∞) = 0; inf and NaN pass through. `Float::` is spelled
    /// out because on an f64 value `.exp()` and `.ln()` are std's scalar libm calls.
    #[inline(always)]
    fn term<F: Float>(g: F, p: f64) -> f64 {
        Float::exp(p * Float::ln(g.to_f64().abs()))
    }
}

/// Elements whose terms are parked in an L1-resident buffer before their lane sums: the terms
/// then form one flat loop LLVM vectorises, and the sums another (as the pointwise driver).
const BLOCK: usize = 64;

/// Σ T::term(g) over `data` in f64: element i into lane i mod [`LANES`] (BLOCK is a multiple),
/// whatever the vector width.
#[inline(always)]
fn lane_sum<F: Float, T: Term>(data: &[F], p: f64) -> f64 {
    let mut lanes = [0.0; LANES];
    let mut terms = [0.0; BLOCK];
    for block in data.chunks(BLOCK) {
        let terms = &mut terms[..block.len()];
        for (t, &g) in terms.iter_mut().zip(block) {
            *t = T::term(g, p);
        }
        reduce::add_to_lanes(&mut lanes, terms);
    }
    reduce::sum_lanes(&lanes)
}

/// max |g| over `data`, NaN if any element is.
#[inline(always)]
fn lane_max<F: Float>(data: &[F]) -> f64 {
    // Float::max_nan with `|` for its `||`: both comparisons always run, so the loop is two
    // compares and a blend per element instead of a branch.
    #[inline(always)]
    fn max_nan<F: Float>(m: F, g: F) -> F {
        F::select(m.is_nan() | (m > g), m, g)
    }
    let mut lanes = [F::ZERO; LANES];
    let mut blocks = data.chunks_exact(LANES);
    for block in &mut blocks {
        for (lane, &g) in lanes.iter_mut().zip(block) {
            *lane = max_nan(*lane, g.abs());
        }
    }
    for (lane, &g) in lanes.iter_mut().zip(blocks.remainder()) {
        *lane = max_nan(*lane, g.abs());
    }
    lanes.iter().fold(0.0, |m, l| m.max_nan(l.to_f64()))
}

/// An in-place elementwise operation with one constant.
trait InPlace: Sync {
    /// The new value of `g`.
    fn apply<F: Float>(g: F, k: F) -> F;
    /// Whether the operation with constant `k` changes no value (so the pass can be skipped).
    fn is_identity<F: Float>(k: F) -> bool;
}

/// g · k.
struct Scale;

impl InPlace for Scale {
    #[inline(always)]
    fn apply<F: Float>(g: F, k: F) -> F {
        g * k
    }
    fn is_identity<F: Float>(k: F) -> bool {
        k == F::ONE
    }
}

/// g clamped into [−k, k] (k ≥ 0), NaN passing through; torch's `clamp_min(−k)` then
/// `clamp_max(k)`, signed zeros included (−5 clamped by k = 0 is −0).
struct Clamp;

impl InPlace for Clamp {
    #[inline(always)]
    fn apply<F: Float>(g: F, k: F) -> F {
        F::select(g < -k, -k, F::select(g > k, k, g))
    }
    fn is_identity<F: Float>(k: F) -> bool {
        k.to_f64() == f64::INFINITY
    }
}

/// A chunk of one tensor, written, with the constant in its dtype.
enum Span<'a> {
    F32(&'a mut [f32], f32),
    F64(&'a mut [f64], f64),
}

/// Applies `op` with constant `k` (rounded to each tensor's dtype) to every element, all chunks
/// of all tensors as one task list; tensors on which it is the identity are not touched.
fn write<Op: InPlace>(grads: &mut [Grad<'_>], k: f64) {
    let mut spans = Vec::new();
    let mut len = 0;
    for g in grads.iter_mut() {
        match g {
            Grad::F32(g) => {
                let k = f32::from_f64(k);
                if !Op::is_identity(k) {
                    len += g.len();
                    spans.extend(g.chunks_mut(CHUNK).map(|c| Span::F32(c, k)));
                }
            }
            Grad::F64(g) => {
                if !Op::is_identity(k) {
                    len += g.len();
                    spans.extend(g.chunks_mut(CHUNK).map(|c| Span::F64(c, k)));
                }
            }
        }
    }
    par::run_tasks(len, Bound::Memory, spans, |span| match span {
        Span::F32(data, k) => simd::dispatch(Apply::<Op, f32> {
            data,
            k,
            op: PhantomData,
        }),
        Span::F64(data, k) => simd::dispatch(Apply::<Op, f64> {
            data,
            k,
            op: PhantomData,
        }),
    });
}

struct Apply<'a, Op, F> {
    data: &'a mut [F],
    k: F,
    op: PhantomData<Op>,
}

impl<Op: InPlace, F: Float> WithSimd for Apply<'_, Op, F> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        let Self { data, k, op: _ } = self;
        for g in data {
            *g = Op::apply(*g, k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grads<'a>(a: &'a mut [f32], b: &'a mut [f64]) -> Vec<Grad<'a>> {
        vec![Grad::F32(a), Grad::F64(b)]
    }

    #[test]
    fn norms_of_a_mixed_list() {
        let (mut a, mut b) = (vec![3.0_f32, -4.0], vec![12.0_f64]);
        let g = grads(&mut a, &mut b);
        assert_eq!(total_norm(&g, 2.0), Ok(13.0));
        assert_eq!(total_norm(&g, 1.0), Ok(19.0));
        assert_eq!(total_norm(&g, f64::INFINITY), Ok(12.0));
        let p3 = total_norm(&g, 3.0).unwrap();
        let want = (27.0_f64 + 64.0 + 1728.0).cbrt();
        assert!(
            (p3 - want).abs() <= 4.0 * f64::EPSILON * want,
            "{p3} vs {want}"
        );
        assert_eq!(total_norm(&[], 3.5), Ok(0.0));
        assert_eq!(total_norm(&[], f64::INFINITY), Ok(0.0));
    }

    #[test]
    fn clips_as_torch_and_leaves_small_gradients_alone() {
        let (mut a, mut b) = (vec![3.0_f32, -4.0], vec![12.0_f64]);
        let total = clip_grad_norm(&mut grads(&mut a, &mut b), 1.0, 2.0, false).unwrap();
        assert_eq!(total, 13.0);
        let coef = 1.0 / (13.0 + EPS);
        assert_eq!(a, vec![3.0 * coef as f32, -4.0 * coef as f32]);
        assert_eq!(b, vec![12.0 * coef]);
        let (mut a, mut b) = (vec![3.0_f32, -4.0], vec![12.0_f64]);
        clip_grad_norm(&mut grads(&mut a, &mut b), 13.1, 2.0, false).unwrap();
        assert_eq!((a, b), (vec![3.0, -4.0], vec![12.0]));
    }

    #[test]
    fn non_finite_norms() {
        let (mut a, mut b) = (vec![f32::NAN, 1.0], vec![2.0_f64]);
        let err = clip_grad_norm(&mut grads(&mut a, &mut b), 1.0, 2.0, true).unwrap_err();
        assert!(matches!(err, Error::NonFinite(_)), "{err:?}");
        assert_eq!(b, vec![2.0]);
        let total = clip_grad_norm(&mut grads(&mut a, &mut b), 1.0, 2.0, false).unwrap();
        assert!(total.is_nan() && b[0].is_nan());
        // An infinite norm scales by 0: finite gradients become (signed) zeros, inf ones NaN.
        let (mut a, mut b) = (vec![f32::INFINITY, -1.0], vec![2.0_f64]);
        let inf = f64::INFINITY;
        assert_eq!(total_norm(&grads(&mut a, &mut b), inf), Ok(inf));
        clip_grad_norm(&mut grads(&mut a, &mut b), 1.0, inf, false).unwrap();
        assert!(a[0].is_nan() && a[1] == 0.0 && a[1].is_sign_negative() && b[0] == 0.0);
    }

    #[test]
    fn nan_propagates_through_the_max_anywhere_in_a_chunk() {
        for at in [0, 5, 16, 33] {
            let mut a = vec![1.0_f32; 40];
            a[at] = f32::NAN;
            let g = vec![Grad::F32(&mut a)];
            assert!(
                total_norm(&g, f64::INFINITY).unwrap().is_nan(),
                "NaN at {at}"
            );
        }
    }

    #[test]
    fn bad_arguments_are_refused_before_writing() {
        let mut a = vec![3.0_f32];
        for p in [0.5, 0.0, -1.0, f64::NEG_INFINITY, f64::NAN] {
            let err = clip_grad_norm(&mut [Grad::F32(&mut a)], 0.0, p, false).unwrap_err();
            assert!(err.to_string().contains("norm_type"), "{err}");
        }
        for m in [-1.0, f64::NAN] {
            let err = clip_grad_norm(&mut [Grad::F32(&mut a)], m, 2.0, false).unwrap_err();
            assert!(err.to_string().contains("max_norm"), "{err}");
        }
        let err = clip_grad_value(&mut [Grad::F32(&mut a)], -0.5).unwrap_err();
        assert!(err.to_string().contains("clip_value"), "{err}");
        assert_eq!(a, vec![3.0]);
    }

    #[test]
    fn clamps_with_nan_and_signed_zeros() {
        let mut a = vec![-5.0_f32, 5.0, f32::NAN, 0.25, -0.0];
        let mut b = vec![-5.0_f64, 5.0, f64::NAN, 0.25];
        clip_grad_value(&mut grads(&mut a, &mut b), 0.5).unwrap();
        assert_eq!(&a[..2], &[-0.5, 0.5]);
        assert!(a[2].is_nan() && a[3] == 0.25 && a[4].is_sign_negative());
        assert_eq!(&b[..2], &[-0.5, 0.5]);
        clip_grad_value(&mut grads(&mut a, &mut b), 0.0).unwrap();
        assert!(a[0] == 0.0 && a[0].is_sign_negative() && a[1].is_sign_positive());
    }

    #[test]
    fn the_norm_ignores_where_tensors_and_chunks_are_cut() {
        let n = 3 * CHUNK + 5;
        let whole: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin() * 1e3).collect();
        let norm_of = |cuts: &[usize]| {
            let mut data = whole.clone();
            let mut rest = data.as_mut_slice();
            let mut g = Vec::new();
            for &cut in cuts {
                let (head, tail) = rest.split_at_mut(cut);
                g.push(Grad::F64(head));
                rest = tail;
            }
            g.push(Grad::F64(rest));
            total_norm(&g, 2.0).unwrap()
        };
        // Cut at chunk boundaries, the partials are the same list: the same bits.
        assert_eq!(
            norm_of(&[]).to_bits(),
            norm_of(&[CHUNK, 2 * CHUNK]).to_bits()
        );
        let exact: f64 = whole.iter().map(|g| g * g).sum::<f64>().sqrt();
        assert!((norm_of(&[7]) - exact).abs() <= 1e-13 * exact);
    }
}
