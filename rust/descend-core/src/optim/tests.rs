//! The optimizer driver's contract, without Python: validate everything, then write; results
//! independent of chunking and of the thread count.

use super::passes::STEP_CHUNK;
use super::{Dtype, GradData, ParamData, Slot, State};
use crate::error::Error;
use crate::hyper::Hyper;
use crate::par;

/// Option values of `H` in the spec's order: the defaults, but for those `given`.
fn values<H: Hyper>(given: &[(&str, f64)]) -> Vec<f64> {
    H::SPECS
        .iter()
        .map(|s| {
            given
                .iter()
                .find(|g| g.0 == s.name)
                .map_or(s.default, |g| g.1)
        })
        .collect()
}

fn adam(amsgrad: bool) -> Vec<f64> {
    let amsgrad = f64::from(u8::from(amsgrad));
    values::<super::adam::Adam>(&[("lr", 1e-2), ("amsgrad", amsgrad)])
}

fn slot<'a>(
    p: &'a mut [f64],
    g: &'a [f64],
    p_shape: &'a [usize],
    g_shape: &'a [usize],
) -> Slot<'a> {
    Slot {
        param: ParamData::F64(p),
        grad: GradData::F64(g),
        param_shape: p_shape,
        grad_shape: g_shape,
    }
}

/// Two f64 tensors of 3 and 2 elements, after one good step (so state and counts exist).
fn stepped() -> (State, Vec<f64>, Vec<f64>) {
    let mut state = State::new("adam").unwrap();
    state.add(Dtype::F64, &[3]);
    state.add(Dtype::F64, &[2]);
    let (mut p0, mut p1) = (vec![1.0; 3], vec![1.0; 2]);
    let slots = vec![
        slot(&mut p0, &[0.5; 3], &[3], &[3]),
        slot(&mut p1, &[0.5; 2], &[2], &[2]),
    ];
    state.step(&[adam(false)], &[0, 0], slots).unwrap();
    (state, p0, p1)
}

#[test]
fn a_failing_step_writes_nothing_not_even_a_step_count() {
    let (mut state, mut p0, mut p1) = stepped();
    let before = (state.clone(), p0.clone(), p1.clone());
    let failures: [(&str, Vec<f64>, &[usize]); 3] = [
        ("a mis-shaped last gradient", adam(false), &[3]),
        (
            "an lr out of its domain",
            values::<super::adam::Adam>(&[("lr", -1.0)]),
            &[2],
        ),
        ("too few values", vec![1e-2], &[2]),
    ];
    for (why, group, last_shape) in failures {
        let g1 = vec![0.5; last_shape.iter().product()];
        let slots = vec![
            slot(&mut p0, &[0.5; 3], &[3], &[3]),
            slot(&mut p1, &g1, &[2], last_shape),
        ];
        assert!(state.step(&[group], &[0, 0], slots).is_err(), "{why}");
        assert_eq!(
            (&state, &p0, &p1),
            (&before.0, &before.1, &before.2),
            "{why}"
        );
    }
    // A parameter of another dtype than it was added with, and a gradient of another than its
    // parameter's.
    let mut p32 = vec![1.0_f32; 2];
    let mismatched = vec![
        slot(&mut p0, &[0.5; 3], &[3], &[3]),
        Slot {
            param: ParamData::F32(&mut p32),
            grad: GradData::F32(&[0.5; 2]),
            param_shape: &[2],
            grad_shape: &[2],
        },
    ];
    let err = state.step(&[adam(false)], &[0, 0], mismatched).unwrap_err();
    assert!(matches!(err, Error::Dtype(_)), "{err}");
    let mixed = vec![
        slot(&mut p0, &[0.5; 3], &[3], &[3]),
        Slot {
            param: ParamData::F64(&mut p1),
            grad: GradData::F32(&[0.5; 2]),
            param_shape: &[2],
            grad_shape: &[2],
        },
    ];
    let err = state.step(&[adam(false)], &[0, 0], mixed).unwrap_err();
    assert!(
        err.to_string().starts_with("grads[1] has dtype float32"),
        "{err}"
    );
    assert_eq!((&state, &p0, &p1), (&before.0, &before.1, &before.2));
}

