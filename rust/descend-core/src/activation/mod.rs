//! Activations and their vector-Jacobian products upstream·J, as torch.nn.functional has them.
//!
//! Two kinds, one registry list ([`ACTIVATIONS`]):
//! - elementwise ([`Elementwise`]): y = f(x) per element, upstream·J = u·f'(x). A kernel is one
//!   small `Copy` struct with the value and the derivative of one element; [`elementwise`]
//!   holds the loop, the fused pass, chunks, threads and SIMD.
//! - along a dimension ([`AlongDim`]): softmax and log_softmax, whose Jacobian couples the
//!   elements of each row along `dim`. A kernel is the math of one contiguous row, written with
//!   [`crate::simd::row`]'s primitives; [`along_dim`] finds the rows (a transposed copy when
//!   `dim` is not the last axis), chunks them and runs them on the pool.

pub mod along_dim;
pub mod elementwise;

mod elu;
mod gelu;
mod leaky_relu;
mod log_sigmoid;
mod log_softmax;
mod relu;
mod sigmoid;
mod silu;
mod softmax;
mod softplus;
mod tanh;
#[cfg(test)]
mod tests;

use crate::array::{Operand, Output, Typed};
use crate::error::{Error, Result};
use crate::float::Float;
use crate::hyper::Hyper;
use crate::par::Bound;
use crate::registry::{self, Entry, Fact, Facts};

/// What an activation file declares about itself beside its options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivationSpec {
    /// Registry name = file stem = Python name.
    pub name: &'static str,
    /// What limits its speed (decides when threads pay).
    pub bound: Bound,
}

/// An elementwise activation. Implementations are branch-free (selects, not jumps) so the
/// driver's loop vectorises, and `value_and_grad` must return bitwise what `value` and `grad`
/// return.
pub trait Elementwise: Copy + Send + Sync + 'static {
    /// Name and bound.
    const SPEC: ActivationSpec;
    /// Its options; most kernels are their own.
    type Options: Hyper;
    /// Hands `user` the kernel for `options`: one monomorphised type per on/off option,
    /// decided once before the loop (a flag tested inside it costs both branches per lane).
    fn specialise<U: KernelUser>(options: Self::Options, user: U) -> U::Output;
    /// f(x).
    fn value<F: Float>(self, x: F) -> F;
    /// f'(x).
    fn grad<F: Float>(self, x: F) -> F;
    /// Both, sharing work where the formulas allow.
    #[inline(always)]
    fn value_and_grad<F: Float>(self, x: F) -> (F, F) {
        (self.value(x), self.grad(x))
    }
}

/// Something that runs an elementwise kernel value (see [`Elementwise::specialise`]).
pub trait KernelUser {
    /// What the run returns.
    type Output;
    /// Called with the kernel, its options resolved into its type and fields.
    fn run<K: Elementwise>(self, kernel: K) -> Self::Output;
}

/// An activation along a dimension, given one contiguous row at a time; its own options.
/// `row` is `#[inline(always)]` so it compiles inside the driver's SIMD context.
pub trait AlongDim: Hyper {
    /// Name and bound.
    const SPEC: ActivationSpec;
    /// Writes f(x) into `value` if given and upstream·J into `grad` if given (`upstream` is
    /// then given too), all of the row's length. The gradient's bits must not depend on
    /// whether the value is also asked for.
    fn row<F: Float>(
        self,
        x: &[F],
        upstream: Option<&[F]>,
        value: Option<&mut [F]>,
        grad: Option<&mut [F]>,
    );
}

/// What the activation family states about an activation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivationFacts {
    /// Whether it works along `dim` (its Jacobian is block-diagonal over rows), or elementwise.
    pub along_dim: bool,
}

impl Facts for ActivationFacts {
    const FAMILY: &'static str = "activation";

    fn describe(&self) -> Vec<(&'static str, Fact)> {
        vec![("along_dim", Fact::Flag(self.along_dim))]
    }
}

