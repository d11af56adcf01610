//! The row-wise driver: shapes, label checks, ignored rows, denominators, the class axis,
//! chunks of rows, threads and SIMD dispatch, once for every row-wise loss.
//!
//! The input is (C,), (N, C) or (N, C, d1, …, dK) with the classes on axis 1, as torch's. Its
//! rows are the N·d1·…·dK vectors along that axis; K-dimensional inputs are copied once into
//! row order (and their gradient copied back), so every kernel sees contiguous rows.
//!
//! Class labels are checked, and the weighted denominators of `"mean"` summed, in a read-only
//! pass before anything is written: a bad label in the last row fails the call untouched.
//! Rows then go in fixed-size chunks (a fixed number of rows each) to the pool; each chunk sums
//! its rows' terms in order, and the chunk sums are combined in a fixed tree, so results do not
//! depend on the thread count.

use pulp::{Simd, WithSimd};

use super::{
    softmax, visit, DenseBlock, LabelMean, LabelRow, RowwiseLoss, Visitor, DEFAULT_IGNORE_INDEX,
};
use crate::array::{
    check_shape, check_shape_as, from_rows, shape_str, to_rows, Axis, Operand, Output,
};
use crate::error::{Error, Result};
use crate::float::Float;
use crate::par::{run_tasks, Tasks, CHUNK};
use crate::param::resolve;
use crate::reduce::{pairwise_sum, Reduction};
use crate::simd::row;

/// Elements per block of dense rows (at least one row): the block's working space and
/// gradient stay in L1 between a kernel's passes over them.
const DENSE_BLOCK_ELEMENTS: usize = 1024;

/// Integer class labels, in the dtype the caller holds them.
#[derive(Debug, Clone, Copy)]
pub enum Labels<'a> {
    /// int32 labels.
    I32(&'a [i32]),
    /// int64 labels.
    I64(&'a [i64]),
}

/// What a row is compared with.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a, F> {
    /// One class label per row, shaped like the unreduced loss.
    Labels {
        /// The labels in C order.
        data: Labels<'a>,
        /// Shape as the caller sees it.
        shape: &'a [usize],
    },
    /// A distribution over the classes per row, shaped like the input.
    Dense(Operand<'a, F>),
}

/// One call of a row-wise loss.
#[derive(Debug)]
pub struct Request<'a, F> {
    /// Scores, classes on axis 1 (axis 0 for a single row of shape (C,)).
    pub input: Operand<'a, F>,
    /// Labels or distributions.
    pub target: Target<'a, F>,
    /// Optional class weights, shape (C,).
    pub weight: Option<Operand<'a, F>>,
    /// Upstream gradient for `Reduction::None`, shaped like the unreduced loss.
    pub upstream: Option<Operand<'a, F>>,
    /// torch's `reduction=`.
    pub reduction: Reduction,
    /// Hyperparameters by name; missing ones take their defaults.
    pub params: &'a [(&'a str, f64)],
    /// Compute the loss value (reduced, or into `values` for `Reduction::None`).
    pub want_value: bool,
    /// Per-row values, shaped like the unreduced loss; required for a `Reduction::None` value.
    pub values: Option<Output<'a, F>>,
    /// Gradient w.r.t. `input`; the gradient is computed when present.
    pub grad: Option<Output<'a, F>>,
}

/// Shape of the unreduced loss: the input's without the class axis.
pub fn loss_shape(input: &[usize]) -> Vec<usize> {
    match input {
        [] | [_] => Vec::new(),
        [n, _, rest @ ..] => std::iter::once(*n).chain(rest.iter().copied()).collect(),
    }
}

/// Runs the row-wise loss `loss`. Returns the reduced value when one was asked for.
/// Everything is validated before anything is written.
pub fn run<F: Float>(loss: &str, request: Request<'_, F>) -> Result<Option<f64>> {
    visit(loss, request).unwrap_or_else(|_| {
        let known: Vec<&str> = super::LOSSES.iter().map(|s| s.name).collect();
        Err(Error::Value(format!(
            "unknown row-wise loss {loss:?}; known: {known:?}"
        )))
    })
}

impl<F: Float> Visitor for Request<'_, F> {
    type Output = Result<Option<f64>>;

    fn visit<K: RowwiseLoss>(self) -> Self::Output {
        let kernel = K::new(&resolve(K::SPEC.name, K::SPEC.params, self.params)?);
        let plan = self.validate(kernel)?;
        Ok(self.execute(kernel, plan))
    }
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

