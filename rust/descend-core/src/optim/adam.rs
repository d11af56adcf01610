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
use super::{Optimizer, Rule, Variant};
use crate::float::Float;
use crate::hyper::Domain::{Decay, NonNegative};

crate::hyper! {
    /// Adam's options, torch's names and defaults.
    pub struct Adam {
        lr: f64 = 1e-3, NonNegative;
        beta1("betas[0]"): f64 = 0.9, Decay;
        beta2("betas[1]"): f64 = 0.999, Decay;
        eps: f64 = 1e-8, NonNegative;
        weight_decay: f64 = 0.0, NonNegative;
        amsgrad: bool = false;
        maximize: bool = false;
        decoupled_weight_decay: bool = false;
    }
}

impl Optimizer for Adam {
    const NAME: &'static str = "adam";
    const STATE: &'static [&'static str] = &["exp_avg", "exp_avg_sq", "max_exp_avg_sq"];
    type Options = Self;

    fn configure(options: &Self) -> Variant {
        if options.amsgrad {
            Variant::of::<AdamRule<true>>()
        } else {
            Variant::of::<AdamRule<false>>()
        }
    }
}

/// Adam's rule, keeping the running maximum of v when `AMSGRAD`.
pub struct AdamRule<const AMSGRAD: bool>;

#[derive(Clone, Copy)]
pub struct Scalars<F> {
    moments: Moments<F>,
    neg_step_size: F,
    bias_correction2_sqrt: F,
    eps: F,
}

impl<const AMSGRAD: bool> Rule for AdamRule<AMSGRAD> {
    type Options = Adam;
    const STATE: &'static [&'static str] = if AMSGRAD {
        &["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]
    } else {
        &["exp_avg", "exp_avg_sq"]
    };
    type Scalars<F: Float> = Scalars<F>;

    fn scalars<F: Float>(o: &Adam, step: u64, _fresh: bool, _: &mut [f64]) -> Scalars<F> {
        let t = step as f64;
        let bias_correction1 = 1.0 - o.beta1.powf(t);
        let bias_correction2 = 1.0 - o.beta2.powf(t);
        Scalars {
            moments: Moments::new(
                o.lr,
                o.beta1,
                o.beta2,
                o.weight_decay,
                o.maximize,
                o.decoupled_weight_decay,
            ),
            neg_step_size: F::from_f64(-(o.lr / bias_correction1)),
            bias_correction2_sqrt: F::from_f64(bias_correction2.sqrt()),
            eps: F::from_f64(o.eps),
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
