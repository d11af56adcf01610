//! The row-wise driver's contract, without Python: torch's denominators (ignored rows, class
//! weights), K-dimensional inputs as their transposed rows, chunk boundaries and thread counts
//! that do not change a bit, and nothing written by a call that fails.

use crate::array::{Operand, Output, Typed};
use crate::error::Error;
use crate::loss::{run, Labels, Request, Target};
use crate::par::{self, CHUNK};
use crate::reduce::Reduction;

const SENTINEL: f64 = -7.25;

/// A call's arrays: input of `shape`, labels or a dense target, class weights.
struct Case<'a> {
    loss: &'a str,
    x: &'a [f64],
    shape: &'a [usize],
    labels: Option<&'a [i64]>,
    dense: Option<&'a [f64]>,
    weight: Option<&'a [f64]>,
    reduction: Reduction,
    params: &'a [(&'a str, f64)],
}

/// (reduced value, per-row values, gradient); outputs start as `SENTINEL`.
fn call(case: &Case<'_>) -> (Result<Option<f64>, Error>, Vec<f64>, Vec<f64>) {
    let loss_shape = super::loss_shape(case.shape);
    let rows = loss_shape.iter().product();
    let classes = [case
        .shape
        .get(1)
        .or(case.shape.first())
        .copied()
        .unwrap_or(0)];
    let (mut values, mut grad) = (vec![SENTINEL; rows], vec![SENTINEL; case.x.len()]);
    let target = match (case.labels, case.dense) {
        (Some(l), _) => Target::Labels {
            data: Labels::I64(l),
            shape: &loss_shape,
        },
        (None, Some(t)) => Target::Floats(Operand {
            data: t,
            shape: case.shape,
        }),
        (None, None) => unreachable!("a test gives a target"),
    };
    let request = Request {
        input: Operand {
            data: case.x,
            shape: case.shape,
        },
        target,
        weight: case.weight.map(|w| Operand {
            data: w,
            shape: &classes,
        }),
        third: None,
        upstream: None,
        reduction: case.reduction,
        params: case.params,
        want_value: true,
        values: (case.reduction == Reduction::None).then(|| Output {
            data: &mut values,
            shape: &loss_shape,
        }),
        grad: Some(Output {
            data: &mut grad,
            shape: case.shape,
        }),
        third_grad: None,
    };
    (run(case.loss, Typed::F64(request)), values, grad)
}

fn logits(n: usize) -> Vec<f64> {
    (0..n).map(|i| (i as f64 * 0.37).sin() * 4.0).collect()
}

/// −log softmax(row)[y].
fn nll(row: &[f64], y: usize) -> f64 {
    let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let lse = m + row.iter().map(|v| (v - m).exp()).sum::<f64>().ln();
    lse - row[y]
}

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-12 * want.abs().max(1.0)
}

#[test]
fn cross_entropy_means_over_the_kept_rows_weights() {
    // Row counts around the chunk's (CHUNK / classes rows) and the softmax panel's blocks.
    for (rows, classes) in [(1, 3), (64, 10), (CHUNK / 10 + 1, 10), (70, 1000), (3, 17)] {
        let x = logits(rows * classes);
        let labels: Vec<i64> = (0..rows)
            .map(|r| {
                if r % 4 == 3 {
                    -100
                } else {
                    ((r * 7) % classes) as i64
                }
            })
            .collect();
        let w: Vec<f64> = (0..classes).map(|c| 0.5 + (c % 3) as f64).collect();
        let case = Case {
            loss: "cross_entropy",
            x: &x,
            shape: &[rows, classes],
            labels: Some(&labels),
            dense: None,
            weight: Some(&w),
            reduction: Reduction::Mean,
            params: &[],
        };
        let (value, _, grad) = call(&case);
        let kept = labels.iter().filter(|&&l| l >= 0);
        let total: f64 = kept.clone().map(|&l| w[l as usize]).sum();
        let want: f64 = (0..rows)
            .filter(|&r| labels[r] >= 0)
            .map(|r| {
                w[labels[r] as usize] * nll(&x[r * classes..(r + 1) * classes], labels[r] as usize)
            })
            .sum::<f64>()
            / total;
        let value = value.unwrap().unwrap();
        assert!(close(value, want), "{rows}×{classes}: {value} vs {want}");
        // An ignored row's gradient is zero; every kept row's sums to zero.
        for r in 0..rows {
            let g = &grad[r * classes..(r + 1) * classes];
            if labels[r] < 0 {
                assert!(g.iter().all(|v| *v == 0.0));
            } else {
                assert!(
                    g.iter().sum::<f64>().abs() < 1e-12,
                    "{rows}×{classes} row {r}"
                );
            }
        }
    }
}

