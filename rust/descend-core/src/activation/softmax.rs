//! Softmax along a dimension, torch's `softmax(x, dim)`.
//!
//! p_c = e^(x_c − m) / Σ_k e^(x_k − m) with m = max_k x_k;  vector-Jacobian product
//! g_c = p_c·(u_c − Σ_k u_k·p_k).
//!
//! Numerics: shifting by the row's maximum keeps every exponent ≤ 0, so nothing overflows and
//! the sum is ≥ 1. Sums are in f64 ([`crate::simd::row`]). As torch's: a row holding +inf or
//! NaN, or only −inf, is NaN throughout (inf − inf and −inf + inf give NaN in the shift).

use super::{ActivationSpec, AlongDim};
use crate::float::Float;
use crate::par::Bound;
use crate::simd::row;

crate::hyper! {
    /// Softmax kernel.
    pub struct Softmax {}
}

/// Writes the row's probabilities into `p`.
#[inline(always)]
fn probabilities<F: Float>(x: &[F], p: &mut [F]) {
    let m = row::max(x);
    let s = row::exp_sum(x, m, Some(&mut *p));
    let inv = F::from_f64(1.0 / s);
    for pc in p.iter_mut() {
        *pc = *pc * inv;
    }
}

impl AlongDim for Softmax {
    const SPEC: ActivationSpec = ActivationSpec {
        name: "softmax",
        bound: Bound::Compute,
    };

    #[inline(always)]
    fn row<F: Float>(
        self,
        x: &[F],
        upstream: Option<&[F]>,
        value: Option<&mut [F]>,
        grad: Option<&mut [F]>,
    ) {
        // p goes into the value row, or into the gradient row when it is not wanted; the
        // gradient is then formed from p in the same operations either way.
        let (p, grad): (&[F], _) = match (value, grad) {
            (Some(v), g) => {
                probabilities(x, v);
                (v, g)
            }
            (None, Some(g)) => {
                probabilities(x, g);
                let u = upstream.unwrap_or(&[]);
                let d = F::from_f64(row::dot(u, g));
                for (gc, &uc) in g.iter_mut().zip(u) {
                    *gc = *gc * (uc - d);
                }
                return;
            }
            (None, None) => return,
        };
        if let (Some(g), Some(u)) = (grad, upstream) {
            let d = F::from_f64(row::dot(u, p));
            for ((gc, &pc), &uc) in g.iter_mut().zip(p).zip(u) {
                *gc = pc * (uc - d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_to_one_and_vjp() {
        let x = [1.0_f64, 2.0, 3.0, -1e300];
        let u = [0.5, -1.0, 2.0, 3.0];
        let (mut p, mut g, mut g_only) = ([0.0; 4], [0.0; 4], [0.0; 4]);
        Softmax.row(&x, Some(&u), Some(&mut p), Some(&mut g));
        Softmax.row(&x, Some(&u), None, Some(&mut g_only));
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        assert_eq!(p[3], 0.0);
        assert_eq!(g, g_only);
        let d: f64 = u.iter().zip(&p).map(|(a, b)| a * b).sum();
        for c in 0..4 {
            assert!((g[c] - p[c] * (u[c] - d)).abs() < 1e-15);
        }
        let mut q = [0.0; 2];
        Softmax.row(&[f64::INFINITY, 0.0], None, Some(&mut q), None);
        assert!(q.iter().all(|v| v.is_nan()));
    }
}
