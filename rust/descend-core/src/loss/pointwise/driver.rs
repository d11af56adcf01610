//! The pointwise driver: validation and the plan of a call (denominators, which arrays the
//! pass reads and writes), once for every pointwise loss; [`super::pass`] runs the loop.
//!
//! One pass reads x, y (and weight, the third array, upstream) and writes what was asked for:
//! unreduced values, the gradient, and/or per-chunk f64 partial sums of w·ℓ. A weighted mean
//! normalised by Σ w needs that sum before the gradient can be written, so it runs a read-only
//! pass over the weights first.

use super::pass::Pass;
use super::{AnyInput, WeightedMean};
use super::{Direct, Domain, Formula, KernelUser, LossSpec, NoThird, PointwiseLoss, Third};
use crate::array::{check_shape, Operand};
use crate::error::{Error, Result};
use crate::float::Float;
use crate::hyper;
use crate::loss::request::{LossShape, Request, Target};
use crate::reduce::Reduction;
use crate::stream::{Off, Ones};

/// Runs pointwise loss `K`. Returns the reduced value when one was asked for. Everything is
/// validated before anything is written.
pub fn run<K: PointwiseLoss, F: Float>(request: Request<'_, F>) -> Result<Option<f64>> {
    let options = hyper::parse(K::SPEC.name, request.params)?;
    let target = validate::<K, F>(&request)?;
    K::specialise(
        options,
        Admit {
            request: &request,
            target,
        },
    )?;
    Ok(K::specialise(options, Execute { request, target }))
}

/// Checks everything about the call; returns the float target it found.
fn validate<'a, K: PointwiseLoss, F: Float>(r: &Request<'a, F>) -> Result<Operand<'a, F>> {
    let name = K::SPEC.name;
    let shape = r.input.shape;
    let loss = LossShape {
        described_as: "input has",
        shape,
    };
    r.check_common(name, loss, K::SPEC.batchmean)?;
    let Target::Floats(target) = r.target else {
        return Err(Error::Dtype(format!(
            "{name} takes a float target of the input's shape, got integer labels"
        )));
    };
    check_shape("target", target.shape, target.data.len(), shape)?;
    let third = K::SPEC.third.unwrap_or("third array");
    match (&r.third, K::Third::TAKES) {
        (Some(_), false) => {
            return Err(Error::Value(format!("{name} takes no third array")));
        }
        (None, true) if K::Third::DIFFERENTIATED => {
            return Err(Error::Value(format!("{name} needs {third}")));
        }
        _ => {}
    }
    if K::Third::DIFFERENTIATED && r.grad.is_some() != r.third_grad.is_some() {
        return Err(Error::Value(format!(
            "{name}: the gradient w.r.t. {third} comes with the input's"
        )));
    }
    if !K::Third::DIFFERENTIATED && r.third_grad.is_some() {
        return Err(Error::Value(format!(
            "{name} has no third array to differentiate"
        )));
    }
    for (what, operand) in [("weight", &r.weight), (third, &r.third)] {
        if let Some(op) = operand {
            check_shape(what, op.shape, op.data.len(), shape)?;
        }
    }
    Ok(target)
}

/// The read-only domain pass, run with the kernel's specialised type.
struct Admit<'r, 'a, F> {
    request: &'r Request<'a, F>,
    target: Operand<'a, F>,
}

impl<F: Float> KernelUser for Admit<'_, '_, F> {
    type Output = Result<()>;

    fn run<K: PointwiseLoss>(self, kernel: K) -> Result<()> {
        let (x, y) = (self.request.input.data, self.target.data);
        let third = self.request.third.map(|a| a.data);
        match K::Domain::first_outside(kernel, x, y, third) {
            None => Ok(()),
            Some(i) => Err(Error::Value(format!(
                "{}: {}; found input {:?}, target {:?} at flat index {i}",
                K::SPEC.name,
                K::Domain::DESCRIPTION.unwrap_or("out of domain"),
                x[i],
                y[i],
            ))),
        }
    }
}

/// A validated request waiting for its kernel.
struct Execute<'a, F> {
    request: Request<'a, F>,
    target: Operand<'a, F>,
}

impl<F: Float> KernelUser for Execute<'_, F> {
    type Output = Option<f64>;

    fn run<K: PointwiseLoss>(self, kernel: K) -> Option<f64> {
        let r = self.request;
        let n = r.input.data.len();
        let weight = r.weight.map(|w| w.data);
        let denominator = match (r.reduction, weight, K::SPEC.weighted_mean) {
            (Reduction::Mean, Some(w), WeightedMean::OverWeights) => weight_sum(w),
            (Reduction::Mean, ..) => n as f64,
            // torch's batchmean: the sum over the first axis' size (a 0-d input is not divided).
            (Reduction::BatchMean, ..) => r.input.shape.first().map_or(1.0, |&b| b as f64),
            _ => 1.0,
        };
        let accumulate = r.wants_reduced();
        let pass = Pass::new(
            r.input.data,
            self.target.data,
            r.upstream.map(|u| u.data),
            r.values.map(|v| v.data),
            r.grad.map(|g| g.data),
            r.third_grad.map(|g| g.data),
            accumulate,
            F::from_f64(1.0 / denominator),
        );
        let third = r.third.map(|a| a.data);
        let total = match weight {
            Some(w) => K::Third::run(pass, kernel, w, third),
            None => K::Third::run(pass, kernel, Ones, third),
        };
        accumulate.then(|| match r.reduction {
            Reduction::Mean | Reduction::BatchMean => total / denominator,
            _ => total,
        })
    }
}

/// Σ w over the weights, chunked and summed exactly like a loss value.
fn weight_sum<F: Float>(w: &[F]) -> f64 {
    let pass = Pass::new(w, w, None, None, None, None, true, F::ONE);
    pass.run_with(Identity, Ones, Ones, None::<Off>)
}

crate::hyper! {
    /// ℓ(x, y) = x, which sums an array through the same deterministic loop.
    struct Identity {}
}

impl PointwiseLoss for Identity {
    const SPEC: LossSpec = LossSpec {
        name: "identity",
        ..LossSpec::BASE
    };
    type Options = Self;
    type Eval = Direct;
    type Third = NoThird;
    type Domain = AnyInput;

    fn specialise<U: KernelUser>(options: Self, user: U) -> U::Output {
        user.run(options)
    }
}

impl Formula for Identity {
    #[inline(always)]
    fn value<F: Float>(self, x: F, _: F, _: F) -> F {
        x
    }
    #[inline(always)]
    fn grad<F: Float>(self, _: F, _: F, _: F) -> F {
        F::ONE
    }
}
