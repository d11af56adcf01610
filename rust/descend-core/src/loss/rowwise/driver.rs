//! The row-wise driver: shapes, label checks, ignored rows, denominators and the class axis,
//! once for every row-wise loss; [`super::rows`] runs the rows.
//!
//! The input is (C,), (N, C) or (N, C, d1, …, dK) with the classes on axis 1, as torch's. Its
//! rows are the N·d1·…·dK vectors along that axis; K-dimensional inputs are copied once into
//! row order (and their gradient copied back), so every kernel sees contiguous rows.
//!
//! Class labels are checked, and the weighted denominators of `"mean"` summed, in a read-only
//! pass before anything is written: a bad label in the last row fails the call untouched.

use super::rows::{chunked, Context, DenseTargets, LabelTargets, Parts};
use super::{DensePath, LabelMean, LabelPath, RowwiseLoss, DEFAULT_IGNORE_INDEX};
use crate::array::{check_shape, check_shape_as, from_rows, shape_str, to_rows, Axis};
use crate::error::{Error, Result};
use crate::float::Float;
use crate::hyper;
use crate::loss::request::{Labels, LossShape, Request, Target};
use crate::reduce::Reduction;
use crate::simd::row;

/// Runs row-wise loss `K`. Returns the reduced value when one was asked for. Everything is
/// validated before anything is written.
pub fn run<K: RowwiseLoss, F: Float>(request: Request<'_, F>) -> Result<Option<f64>> {
    let kernel: K = hyper::parse(K::SPEC.name, request.params)?;
    let plan = validate(&request, kernel)?;
    Ok(execute(request, kernel, plan))
}

/// The input as rows: N batches of C classes by D positions (D = d1·…·dK, 1 for 2-D input).
#[derive(Debug, Clone, Copy)]
struct Layout {
    batch: usize,
    classes: usize,
    inner: usize,
}

impl Layout {
    fn of(shape: &[usize]) -> Result<Self> {
        match shape {
            [] => Err(Error::Shape(
                "input must have a class dimension; got a 0-d array".into(),
            )),
            [classes] => Ok(Self {
                batch: 1,
                classes: *classes,
                inner: 1,
            }),
            [batch, classes, rest @ ..] => Ok(Self {
                batch: *batch,
                classes: *classes,
                inner: rest.iter().product(),
            }),
        }
    }

    fn rows(self) -> usize {
        self.batch * self.inner
    }

    fn axis(self) -> Axis {
        Axis {
            outer: self.batch,
            len: self.classes,
            inner: self.inner,
        }
    }
}

/// What validation found out: the layout, and for labels Σ w_y and the count of kept rows.
#[derive(Debug, Clone, Copy)]
struct Plan {
    layout: Layout,
    kept: usize,
    kept_weight: f64,
}

/// Checks everything about the call: the shared checks, then the target's form, the class
/// weights and every label, in a read-only pass.
fn validate<K: RowwiseLoss, F: Float>(r: &Request<'_, F>, kernel: K) -> Result<Plan> {
    let name = K::SPEC.name;
    let shape = r.input.shape;
    let layout = Layout::of(shape)?;
    if shape.len() > 2 && !K::SPEC.kdim {
        return Err(Error::Shape(format!(
            "{name} takes input of shape (C,) or (N, C), got {}",
            shape_str(shape)
        )));
    }
    let loss = super::loss_shape(shape);
    let unreduced = LossShape {
        described_as: "the unreduced loss has",
        shape: &loss,
    };
    r.check_common(name, unreduced, false)?;
    if r.third.is_some() || r.third_grad.is_some() {
        return Err(Error::Value(format!("{name} takes no third array")));
    }
    let (labels, dense) = (K::Labels::TAKES, K::Dense::TAKES);
    match r.target {
        Target::Labels { .. } if !labels => {
            return Err(Error::Dtype(format!(
                "{name} takes a float target of the input's shape {} (one value per class), \
                 got integer labels",
                shape_str(shape)
            )));
        }
        Target::Labels { data, shape: t } => {
            let expected = ("class labels for this input have", loss.as_slice());
            check_shape_as("target", t, data.len(), expected)?;
        }
        Target::Floats(t) if !dense || (t.shape == loss.as_slice() && labels) => {
            let probabilities = if dense {
                format!(
                    ", class probabilities an array of shape {}",
                    shape_str(shape)
                )
            } else {
                String::new()
            };
            return Err(Error::Dtype(format!(
                "{name} got a float target of shape {}: class labels must be integers \
                 (int32 or int64){probabilities}",
                shape_str(t.shape),
            )));
        }
        Target::Floats(t) => {
            check_shape("target", t.shape, t.data.len(), shape)?;
            if kernel
                .ignore_index()
                .is_some_and(|i| i != DEFAULT_IGNORE_INDEX)
            {
                return Err(Error::Value(format!(
                    "{name}: ignore_index applies to class labels, not to class \
                     probabilities; leave it at its default ({DEFAULT_IGNORE_INDEX})"
                )));
            }
        }
    }
    if let Some(w) = r.weight {
        let classes = [layout.classes];
        let expected = ("one weight per class needs", classes.as_slice());
        check_shape_as("weight", w.shape, w.data.len(), expected)?;
    }
    let (kept, kept_weight) = match r.target {
        Target::Labels { data, .. } => {
            let check = LabelCheck {
                classes: layout.classes,
                ignore: kernel.ignore_index(),
                weight: r.weight.map(|w| w.data),
            };
            match data {
                Labels::I32(l) => check.run(l)?,
                Labels::I64(l) => check.run(l)?,
            }
        }
        Target::Floats(_) => (layout.rows(), layout.rows() as f64),
    };
    Ok(Plan {
        layout,
        kept,
        kept_weight,
    })
}

