//! The optimizer driver: the state it owns, one validated step over many tensors, chunks,
//! threads and SIMD dispatch.
//!
//! State arrays live here, in Rust-owned buffers, not in numpy: a step then borrows only the
//! parameters and gradients from Python, and no state array can alias a user array, so the
//! only overlap to rule out is between the caller's arrays (the bindings do, before slices
//! exist). A step checks every tensor and every group's hyperparameters before it writes
//! anything, so a failing call leaves parameters and state bitwise untouched.
//!
//! The validated step is run by [`super::passes`]. A rule that
//! needs per-tensor sums before it moves anything (LAMB's norms) gets a first pass over the same
//! chunks, whose partial sums combine in chunk order: bitwise the same for any thread count.

use super::{RuleSpec, Variant, MAX_STATE};
use crate::array::shape_str;
use crate::error::{Error, Result};
use crate::param;

/// A state array, in its parameter's dtype.
#[derive(Debug, Clone, PartialEq)]
pub enum Buffer {
    /// float32 elements.
    F32(Vec<f32>),
    /// float64 elements.
    F64(Vec<f64>),
}

impl Buffer {
    fn filled(dtype: Dtype, len: usize, value: f64) -> Self {
        match dtype {
            Dtype::F32 => Self::F32(vec![value as f32; len]),
            Dtype::F64 => Self::F64(vec![value; len]),
        }
    }

    fn dtype(&self) -> Dtype {
        match self {
            Self::F32(_) => Dtype::F32,
            Self::F64(_) => Dtype::F64,
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::F32(v) => v.len(),
            Self::F64(v) => v.len(),
        }
    }
}

/// A parameter's dtype.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dtype {
    /// float32.
    F32,
    /// float64.
    F64,
}

impl Dtype {
    /// numpy's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::F32 => "float32",
            Self::F64 => "float64",
        }
    }
}

