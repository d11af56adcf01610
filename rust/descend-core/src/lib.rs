//! descend-core: the Python-free engine of descend.
//!
//! Kernel files hold only math; one driver per family holds the machinery (shapes, weights,
//! reductions, chunks, threads, SIMD dispatch). Drivers validate everything first and only then
//! run kernels that cannot fail, so a failing call writes nothing.

pub mod activation;
pub mod array;
pub mod clip;
pub mod error;
pub mod float;
pub mod hyper;
pub mod loss;
pub mod metrics;
pub mod optim;
pub mod par;
pub mod probe;
pub mod reduce;
pub mod registry;
pub mod simd;
pub mod stream;

pub use error::{Error, Result};
pub use float::Float;
