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
    weight: F,
    one_minus_weight: F,
    low_weight: bool,
    beta2: F,
    one_minus_beta2: F,
    neg_step_size: F,
    bias_correction2_sqrt: F,
    eps: F,
    weight_decay: F,
    coupled_decay: bool,
    shrink: F,
    maximize: bool,
}

/// torch's `lerp(a, b, w)`: a + w·(b − a) for |w| < ½, else b − (b − a)·(1 − w), which is
/// exact at w = 1.
#[inline(always)]
pub(crate) fn lerp<F: Float>(a: F, b: F, w: F, one_minus_w: F, low: bool) -> F {
    F::select(low, a + w * (b - a), b - (b - a) * one_minus_w)
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
        let decay = weight_decay != 0.0;
        let decoupled = flag(decoupled);
        Scalars {
            weight: F::from_f64(1.0 - beta1),
            one_minus_weight: F::from_f64(1.0 - (1.0 - beta1)),
            low_weight: 1.0 - beta1 < 0.5,
            beta2: F::from_f64(beta2),
            one_minus_beta2: F::from_f64(1.0 - beta2),
            neg_step_size: F::from_f64(-(lr / bias_correction1)),
            bias_correction2_sqrt: F::from_f64(bias_correction2.sqrt()),
            eps: F::from_f64(eps),
            weight_decay: F::from_f64(weight_decay),
            coupled_decay: decay && !decoupled,
            shrink: F::from_f64(if decay && decoupled {
                1.0 - lr * weight_decay
            } else {
                1.0
            }),
            maximize: flag(maximize),
        }
    }

    #[inline(always)]
    fn update<F: Float>(k: &Scalars<F>, p: &mut F, g: F, s: &mut [F]) {
        let g = F::select(k.maximize, -g, g);
        let g = F::select(k.coupled_decay, g + k.weight_decay * *p, g);
        let param = *p * k.shrink;
        let m = lerp(s[0], g, k.weight, k.one_minus_weight, k.low_weight);
        let v = s[1] * k.beta2 + k.one_minus_beta2 * g * g;
        s[0] = m;
        s[1] = v;
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