/// What the driver keeps for one parameter tensor.
#[derive(Debug, Clone, PartialEq)]
pub struct TensorState {
    /// The parameter's dtype, fixed when it was added.
    pub dtype: Dtype,
    /// The parameter's shape, fixed when it was added.
    pub shape: Vec<usize>,
    /// Steps taken (torch's `step`).
    pub step: u64,
    /// The rule's per-tensor scalars (`RuleSpec::carried`, in order).
    pub carried: Vec<f64>,
    /// State arrays created so far, by torch's name.
    pub buffers: Vec<(&'static str, Buffer)>,
}

impl TensorState {
    fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Whether a step has touched it (torch's state holds only such parameters).
    pub fn started(&self) -> bool {
        self.step > 0 || !self.buffers.is_empty()
    }
}

/// A parameter and its gradient for one step, as the bindings lend them.
#[derive(Debug)]
pub struct Slot<'a> {
    /// The parameter, written in place.
    pub param: ParamData<'a>,
    /// Its gradient.
    pub grad: GradData<'a>,
    /// The parameter's shape.
    pub param_shape: &'a [usize],
    /// The gradient's shape.
    pub grad_shape: &'a [usize],
}

/// A parameter's elements, in C order.
#[derive(Debug)]
pub enum ParamData<'a> {
    /// float32.
    F32(&'a mut [f32]),
    /// float64.
    F64(&'a mut [f64]),
}

/// A gradient's elements, in C order.
#[derive(Debug)]
pub enum GradData<'a> {
    /// float32.
    F32(&'a [f32]),
    /// float64.
    F64(&'a [f64]),
}

/// An optimizer's state over all its parameter tensors.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The rule.
    pub rule: &'static RuleSpec,
    /// One entry per parameter, in the order they were added.
    pub tensors: Vec<TensorState>,
}

impl std::fmt::Debug for RuleSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl PartialEq for RuleSpec {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl State {
    /// Empty state for the optimizer called `rule`.
    pub fn new(rule: &str) -> Result<Self> {
        Ok(Self {
            rule: super::find(rule)?,
            tensors: Vec::new(),
        })
    }

    /// Adds a parameter tensor (its state starts empty, as torch's).
    pub fn add(&mut self, dtype: Dtype, shape: &[usize]) {
        self.tensors.push(TensorState {
            dtype,
            shape: shape.to_vec(),
            step: 0,
            carried: vec![0.0; self.rule.carried.len()],
            buffers: Vec::new(),
        });
    }

    /// Checks `hyper` (one vector per group, in the spec's order).
    pub fn check_hyper(&self, hyper: &[Vec<f64>]) -> Result<()> {
        hyper
            .iter()
            .try_for_each(|h| param::check(self.rule.name, self.rule.params, h))
    }

    /// One step: every tensor `i` is updated from `slots[i]` under the hyperparameters of its
    /// group, `hyper[groups[i]]`. Everything is checked before anything is written.
    pub fn step(
        &mut self,
        hyper: &[Vec<f64>],
        groups: &[usize],
        slots: Vec<Slot<'_>>,
    ) -> Result<()> {
        self.check_step(hyper, groups, &slots)?;
        let mut jobs = Vec::with_capacity(slots.len());
        let mut total = 0;
        for ((tensor, slot), &group) in self.tensors.iter_mut().zip(slots).zip(groups) {
            let h = hyper[group].as_slice();
            let variant = (self.rule.configure)(h);
            let fresh = ensure_buffers(tensor, variant, h);
            tensor.step += 1;
            total += tensor.len();
            jobs.push(TensorJob::new(tensor, variant, h, fresh, slot)?);
        }
        // All tensors share one rule but not one configuration (groups may differ in flags),
        // so the run is per configuration; tensors of one configuration share the task list.
        let mut by_variant: Vec<(Variant, Vec<TensorJob<'_>>)> = Vec::new();
        for (variant, job) in jobs {
            match by_variant
                .iter_mut()
                .find(|(v, _)| v.state == variant.state)
            {
                Some((_, list)) => list.push(job),
                None => by_variant.push((variant, vec![job])),
            }
        }
        for (variant, tensors) in by_variant {
            (variant.run)(Job { tensors, total });
        }
        Ok(())
    }

    fn check_step(&self, hyper: &[Vec<f64>], groups: &[usize], slots: &[Slot<'_>]) -> Result<()> {
        self.check_hyper(hyper)?;
        let n = self.tensors.len();
        if slots.len() != n || groups.len() != n {
            return Err(Error::Value(format!(
                "the optimizer has {n} parameters but got {} gradients",
                slots.len()
            )));
        }
        for (i, ((tensor, slot), &group)) in self.tensors.iter().zip(slots).zip(groups).enumerate()
        {
            if group >= hyper.len() {
                return Err(Error::Value(format!(
                    "parameter {i} is in group {group}, but there are {} groups",
                    hyper.len()
                )));
            }
            let (param, grad) = match (&slot.param, &slot.grad) {
                (ParamData::F32(_), GradData::F32(_)) => (Dtype::F32, Dtype::F32),
                (ParamData::F64(_), GradData::F64(_)) => (Dtype::F64, Dtype::F64),
                (ParamData::F32(_), GradData::F64(_)) => (Dtype::F32, Dtype::F64),
                (ParamData::F64(_), GradData::F32(_)) => (Dtype::F64, Dtype::F32),
            };
            if param != tensor.dtype {
                return Err(Error::Dtype(format!(
                    "params[{i}] has dtype {} but was {} when the optimizer took it",
                    param.name(),
                    tensor.dtype.name()
                )));
            }
            if grad != param {
                return Err(Error::Dtype(format!(
                    "grads[{i}] has dtype {} but its parameter is {}",
                    grad.name(),
                    param.name()
                )));
            }
            if slot.param_shape != tensor.shape {
                return Err(Error::Shape(format!(
                    "params[{i}] has shape {} but had shape {} when the optimizer took it",
                    shape_str(slot.param_shape),
                    shape_str(&tensor.shape)
                )));
            }
            if slot.grad_shape != slot.param_shape {
                return Err(Error::Shape(format!(
                    "grads[{i}] has shape {} but its parameter has shape {}",
                    shape_str(slot.grad_shape),
                    shape_str(slot.param_shape)
                )));
            }
        }
        Ok(())
    }

    /// Replaces every tensor's state with `loaded` (one entry per tensor, `None` for a tensor
    /// without state), after checking all of it: names the rule keeps, dtypes, lengths.
    pub fn load(
        &mut self,
        loaded: Vec<Option<TensorState>>,
        hyper: &[Vec<f64>],
        groups: &[usize],
    ) -> Result<()> {
        if loaded.len() != self.tensors.len() || groups.len() != self.tensors.len() {
            return Err(Error::Value(format!(
                "the state holds {} parameters but the optimizer has {}",
                loaded.len(),
                self.tensors.len()
            )));
        }
        self.check_hyper(hyper)?;
        for (i, (now, new)) in self.tensors.iter().zip(&loaded).enumerate() {
            let Some(new) = new else { continue };
            if new.carried.len() != self.rule.carried.len() {
                return Err(Error::Value(format!(
                    "state[{i}] needs {:?}",
                    self.rule.carried
                )));
            }
            // A state array the configuration keeps but the entry lacks would restart from its
            // initial value under a step count that says otherwise (torch fails at the step).
            let h = hyper
                .get(groups[i])
                .ok_or_else(|| Error::Value(format!("state[{i}] belongs to no parameter group")))?;
            let variant = (self.rule.configure)(h);
            if let Some(missing) = variant
                .state
                .iter()
                .find(|name| !new.buffers.iter().any(|(n, _)| n == *name))
            {
                return Err(Error::Value(format!(
                    "state[{i}] lacks '{missing}', which {} keeps with these options \
                     (it keeps {:?})",
                    self.rule.name, variant.state
                )));
            }
            for (name, buffer) in &new.buffers {
                if !self.rule.state.contains(name) {
                    return Err(Error::Value(format!(
                        "state[{i}] has {name:?}, which {} does not keep (it keeps {:?})",
                        self.rule.name, self.rule.state
                    )));
                }
                if buffer.dtype() != now.dtype {
                    return Err(Error::Dtype(format!(
                        "state[{i}][{name:?}] has dtype {} but its parameter is {}",
                        buffer.dtype().name(),
                        now.dtype.name()
                    )));
                }
                if buffer.len() != now.len() {
                    return Err(Error::Shape(format!(
                        "state[{i}][{name:?}] has {} elements but its parameter has shape {}",
                        buffer.len(),
                        shape_str(&now.shape)
                    )));
                }
            }
        }
        for (now, new) in self.tensors.iter_mut().zip(loaded) {
            match new {
                Some(new) => {
                    now.step = new.step;
                    now.carried = new.carried;
                    now.buffers = new.buffers;
                }
                None => {
                    now.step = 0;
                    now.carried.iter_mut().for_each(|c| *c = 0.0);
                    now.buffers.clear();
                }
            }
        }
        Ok(())
    }

    /// The state name a loaded buffer is stored under (the registry's `'static` copy).
    pub fn state_name(&self, name: &str) -> Option<&'static str> {
        self.rule.state.iter().copied().find(|n| *n == name)
    }
}

/// Creates the state arrays the configuration needs and the tensor lacks; true if any was.
fn ensure_buffers(tensor: &mut TensorState, variant: Variant, h: &[f64]) -> bool {
    let mut fresh = false;
    for (i, name) in variant.state.iter().enumerate() {
        if !tensor.buffers.iter().any(|(n, _)| n == name) {
            let value = (variant.initial)(h, i);
            let len = tensor.len();
            tensor
                .buffers
                .push((name, Buffer::filled(tensor.dtype, len, value)));
            fresh = true;
        }
    }
    fresh
}

/// A validated step of one tensor, handed to a rule's run.
#[derive(Debug)]
pub struct TensorJob<'a> {
    pub(super) h: &'a [f64],
    pub(super) step: u64,
    pub(super) fresh: bool,
    pub(super) carried: &'a mut [f64],
    pub(super) data: Data<'a>,
}

#[derive(Debug)]
pub(super) enum Data<'a> {
    F32(Arrays<'a, f32>),
    F64(Arrays<'a, f64>),
}

/// The arrays of one tensor, or of one chunk of it.
#[derive(Debug)]
pub(super) struct Arrays<'a, F> {
    pub(super) p: &'a mut [F],
    pub(super) g: &'a [F],
    pub(super) s: [&'a mut [F]; MAX_STATE],
}

impl<'a> TensorJob<'a> {
    fn new(
        tensor: &'a mut TensorState,
        variant: Variant,
        h: &'a [f64],
        fresh: bool,
        slot: Slot<'a>,
    ) -> Result<(Variant, Self)> {
        let mismatch = || Error::Dtype("a state array's dtype differs from its parameter's".into());
        let data = match (slot.param, slot.grad) {
            (ParamData::F32(p), GradData::F32(g)) => {
                let mut s: [&mut [f32]; MAX_STATE] = Default::default();
                for (name, buffer) in &mut tensor.buffers {
                    if let Some(i) = variant.state.iter().position(|n| n == name) {
                        let Buffer::F32(b) = buffer else {
                            return Err(mismatch());
                        };
                        s[i] = b;
                    }
                }
                Data::F32(Arrays { p, g, s })
            }
            (ParamData::F64(p), GradData::F64(g)) => {
                let mut s: [&mut [f64]; MAX_STATE] = Default::default();
                for (name, buffer) in &mut tensor.buffers {
                    if let Some(i) = variant.state.iter().position(|n| n == name) {
                        let Buffer::F64(b) = buffer else {
                            return Err(mismatch());
                        };
                        s[i] = b;
                    }
                }
                Data::F64(Arrays { p, g, s })
            }
            _ => return Err(mismatch()),
        };
        Ok((
            variant,
            Self {
                h,
                step: tensor.step,
                fresh,
                carried: &mut tensor.carried,
                data,
            },
        ))
    }
}

/// The validated tensors of one configuration, and the element count of the whole step (which
/// decides whether the pool is worth waking).
#[derive(Debug)]
pub struct Job<'a> {
    pub(super) tensors: Vec<TensorJob<'a>>,
    pub(super) total: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::passes::STEP_CHUNK;

    fn adam_hyper(amsgrad: f64) -> Vec<f64> {
        vec![1e-2, 0.9, 0.999, 1e-8, 0.0, amsgrad, 0.0, 0.0]
    }

    #[test]
    fn a_bad_last_tensor_writes_nothing() {
        let mut state = State::new("adam").unwrap();
        state.add(Dtype::F64, &[3]);
        state.add(Dtype::F64, &[2]);
        let (mut p0, mut p1) = (vec![1.0; 3], vec![1.0; 2]);
        let g = vec![0.5; 3];
        let slots = vec![
            Slot {
                param: ParamData::F64(&mut p0),
                grad: GradData::F64(&g),
                param_shape: &[3],
                grad_shape: &[3],
            },
            Slot {
                param: ParamData::F64(&mut p1),
                grad: GradData::F64(&g),
                param_shape: &[2],
                grad_shape: &[3],
            },
        ];
        let before = state.clone();
        assert!(state.step(&[adam_hyper(0.0)], &[0, 0], slots).is_err());
        assert_eq!(state, before);
        assert_eq!(p0, vec![1.0; 3]);
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
                state.step(&[adam_hyper(1.0)], &[0], vec![slot]).unwrap();
            }
            p
        };
        let long = run(n);
        assert_eq!(&long[..7], &run(7)[..]);
        assert!(long.iter().all(|v| *v < 0.5));
    }

    #[test]
    fn a_rule_with_sums_sees_the_whole_tensor_before_it_moves() {
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
        let slot = Slot {
            param: ParamData::F64(&mut p),
            grad: GradData::F64(&g),
            param_shape: &[n],
            grad_shape: &[n],
        };
        let hyper = vec![0.1, 0.9, 0.999, 0.0, 0.0, 0.0];
        state.step(&[hyper], &[0], vec![slot]).unwrap();
        for (got, want) in p.iter().zip(&want) {
            assert!((got - want).abs() <= 1e-12 * want.abs(), "{got} vs {want}");
        }
    }
}
