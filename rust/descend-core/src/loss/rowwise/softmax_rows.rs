//! The machinery of softmax losses over labelled rows (cross-entropy), a block of rows at a
//! time.
//!
//! A row's loss needs its log-sum-exp, its score and weight at the label (and Σ w·(lse − x) for
//! label smoothing); its gradient is e^(x − max) scaled per row, minus a per-class shift. Taken
//! row by row, short rows spend their time in horizontal reductions, vector-loop tails and one
//! scalar ln per row, each row waiting on the last. Here every step runs across a block of rows:
//! - rows of at most [`PANEL_CLASSES`] classes are transposed into a class-major panel, one row
//!   per lane, so max, exp, the exp-sum, ln and the gradient are vertical loops over
//!   [`BLOCK_ROWS`] rows with no horizontal step;
//! - longer rows keep [`row`]'s primitives, and only the ln of their exp-sums is batched.
//!
//! Either way a row's result depends only on the row and the class count (not on its block,
//! chunk or thread), and value-only and gradient calls agree bitwise.

use super::rows::{Context, Parts};
use super::{SoftmaxLabelRow, SoftmaxLoss};
use crate::float::Float;
use crate::simd::row;

/// Rows per block: a panel of 16 classes is then 4 KiB of f32.
const BLOCK_ROWS: usize = 64;
/// Lanes a panel computes for a block of at most this many rows (two f32 vectors).
const FEW_ROWS: usize = 16;
/// The most classes a row may have to go through the panel.
const PANEL_CLASSES: usize = 16;
/// Elements per block of longer rows (at least one row), so a block's gradient stays in L1
/// between its exp pass and its scaling pass.
const BLOCK_ELEMENTS: usize = 1024;
/// Marks an ignored row in [`Coefficients::label`].
const IGNORED: usize = usize::MAX;

/// Per-row results of a block, for its gradient.
struct Coefficients<F> {
    /// The row's label, or [`IGNORED`].
    label: [usize; BLOCK_ROWS],
    /// Multiplies e^(x_c − max): the loss's `scale` over the exp-sum.
    scale: [F; BLOCK_ROWS],
    shift: [F; BLOCK_ROWS],
    label_shift: [F; BLOCK_ROWS],
}

/// Runs a chunk of labelled rows of a softmax loss; returns the sum of their losses.
#[inline(always)]
pub(super) fn label_chunk<K: SoftmaxLoss, F: Float, T: Copy + Into<i64>>(
    context: &Context<'_, K, F>,
    parts: Parts<'_, F>,
    labels: &[T],
) -> f64 {
    let classes = context.classes;
    let panel = classes <= PANEL_CLASSES;
    let block_rows = if panel {
        BLOCK_ROWS
    } else {
        (BLOCK_ELEMENTS / classes).clamp(1, BLOCK_ROWS)
    };
    let Parts {
        x,
        upstream,
        mut values,
        mut grad,
    } = parts;
    let mut coefficients = Coefficients {
        label: [IGNORED; BLOCK_ROWS],
        scale: [F::ZERO; BLOCK_ROWS],
        shift: [F::ZERO; BLOCK_ROWS],
        label_shift: [F::ZERO; BLOCK_ROWS],
    };
    let mut exps = [F::ZERO; PANEL_CLASSES * BLOCK_ROWS];
    let mut max = [F::ZERO; BLOCK_ROWS];
    let mut exp_sum = [0.0_f64; BLOCK_ROWS];
    let mut log_sum = [0.0_f64; BLOCK_ROWS];
    let mut total = 0.0;
    for (b, xb) in x.chunks(block_rows * classes).enumerate() {
        let first = b * block_rows;
        let rows = xb.len() / classes;
        let mut gb = grad
            .as_deref_mut()
            .map(|g| &mut g[first * classes..(first + rows) * classes]);
        if panel && rows <= FEW_ROWS {
            panel_exps::<F, FEW_ROWS>(xb, classes, &mut exps, &mut max, &mut exp_sum);
        } else if panel {
            panel_exps::<F, BLOCK_ROWS>(xb, classes, &mut exps, &mut max, &mut exp_sum);
        } else {
            for (r, xr) in xb.chunks_exact(classes).enumerate() {
                max[r] = row::max(xr);
                // The next row's start is fetched while this row's exponentials run, so its
                // max pass does not wait on memory (1000 classes, f32: 5–10% faster); beyond
                // BLOCK_ELEMENTS it would push this row's exponentials out of L1.
                let next = (first + r + 1) * classes;
                if let Some(next_row) = x.get(next..next + classes.min(BLOCK_ELEMENTS)) {
                    crate::simd::prefetch(next_row);
                }
                let dst = gb
                    .as_deref_mut()
                    .map(|g| &mut g[r * classes..(r + 1) * classes]);
                exp_sum[r] = row::exp_sum(xr, max[r], dst);
            }
        }
        // The one ln per row, for the whole block at once.
        for (l, &s) in log_sum[..rows].iter_mut().zip(&exp_sum) {
            // The vector ln: `s.ln()` would be std's libm call.
            *l = <f64 as Float>::ln(s);
        }
        for r in 0..rows {
            let label: i64 = labels[first + r].into();
            let coef = upstream.map_or(context.coef, |u| u[first + r].to_f64());
            let loss = if Some(label) == context.kernel.ignore_index() {
                coefficients.label[r] = IGNORED;
                0.0
            } else {
                // In range: checked by the label pass.
                let y = label as usize;
                let xr = &xb[r * classes..(r + 1) * classes];
                let reduced = SoftmaxLabelRow {
                    max: max[r].to_f64(),
                    log_sum: log_sum[r],
                    label_score: xr[y].to_f64(),
                    label_weight: context.weight.map_or(1.0, |w| w[y].to_f64()),
                    neg_log_softmax_sum: if context.kernel.smooths() {
                        row::neg_log_softmax_sum(xr, max[r], log_sum[r], context.weight)
                    } else {
                        0.0
                    },
                    weight_sum: context.weight_sum,
                    classes,
                    coef,
                };
                let (loss, g) = context.kernel.softmax_label(&reduced);
                coefficients.label[r] = y;
                coefficients.scale[r] = F::from_f64(g.scale / exp_sum[r]);
                coefficients.shift[r] = F::from_f64(g.shift);
                coefficients.label_shift[r] = F::from_f64(g.label_shift);
                loss
            };
            if let Some(v) = values.as_deref_mut() {
                v[first + r] = F::from_f64(loss);
            }
            total += loss;
        }
        if let Some(gb) = gb {
            // The weights enter the gradient only through the smoothing term's shift.
            let w = context.weight.filter(|_| context.kernel.smooths());
            if panel && rows <= FEW_ROWS {
                panel_grad::<F, FEW_ROWS>(&mut exps, gb, classes, w, &coefficients);
            } else if panel {
                panel_grad::<F, BLOCK_ROWS>(&mut exps, gb, classes, w, &coefficients);
            } else {
                for (r, gr) in gb.chunks_exact_mut(classes).enumerate() {
                    scale_row(gr, r, w, &coefficients);
                }
            }
        }
    }
    total
}