impl<F: Float> Request<'_, F> {
    fn validate<K: RowwiseLoss>(&self, kernel: K) -> Result<Plan> {
        let name = K::SPEC.name;
        let shape = self.input.shape;
        let layout = Layout::of(shape)?;
        check_shape("input", shape, self.input.data.len(), shape)?;
        if shape.len() > 2 && !K::SPEC.kdim {
            return Err(Error::Shape(format!(
                "{name} takes input of shape (C,) or (N, C), got {}",
                shape_str(shape)
            )));
        }
        let loss = loss_shape(shape);
        let per_row = ("the unreduced loss has", loss.as_slice());
        match self.target {
            Target::Labels { .. } if !K::SPEC.targets.labels() => {
                return Err(Error::Dtype(format!(
                    "{name} takes a float target of the input's shape {} (one value per class), \
                     got integer labels",
                    shape_str(shape)
                )));
            }
            Target::Labels { data, shape: t } => {
                let len = match data {
                    Labels::I32(l) => l.len(),
                    Labels::I64(l) => l.len(),
                };
                check_shape_as(
                    "target",
                    t,
                    len,
                    ("class labels for this input have", &loss),
                )?;
            }
            Target::Dense(t)
                if !K::SPEC.targets.dense()
                    || (t.shape == loss.as_slice() && K::SPEC.targets.labels()) =>
            {
                return Err(Error::Dtype(format!(
                    "{name} got a float target of shape {}: class labels must be integers \
                     (int32 or int64){}",
                    shape_str(t.shape),
                    if K::SPEC.targets.dense() {
                        format!(
                            ", class probabilities an array of shape {}",
                            shape_str(shape)
                        )
                    } else {
                        String::new()
                    }
                )));
            }
            Target::Dense(t) => {
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
        if let Some(w) = self.weight {
            let classes = [layout.classes];
            check_shape_as(
                "weight",
                w.shape,
                w.data.len(),
                ("one weight per class needs", &classes),
            )?;
        }
        if let Some(u) = self.upstream {
            check_shape_as("upstream", u.shape, u.data.len(), per_row)?;
        }
        if let Some(v) = &self.values {
            check_shape_as("out", v.shape, v.data.len(), per_row)?;
        }
        if let Some(g) = &self.grad {
            check_shape("out", g.shape, g.data.len(), shape)?;
        }
        if self.reduction == Reduction::BatchMean {
            return Err(Error::Value(format!(
                "reduction='batchmean' is kl_div's; {name} takes 'none', 'mean' or 'sum'"
            )));
        }
        if self.upstream.is_some() && self.reduction != Reduction::None {
            return Err(Error::Value(
                "upstream is only used with reduction='none'; a reduced loss has a scalar upstream"
                    .into(),
            ));
        }
        if (self.want_value && self.reduction == Reduction::None) != self.values.is_some() {
            return Err(Error::Value(
                "a per-row value buffer is needed exactly when reduction='none'".into(),
            ));
        }
        if !self.want_value && self.grad.is_none() {
            return Err(Error::Value(
                "nothing to compute: ask for the value, the gradient or both".into(),
            ));
        }
        let (kept, kept_weight) = match self.target {
            Target::Labels { data, .. } => {
                let check = LabelCheck {
                    classes: layout.classes,
                    ignore: kernel.ignore_index(),
                    weight: self.weight.map(|w| w.data),
                };
                match data {
                    Labels::I32(l) => check.run(l)?,
                    Labels::I64(l) => check.run(l)?,
                }
            }
            Target::Dense(_) => (layout.rows(), layout.rows() as f64),
        };
        Ok(Plan {
            layout,
            kept,
            kept_weight,
        })
    }

    fn execute<K: RowwiseLoss>(self, kernel: K, plan: Plan) -> Option<f64> {
        let Layout { classes, inner, .. } = plan.layout;
        let rows = plan.layout.rows();
        // torch's "mean": labelled rows over Σ w_y of the kept rows (smoothing term included;
        // their count without weights) or over the rows, as the loss says; dense rows over
        // the number of rows.
        let labels = matches!(self.target, Target::Labels { .. });
        let denominator = match (self.reduction, self.weight.is_some(), K::SPEC.label_mean) {
            (Reduction::Mean, _, _) if !labels => rows as f64,
            (Reduction::Mean, true, LabelMean::OverWeights) => plan.kept_weight,
            (Reduction::Mean, false, LabelMean::OverWeights) => plan.kept as f64,
            (Reduction::Mean, _, LabelMean::OverRows) => rows as f64,
            _ => 1.0,
        };
        let weight = self.weight.map(|w| w.data);
        let context = Context {
            kernel,
            classes,
            weight,
            weight_sum: weight.map_or(classes as f64, row::sum),
            coef: 1.0 / denominator,
        };
        let x = to_rows(self.input.data, plan.layout.axis());
        let mut grad = self.grad.map(|g| g.data);
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
            upstream: self.upstream.map(|u| u.data),
            values: self.values.map(|v| v.data),
            grad: rows_grad,
        };
        let total = match self.target {
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
            Target::Dense(t) => chunked(
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
        (self.want_value && self.reduction != Reduction::None).then(|| {
            if denominator == 0.0 {
                f64::NAN
            } else {
                total / denominator
            }
        })
    }
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

/// What every row of a call shares.
#[derive(Clone, Copy)]
pub(super) struct Context<'a, K, F> {
    pub kernel: K,
    pub classes: usize,
    pub weight: Option<&'a [F]>,
    pub weight_sum: f64,
    /// d(reduced loss)/d(row loss): 1/denominator for `"mean"`, 1 otherwise; `upstream`
    /// replaces it row by row when given.
    pub coef: f64,
}

/// The row-ordered arrays of a call, or of one chunk of it.
pub(super) struct Parts<'a, F> {
    pub x: &'a [F],
    pub upstream: Option<&'a [F]>,
    pub values: Option<&'a mut [F]>,
    pub grad: Option<&'a mut [F]>,
}

/// Per-row targets: labels or distributions.
trait RowTargets<F: Float>: Copy + Send + Sync {
    /// Splits after `rows` rows of `classes` classes.
    fn split(self, rows: usize, classes: usize) -> (Self, Self);
    /// Runs a chunk of rows and returns the sum of their losses.
    fn chunk<K: RowwiseLoss>(self, context: &Context<'_, K, F>, parts: Parts<'_, F>) -> f64;
}

#[derive(Clone, Copy)]
struct LabelTargets<'a, T>(&'a [T]);

