//! Criterion benchmarks of the pointwise driver alone (no Python): the Python/Rust ratio at
//! small N is the binding overhead.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use descend_core::loss::pointwise::{run, Operand, Output, Request};
use descend_core::reduce::Reduction;

fn value_and_grad(c: &mut Criterion) {
    let mut group = c.benchmark_group("value_and_grad_f32");
    for &n in &[100_usize, 10_000, 1_000_000] {
        let x: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin() * 3.0).collect();
        let y: Vec<f32> = (0..n).map(|i| (i as f32 * 0.11).cos()).collect();
        let mut g = vec![0.0_f32; n];
        let shape = [n];
        // Read input and target, write the gradient.
        group.throughput(Throughput::Bytes((n * 12) as u64));
        for loss in ["mse_loss", "huber_loss", "log_cosh_loss"] {
            group.bench_with_input(BenchmarkId::new(loss, n), &n, |b, _| {
                b.iter(|| {
                    let request = Request {
                        input: Operand {
                            data: &x,
                            shape: &shape,
                        },
                        target: Operand {
                            data: &y,
                            shape: &shape,
                        },
                        weight: None,
                        aux: None,
                        upstream: None,
                        reduction: Reduction::Mean,
                        params: &[],
                        want_value: true,
                        values: None,
                        grad: Some(Output {
                            data: &mut g,
                            shape: &shape,
                        }),
                        aux_grad: None,
                    };
                    run(loss, request).expect("valid request")
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, value_and_grad);
criterion_main!(benches);
