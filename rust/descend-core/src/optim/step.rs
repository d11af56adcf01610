//! One step over many tensors: validate everything, then write.
//!
//! The validation pass checks every group's options and pairs every lent parameter and
//! gradient with its tensor's state, checking shapes and dtypes; it writes nothing. Only then
//! does the write pass create missing state arrays, count the step and run the rules, and
//! nothing in it can fail. A failing call therefore leaves parameters, state arrays and step
//! counts bitwise as they were.

use super::passes::{Arrays, Data, Job, TensorJob};
use super::state::{Buffers, Dtype, State, TensorState};
use super::{Variant, MAX_STATE};
use crate::array::shape_str;
use crate::error::{Error, Result};
use crate::float::Float;

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

/// A tensor whose step has been checked: its arrays paired with its state, typed alike.
struct Checked<'a> {
    values: &'a [f64],
    len: usize,
    step: &'a mut u64,
    carried: &'a mut [f64],
    data: Pair<'a>,
}

/// A parameter, its gradient and its state arrays, of one dtype.
enum Pair<'a> {
    F32(Lent<'a, f32>),
    F64(Lent<'a, f64>),
}

struct Lent<'a, F> {
    p: &'a mut [F],
    g: &'a [F],
    buffers: &'a mut Vec<(&'static str, Vec<F>)>,
}

impl State {
    /// One step: every tensor `i` is updated from `slots[i]` under the option values of its
    /// group, `groups[members[i]]` (in the spec's order). Everything is checked before
    /// anything is written.
    pub fn step(
        &mut self,
        groups: &[Vec<f64>],
        members: &[usize],
        slots: Vec<Slot<'_>>,
    ) -> Result<()> {
        self.check_groups(groups)?;
        let n = self.tensors.len();
        if slots.len() != n || members.len() != n {
            return Err(Error::Value(format!(
                "the optimizer has {n} parameters but got {} gradients",
                slots.len()
            )));
        }
        // One configuration per group, not per tensor: each costs a parse of the options.
        let variants: Vec<Variant> = groups
            .iter()
            .map(|g| (self.optimizer.run.configure)(g))
            .collect();
        let mut checked = Vec::with_capacity(n);
        let tensors = self.tensors.iter_mut().zip(slots).zip(members);
        for (i, ((tensor, slot), &member)) in tensors.enumerate() {
            let values = groups.get(member).ok_or_else(|| {
                Error::Value(format!(
                    "parameter {i} is in group {member}, but there are {} groups",
                    groups.len()
                ))
            })?;
            checked.push((variants[member], check(i, tensor, slot, values)?));
        }
        // Nothing below can fail.
        let total = checked.iter().map(|(_, c)| c.len).sum();
        // Groups may differ in flags, so tensors may differ in configuration: one run per
        // configuration, whose tensors share one task list.
        let mut by_variant: Vec<(Variant, Vec<TensorJob<'_>>)> = Vec::new();
        for (variant, c) in checked {
            let job = c.write(variant);
            match by_variant
                .iter_mut()
                .find(|(v, _)| v.state == variant.state)
            {
                Some((_, jobs)) => jobs.push(job),
                None => {
                    // Room for every tensor: growing one at a time cost a small step a tenth.
                    let mut jobs = Vec::with_capacity(n);
                    jobs.push(job);
                    by_variant.push((variant, jobs));
                }
            }
        }
        for (variant, tensors) in by_variant {
            (variant.run)(Job { tensors, total });
        }
        Ok(())
    }
}

/// Checks tensor `i`'s slot against its state and pairs them; writes nothing.
fn check<'a>(
    i: usize,
    tensor: &'a mut TensorState,
    slot: Slot<'a>,
    values: &'a [f64],
) -> Result<Checked<'a>> {
    let len = tensor.len();
    let kept = tensor.dtype();
    let TensorState {
        shape,
        step,
        carried,
        buffers,
    } = tensor;
    let grad_error = |grad: Dtype| {
        Error::Dtype(format!(
            "grads[{i}] has dtype {} but its parameter is {}",
            grad.name(),
            kept.name()
        ))
    };
    let data = match (slot.param, buffers, slot.grad) {
        (ParamData::F32(p), Buffers::F32(buffers), GradData::F32(g)) => {
            Pair::F32(Lent { p, g, buffers })
        }
        (ParamData::F64(p), Buffers::F64(buffers), GradData::F64(g)) => {
            Pair::F64(Lent { p, g, buffers })
        }
        (ParamData::F32(_), Buffers::F32(_), GradData::F64(_)) => {
            return Err(grad_error(Dtype::F64))
        }
        (ParamData::F64(_), Buffers::F64(_), GradData::F32(_)) => {
            return Err(grad_error(Dtype::F32))
        }
        (param, ..) => {
            let given = match param {
                ParamData::F32(_) => Dtype::F32,
                ParamData::F64(_) => Dtype::F64,
            };
            return Err(Error::Dtype(format!(
                "params[{i}] has dtype {} but was {} when the optimizer took it",
                given.name(),
                kept.name()
            )));
        }
    };
    if slot.param_shape != shape.as_slice() {
        return Err(Error::Shape(format!(
            "params[{i}] has shape {} but had shape {} when the optimizer took it",
            shape_str(slot.param_shape),
            shape_str(shape)
        )));
    }
    if slot.grad_shape != slot.param_shape {
        return Err(Error::Shape(format!(
            "grads[{i}] has shape {} but its parameter has shape {}",
            shape_str(slot.grad_shape),
            shape_str(slot.param_shape)
        )));
    }
    Ok(Checked {
        values,
        len,
        step,
        carried,
        data,
    })
}

impl<'a> Checked<'a> {
    /// Creates the state arrays the configuration needs and the tensor lacks, counts the step,
    /// and lends the arrays to the rule.
    fn write(self, variant: Variant) -> TensorJob<'a> {
        let (fresh, data) = match self.data {
            Pair::F32(lent) => {
                let (fresh, arrays) = lent.arrays(variant, self.values, self.len);
                (fresh, Data::F32(arrays))
            }
            Pair::F64(lent) => {
                let (fresh, arrays) = lent.arrays(variant, self.values, self.len);
                (fresh, Data::F64(arrays))
            }
        };
        *self.step += 1;
        TensorJob {
            values: self.values,
            step: *self.step,
            fresh,
            carried: self.carried,
            data,
        }
    }
}

impl<'a, F: Float> Lent<'a, F> {
    /// The arrays in the configuration's state order, creating those it lacks (`true` if any).
    fn arrays(self, variant: Variant, values: &[f64], len: usize) -> (bool, Arrays<'a, F>) {
        let mut fresh = false;
        for (i, name) in variant.state.iter().enumerate() {
            if !self.buffers.iter().any(|(n, _)| same_name(n, name)) {
                let initial = F::from_f64((variant.initial)(values, i));
                self.buffers.push((name, vec![initial; len]));
                fresh = true;
            }
        }
        let mut s: [&mut [F]; MAX_STATE] = Default::default();
        for (name, buffer) in self.buffers.iter_mut() {
            if let Some(i) = variant.state.iter().position(|n| same_name(n, name)) {
                s[i] = buffer;
            }
        }
        (
            fresh,
            Arrays {
                p: self.p,
                g: self.g,
                s,
            },
        )
    }
}

/// Whether two state names are equal: the same `'static` string as a rule created it, by
/// address before content (comparing the content cost a small step a twentieth).
fn same_name(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b) || a == b
}