impl<F: Float, T: Copy + Into<i64> + Send + Sync> RowTargets<F> for LabelTargets<'_, T> {
    fn split(self, rows: usize, _: usize) -> (Self, Self) {
        let (a, b) = self.0.split_at(rows);
        (Self(a), Self(b))
    }

    #[inline(always)]
    fn chunk<K: RowwiseLoss>(self, context: &Context<'_, K, F>, parts: Parts<'_, F>) -> f64 {
        if K::SOFTMAX_LABELS {
            softmax::label_chunk(context, parts, self.0)
        } else {
            label_rows(context, parts, self.0)
        }
    }
}

#[derive(Clone, Copy)]
struct DenseTargets<'a, F>(&'a [F]);

impl<F: Float> RowTargets<F> for DenseTargets<'_, F> {
    fn split(self, rows: usize, classes: usize) -> (Self, Self) {
        let (a, b) = self.0.split_at(rows * classes);
        (Self(a), Self(b))
    }

    /// Blocks of [`DENSE_BLOCK_ELEMENTS`] (at least one row) go to the kernel's `dense_block`.
    #[inline(always)]
    fn chunk<K: RowwiseLoss>(self, context: &Context<'_, K, F>, parts: Parts<'_, F>) -> f64 {
        let classes = context.classes;
        // No larger than the chunk: a call of 100 elements spent 5% of its time zeroing 4 KiB.
        let block_rows = (DENSE_BLOCK_ELEMENTS / classes)
            .min(parts.x.len() / classes)
            .max(1);
        let mut scratch = vec![F::ZERO; block_rows * classes];
        let mut coefs = vec![0.0; block_rows];
        let mut losses = vec![0.0; block_rows];
        let (mut values, mut grad) = (parts.values, parts.grad);
        let mut total = 0.0;
        let blocks = parts.x.chunks(block_rows * classes);
        for (b, (x, target)) in blocks.zip(self.0.chunks(block_rows * classes)).enumerate() {
            let (first, rows) = (b * block_rows, x.len() / classes);
            for (r, coef) in coefs[..rows].iter_mut().enumerate() {
                *coef = parts
                    .upstream
                    .map_or(context.coef, |u| u[first + r].to_f64());
            }
            let block = DenseBlock {
                x,
                target,
                weight: context.weight,
                coefs: &coefs[..rows],
                classes,
                scratch: &mut scratch[..x.len()],
            };
            let g = grad
                .as_deref_mut()
                .map(|g| &mut g[first * classes..first * classes + x.len()]);
            context.kernel.dense_block(block, g, &mut losses[..rows]);
            for (r, &loss) in losses[..rows].iter().enumerate() {
                if let Some(v) = values.as_deref_mut() {
                    v[first + r] = F::from_f64(loss);
                }
                total += loss;
            }
        }
        total
    }
}