/// Runs a validated call; returns the reduced value when one was asked for.
fn execute<K: RowwiseLoss, F: Float>(r: Request<'_, F>, kernel: K, plan: Plan) -> Option<f64> {
    let Layout { classes, inner, .. } = plan.layout;
    let rows = plan.layout.rows();
    // torch's "mean": labelled rows over Σ w_y of the kept rows (smoothing term included;
    // their count without weights) or over the rows, as the loss says; dense rows over the
    // number of rows.
    let labels = matches!(r.target, Target::Labels { .. });
    let denominator = match (r.reduction, r.weight.is_some(), K::SPEC.label_mean) {
        (Reduction::Mean, _, _) if !labels => rows as f64,
        (Reduction::Mean, true, LabelMean::OverWeights) => plan.kept_weight,
        (Reduction::Mean, false, LabelMean::OverWeights) => plan.kept as f64,
        (Reduction::Mean, _, LabelMean::OverRows) => rows as f64,
        _ => 1.0,
    };
    let reduced = r.wants_reduced();
    let weight = r.weight.map(|w| w.data);
    let context = Context {
        kernel,
        classes,
        weight,
        weight_sum: weight.map_or(classes as f64, row::sum),
        coef: 1.0 / denominator,
    };
    let x = to_rows(r.input.data, plan.layout.axis());
    let mut grad = r.grad.map(|g| g.data);
    let mut grad_rows = match &grad {
        Some(_) if inner > 1 => Some(vec![F::ZERO; rows * classes]),
        _ => None,
    };
    let rows_grad = match (&mut grad_rows, &mut grad) {
        (Some(buffer), _) => Some(buffer.as_mut_slice()),
        (None, Some(g)) => Some(&mut **g),
        (None, None) => None,
    };
    let parts = Parts {
        x: &x,
        upstream: r.upstream.map(|u| u.data),
        values: r.values.map(|v| v.data),
        grad: rows_grad,
    };
    let total = match r.target {
        _ if classes == 0 => {
            // No gradient element to write; every row's loss is the loss's value for no
            // classes.
            if let Some(values) = parts.values {
                values.fill(F::from_f64(K::SPEC.empty_row));
            }
            if rows == 0 {
                0.0
            } else {
                rows as f64 * K::SPEC.empty_row
            }
        }
        Target::Labels {
            data: Labels::I32(l),
            ..
        } => chunked(context, parts, LabelTargets(l)),
        Target::Labels {
            data: Labels::I64(l),
            ..
        } => chunked(context, parts, LabelTargets(l)),
        Target::Floats(t) => chunked(
            context,
            parts,
            DenseTargets(&to_rows(t.data, plan.layout.axis())),
        ),
    };
    if let (Some(rows_grad), Some(g)) = (grad_rows, grad) {
        from_rows(&rows_grad, g, plan.layout.axis());
    }
    // A mean over nothing (no kept row, or kept weights summing to 0) is NaN, torch's 0/0,
    // also where a smoothing term made the sum nonzero.
    reduced.then(|| {
        if denominator == 0.0 {
            f64::NAN
        } else {
            total / denominator
        }
    })
}

/// The read-only label pass: every label in range or ignored; Σ w_y and the count of the kept.
struct LabelCheck<'a, F> {
    classes: usize,
    ignore: Option<i64>,
    weight: Option<&'a [F]>,
}

impl<F: Float> LabelCheck<'_, F> {
    fn run<T: Copy + Into<i64>>(&self, labels: &[T]) -> Result<(usize, f64)> {
        let (mut kept, mut weight) = (0_usize, 0.0_f64);
        for (i, &label) in labels.iter().enumerate() {
            let label: i64 = label.into();
            if Some(label) == self.ignore {
                continue;
            }
            let Some(class) = usize::try_from(label).ok().filter(|&c| c < self.classes) else {
                return Err(Error::Label(format!(
                    "target holds class {label} at flat index {i}, out of range for {} classes{}",
                    self.classes,
                    self.ignore
                        .map_or(String::new(), |ig| format!(" (ignore_index is {ig})"))
                )));
            };
            kept += 1;
            weight += self.weight.map_or(1.0, |w| w[class].to_f64());
        }
        Ok((kept, weight))
    }
}
