//! Branch-free transcendentals, one native set per element type, that vectorise at full width
//! when inlined into a loop: `exp`, `exp_m1`, `ln`, `ln_1p`, `tanh` ([`f64`], [`f32`]) and
//! `erf`, `erfc` ([`erf`]). `softplus` and `log_sigmoid` are written once over [`crate::Float`].
//!
//! Rules every routine here keeps, so LLVM can turn it into straight-line vector code:
//! - no libm calls, no `round`/`floor` (a libm call on baseline x86-64) and no float↔int `as`
//!   casts (saturating, and scalarised for i64 without AVX-512DQ): rounding adds the "magic
//!   number" 1.5·2^52 (f64) or 1.5·2^23 (f32) and reads the integer from the bits; exponents
//!   are assembled from bits;
//! - no branches: every range is computed and the answer picked with selects, special values
//!   (±inf, NaN, 0, subnormals, overflow and underflow) fixed with selects at the end;
//! - no `mul_add`: all paths round identically only without FMA (see `float.rs`).
//!
//! Errors are stated per file and per function; the exhaustive f32 sweeps run with
//! `cargo test --release -p descend-core -- --ignored ulp`.

pub mod erf;
pub mod f32;
pub mod f64;

#[cfg(test)]
pub(crate) mod testing;