/// Cuts the rows into chunks, runs them, and returns the sum of the row losses. Rows have at
/// least one class.
fn chunked<K: RowwiseLoss, F: Float, T: RowTargets<F>>(
    context: Context<'_, K, F>,
    parts: Parts<'_, F>,
    targets: T,
) -> f64 {
    let classes = context.classes;
    let rows = parts.x.len() / classes;
    let per_chunk = (CHUNK / classes).max(1);
    let mut tasks = Tasks::with_capacity(rows.div_ceil(per_chunk));
    let (mut x, mut upstream, mut values, mut grad, mut targets) =
        (parts.x, parts.upstream, parts.values, parts.grad, targets);
    let mut left = rows;
    while left > 0 {
        let n = per_chunk.min(left);
        let (x0, x1) = x.split_at(n * classes);
        let (t0, t1) = targets.split(n, classes);
        let (u0, u1) = split_opt(upstream, n);
        let (v0, v1) = split_mut_opt(values, n);
        let (g0, g1) = split_mut_opt(grad, n * classes);
        tasks.push(RowChunk {
            context,
            parts: Parts {
                x: x0,
                upstream: u0,
                values: v0,
                grad: g0,
            },
            targets: t0,
        });
        (x, upstream, values, grad, targets) = (x1, u1, v1, g1, t1);
        left -= n;
    }
    let sums = run_tasks(rows * classes, K::SPEC.bound, tasks, crate::simd::dispatch);
    pairwise_sum(&sums)
}

fn split_opt<F>(a: Option<&[F]>, at: usize) -> (Option<&[F]>, Option<&[F]>) {
    a.map_or((None, None), |a| {
        let (l, r) = a.split_at(at);
        (Some(l), Some(r))
    })
}

fn split_mut_opt<F>(a: Option<&mut [F]>, at: usize) -> (Option<&mut [F]>, Option<&mut [F]>) {
    a.map_or((None, None), |a| {
        let (l, r) = a.split_at_mut(at);
        (Some(l), Some(r))
    })
}

/// One chunk of rows.
struct RowChunk<'a, K, F, T> {
    context: Context<'a, K, F>,
    parts: Parts<'a, F>,
    targets: T,
}

impl<K: RowwiseLoss, F: Float, T: RowTargets<F>> WithSimd for RowChunk<'_, K, F, T> {
    type Output = f64;

    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> f64 {
        self.targets.chunk(&self.context, self.parts)
    }
}

/// Runs a chunk of labelled rows one at a time through the kernel's `label_row`.
#[inline(always)]
fn label_rows<K: RowwiseLoss, F: Float, T: Copy + Into<i64>>(
    context: &Context<'_, K, F>,
    parts: Parts<'_, F>,
    labels: &[T],
) -> f64 {
    let classes = context.classes;
    let mut scratch = vec![F::ZERO; classes];
    let (mut values, mut grad) = (parts.values, parts.grad);
    let mut total = 0.0;
    for (r, x) in parts.x.chunks_exact(classes).enumerate() {
        let mut g = grad
            .as_deref_mut()
            .map(|g| &mut g[r * classes..(r + 1) * classes]);
        let label: i64 = labels[r].into();
        let loss = if Some(label) == context.kernel.ignore_index() {
            if let Some(g) = g.as_deref_mut() {
                g.fill(F::ZERO);
            }
            0.0
        } else {
            let row = LabelRow {
                x,
                // In range: checked by the label pass.
                label: label as usize,
                weight: context.weight,
                coef: parts.upstream.map_or(context.coef, |u| u[r].to_f64()),
                scratch: &mut scratch,
            };
            context.kernel.label_row(row, g)
        };
        if let Some(v) = values.as_deref_mut() {
            v[r] = F::from_f64(loss);
        }
        total += loss;
    }
    total
}
