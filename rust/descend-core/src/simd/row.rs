//! The loops of a row, written once for every kernel that works along an axis (the row-wise
//! losses, softmax and log_softmax): max, the shifted exp-sum of log-sum-exp, sums, dot
//! products and the final gradient update.
//!
//! Each is a flat loop over the row that LLVM vectorises when inlined into the driver's SIMD
//! context. Sums go to [`LANES`] f64 accumulators (`exp_sum` through short partial sums in the
//! element type first), element `c` always to lane `c % LANES`, so a row's result does not
//! depend on the vector width; `exp_sum` gives the same bits whether or not it also stores the
//! exponentials (`value` and `value_and_grad` agree bitwise).

use crate::float::Float;
use crate::reduce::{add_block, add_to_lanes, sum_lanes, LANES};

/// The largest element; −inf for an empty row. NaN is passed over here: log-sum-exp still
/// turns it into NaN through the exp-sum, as torch's does.
#[inline(always)]
pub fn max<F: Float>(x: &[F]) -> F {
    let mut lanes = [F::from_f64(f64::NEG_INFINITY); LANES];
    let mut blocks = x.chunks_exact(LANES);
    for block in &mut blocks {
        for (lane, &v) in lanes.iter_mut().zip(block) {
            *lane = F::select(v > *lane, v, *lane);
        }
    }
    for (lane, &v) in lanes.iter_mut().zip(blocks.remainder()) {
        *lane = F::select(v > *lane, v, *lane);
    }
    lanes.iter().fold(lanes[0], |m, &v| F::select(v > m, v, m))
}

/// Blocks of exponentials [`exp_sum`] adds up in the element type before the partial sum joins
/// the f64 lanes: each lane then rounds at most this many terms in ≤ 1 (f32: ≤ 5e−7 of the
/// sum), and the widening adds, which compete with the exponentials for the same FP pipes, run
/// once per eight blocks instead of once per block.
const PARTIAL_BLOCKS: usize = 8;

/// Σ e^(x_c − shift) in f64; each e^(x_c − shift) is also written to `dst` when given.
/// `shift` is the row's max ([`max`]): terms below the smallest normal flush to 0
/// ([`Float::exp_nonpositive`]).
#[inline(always)]
pub fn exp_sum<F: Float>(x: &[F], shift: F, dst: Option<&mut [F]>) -> f64 {
    let mut lanes = [0.0_f64; LANES];
    let mut partial = [F::ZERO; LANES];
    // A lane set at a time through fixed-size blocks, so the exponentials vectorise at full
    // width. The storing and the value-only loops are kept apart and written alike: variants
    // that built a block array first, or branched on the store inside the loop, had LLVM
    // shuffle the sums through the stack, at up to half the speed (measured in L1).
    let full = x.len() - x.len() % LANES;
    let blocks = x[..full]
        .chunks_exact(LANES)
        .map(|xs| -> &[F; LANES] { xs.try_into().expect("chunks_exact gives full blocks") });
    let rest = &x[full..];
    match dst {
        Some(dst) => {
            let (body, tail) = dst.split_at_mut(full);
            for (b, (xs, ds)) in blocks.zip(body.chunks_exact_mut(LANES)).enumerate() {
                let ds: &mut [F; LANES] = ds.try_into().expect("chunks_exact gives full blocks");
                for ((d, p), &v) in ds.iter_mut().zip(partial.iter_mut()).zip(xs) {
                    let e = (v - shift).exp_nonpositive();
                    *d = e;
                    *p = *p + e;
                }
                flush_partial(b, &mut partial, &mut lanes);
            }
            for ((d, p), &v) in tail.iter_mut().zip(partial.iter_mut()).zip(rest) {
                let e = (v - shift).exp_nonpositive();
                *d = e;
                *p = *p + e;
            }
        }
        None => {
            for (b, xs) in blocks.enumerate() {
                for (p, &v) in partial.iter_mut().zip(xs) {
                    *p = *p + (v - shift).exp_nonpositive();
                }
                flush_partial(b, &mut partial, &mut lanes);
            }
            for (p, &v) in partial.iter_mut().zip(rest) {
                *p = *p + (v - shift).exp_nonpositive();
            }
        }
    }
    add_block(&mut lanes, &partial);
    sum_lanes(&lanes)
}

/// After block `b` of a row: every [`PARTIAL_BLOCKS`] blocks the partial sums join the lanes.
#[inline(always)]
fn flush_partial<F: Float>(b: usize, partial: &mut [F; LANES], lanes: &mut [f64; LANES]) {
    if b % PARTIAL_BLOCKS == PARTIAL_BLOCKS - 1 {
        add_block(lanes, partial);
        *partial = [F::ZERO; LANES];
    }
}

/// Σ x_c in f64.
#[inline(always)]
pub fn sum<F: Float>(x: &[F]) -> f64 {
    let mut lanes = [0.0_f64; LANES];
    add_to_lanes(&mut lanes, x);
    sum_lanes(&lanes)
}

