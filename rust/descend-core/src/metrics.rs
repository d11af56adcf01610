//! Evaluation metrics whose work is large enough to be worth native code: ROC AUC sorts.

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::float::Float;
use crate::par::{self, Bound};

/// Area under the ROC curve of scores `score` for labels `positive`: the Mann–Whitney U
/// statistic, U = (Σ ranks of positives − n₊(n₊ + 1)/2) / (n₊·n₋), tied scores sharing their
/// average rank (ties count ½, as scikit-learn's trapezoidal area). Scores must be finite (NaN
/// has no rank); one class alone has no area. The sort is parallel above the pool's threshold;
/// the result does not depend on it (ranks depend only on the sorted values).
pub fn roc_auc<F: Float>(positive: &[bool], score: &[F]) -> Result<f64> {
    if positive.len() != score.len() {
        return Err(Error::Shape(format!(
            "y_score has {} elements but y_true has {}",
            score.len(),
            positive.len()
        )));
    }
    if let Some(i) = score.iter().position(|s| !s.to_f64().is_finite()) {
        return Err(Error::Value(format!(
            "y_score must be finite, got {:?} at index {i}",
            score[i]
        )));
    }
    let n_pos = positive.iter().filter(|&&p| p).count();
    let n_neg = positive.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return Err(Error::Value(
            "only one class is present in y_true; ROC AUC is not defined".into(),
        ));
    }
    let mut pairs: Vec<(f64, bool)> = score
        .iter()
        .zip(positive)
        .map(|(s, &p)| (s.to_f64(), p))
        .collect();
    let by_score = |a: &(f64, bool), b: &(f64, bool)| a.0.total_cmp(&b.0);
    if pairs.len() >= Bound::Compute.parallel_from() && par::num_threads() > 1 {
        pairs.par_sort_unstable_by(by_score);
    } else {
        pairs.sort_unstable_by(by_score);
    }
    let mut rank_sum = 0.0;
    let mut start = 0;
    while start < pairs.len() {
        let end = start
            + pairs[start..]
                .iter()
                .take_while(|p| p.0 == pairs[start].0)
                .count();
        // 1-based ranks start+1 … end share their mean.
        let rank = (start + end + 1) as f64 / 2.0;
        let positives = pairs[start..end].iter().filter(|p| p.1).count();
        rank_sum += rank * positives as f64;
        start = end;
    }
    let (p, q) = (n_pos as f64, n_neg as f64);
    Ok((rank_sum - p * (p + 1.0) / 2.0) / (p * q))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_count_half_and_order_is_what_matters() {
        let auc = roc_auc(&[false, false, true, true], &[0.1, 0.4, 0.35, 0.8]).unwrap();
        assert_eq!(auc, 0.75);
        assert_eq!(roc_auc(&[false, true], &[0.5_f32, 0.5]).unwrap(), 0.5);
        assert!(roc_auc(&[true, true], &[0.1, 0.2]).is_err());
        assert!(roc_auc(&[true, false], &[f64::NAN, 0.2]).is_err());
    }
}
