//! Reductions and the deterministic summation every driver uses.
//!
//! Sums accumulate in f64 in [`LANES`] accumulators, element `i` always going to lane `i % LANES`
//! of its chunk, whatever the vector width; lanes and chunk partials are then combined pairwise
//! in a fixed order. Together with fixed-size chunks this makes a sum independent of the thread
//! count, the SIMD path and the alignment of the data.

use crate::error::{Error, Result};
use crate::float::Float;

/// Number of f64 accumulators per chunk: four AVX2 registers, so the adds of one block overlap
/// their latency instead of waiting on it (8 lanes made `value_and_grad` measurably slower than
/// `grad` on cache-resident data).
pub const LANES: usize = 16;

/// How elementwise losses are reduced, as torch's `reduction=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduction {
    /// Elementwise result, shape of the input.
    None,
    /// Mean (or weighted mean) over all elements.
    Mean,
    /// Sum over all elements.
    Sum,
    /// Sum divided by the size of the first axis (torch's `kl_div` only).
    BatchMean,
}

impl Reduction {
    /// Parses torch's spelling; the error lists the choices.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "none" => Ok(Self::None),
            "mean" => Ok(Self::Mean),
            "sum" => Ok(Self::Sum),
            "batchmean" => Ok(Self::BatchMean),
            _ => Err(Error::Value(format!(
                "reduction must be one of 'none', 'mean', 'sum' ('batchmean' for kl_div), \
                 got {name:?}"
            ))),
        }
    }
}

/// Sum of `values` by recursive halving: a fixed tree for a given length.
pub fn pairwise_sum(values: &[f64]) -> f64 {
    match values.len() {
        0 => 0.0,
        1 => values[0],
        n => {
            let (left, right) = values.split_at(n / 2);
            pairwise_sum(left) + pairwise_sum(right)
        }
    }
}

/// Adds `values[i]` to lane `i % LANES`, in order: the same sum whatever the vector width.
#[inline(always)]
pub fn add_to_lanes<F: Float>(lanes: &mut [f64; LANES], values: &[F]) {
    let mut blocks = values.chunks_exact(LANES);
    for block in &mut blocks {
        add_block(lanes, block);
    }
    for (lane, &v) in lanes.iter_mut().zip(blocks.remainder()) {
        *lane += v.to_f64();
    }
}

/// Adds one full block of [`LANES`] values to the lanes.
#[inline(always)]
pub fn add_block<F: Float>(lanes: &mut [f64; LANES], block: &[F]) {
    let block: &[F; LANES] = block.try_into().expect("a block holds LANES values");
    for (lane, &v) in lanes.iter_mut().zip(block) {
        *lane += v.to_f64();
    }
}

/// [`pairwise_sum`] of one set of lanes, bit for bit, without the recursion: adjacent pairs,
/// then pairs of pairs. Inlined, it costs 15 adds; the recursive form cost a row of ten classes
/// more than its exponentials.
#[inline(always)]
pub fn sum_lanes(lanes: &[f64; LANES]) -> f64 {
    let mut v = *lanes;
    let mut n = LANES;
    while n > 1 {
        n /= 2;
        for i in 0..n {
            v[i] = v[2 * i] + v[2 * i + 1];
        }
    }
    v[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_is_a_fixed_tree() {
        assert_eq!(pairwise_sum(&[]), 0.0);
        assert_eq!(pairwise_sum(&[1.0, 2.0, 3.0]), 6.0);
        // (1e16 + 1) + (-1e16 + 1) pairs differently from a left fold, which loses both ones.
        assert_eq!(
            pairwise_sum(&[1.0, 1e16, -1e16, 1.0]),
            1.0 + (-1e16 + 1.0) + 1e16
        );
    }

    #[test]
    fn lanes_sum_as_the_tree() {
        let lanes: [f64; LANES] = std::array::from_fn(|i| 1e16 * (i % 3) as f64 - 7.0 * i as f64);
        assert_eq!(sum_lanes(&lanes).to_bits(), pairwise_sum(&lanes).to_bits());
    }

    #[test]
    fn reductions_parse() {
        assert_eq!(Reduction::parse("sum"), Ok(Reduction::Sum));
        let err = Reduction::parse("avg").unwrap_err().to_string();
        assert!(err.contains("'none', 'mean', 'sum'") && err.contains("avg"));
    }
}
