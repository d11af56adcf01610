//! What Adam, AdamW, NAdam, RAdam and Adamax do alike before their own step: the direction
//! d = ±g (− under `maximize`), weight decay λ either coupled (d = d + λ·p) or decoupled
//! (p = p·(1 − lr·λ) first), and the moments m = lerp(m, d, 1 − β₁), v = β₂·v + (1 − β₂)·d·d
//! (Adamax keeps only m).
//!
//! torch's lerp rounds w to the tensor's dtype and forms 1 − w there (RMSprop does so); here
//! w and 1 − w are each rounded from f64, which in f32 can give another 1 − w when β₁ ≤ ½
//! (the only case that uses it).

use crate::float::Float;

/// torch's `lerp(a, b, w)`: a + w·(b − a) for |w| < ½, else b − (b − a)·(1 − w), which is
/// exact at w = 1.
#[inline(always)]
pub(crate) fn lerp<F: Float>(a: F, b: F, w: F, one_minus_w: F, low: bool) -> F {
    F::select(low, a + w * (b - a), b - (b - a) * one_minus_w)
}

/// The constants of that shared part, built in a rule's `scalars` once per tensor and step.
#[derive(Clone, Copy)]
pub struct Moments<F> {
    weight: F,
    one_minus_weight: F,
    low_weight: bool,
    beta2: F,
    one_minus_beta2: F,
    weight_decay: F,
    coupled_decay: bool,
    shrink: F,
    maximize: bool,
}

impl<F: Float> Moments<F> {
    /// The constants for learning rate `lr`, betas `beta1` and `beta2`, weight decay λ.
    pub fn new(
        lr: f64,
        beta1: f64,
        beta2: f64,
        weight_decay: f64,
        maximize: bool,
        decoupled: bool,
    ) -> Self {
        let decay = weight_decay != 0.0;
        Self {
            weight: F::from_f64(1.0 - beta1),
            one_minus_weight: F::from_f64(1.0 - (1.0 - beta1)),
            low_weight: 1.0 - beta1 < 0.5,
            beta2: F::from_f64(beta2),
            one_minus_beta2: F::from_f64(1.0 - beta2),
            weight_decay: F::from_f64(weight_decay),
            coupled_decay: decay && !decoupled,
            shrink: F::from_f64(if decay && decoupled {
                1.0 - lr * weight_decay
            } else {
                1.0
            }),
            maximize,
        }
    }

    /// d, from the gradient `g` of parameter `p`.
    #[inline(always)]
    pub fn direction(&self, p: F, g: F) -> F {
        let d = F::select(self.maximize, -g, g);
        F::select(self.coupled_decay, d + self.weight_decay * p, d)
    }

    /// `p` after decoupled decay (unchanged without it).
    #[inline(always)]
    pub fn decayed(&self, p: F) -> F {
        p * self.shrink
    }

    /// The new m.
    #[inline(always)]
    pub fn exp_avg(&self, m: F, d: F) -> F {
        lerp(m, d, self.weight, self.one_minus_weight, self.low_weight)
    }

    /// Updates m and v, the first two state arrays, and returns them.
    #[inline(always)]
    pub fn update(&self, d: F, s: &mut [F]) -> (F, F) {
        let m = self.exp_avg(s[0], d);
        let v = s[1] * self.beta2 + self.one_minus_beta2 * d * d;
        s[0] = m;
        s[1] = v;
        (m, v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decay_is_either_coupled_into_d_or_a_shrink_of_p() {
        let coupled = Moments::<f64>::new(0.5, 0.9, 0.999, 0.25, false, false);
        assert_eq!(coupled.direction(2.0, 1.0), 1.5);
        assert_eq!(coupled.decayed(2.0), 2.0);
        let decoupled = Moments::<f64>::new(0.5, 0.9, 0.999, 0.25, true, true);
        assert_eq!(decoupled.direction(2.0, 1.0), -1.0);
        assert_eq!(decoupled.decayed(2.0), 1.75);
    }

    #[test]
    fn the_first_moment_reaches_d_exactly_when_beta1_is_zero() {
        let k = Moments::<f32>::new(1e-3, 0.0, 0.999, 0.0, false, false);
        assert_eq!(k.exp_avg(1e30, 0.1), 0.1);
    }
}