/// Transposes a block of short rows into `exps` (class-major, stride [`BLOCK_ROWS`]) and
/// replaces each score by e^(x − row max), with the row maxima and exp-sums beside.
///
/// Only the first `L` lanes are computed: a block of a few rows (a small call, or the last
/// block) then does not pay for all [`BLOCK_ROWS`].
#[inline(always)]
fn panel_exps<F: Float, const L: usize>(
    xb: &[F],
    classes: usize,
    exps: &mut [F; PANEL_CLASSES * BLOCK_ROWS],
    max: &mut [F; BLOCK_ROWS],
    exp_sum: &mut [f64; BLOCK_ROWS],
) {
    for (r, xr) in xb.chunks_exact(classes).enumerate() {
        for (c, &v) in xr.iter().enumerate() {
            exps[c * BLOCK_ROWS + r] = v;
        }
    }
    // Lanes past the block's last row hold stale values; they are computed and never read.
    let (max, exp_sum) = (&mut max[..L], &mut exp_sum[..L]);
    max.fill(F::from_f64(f64::NEG_INFINITY));
    let columns = &mut exps[..classes * BLOCK_ROWS];
    for column in columns.chunks_exact(BLOCK_ROWS) {
        for (m, &v) in max.iter_mut().zip(&column[..L]) {
            // NaN is passed over here and turns the exp-sum NaN below, as torch's.
            *m = F::select(v > *m, v, *m);
        }
    }
    exp_sum.fill(0.0);
    for column in columns.chunks_exact_mut(BLOCK_ROWS) {
        let column = &mut column[..L];
        // Two loops: fused, the f64 sums would hold the exponentials to their 4-lane width.
        for (e, &m) in column.iter_mut().zip(max.iter()) {
            *e = (*e - m).exp_nonpositive();
        }
        for (s, &e) in exp_sum.iter_mut().zip(column.iter()) {
            *s += e.to_f64();
        }
    }
}

/// Turns a panel's exponentials into the gradient (its first `L` lanes) and transposes it
/// back into row order.
#[inline(always)]
fn panel_grad<F: Float, const L: usize>(
    exps: &mut [F; PANEL_CLASSES * BLOCK_ROWS],
    gb: &mut [F],
    classes: usize,
    weight: Option<&[F]>,
    k: &Coefficients<F>,
) {
    for (c, column) in exps[..classes * BLOCK_ROWS]
        .chunks_exact_mut(BLOCK_ROWS)
        .enumerate()
    {
        let w = weight.map_or(F::ONE, |w| w[c]);
        for ((e, &scale), &shift) in column[..L].iter_mut().zip(&k.scale).zip(&k.shift) {
            *e = *e * scale - shift * w;
        }
    }
    for (r, gr) in gb.chunks_exact_mut(classes).enumerate() {
        if k.label[r] == IGNORED {
            gr.fill(F::ZERO);
            continue;
        }
        for (c, g) in gr.iter_mut().enumerate() {
            *g = exps[c * BLOCK_ROWS + r];
        }
        gr[k.label[r]] = gr[k.label[r]] - k.label_shift[r];
    }
}

/// Turns row `r`'s stored exponentials into its gradient.
#[inline(always)]
fn scale_row<F: Float>(gr: &mut [F], r: usize, weight: Option<&[F]>, k: &Coefficients<F>) {
    let y = k.label[r];
    if y == IGNORED {
        gr.fill(F::ZERO);
        return;
    }
    row::scale_sub(gr, k.scale[r], k.shift[r], weight);
    gr[y] = gr[y] - k.label_shift[r];
}
