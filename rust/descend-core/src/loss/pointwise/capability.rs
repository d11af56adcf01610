//! The capabilities a pointwise kernel states in its [`PointwiseLoss`] impl, as types: each is
//! implemented only for kernels that have the math it needs, so a kernel that states one it
//! lacks does not compile, and the driver's loop is monomorphised for exactly what the kernel
//! has (each way a loop can be called doubles its compiled copies: every loss compiled with
//! every combination made the extension module tens of megabytes).

use super::domain;
use super::pass::Pass;
use super::{Admits, Formula, PointwiseLoss, StagedFormula, ThirdGrad};
use crate::float::Float;
use crate::stream::{Ones, Paired, Stream};

/// How the driver evaluates a kernel's elements.
pub trait Eval<K>: 'static {
    /// Whether a first stage runs as a loop of its own before the loss loop.
    const STAGED: bool;
    /// An element's first stage (unused when not `STAGED`).
    fn stage<F: Float>(k: K, x: F, y: F, a: F) -> F;
    /// ℓ, given the element's first stage.
    fn value<F: Float>(k: K, x: F, y: F, a: F, stage: F) -> F;
    /// ∂ℓ/∂x, given the element's first stage.
    fn grad<F: Float>(k: K, x: F, y: F, a: F, stage: F) -> F;
    /// Both, bitwise the separate results.
    fn value_and_grad<F: Float>(k: K, x: F, y: F, a: F, stage: F) -> (F, F);
}

/// Each element in one step: the kernel is a [`Formula`].
#[derive(Debug)]
pub struct Direct;

/// A first stage over each block, then the rest: the kernel is a [`StagedFormula`].
#[derive(Debug)]
pub struct Staged;

impl<K: Formula> Eval<K> for Direct {
    const STAGED: bool = false;
    #[inline(always)]
    fn stage<F: Float>(_: K, _: F, _: F, _: F) -> F {
        F::ZERO
    }
    #[inline(always)]
    fn value<F: Float>(k: K, x: F, y: F, a: F, _: F) -> F {
        k.value(x, y, a)
    }
    #[inline(always)]
    fn grad<F: Float>(k: K, x: F, y: F, a: F, _: F) -> F {
        k.grad(x, y, a)
    }
    #[inline(always)]
    fn value_and_grad<F: Float>(k: K, x: F, y: F, a: F, _: F) -> (F, F) {
        k.value_and_grad(x, y, a)
    }
}

impl<K: StagedFormula> Eval<K> for Staged {
    const STAGED: bool = true;
    #[inline(always)]
    fn stage<F: Float>(k: K, x: F, y: F, a: F) -> F {
        k.stage(x, y, a)
    }
    #[inline(always)]
    fn value<F: Float>(k: K, x: F, y: F, a: F, stage: F) -> F {
        k.value_given(x, y, a, stage)
    }
    #[inline(always)]
    fn grad<F: Float>(k: K, x: F, y: F, a: F, stage: F) -> F {
        k.grad_given(x, y, a, stage)
    }
    #[inline(always)]
    fn value_and_grad<F: Float>(k: K, x: F, y: F, a: F, stage: F) -> (F, F) {
        k.value_and_grad_given(x, y, a, stage)
    }
}

/// How a kernel's third array reaches the loop.
pub trait Third<K>: 'static {
    /// Whether the loss takes a third array at all.
    const TAKES: bool;
    /// Whether it is differentiated too (required, and `.grad` gives ∂ℓ/∂a beside ∂ℓ/∂x).
    const DIFFERENTIATED: bool;
    /// ∂ℓ/∂a; only a differentiated third array's loop asks for it.
    fn third_grad<F: Float>(k: K, x: F, y: F, a: F) -> F;
    /// Runs the pass with the third array as the kernel takes it (validated: present exactly
    /// when the kernel allows or needs it).
    fn run<F: Float, W: Stream<F>>(pass: Pass<'_, F>, k: K, w: W, third: Option<&[F]>) -> f64
    where
        K: PointwiseLoss;
}

/// No third array: the kernel sees ones.
#[derive(Debug)]
pub struct NoThird;

/// An optional third array, ones when absent (torch's `pos_weight`).
#[derive(Debug)]
pub struct OptionalThird;

/// A required third array, differentiated too (torch's `var`): the kernel is a [`ThirdGrad`].
#[derive(Debug)]
pub struct DifferentiatedThird;

impl<K> Third<K> for NoThird {
    const TAKES: bool = false;
    const DIFFERENTIATED: bool = false;
    fn third_grad<F: Float>(_: K, _: F, _: F, _: F) -> F {
        F::ZERO
    }
    fn run<F: Float, W: Stream<F>>(mut pass: Pass<'_, F>, k: K, w: W, _: Option<&[F]>) -> f64
    where
        K: PointwiseLoss,
    {
        let grad = pass.take_grad();
        pass.run_with(k, w, Ones, grad)
    }
}

impl<K> Third<K> for OptionalThird {
    const TAKES: bool = true;
    const DIFFERENTIATED: bool = false;
    fn third_grad<F: Float>(_: K, _: F, _: F, _: F) -> F {
        F::ZERO
    }
    fn run<F: Float, W: Stream<F>>(mut pass: Pass<'_, F>, k: K, w: W, a: Option<&[F]>) -> f64
    where
        K: PointwiseLoss,
    {
        let grad = pass.take_grad();
        match a {
            Some(a) => pass.run_with(k, w, a, grad),
            None => pass.run_with(k, w, Ones, grad),
        }
    }
}

impl<K: ThirdGrad> Third<K> for DifferentiatedThird {
    const TAKES: bool = true;
    const DIFFERENTIATED: bool = true;
    #[inline(always)]
    fn third_grad<F: Float>(k: K, x: F, y: F, a: F) -> F {
        k.third_grad(x, y, a)
    }
    fn run<F: Float, W: Stream<F>>(mut pass: Pass<'_, F>, k: K, w: W, a: Option<&[F]>) -> f64 {
        // Validation made the array present, and its gradient present with the input's.
        let a = a.unwrap_or_default();
        match (pass.take_grad(), pass.take_third_grad()) {
            (Some(g), Some(ga)) => pass.run_with(k, w, a, Some(Paired(g, ga))),
            (g, _) => pass.run_with(k, w, a, g),
        }
    }
}

/// Whether a kernel's inputs are checked against a domain before anything is written.
pub trait Domain<K>: 'static {
    /// The domain, for the export and messages; `None` for any input.
    const DESCRIPTION: Option<&'static str>;
    /// The flat index of the first element outside the domain, if any.
    fn first_outside<F: Float>(k: K, x: &[F], y: &[F], a: Option<&[F]>) -> Option<usize>;
}

/// Any input is taken.
#[derive(Debug)]
pub struct AnyInput;

/// Inputs are checked: the kernel [`Admits`] its domain.
#[derive(Debug)]
pub struct Checked;

impl<K> Domain<K> for AnyInput {
    const DESCRIPTION: Option<&'static str> = None;
    fn first_outside<F: Float>(_: K, _: &[F], _: &[F], _: Option<&[F]>) -> Option<usize> {
        None
    }
}

impl<K: Admits> Domain<K> for Checked {
    const DESCRIPTION: Option<&'static str> = Some(K::DOMAIN);
    fn first_outside<F: Float>(k: K, x: &[F], y: &[F], a: Option<&[F]>) -> Option<usize> {
        domain::first_outside(k, x, y, a)
    }
}
