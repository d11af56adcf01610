//! The pointwise driver's contract, without Python: reductions and weights as torch's, chunk
//! boundaries, thread counts and SIMD blocks that do not change a bit, and nothing written by
//! a call that fails.

use crate::array::{Operand, Output, Typed};
use crate::error::Error;
use crate::loss::{run, Request, Target};
use crate::par::{self, CHUNK};
use crate::reduce::Reduction;

/// What a test call gives and gets back.
struct Case<'a> {
    loss: &'a str,
    x: &'a [f64],
    y: &'a [f64],
    weight: Option<&'a [f64]>,
    third: Option<&'a [f64]>,
    upstream: Option<&'a [f64]>,
    reduction: Reduction,
    params: &'a [(&'a str, f64)],
}

/// (reduced value, unreduced values, gradient, third array's gradient) of `case`; outputs
/// start as `sentinel`, so a failing call shows whether it wrote.
struct Outcome {
    value: Result<Option<f64>, Error>,
    values: Vec<f64>,
    grad: Vec<f64>,
    third_grad: Vec<f64>,
}

const SENTINEL: f64 = -7.25;

fn call(case: &Case<'_>, want_value: bool, want_grad: bool) -> Outcome {
    let n = case.x.len();
    let shape = [n];
    let operand = |data| Operand {
        data,
        shape: &shape,
    };
    let unreduced = want_value && case.reduction == Reduction::None;
    let differentiated = case.loss == "gaussian_nll_loss" && want_grad;
    let (mut values, mut grad, mut third_grad) =
        (vec![SENTINEL; n], vec![SENTINEL; n], vec![SENTINEL; n]);
    let request = Request {
        input: operand(case.x),
        target: Target::Floats(operand(case.y)),
        weight: case.weight.map(operand),
        third: case.third.map(operand),
        upstream: case.upstream.map(operand),
        reduction: case.reduction,
        params: case.params,
        want_value,
        values: unreduced.then(|| Output {
            data: &mut values,
            shape: &shape,
        }),
        grad: want_grad.then(|| Output {
            data: &mut grad,
            shape: &shape,
        }),
        third_grad: differentiated.then(|| Output {
            data: &mut third_grad,
            shape: &shape,
        }),
    };
    let value = run(case.loss, Typed::F64(request));
    Outcome {
        value,
        values,
        grad,
        third_grad,
    }
}

/// x, y and positive weights of length `n`, fixed by the index.
fn arrays(n: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let x = (0..n).map(|i| (i as f64 * 0.37).sin() * 3.0).collect();
    let y = (0..n).map(|i| (i as f64 * 0.11).cos()).collect();
    let w = (0..n).map(|i| 0.5 + (i % 5) as f64 * 0.25).collect();
    (x, y, w)
}

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-12 * want.abs().max(1.0)
}

/// Lengths around the block, lane and chunk sizes.
const LENGTHS: [usize; 9] = [0, 1, 15, 16, 63, 65, CHUNK - 1, CHUNK + 1, 2 * CHUNK + 17];

#[test]
fn every_reduction_and_weight_rule_matches_the_formula() {
    for n in LENGTHS {
        let (x, y, w) = arrays(n);
        let d: Vec<f64> = x.iter().zip(&y).map(|(x, y)| x - y).collect();
        // mse divides a weighted mean by Σ w; huber by N (torch's rules).
        let sum_w: f64 = w.iter().sum();
        let mse: f64 = d.iter().zip(&w).map(|(d, w)| w * d * d).sum();
        let huber_term = |d: f64| {
            if d.abs() < 1.0 {
                0.5 * d * d
            } else {
                d.abs() - 0.5
            }
        };
        let huber: f64 = d.iter().zip(&w).map(|(d, w)| w * huber_term(*d)).sum();
        for (loss, total, mean) in [
            ("mse_loss", mse, mse / sum_w),
            ("huber_loss", huber, huber / n as f64),
        ] {
            for (reduction, want) in [(Reduction::Sum, total), (Reduction::Mean, mean)] {
                let case = Case {
                    loss,
                    x: &x,
                    y: &y,
                    weight: Some(&w),
                    third: None,
                    upstream: None,
                    reduction,
                    params: &[],
                };
                let got = call(&case, true, true);
                let value = got.value.unwrap().unwrap();
                assert!(
                    close(value, want) || (n == 0 && value.is_nan()),
                    "{loss} {n}"
                );
                let scale = if reduction == Reduction::Mean && loss == "mse_loss" {
                    1.0 / sum_w
                } else if reduction == Reduction::Mean {
                    1.0 / n as f64
                } else {
                    1.0
                };
                for i in 0..n {
                    let slope = if loss == "mse_loss" {
                        2.0 * d[i]
                    } else {
                        d[i].clamp(-1.0, 1.0)
                    };
                    assert!(close(got.grad[i], w[i] * slope * scale), "{loss} {n} {i}");
                }
            }
        }
    }
}

#[test]
fn unreduced_values_take_weights_and_the_gradient_upstream() {
    let (x, y, w) = arrays(CHUNK + 3);
    let u: Vec<f64> = (0..x.len()).map(|i| (i % 3) as f64 - 1.0).collect();
    let case = Case {
        loss: "l1_loss",
        x: &x,
        y: &y,
        weight: Some(&w),
        third: None,
        upstream: Some(&u),
        reduction: Reduction::None,
        params: &[],
    };
    let got = call(&case, true, true);
    assert_eq!(got.value.unwrap(), None);
    for i in 0..x.len() {
        let d = x[i] - y[i];
        assert_eq!(got.values[i], w[i] * d.abs());
        assert_eq!(got.grad[i], d.signum() * (w[i] * u[i]));
    }
}

