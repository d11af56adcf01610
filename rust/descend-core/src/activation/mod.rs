//! Activations and their vector-Jacobian products upstream·J, as torch.nn.functional has them.
//!
//! Two kinds, one registry list ([`registry!`] below):
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

use crate::array::{Operand, Output};
use crate::error::{Error, Result};
use crate::float::Float;
use crate::par::Bound;
use crate::param::ParamSpec;

/// How an activation's Jacobian is shaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Diagonal: each output depends on its own input only.
    Elementwise,
    /// Block-diagonal over the rows along `dim`.
    AlongDim,
}

/// What the bindings and the drift test need to know about an activation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ActivationSpec {
    /// Registry name = file stem = Python name.
    pub name: &'static str,
    /// Hyperparameters in declaration order (`dim` is not one: it is an argument of the call).
    pub params: &'static [ParamSpec],
    /// Elementwise or along a dimension.
    pub kind: Kind,
    /// What limits its speed (decides when threads pay).
    pub bound: Bound,
}

/// An elementwise activation. Implementations are branch-free (selects, not jumps) so the
/// driver's loop vectorises, and `value_and_grad` must return bitwise what `value` and `grad`
/// return.
pub trait Elementwise: Copy + Send + Sync + 'static {
    /// Name, hyperparameters, kind and bound.
    const SPEC: ActivationSpec;
    /// Builds the kernel from hyperparameters already resolved and checked against `SPEC`.
    fn new(params: &[f64]) -> Self;
    /// Hands `user` the kernel for `params`; a kernel with an on/off option overrides this to
    /// pick one monomorphised type per choice, decided once before the loop.
    #[inline]
    fn specialise<U: KernelUser>(params: &[f64], user: U) -> U::Output {
        user.run(Self::new(params))
    }
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

/// An activation along a dimension, given one contiguous row at a time. `row` is
/// `#[inline(always)]` so it compiles inside the driver's SIMD context.
pub trait AlongDim: Copy + Send + Sync + 'static {
    /// Name, hyperparameters, kind and bound.
    const SPEC: ActivationSpec;
    /// Builds the kernel from hyperparameters resolved and checked against `SPEC`.
    fn new(params: &[f64]) -> Self;
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

/// Something generic over the kernel type, run by [`visit`] once the name is resolved.
pub trait Visitor {
    /// What the visit returns.
    type Output;
    /// Called with an elementwise kernel type.
    fn elementwise<K: Elementwise>(self) -> Self::Output;
    /// Called with a kernel type along a dimension.
    fn along_dim<K: AlongDim>(self) -> Self::Output;
}

macro_rules! registry {
    (along_dim: [$($row:ty),* $(,)?], elementwise: [$($kernel:ty),* $(,)?] $(,)?) => {
        /// Every activation, in registry order.
        pub const ACTIVATIONS: &[ActivationSpec] = &[
            $(<$row as AlongDim>::SPEC,)*
            $(<$kernel as Elementwise>::SPEC,)*
        ];

        /// Runs `visitor` with the kernel called `name`, or returns it back if there is none.
        pub fn visit<V: Visitor>(name: &str, visitor: V) -> std::result::Result<V::Output, V> {
            $(if name == <$row as AlongDim>::SPEC.name {
                return Ok(visitor.along_dim::<$row>());
            })*
            $(if name == <$kernel as Elementwise>::SPEC.name {
                return Ok(visitor.elementwise::<$kernel>());
            })*
            Err(visitor)
        }
    };
}

registry! {
    along_dim: [softmax::Softmax, log_softmax::LogSoftmax],
    elementwise: [
        sigmoid::Sigmoid,
        log_sigmoid::LogSigmoid,
        softplus::Softplus,
        relu::Relu,
        leaky_relu::LeakyRelu,
        elu::Elu,
        tanh::Tanh,
        gelu::Gelu,
        silu::Silu,
    ],
}

/// The spec of the activation called `name`.
pub fn spec(name: &str) -> Option<&'static ActivationSpec> {
    ACTIVATIONS.iter().find(|s| s.name == name)
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

/// Runs the activation `name`. Everything is validated before anything is written.
pub fn run<F: Float>(name: &str, request: Request<'_, F>) -> Result<()> {
    visit(name, request).unwrap_or_else(|_| {
        let known: Vec<&str> = ACTIVATIONS.iter().map(|s| s.name).collect();
        Err(Error::Value(format!(
            "unknown activation {name:?}; known: {known:?}"
        )))
    })
}

impl<F: Float> Visitor for Request<'_, F> {
    type Output = Result<()>;

    fn elementwise<K: Elementwise>(self) -> Result<()> {
        elementwise::run::<K, F>(self)
    }

    fn along_dim<K: AlongDim>(self) -> Result<()> {
        along_dim::run::<K, F>(self)
    }
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
