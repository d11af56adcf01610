//! The one binding of every optimizer: a state object that owns the core's state arrays and
//! steps any rule by name.

use descend_core::optim::{Buffers, Dtype, GradData, ParamData, Slot, State, TensorState};
use numpy::{PyArray1, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::{PyIndexError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PySequence, PyString};

use crate::arrays::{check_disjoint, float_type, in_place, FloatType, Input, Named, Target};
use crate::door::{enter, to_py_err};

/// The state of one optimizer over its parameter tensors (see `descend.optim`).
#[pyclass(module = "descend._core")]
#[derive(Debug)]
pub struct OptimizerState {
    state: State,
    /// Where each hyperparameter sits in a group dict: its key, and for names like `betas[0]`
    /// the index into the value and the value's length (2 for a pair); interned once, so a
    /// step reads groups without formatting.
    fields: Vec<(Py<PyString>, Option<Entry>)>,
}

/// A parameter lent for one step.
enum Param<'py> {
    F32(Target<'py, f32>),
    F64(Target<'py, f64>),
}

/// A gradient lent for one step (copied to C order if it is not already).
enum Grad<'py> {
    F32(Input<'py, f32>),
    F64(Input<'py, f64>),
}

fn dtype_of(obj: &Bound<'_, PyAny>, what: &dyn std::fmt::Display) -> PyResult<Dtype> {
    match float_type(obj) {
        Some(FloatType::F32) => Ok(Dtype::F32),
        Some(FloatType::F64) => Ok(Dtype::F64),
        None => Err(PyTypeError::new_err(format!(
            "{what} must be a float32 or float64 ndarray"
        ))),
    }
}

#[pymethods]
impl OptimizerState {
    /// Empty state for the rule called `rule`.
    #[new]
    fn new(py: Python<'_>, rule: &str) -> PyResult<Self> {
        let state = State::new(rule).map_err(to_py_err)?;
        let names = state.optimizer.params.iter().map(|p| p.name);
        let key_of = |name: &'static str| name.split_once('[').map_or(name, |(key, _)| key);
        let fields = names
            .clone()
            .map(|name| match name.split_once('[') {
                Some((key, index)) => (
                    PyString::intern(py, key).unbind(),
                    index.trim_end_matches(']').parse().ok().map(|index| Entry {
                        index,
                        len: names.clone().filter(|&n| key_of(n) == key).count(),
                    }),
                ),
                None => (PyString::intern(py, name).unbind(), None),
            })
            .collect();
        Ok(Self { state, fields })
    }

    /// Takes a parameter tensor (its dtype and shape are fixed from now on).
    fn add(&mut self, param: &Bound<'_, PyAny>) -> PyResult<()> {
        let what = Named("params", self.state.tensors.len());
        let dtype = dtype_of(param, &what)?;
        let shape = param.cast::<PyUntypedArray>()?.shape().to_vec();
        match dtype {
            Dtype::F32 => in_place::<f32>(param, &what).map(drop),
            Dtype::F64 => in_place::<f64>(param, &what).map(drop),
        }?;
        self.state.add(dtype, &shape);
        Ok(())
    }

    fn __len__(&self) -> usize {
        self.state.tensors.len()
    }

    /// Checks the hyperparameters of parameter groups (dicts, torch's keys) without stepping.
    fn check(&self, groups: Vec<Bound<'_, PyDict>>) -> PyResult<()> {
        let hyper = self.read_groups(&groups)?;
        self.state.check_groups(&hyper).map_err(to_py_err)
    }

    /// One step of every parameter, in place; tensor `i` uses the hyperparameters of
    /// `groups[members[i]]`.
    fn step(
        &mut self,
        py: Python<'_>,
        params: Vec<Bound<'_, PyAny>>,
        grads: Vec<Bound<'_, PyAny>>,
        members: Vec<usize>,
        groups: Vec<Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let hyper = self.read_groups(&groups)?;
        if params.len() != grads.len() {
            return Err(PyValueError::new_err(format!(
                "got {} gradients for {} parameters",
                grads.len(),
                params.len()
            )));
        }
        let mut lent = Vec::with_capacity(params.len());
        let mut extents = Vec::with_capacity(2 * params.len());
        for (i, (param, grad)) in params.iter().zip(&grads).enumerate() {
            let name = Named("params", i);
            let (p, g) = match (dtype_of(param, &name)?, float_type(grad)) {
                (Dtype::F32, Some(FloatType::F32)) => (
                    Param::F32(in_place(param, &name)?),
                    Grad::F32(Input::new(grad)),
                ),
                (Dtype::F64, Some(FloatType::F64)) => (
                    Param::F64(in_place(param, &name)?),
                    Grad::F64(Input::new(grad)),
                ),
                (dtype, _) => {
                    return Err(PyTypeError::new_err(format!(
                        "grads[{i}] must be a {} ndarray, as its parameter",
                        dtype.name()
                    )))
                }
            };
            let (p_extent, g_extent) = match (&p, &g) {
                (Param::F32(p), Grad::F32(g)) => (p.extent(), g.extent()),
                (Param::F64(p), Grad::F64(g)) => (p.extent(), g.extent()),
                _ => unreachable!("paired by dtype above"),
            };
            extents.push((p_extent, true, name));
            extents.push((g_extent, false, Named("grads", i)));
            lent.push((p, g));
        }
        check_disjoint(extents)?;
        let total: usize = self
            .state
            .tensors
            .iter()
            .map(|t| t.shape.iter().product::<usize>())
            .sum();
        let slots: Vec<Slot<'_>> = lent
            .iter_mut()
            .map(|(p, g)| match (p, g) {
                (Param::F32(p), Grad::F32(g)) => slot(p, g, ParamData::F32, GradData::F32),
                (Param::F64(p), Grad::F64(g)) => slot(p, g, ParamData::F64, GradData::F64),
                _ => unreachable!("paired by dtype above"),
            })
            .collect();
        let state = &mut self.state;
        enter(py, total, || state.step(&hyper, &members, slots))
    }

    /// Tensor `i`'s state as (step, carried scalars, [(name, array)]), copies; None before its
    /// first step.
    #[allow(clippy::type_complexity)]
    fn export<'py>(
        &self,
        py: Python<'py>,
        i: usize,
    ) -> PyResult<Option<(u64, Vec<f64>, Vec<(&'static str, Bound<'py, PyAny>)>)>> {
        let tensor = self
            .state
            .tensors
            .get(i)
            .ok_or_else(|| PyIndexError::new_err(format!("no parameter {i}")))?;
        if !tensor.started() {
            return Ok(None);
        }
        let shape = tensor.shape.clone();
        let arrays = match &tensor.buffers {
            Buffers::F32(b) => export(py, b, &shape)?,
            Buffers::F64(b) => export(py, b, &shape)?,
        };
        Ok(Some((tensor.step, tensor.carried.clone(), arrays)))
    }

    /// Replaces all state: one entry per parameter, None for one without state; tensor `i`
    /// takes the hyperparameters of `groups[members[i]]`. Everything is checked (names,
    /// dtypes, shapes, every state array its options keep) before anything is taken.
    #[allow(clippy::type_complexity)]
    fn load(
        &mut self,
        entries: Vec<Option<(u64, Vec<f64>, Vec<(String, Bound<'_, PyAny>)>)>>,
        members: Vec<usize>,
        groups: Vec<Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let hyper = self.read_groups(&groups)?;
        let mut loaded = Vec::with_capacity(entries.len());
        for (i, entry) in entries.into_iter().enumerate() {
            let Some((step, carried, arrays)) = entry else {
                loaded.push(None);
                continue;
            };
            let Some(now) = self.state.tensors.get(i) else {
                break; // the core reports the count
            };
            let mut buffers = Buffers::empty(now.dtype());
            for (name, array) in arrays {
                let what = format!("state[{i}][{name:?}]");
                let Some(key) = self.state.state_name(&name) else {
                    return Err(PyValueError::new_err(format!(
                        "{what}: {} keeps no such state (it keeps {:?})",
                        self.state.optimizer.name, self.state.optimizer.facts.state
                    )));
                };
                let shape = array.cast::<PyUntypedArray>().map(|a| a.shape().to_vec());
                if shape.as_ref().is_ok_and(|s| *s != now.shape) {
                    return Err(PyValueError::new_err(format!(
                        "{what} has shape {:?} but its parameter has shape {:?}",
                        shape.unwrap_or_default(),
                        now.shape
                    )));
                }
                let dtype = dtype_of(&array, &what)?;
                match &mut buffers {
                    Buffers::F32(b) if dtype == Dtype::F32 => {
                        b.push((key, Input::<f32>::new(&array).operand().data.to_vec()));
                    }
                    Buffers::F64(b) if dtype == Dtype::F64 => {
                        b.push((key, Input::<f64>::new(&array).operand().data.to_vec()));
                    }
                    _ => {
                        return Err(PyTypeError::new_err(format!(
                            "{what} has dtype {} but its parameter is {}",
                            dtype.name(),
                            now.dtype().name()
                        )));
                    }
                }
            }
            loaded.push(Some(TensorState {
                shape: now.shape.clone(),
                step,
                carried,
                buffers,
            }));
        }
        self.state.load(loaded, &hyper, &members).map_err(to_py_err)
    }
}

impl OptimizerState {
    /// Each group's hyperparameters, in the rule's order.
    fn read_groups(&self, groups: &[Bound<'_, PyDict>]) -> PyResult<Vec<Vec<f64>>> {
        groups
            .iter()
            .enumerate()
            .map(|(g, group)| {
                self.fields
                    .iter()
                    .map(|(key, index)| {
                        let key = key.bind(group.py());
                        let value = group.get_item(key)?.ok_or_else(|| {
                            PyValueError::new_err(format!("param_groups[{g}] has no {key:?}"))
                        })?;
                        let value = match index {
                            Some(entry) => {
                                entry.read(&value, || format!("param_groups[{g}][{key}]"))?
                            }
                            None => value,
                        };
                        value.extract::<f64>().map_err(|_| {
                            PyTypeError::new_err(format!(
                                "param_groups[{g}][{key}] must be a number, got {value}"
                            ))
                        })
                    })
                    .collect()
            })
            .collect()
    }
}

/// One number of a hyperparameter that holds several (`betas[1]`).
#[derive(Debug, Clone, Copy)]
struct Entry {
    index: usize,
    /// How many numbers the value holds.
    len: usize,
}

impl Entry {
    /// The item at `index` of `value`, which must be a sequence of exactly `len` items; `what`
    /// names the value in errors.
    fn read<'py>(
        self,
        value: &Bound<'py, PyAny>,
        what: impl Fn() -> String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let expected = match self.len {
            2 => "a pair of numbers".to_string(),
            n => format!("{n} numbers"),
        };
        let Ok(sequence) = value.cast::<PySequence>() else {
            return Err(PyTypeError::new_err(format!(
                "{} must be {expected}, got {value}",
                what()
            )));
        };
        if sequence.len()? != self.len {
            return Err(PyValueError::new_err(format!(
                "{} must be {expected}, got {value}",
                what()
            )));
        }
        sequence.get_item(self.index)
    }
}

fn slot<'a, F: numpy::Element + Copy>(
    p: &'a mut Target<'_, F>,
    g: &'a Input<'_, F>,
    param: fn(&'a mut [F]) -> ParamData<'a>,
    grad: fn(&'a [F]) -> GradData<'a>,
) -> Slot<'a> {
    let operand = g.operand();
    let output = p.output();
    Slot {
        param_shape: output.shape,
        param: param(output.data),
        grad: grad(operand.data),
        grad_shape: operand.shape,
    }
}

/// A tensor's state arrays as (name, numpy array of its parameter's shape), copies.
fn export<'py, F: numpy::Element>(
    py: Python<'py>,
    buffers: &[(&'static str, Vec<F>)],
    shape: &[usize],
) -> PyResult<Vec<(&'static str, Bound<'py, PyAny>)>> {
    buffers
        .iter()
        .map(|(name, v)| {
            Ok((
                *name,
                PyArray1::from_slice(py, v).reshape(shape)?.into_any(),
            ))
        })
        .collect()
}
