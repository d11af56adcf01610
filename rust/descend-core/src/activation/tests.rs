//! The activation drivers' contract, without Python: upstream·J for both kinds, any `dim`,
//! chunk boundaries and thread counts that do not change a bit, and nothing written by a call
//! that fails.

use super::{run, Request};
use crate::array::{Operand, Output, Typed};
use crate::error::{Error, Result};
use crate::par::{self, CHUNK};

const SENTINEL: f64 = -7.25;

/// (result, value, gradient) of activation `name` on `x` of `shape`; outputs start as
/// `SENTINEL`.
fn call(
    name: &str,
    x: &[f64],
    shape: &[usize],
    upstream: Option<&[f64]>,
    dim: i64,
    params: &[(&str, f64)],
) -> (Result<()>, Vec<f64>, Vec<f64>) {
    let (mut value, mut grad) = (vec![SENTINEL; x.len()], vec![SENTINEL; x.len()]);
    let request = Request {
        input: Operand { data: x, shape },
        upstream: upstream.map(|data| Operand { data, shape }),
        params,
        dim,
        value: Some(Output {
            data: &mut value,
            shape,
        }),
        grad: Some(Output {
            data: &mut grad,
            shape,
        }),
    };
    (run(name, Typed::F64(request)), value, grad)
}

fn inputs(n: usize) -> Vec<f64> {
    (0..n).map(|i| (i as f64 * 0.37).sin() * 4.0).collect()
}

#[test]
fn elementwise_values_and_upstream_across_chunks() {
    for n in [0, 1, 17, CHUNK - 1, CHUNK + 1, 2 * CHUNK + 9] {
        let x = inputs(n);
        let u: Vec<f64> = (0..n).map(|i| (i % 3) as f64 - 1.0).collect();
        let (result, value, grad) = call(
            "leaky_relu",
            &x,
            &[n],
            Some(&u),
            -1,
            &[("negative_slope", 0.25)],
        );
        result.unwrap();
        for i in 0..n {
            let (v, d) = if x[i] > 0.0 {
                (x[i], 1.0)
            } else {
                (0.25 * x[i], 0.25)
            };
            assert_eq!((value[i], grad[i]), (v, u[i] * d), "{n} {i}");
        }
    }
}

#[test]
fn softmax_along_any_dim_is_softmax_of_its_rows() {
    let (a, b) = (3, 5);
    let x = inputs(a * b);
    let u = inputs(a * b + 1)[1..].to_vec();
    let (ok, last, last_grad) = call("softmax", &x, &[a, b], Some(&u), -1, &[]);
    ok.unwrap();
    // Along dim 0 of the transpose is along dim 1 of the original.
    let xt: Vec<f64> = (0..a * b).map(|i| x[(i % a) * b + i / a]).collect();
    let ut: Vec<f64> = (0..a * b).map(|i| u[(i % a) * b + i / a]).collect();
    let (ok, first, first_grad) = call("softmax", &xt, &[b, a], Some(&ut), 0, &[]);
    ok.unwrap();
    for i in 0..a * b {
        let t = (i % a) * b + i / a;
        assert_eq!((first[i], first_grad[i]), (last[t], last_grad[t]));
    }
    for row in last.chunks(b) {
        assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    }
}

#[test]
fn one_thread_and_several_give_the_same_bits() {
    let n = 6 * CHUNK + 3;
    let x = inputs(n);
    let run_with = |threads, name, shape: &[usize]| {
        par::set_thread_override(Some(threads)).unwrap();
        let (ok, value, grad) = call(name, &x, shape, Some(&x), -1, &[]);
        par::set_thread_override(None).unwrap();
        ok.unwrap();
        (value, grad)
    };
    assert_eq!(run_with(1, "gelu", &[n]), run_with(3, "gelu", &[n]));
    let rows = [n / 3, 3];
    assert_eq!(
        run_with(1, "log_softmax", &rows),
        run_with(3, "log_softmax", &rows)
    );
}

#[test]
fn a_failing_call_writes_nothing() {
    let x = inputs(2 * CHUNK);
    let shape = [CHUNK, 2];
    let failures = [
        ("softmax", 2, Some(&x[..])),
        ("softmax", -1, None),
        ("elu", -1, Some(&x[1..])),
    ];
    for (name, dim, upstream) in failures {
        let (result, value, grad) = call(name, &x, &shape, upstream, dim, &[]);
        assert!(result.is_err(), "{name} {dim}");
        assert!(value.iter().chain(&grad).all(|v| *v == SENTINEL));
    }
    let (result, ..) = call("softplus", &x, &shape, None, -1, &[("beta", 0.0)]);
    assert!(matches!(result, Err(Error::Value(_))));
    let (result, ..) = call("softmax", &x, &shape, Some(&x), 2, &[]);
    assert!(matches!(result, Err(Error::Axis(_))));
}