/// A call in either dtype.
pub type Call<'a> = Typed<Request<'a, f32>, Request<'a, f64>>;

/// A registered activation: its driver's entry point, monomorphised for it.
pub type ActivationEntry = Entry<ActivationFacts, fn(Call<'_>) -> Result<()>>;

/// The entry of elementwise activation `K`.
pub const fn elementwise<K: Elementwise>() -> ActivationEntry {
    Entry {
        name: K::SPEC.name,
        params: K::Options::SPECS,
        bound: K::SPEC.bound,
        facts: ActivationFacts { along_dim: false },
        run: |call| match call {
            Typed::F32(r) => elementwise::run::<K, f32>(r),
            Typed::F64(r) => elementwise::run::<K, f64>(r),
        },
    }
}

/// The entry of activation `K` along a dimension.
pub const fn along_dim<K: AlongDim>() -> ActivationEntry {
    Entry {
        name: K::SPEC.name,
        params: K::SPECS,
        bound: K::SPEC.bound,
        facts: ActivationFacts { along_dim: true },
        run: |call| match call {
            Typed::F32(r) => along_dim::run::<K, f32>(r),
            Typed::F64(r) => along_dim::run::<K, f64>(r),
        },
    }
}

/// Every activation.
pub const ACTIVATIONS: &[ActivationEntry] = &[
    along_dim::<softmax::Softmax>(),
    along_dim::<log_softmax::LogSoftmax>(),
    elementwise::<sigmoid::Sigmoid>(),
    elementwise::<log_sigmoid::LogSigmoid>(),
    elementwise::<softplus::Softplus>(),
    elementwise::<relu::Relu>(),
    elementwise::<leaky_relu::LeakyRelu>(),
    elementwise::<elu::Elu>(),
    elementwise::<tanh::Tanh>(),
    elementwise::<gelu::Gelu>(),
    elementwise::<silu::Silu>(),
];

/// The activation called `name`.
pub fn find(name: &str) -> Result<&'static ActivationEntry> {
    registry::find(&[ACTIVATIONS], name)
}

/// Runs the activation called `name`. Everything is validated before anything is written.
pub fn run(name: &str, call: Call<'_>) -> Result<()> {
    (find(name)?.run)(call)
}

/// One call of an activation.
#[derive(Debug)]
pub struct Request<'a, F> {
    /// x, any shape.
    pub input: Operand<'a, F>,
    /// The gradient flowing into the output, x's shape. Elementwise: defaults to ones (the
    /// derivative). Along a dimension: required for the gradient.
    pub upstream: Option<Operand<'a, F>>,
    /// Hyperparameters by name; missing ones take their defaults.
    pub params: &'a [(&'a str, f64)],
    /// The axis of softmax and log_softmax, negative from the end as in numpy; a 0-d input is
    /// one row of one element (dim 0 or −1). Ignored by elementwise activations.
    pub dim: i64,
    /// f(x), x's shape, when asked for.
    pub value: Option<Output<'a, F>>,
    /// upstream·J, x's shape, when asked for.
    pub grad: Option<Output<'a, F>>,
}

impl<F> Request<'_, F> {
    /// The checks every activation shares: shapes of upstream and outputs, something asked.
    fn validate_common(&self) -> Result<()> {
        use crate::array::check_shape;
        let shape = self.input.shape;
        check_shape("input", shape, self.input.data.len(), shape)?;
        if let Some(u) = &self.upstream {
            check_shape("upstream", u.shape, u.data.len(), shape)?;
        }
        for output in [&self.value, &self.grad].into_iter().flatten() {
            check_shape("out", output.shape, output.data.len(), shape)?;
        }
        if self.value.is_none() && self.grad.is_none() {
            return Err(Error::Value(
                "nothing to compute: ask for the value, the gradient or both".into(),
            ));
        }
        if self.upstream.is_some() && self.grad.is_none() {
            return Err(Error::Value(
                "upstream is only used by the gradient (.grad, .value_and_grad)".into(),
            ));
        }
        Ok(())
    }
}