/// Σ a_c·x_c, products and sum in f64 (so f32 products round once, at the end).
#[inline(always)]
pub fn dot<F: Float>(a: &[F], x: &[F]) -> f64 {
    let mut lanes = [0.0_f64; LANES];
    let mut blocks = a.chunks_exact(LANES).zip(x.chunks_exact(LANES));
    for (ab, xb) in &mut blocks {
        for ((lane, &ai), &xi) in lanes.iter_mut().zip(ab).zip(xb) {
            *lane += ai.to_f64() * xi.to_f64();
        }
    }
    let tail = a.len() - a.len() % LANES;
    for ((lane, &ai), &xi) in lanes.iter_mut().zip(&a[tail..]).zip(&x[tail..]) {
        *lane += ai.to_f64() * xi.to_f64();
    }
    sum_lanes(&lanes)
}

/// Σ w_c·(−ln softmax(x)_c) = Σ w_c·(lse − x_c) in f64 (w_c = 1 without weights), given the
/// row's `max` and `log_sum` = ln Σ e^(x − max). Each term is formed as log_sum − (x_c − max),
/// ≥ 0: as lse·Σw − Σ w·x the sum cancels on large logits, and an infinite weight would meet
/// a zero factor (0·∞) where torch's term-by-term sum gives inf.
#[inline(always)]
pub fn neg_log_softmax_sum<F: Float>(x: &[F], max: F, log_sum: f64, w: Option<&[F]>) -> f64 {
    let max = max.to_f64();
    // Written out in each loop: a closure would be a call outside the SIMD context.
    let mut lanes = [0.0_f64; LANES];
    let tail = x.len() - x.len() % LANES;
    match w {
        Some(w) => {
            for (wb, xb) in w.chunks_exact(LANES).zip(x.chunks_exact(LANES)) {
                for ((lane, &wc), &xc) in lanes.iter_mut().zip(wb).zip(xb) {
                    *lane += wc.to_f64() * (log_sum - (xc.to_f64() - max));
                }
            }
            for ((lane, &wc), &xc) in lanes.iter_mut().zip(&w[tail..]).zip(&x[tail..]) {
                *lane += wc.to_f64() * (log_sum - (xc.to_f64() - max));
            }
        }
        None => {
            for xb in x.chunks_exact(LANES) {
                for (lane, &xc) in lanes.iter_mut().zip(xb) {
                    *lane += log_sum - (xc.to_f64() - max);
                }
            }
            for (lane, &xc) in lanes.iter_mut().zip(&x[tail..]) {
                *lane += log_sum - (xc.to_f64() - max);
            }
        }
    }
    sum_lanes(&lanes)
}

/// g_c ← g_c·k − b·w_c (w_c = 1 without weights): turns the stored exponentials into
/// the gradient p·A − B of a softmax loss.
#[inline(always)]
pub fn scale_sub<F: Float>(g: &mut [F], k: F, b: F, w: Option<&[F]>) {
    match w {
        Some(w) => {
            for (gc, &wc) in g.iter_mut().zip(w) {
                *gc = *gc * k - b * wc;
            }
        }
        None => {
            for gc in g.iter_mut() {
                *gc = *gc * k - b;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitives() {
        let x: Vec<f64> = (0..37).map(|i| f64::from(i % 11) - 3.0).collect();
        assert_eq!(max(&x), 7.0);
        assert_eq!(max::<f64>(&[]), f64::NEG_INFINITY);
        assert_eq!(sum(&x), x.iter().sum::<f64>());
        let want: f64 = x.iter().map(|v| (v - 7.0).exp()).sum();
        let mut stored = vec![0.0; x.len()];
        let with = exp_sum(&x, 7.0, Some(&mut stored));
        assert_eq!(with, exp_sum(&x, 7.0, None));
        assert!((with - want).abs() < 1e-14 * want);
        assert_eq!(dot(&x, &x), x.iter().map(|v| v * v).sum::<f64>());
        let w: Vec<f64> = (0..37).map(|i| f64::from(i % 3)).collect();
        let log_sum = 0.25;
        let unweighted: f64 = x.iter().map(|v| log_sum - (v - 7.0)).sum();
        assert!((neg_log_softmax_sum(&x, 7.0, log_sum, None) - unweighted).abs() < 1e-12);
        let weighted: f64 = x
            .iter()
            .zip(&w)
            .map(|(v, w)| w * (log_sum - (v - 7.0)))
            .sum();
        assert!((neg_log_softmax_sum(&x, 7.0, log_sum, Some(&w)) - weighted).abs() < 1e-12);
        let mut g = vec![2.0, 4.0];
        scale_sub(&mut g, 0.5, 1.0, Some(&[1.0, 3.0]));
        assert_eq!(g, [0.0, -1.0]);
    }
}