#[test]
fn relations_between_options_are_checked_at_every_step() {
    let mut state = State::new("sgd").unwrap();
    state.add(Dtype::F64, &[2]);
    let mut p = vec![1.0; 2];
    let group = values::<super::sgd::Sgd>(&[("nesterov", 1.0)]);
    let err = state
        .step(&[group], &[0], vec![slot(&mut p, &[1.0; 2], &[2], &[2])])
        .unwrap_err();
    assert!(err.to_string().contains("Nesterov"), "{err}");
    assert_eq!(p, vec![1.0; 2]);
}

#[test]
fn chunks_cover_long_tensors_and_results_ignore_the_cut() {
    let n = 3 * STEP_CHUNK + 5;
    let g: Vec<f32> = (0..n).map(|i| 1.5 + (i as f32 * 0.37).sin()).collect();
    let run = |len: usize| {
        let mut state = State::new("adam").unwrap();
        state.add(Dtype::F32, &[len]);
        let mut p = vec![0.5_f32; len];
        for _ in 0..3 {
            let slot = Slot {
                param: ParamData::F32(&mut p),
                grad: GradData::F32(&g[..len]),
                param_shape: &[len],
                grad_shape: &[len],
            };
            state.step(&[adam(true)], &[0], vec![slot]).unwrap();
        }
        p
    };
    let long = run(n);
    assert_eq!(&long[..7], &run(7)[..]);
    assert!(long.iter().all(|v| *v < 0.5));
}

#[test]
fn one_thread_and_several_give_the_same_bits() {
    let n = 3 * STEP_CHUNK + 5;
    let g: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin()).collect();
    let run = |threads: usize, optimizer: &str, group: Vec<f64>| {
        par::set_thread_override(Some(threads)).unwrap();
        let mut state = State::new(optimizer).unwrap();
        state.add(Dtype::F64, &[n]);
        let mut p: Vec<f64> = (0..n).map(|i| 1.0 + (i % 7) as f64).collect();
        let shape = [n];
        for _ in 0..2 {
            let slots = vec![slot(&mut p, &g, &shape, &shape)];
            state
                .step(std::slice::from_ref(&group), &[0], slots)
                .unwrap();
        }
        par::set_thread_override(None).unwrap();
        p.iter().map(|v| v.to_bits()).collect::<Vec<u64>>()
    };
    let lamb = values::<super::lamb::Lamb>(&[]);
    for (optimizer, group) in [("adam", adam(false)), ("lamb", lamb)] {
        let one = run(1, optimizer, group.clone());
        assert_eq!(one, run(3, optimizer, group), "{optimizer}");
    }
}

#[test]
fn a_gathering_rule_sees_the_whole_tensor_before_it_moves() {
    // LAMB's first step: u = sign(g) up to ε, so p moves by lr · ‖p‖ / ‖u‖ against g, with
    // both norms over all chunks of the tensor (a per-chunk norm would differ per chunk).
    let n = 3 * STEP_CHUNK + 5;
    let mut p: Vec<f64> = (0..n).map(|i| 1.0 + (i % 7) as f64).collect();
    let g: Vec<f64> = (0..n)
        .map(|i| if i % 3 == 0 { -2.0 } else { 0.5 })
        .collect();
    let p_norm = p.iter().map(|v| v * v).sum::<f64>().sqrt();
    let want: Vec<f64> = p
        .iter()
        .zip(&g)
        .map(|(p, g)| p - 0.1 * p_norm / (n as f64).sqrt() * g.signum())
        .collect();
    let mut state = State::new("lamb").unwrap();
    state.add(Dtype::F64, &[n]);
    let group = values::<super::lamb::Lamb>(&[("lr", 0.1), ("eps", 0.0)]);
    state
        .step(&[group], &[0], vec![slot(&mut p, &g, &[n], &[n])])
        .unwrap();
    for (got, want) in p.iter().zip(&want) {
        assert!((got - want).abs() <= 1e-12 * want.abs(), "{got} vs {want}");
    }
}

#[test]
fn a_refused_load_keeps_the_state() {
    let (mut state, ..) = stepped();
    let before = state.clone();
    let mut bad = state.tensors.clone();
    bad[1].shape = vec![5];
    let loaded = bad.into_iter().map(Some).collect();
    assert!(state.load(loaded, &[adam(false)], &[0, 0]).is_err());
    assert_eq!(state, before);
    // amsgrad keeps max_exp_avg_sq, which the saved state lacks.
    let loaded = state.tensors.clone().into_iter().map(Some).collect();
    let err = state.load(loaded, &[adam(true)], &[0, 0]).unwrap_err();
    assert!(err.to_string().contains("max_exp_avg_sq"), "{err}");
    assert_eq!(state, before);
}