#[test]
fn batchmean_divides_by_the_first_axis() {
    let x = [-1.0, -2.0, -0.5, -3.0];
    let t = [0.25, 0.25, 0.5, 0.0];
    let case = |reduction| Case {
        loss: "kl_div",
        x: &x,
        y: &t,
        weight: None,
        third: None,
        upstream: None,
        reduction,
        params: &[],
    };
    let sum = call(&case(Reduction::Sum), true, false)
        .value
        .unwrap()
        .unwrap();
    let batchmean = call(&case(Reduction::BatchMean), true, false);
    assert_eq!(batchmean.value.unwrap().unwrap(), sum / 4.0);
    let refused = call(
        &Case {
            loss: "mse_loss",
            ..case(Reduction::BatchMean)
        },
        true,
        false,
    );
    assert!(refused.value.unwrap_err().to_string().contains("batchmean"));
}

#[test]
fn fused_and_separate_calls_agree_bitwise_in_both_stages() {
    let (x, y, w) = arrays(2 * CHUNK + 17);
    let probabilities: Vec<f64> = y.iter().map(|y| (y + 1.0) / 2.0).collect();
    for (loss, target) in [
        ("binary_cross_entropy_with_logits", &probabilities),
        ("log_cosh_loss", &y),
        ("poisson_nll_loss", &y),
    ] {
        let case = Case {
            loss,
            x: &x,
            y: target,
            weight: Some(&w),
            third: None,
            upstream: None,
            reduction: Reduction::Mean,
            params: &[],
        };
        let both = call(&case, true, true);
        let value = call(&case, true, false).value.unwrap();
        assert_eq!(
            both.value.unwrap().map(f64::to_bits),
            value.map(f64::to_bits),
            "{loss}"
        );
        assert_eq!(both.grad, call(&case, false, true).grad, "{loss}");
    }
}

#[test]
fn a_differentiated_third_array_gets_its_gradient() {
    let (x, y, w) = arrays(65);
    let case = Case {
        loss: "gaussian_nll_loss",
        x: &x,
        y: &y,
        weight: None,
        third: Some(&w),
        upstream: None,
        reduction: Reduction::Sum,
        params: &[],
    };
    let got = call(&case, true, true);
    for i in 0..x.len() {
        let d = x[i] - y[i];
        assert!(close(got.grad[i], d / w[i]));
        assert!(close(
            got.third_grad[i],
            0.5 * (1.0 / w[i] - d * d / (w[i] * w[i]))
        ));
    }
    let missing = Case {
        third: None,
        ..case
    };
    assert!(call(&missing, true, true)
        .value
        .unwrap_err()
        .to_string()
        .contains("var"));
}

#[test]
fn one_thread_and_several_give_the_same_bits() {
    let (x, y, w) = arrays(40 * CHUNK + 5);
    let run_with = |threads: usize, loss: &str| {
        par::set_thread_override(Some(threads)).unwrap();
        let case = Case {
            loss,
            x: &x,
            y: &y,
            weight: Some(&w),
            third: None,
            upstream: None,
            reduction: Reduction::Mean,
            params: &[],
        };
        let got = call(&case, true, true);
        par::set_thread_override(None).unwrap();
        (got.value.unwrap().map(f64::to_bits), got.grad)
    };
    for loss in ["mse_loss", "log_cosh_loss"] {
        assert_eq!(run_with(1, loss), run_with(3, loss), "{loss}");
    }
}

#[test]
fn a_failing_call_writes_nothing() {
    let (x, y, w) = arrays(CHUNK + 9);
    let mut probabilities: Vec<f64> = y.iter().map(|y| (y + 1.0) / 2.0).collect();
    let short = &w[..w.len() - 1];
    let bad = [
        Case {
            loss: "mse_loss",
            x: &x,
            y: &y,
            weight: Some(short),
            third: None,
            upstream: None,
            reduction: Reduction::None,
            params: &[],
        },
        Case {
            loss: "huber_loss",
            x: &x,
            y: &y,
            weight: None,
            third: None,
            upstream: None,
            reduction: Reduction::None,
            params: &[("delta", -1.0)],
        },
        Case {
            loss: "mse_loss",
            x: &x,
            y: &y,
            weight: None,
            third: Some(&w),
            upstream: None,
            reduction: Reduction::None,
            params: &[],
        },
    ];
    for case in &bad {
        let got = call(case, true, true);
        assert!(got.value.is_err(), "{}", case.loss);
        assert!(got.values.iter().chain(&got.grad).all(|v| *v == SENTINEL));
    }
    // Outside the domain in the very last element.
    *probabilities.last_mut().unwrap() = 1.5;
    let case = Case {
        loss: "binary_cross_entropy",
        x: &probabilities,
        y: &probabilities,
        weight: None,
        third: None,
        upstream: None,
        reduction: Reduction::None,
        params: &[],
    };
    let got = call(&case, true, true);
    let err = got.value.unwrap_err().to_string();
    assert!(
        err.contains(&format!("flat index {}", x.len() - 1)),
        "{err}"
    );
    assert!(got.values.iter().chain(&got.grad).all(|v| *v == SENTINEL));
}