#[test]
fn k_dimensional_inputs_are_their_transposed_rows() {
    let (n, c, d) = (3, 4, 5);
    let x = logits(n * c * d);
    let labels: Vec<i64> = (0..n * d).map(|i| (i % c) as i64).collect();
    let kdim = Case {
        loss: "cross_entropy",
        x: &x,
        shape: &[n, c, d],
        labels: Some(&labels),
        dense: None,
        weight: None,
        reduction: Reduction::None,
        params: &[],
    };
    // The same rows, made contiguous: (n, d) rows of c classes.
    let mut rows = Vec::with_capacity(x.len());
    for b in 0..n {
        for p in 0..d {
            rows.extend((0..c).map(|k| x[(b * c + k) * d + p]));
        }
    }
    let flat = Case {
        x: &rows,
        shape: &[n * d, c],
        ..kdim
    };
    let (_, kdim_values, kdim_grad) = call(&kdim);
    let (_, flat_values, flat_grad) = call(&flat);
    assert_eq!(kdim_values, flat_values);
    for b in 0..n {
        for p in 0..d {
            for k in 0..c {
                assert_eq!(
                    kdim_grad[(b * c + k) * d + p],
                    flat_grad[(b * d + p) * c + k]
                );
            }
        }
    }
}

#[test]
fn dense_targets_and_labels_paths() {
    let (rows, classes) = (9, 6);
    let x = logits(rows * classes);
    let bits: Vec<f64> = (0..x.len()).map(|i| (i % 2) as f64).collect();
    let labels: Vec<i64> = (0..rows as i64).map(|r| r % 6).collect();
    let base = Case {
        loss: "multilabel_soft_margin_loss",
        x: &x,
        shape: &[rows, classes],
        labels: None,
        dense: Some(&bits),
        weight: None,
        reduction: Reduction::Sum,
        params: &[],
    };
    assert!(call(&base).0.is_ok());
    let refused = call(&Case {
        labels: Some(&labels),
        ..base
    });
    assert!(matches!(refused.0, Err(Error::Dtype(_))));
    for loss in ["nll_loss", "multi_margin_loss"] {
        let case = Case {
            loss,
            labels: Some(&labels),
            ..base
        };
        assert!(call(&case).0.is_ok(), "{loss}");
        let dense = call(&Case { loss, ..base });
        assert!(matches!(dense.0, Err(Error::Dtype(_))), "{loss}");
    }
}

#[test]
fn one_thread_and_several_give_the_same_bits() {
    let (rows, classes) = (8 * CHUNK / 10, 10);
    let x = logits(rows * classes);
    let labels: Vec<i64> = (0..rows).map(|r| ((r * 3) % classes) as i64).collect();
    let run_with = |threads| {
        par::set_thread_override(Some(threads)).unwrap();
        let (value, _, grad) = call(&Case {
            loss: "cross_entropy",
            x: &x,
            shape: &[rows, classes],
            labels: Some(&labels),
            dense: None,
            weight: None,
            reduction: Reduction::Mean,
            params: &[("label_smoothing", 0.1)],
        });
        par::set_thread_override(None).unwrap();
        (value.unwrap().map(f64::to_bits), grad)
    };
    assert_eq!(run_with(1), run_with(3));
}

#[test]
fn a_bad_label_in_the_last_row_writes_nothing() {
    let (rows, classes) = (CHUNK / 4 + 3, 4);
    let x = logits(rows * classes);
    let mut labels: Vec<i64> = (0..rows as i64).map(|r| r % 4).collect();
    *labels.last_mut().unwrap() = 4;
    let (value, values, grad) = call(&Case {
        loss: "cross_entropy",
        x: &x,
        shape: &[rows, classes],
        labels: Some(&labels),
        dense: None,
        weight: None,
        reduction: Reduction::None,
        params: &[],
    });
    let err = value.unwrap_err();
    assert!(matches!(err, Error::Label(_)), "{err}");
    assert!(values.iter().chain(&grad).all(|v| *v == SENTINEL));
}
