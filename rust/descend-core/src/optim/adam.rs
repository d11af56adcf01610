//! Adam and AdamW, as `torch.optim.Adam` / `torch.optim.AdamW` (AdamW is Adam with
//! `decoupled_weight_decay`, as in torch ≥ 2.6).
//!
//! With d = ±g (− under `maximize`), t the step (1 for the first), λ the weight decay:
//! - coupled decay: d = d + λ·p; decoupled: p = p·(1 − lr·λ) first;
//! - m = lerp(m, d, 1 − β₁) (torch's two-sided lerp), v = β₂·v + (1 − β₂)·d·d;
//! - amsgrad: v̂ = max(v̂, v) (taken after v's update, NaN-propagating as `torch.maximum`),
//!   and v̂ replaces v below;
//! - p = p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε): eps added after the bias correction, as
//!   torch does (not inside the square root).
//!
//! Defaults are torch's: lr = 1e-3, betas = (0.9, 0.999), eps = 1e-8, no weight decay.

use super::moments::Moments;
use super::{flag, Rule, RuleSpec, Variant};
use crate::float::Float;
use crate::param::{Domain, ParamSpec};

pub const SPEC: RuleSpec = RuleSpec {
    name: "adam",
    params: &[
        ParamSpec::new("lr", 1e-3, Domain::NonNegative),
        ParamSpec::new("betas[0]", 0.9, Domain::Decay),
        ParamSpec::new("betas[1]", 0.999, Domain::Decay),
        ParamSpec::new("eps", 1e-8, Domain::NonNegative),
        ParamSpec::new("weight_decay", 0.0, Domain::NonNegative),
        ParamSpec::new("amsgrad", 0.0, Domain::Flag),
        ParamSpec::new("maximize", 0.0, Domain::Flag),
        ParamSpec::new("decoupled_weight_decay", 0.0, Domain::Flag),
    ],
    state: &["exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
    carried: &[],
    counts_steps: true,
    configure: |h| {
        if flag(h[5]) {
            Variant::of::<Adam<true>>()
        } else {
            Variant::of::<Adam<false>>()
        }
    },
};

/// Adam, keeping the running maximum of v when `AMSGRAD`.
pub struct Adam<const AMSGRAD: bool>;

#[derive(Clone, Copy)]
pub struct Scalars<F> {
    moments: Moments<F>,
    neg_step_size: F,
    bias_correction2_sqrt: F,
    eps: F,
}

impl<const AMSGRAD: bool> Rule for Adam<AMSGRAD> {
    const STATE: &'static [&'static str] = if AMSGRAD {
        &["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]
    } else {
        &["exp_avg", "exp_avg_sq"]
    };
    type Scalars<F: Float> = Scalars<F>;

    fn scalars<F: Float>(h: &[f64], step: u64, _fresh: bool, _: &mut [f64]) -> Scalars<F> {
        let &[lr, beta1, beta2, eps, weight_decay, _, maximize, decoupled] = h else {
            unreachable!("the driver checked the hyperparameter count")
        };
        let t = step as f64;
        let bias_correction1 = 1.0 - beta1.powf(t);
        let bias_correction2 = 1.0 - beta2.powf(t);
        Scalars {
            moments: Moments::new(
                lr,
                beta1,
                beta2,
                weight_decay,
                flag(maximize),
                flag(decoupled),
            ),
            neg_step_size: F::from_f64(-(lr / bias_correction1)),
            bias_correction2_sqrt: F::from_f64(bias_correction2.sqrt()),
            eps: F::from_f64(eps),
        }
    }

    #[inline(always)]
    fn update<F: Float>(k: &Scalars<F>, p: &mut F, g: F, s: &mut [F]) {
        let d = k.moments.direction(*p, g);
        let param = k.moments.decayed(*p);
        let (m, v) = k.moments.update(d, s);
        let v = if AMSGRAD {
            let top = s[2].max_nan(v);
            s[2] = top;
            top
        } else {
            v
        };
        let denom = v.sqrt() / k.bias_correction2_sqrt + k.eps;
        // torch's addcdiv order: (value·m)/denom.
        *p = param + (k.neg_step_size * m) / denom;
    }
}
