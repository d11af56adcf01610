//! Log-softmax along a dimension, torch's `log_softmax(x, dim)`.
//!
//! y_c = x_c − m − log Σ_k e^(x_k − m) with m = max_k x_k;  vector-Jacobian product
//! g_c = u_c − p_c·Σ_k u_k, p = softmax(x).
//!
//! Numerics: log-sum-exp shifted by the maximum, the sum and its log in f64; y is a sum of two
//! non-positive terms, so it does not cancel. Rows with +inf or NaN, or only −inf, are NaN, as
//! torch's.

use super::{ActivationSpec, AlongDim};
use crate::float::Float;
use crate::par::Bound;
use crate::simd::row;

crate::hyper! {
    /// Log-softmax kernel.
    pub struct LogSoftmax {}
}

impl AlongDim for LogSoftmax {
    const SPEC: ActivationSpec = ActivationSpec {
        name: "log_softmax",
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
        let m = row::max(x);
        // The exponentials go into the gradient row when there is one; exp_sum gives the same
        // sum whether or not it stores them, so the value does not depend on it.
        let (s, grad) = match (grad, upstream) {
            (Some(g), Some(u)) => {
                let s = row::exp_sum(x, m, Some(&mut *g));
                let inv = F::from_f64(1.0 / s);
                let su = F::from_f64(row::sum(u));
                for (gc, &uc) in g.iter_mut().zip(u) {
                    *gc = uc - *gc * inv * su;
                }
                (s, true)
            }
            _ => (row::exp_sum(x, m, None), false),
        };
        debug_assert!(grad || value.is_some());
        if let Some(v) = value {
            // The vector ln: `s.ln()` would be std's libm call.
            let lse = F::from_f64(<f64 as Float>::ln(s));
            for (vc, &xc) in v.iter_mut().zip(x) {
                *vc = (xc - m) - lse;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_and_vjp() {
        let x = [1.0_f64, 2.0, 3.0];
        let u = [0.5, -1.0, 2.0];
        let (mut y, mut g, mut g_only) = ([0.0; 3], [0.0; 3], [0.0; 3]);
        LogSoftmax.row(&x, Some(&u), Some(&mut y), Some(&mut g));
        LogSoftmax.row(&x, Some(&u), None, Some(&mut g_only));
        assert_eq!(g, g_only);
        let lse = (1.0_f64.exp() + 2.0_f64.exp() + 3.0_f64.exp()).ln();
        for c in 0..3 {
            assert!((y[c] - (x[c] - lse)).abs() < 1e-15);
            assert!((g[c] - (u[c] - (x[c] - lse).exp() * 1.5)).abs() < 1e-15);
        }
    }
}
