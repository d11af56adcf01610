//! The state an optimizer keeps, in Rust-owned buffers, and its checked replacement.
//!
//! State arrays live here, not in numpy: a step then borrows only the parameters and gradients
//! from Python, and no state array can alias a user array, so the only overlap to rule out is
//! between the caller's arrays (the bindings do, before slices exist). A tensor's buffers share
//! its dtype by construction ([`Buffers`] is one vector per dtype), so pairing them with the
//! tensor's parameter is a check on the parameter alone.

use super::{find, OptimizerEntry};
use crate::array::shape_str;
use crate::error::{Error, Result};

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

/// A tensor's state arrays by torch's name, all in the parameter's dtype.
#[derive(Debug, Clone, PartialEq)]
pub enum Buffers {
    /// float32 arrays.
    F32(Vec<(&'static str, Vec<f32>)>),
    /// float64 arrays.
    F64(Vec<(&'static str, Vec<f64>)>),
}

impl Buffers {
    /// No arrays yet, of `dtype`.
    pub fn empty(dtype: Dtype) -> Self {
        match dtype {
            Dtype::F32 => Self::F32(Vec::new()),
            Dtype::F64 => Self::F64(Vec::new()),
        }
    }

    /// Their dtype.
    pub fn dtype(&self) -> Dtype {
        match self {
            Self::F32(_) => Dtype::F32,
            Self::F64(_) => Dtype::F64,
        }
    }

    /// Their names, in creation order.
    pub fn names(&self) -> Vec<&'static str> {
        match self {
            Self::F32(b) => b.iter().map(|(n, _)| *n).collect(),
            Self::F64(b) => b.iter().map(|(n, _)| *n).collect(),
        }
    }

    /// The length of each array, by name.
    fn lengths(&self) -> Vec<(&'static str, usize)> {
        match self {
            Self::F32(b) => b.iter().map(|(n, v)| (*n, v.len())).collect(),
            Self::F64(b) => b.iter().map(|(n, v)| (*n, v.len())).collect(),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Self::F32(b) => b.is_empty(),
            Self::F64(b) => b.is_empty(),
        }
    }
}

/// What the driver keeps for one parameter tensor.
#[derive(Debug, Clone, PartialEq)]
pub struct TensorState {
    /// The parameter's shape, fixed when it was added.
    pub shape: Vec<usize>,
    /// Steps taken (torch's `step`).
    pub step: u64,
    /// The optimizer's per-tensor scalars (its `CARRIED`, in order).
    pub carried: Vec<f64>,
    /// State arrays created so far; their dtype is the parameter's.
    pub buffers: Buffers,
}

impl TensorState {
    /// The parameter's dtype, fixed when it was added.
    pub fn dtype(&self) -> Dtype {
        self.buffers.dtype()
    }

    /// Its element count.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Whether it has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether a step has touched it (torch's state holds only such parameters).
    pub fn started(&self) -> bool {
        self.step > 0 || !self.buffers.is_empty()
    }
}

/// An optimizer's state over all its parameter tensors.
#[derive(Debug, Clone)]
pub struct State {
    /// The optimizer.
    pub optimizer: &'static OptimizerEntry,
    /// One entry per parameter, in the order they were added.
    pub tensors: Vec<TensorState>,
}

impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        self.optimizer.name == other.optimizer.name && self.tensors == other.tensors
    }
}

impl State {
    /// Empty state for the optimizer called `name`.
    pub fn new(name: &str) -> Result<Self> {
        Ok(Self {
            optimizer: find(name)?,
            tensors: Vec::new(),
        })
    }

    /// Adds a parameter tensor (its state starts empty, as torch's).
    pub fn add(&mut self, dtype: Dtype, shape: &[usize]) {
        self.tensors.push(TensorState {
            shape: shape.to_vec(),
            step: 0,
            carried: vec![0.0; self.optimizer.facts.carried.len()],
            buffers: Buffers::empty(dtype),
        });
    }

    /// Checks every group's option values (in the spec's order): domains and relations, as
    /// the constructor checks them.
    pub fn check_groups(&self, groups: &[Vec<f64>]) -> Result<()> {
        groups
            .iter()
            .try_for_each(|values| (self.optimizer.run.check)(values))
    }

    /// Replaces every tensor's state with `loaded` (one entry per tensor, `None` for a tensor
    /// without state), after checking all of it: the names its options keep, dtypes, lengths.
    pub fn load(
        &mut self,
        loaded: Vec<Option<TensorState>>,
        groups: &[Vec<f64>],
        members: &[usize],
    ) -> Result<()> {
        let n = self.tensors.len();
        if loaded.len() != n || members.len() != n {
            return Err(Error::Value(format!(
                "the state holds {} parameters but the optimizer has {n}",
                loaded.len(),
            )));
        }
        self.check_groups(groups)?;
        for (i, (now, new)) in self.tensors.iter().zip(&loaded).enumerate() {
            if let Some(new) = new {
                self.check_entry(i, now, new, groups.get(members[i]))?;
            }
        }
        for (now, new) in self.tensors.iter_mut().zip(loaded) {
            *now = new.unwrap_or_else(|| TensorState {
                shape: now.shape.clone(),
                step: 0,
                carried: vec![0.0; now.carried.len()],
                buffers: Buffers::empty(now.dtype()),
            });
        }
        Ok(())
    }

    fn check_entry(
        &self,
        i: usize,
        now: &TensorState,
        new: &TensorState,
        group: Option<&Vec<f64>>,
    ) -> Result<()> {
        let facts = &self.optimizer.facts;
        if new.carried.len() != facts.carried.len() {
            return Err(Error::Value(format!(
                "state[{i}] needs {:?}",
                facts.carried
            )));
        }
        if new.shape != now.shape {
            return Err(Error::Shape(format!(
                "state[{i}] is for shape {} but its parameter has shape {}",
                shape_str(&new.shape),
                shape_str(&now.shape)
            )));
        }
        // A state array the configuration keeps but the entry lacks would restart from its
        // initial value under a step count that says otherwise (torch fails at the step).
        let group = group
            .ok_or_else(|| Error::Value(format!("state[{i}] belongs to no parameter group")))?;
        let variant = (self.optimizer.run.configure)(group);
        if new.dtype() != now.dtype() {
            return Err(Error::Dtype(format!(
                "state[{i}] holds {} arrays but its parameter is {}",
                new.dtype().name(),
                now.dtype().name()
            )));
        }
        let names = new.buffers.names();
        if let Some(missing) = variant.state.iter().find(|name| !names.contains(name)) {
            return Err(Error::Value(format!(
                "state[{i}] lacks '{missing}', which {} keeps with these options \
                 (it keeps {:?})",
                self.optimizer.name, variant.state
            )));
        }
        for (name, len) in new.buffers.lengths() {
            if !facts.state.contains(&name) {
                return Err(Error::Value(format!(
                    "state[{i}] has {name:?}, which {} does not keep (it keeps {:?})",
                    self.optimizer.name, facts.state
                )));
            }
            if len != now.len() {
                return Err(Error::Shape(format!(
                    "state[{i}][{name:?}] has {len} elements but its parameter has shape {}",
                    shape_str(&now.shape)
                )));
            }
        }
        Ok(())
    }

    /// The `'static` name the optimizer keeps a state array under, if it keeps one so named.
    pub fn state_name(&self, name: &str) -> Option<&'static str> {
        self.optimizer
            .facts
            .state
            .iter()
            .copied()
            .find(|n| *n == name)
    }
}
