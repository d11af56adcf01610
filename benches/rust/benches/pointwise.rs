//! Criterion benchmarks of descend-core alone (no Python): a pointwise loss's value and
//! gradient, softmax cross-entropy, and an optimizer step. `benches/report.py --criterion`
//! divides descend's N = 100 times from Python by these to state the binding overhead.
//!
//! Run with one thread (`DESCEND_NUM_THREADS=1`) to compare with the Python rows of 1 thread.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use descend_core::array::{Operand, Output, Typed};
use descend_core::loss::{self, Labels, Request, Target};
use descend_core::optim::{Dtype, GradData, ParamData, Slot, State};
use descend_core::reduce::Reduction;

const SIZES: [usize; 3] = [100, 10_000, 1_000_000];

fn value_and_grad(c: &mut Criterion) {
    let mut group = c.benchmark_group("value_and_grad_f32");
    for n in SIZES {
        let x: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin() * 3.0).collect();
        let y: Vec<f32> = (0..n).map(|i| (i as f32 * 0.11).cos()).collect();
        let mut g = vec![0.0_f32; n];
        let shape = [n];
        // Read input and target, write the gradient.
        group.throughput(Throughput::Bytes((n * 12) as u64));
        for loss in [
            "mse_loss",
            "huber_loss",
            "log_cosh_loss",
            "binary_cross_entropy_with_logits",
        ] {
            group.bench_with_input(BenchmarkId::new(loss, n), &n, |b, _| {
                b.iter(|| {
                    let request = Request {
                        input: Operand {
                            data: &x,
                            shape: &shape,
                        },
                        target: Target::Floats(Operand {
                            data: &y,
                            shape: &shape,
                        }),
                        weight: None,
                        third: None,
                        upstream: None,
                        reduction: Reduction::Mean,
                        params: &[],
                        want_value: true,
                        values: None,
                        grad: Some(Output {
                            data: &mut g,
                            shape: &shape,
                        }),
                        third_grad: None,
                    };
                    loss::run(loss, Typed::F32(request)).expect("valid request")
                });
            });
        }
    }
    group.finish();
}

fn cross_entropy(c: &mut Criterion) {
    let mut group = c.benchmark_group("cross_entropy_f32");
    for classes in [1000_usize, 10] {
        for n in SIZES {
            let rows = (n / classes).max(1);
            let len = rows * classes;
            let x: Vec<f32> = (0..len).map(|i| (i as f32 * 0.37).sin() * 3.0).collect();
            let labels: Vec<i64> = (0..rows).map(|r| ((r * 7) % classes) as i64).collect();
            let mut g = vec![0.0_f32; len];
            let (shape, label_shape) = ([rows, classes], [rows]);
            // Read the logits and labels, write the gradient.
            group.throughput(Throughput::Bytes((len * 8 + rows * 8) as u64));
            let id = BenchmarkId::new(format!("C={classes}"), len);
            group.bench_with_input(id, &len, |b, _| {
                b.iter(|| {
                    let request = Request {
                        input: Operand {
                            data: &x,
                            shape: &shape,
                        },
                        target: Target::Labels {
                            data: Labels::I64(&labels),
                            shape: &label_shape,
                        },
                        weight: None,
                        third: None,
                        upstream: None,
                        reduction: Reduction::Mean,
                        params: &[],
                        want_value: true,
                        values: None,
                        grad: Some(Output {
                            data: &mut g,
                            shape: &shape,
                        }),
                        third_grad: None,
                    };
                    loss::run("cross_entropy", Typed::F32(request)).expect("valid request")
                });
            });
        }
    }
    group.finish();
}

fn optimizer_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("step_f32");
    // (optimizer, options in the spec's order, streams updated in place besides the gradient)
    let rules: [(&str, Vec<f64>, usize); 2] = [
        ("sgd", vec![1e-3, 0.9, 0.0, 0.0, 0.0, 0.0], 2),
        ("adam", vec![1e-3, 0.9, 0.999, 1e-8, 0.0, 0.0, 0.0, 0.0], 3),
    ];
    for n in SIZES {
        let grad: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin()).collect();
        let mut param: Vec<f32> = (0..n).map(|i| (i as f32 * 0.11).cos()).collect();
        let shape = [n];
        for (rule, hyper, updated) in &rules {
            // The gradient read; each updated stream read and written back.
            group.throughput(Throughput::Bytes(((1 + 2 * updated) * 4 * n) as u64));
            let mut state = State::new(rule).expect("known rule");
            state.add(Dtype::F32, &shape);
            let hyper = [hyper.clone()];
            group.bench_with_input(BenchmarkId::new(*rule, n), &n, |b, _| {
                b.iter(|| {
                    let slot = Slot {
                        param: ParamData::F32(&mut param),
                        grad: GradData::F32(&grad),
                        param_shape: &shape,
                        grad_shape: &shape,
                    };
                    state.step(&hyper, &[0], vec![slot]).expect("valid step");
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, value_and_grad, cross_entropy, optimizer_step);
criterion_main!(benches);
