//! Loss families. Each family is a trait for its kernels, one registry list, and one driver.

pub mod pointwise;
pub mod rowwise;
