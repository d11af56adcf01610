//! Hyperparameter declarations shared by every kernel family: a name, a default and a domain.
//! Bindings pass values by name; [`resolve`] fills defaults and checks domains before any work.

use crate::error::{Error, Result};

/// Where a hyperparameter may lie.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Domain {
    /// Any finite number.
    Finite,
    /// Strictly positive and finite.
    Positive,
    /// Zero or positive and finite.
    NonNegative,
    /// Strictly between 0 and 1.
    OpenUnit,
    /// Between 0 and 1, both included.
    UnitInterval,
    /// From 0 (included) to 1 (excluded), as a moment decay (Adam's betas).
    Decay,
    /// A whole number (exactly representable, |v| < 2^53), e.g. a class index.
    Integer,
    /// A boolean flag, passed as 0.0 or 1.0.
    Flag,
    /// One of a few values, described for messages (`"1 or 2"`).
    OneOf(&'static [f64], &'static str),
}

impl Domain {
    fn contains(self, v: f64) -> bool {
        match self {
            Self::Finite => v.is_finite(),
            Self::Positive => v.is_finite() && v > 0.0,
            Self::NonNegative => v.is_finite() && v >= 0.0,
            Self::OpenUnit => v > 0.0 && v < 1.0,
            Self::UnitInterval => (0.0..=1.0).contains(&v),
            Self::Decay => (0.0..1.0).contains(&v),
            Self::Integer => v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0,
            Self::Flag => v == 0.0 || v == 1.0,
            Self::OneOf(values, _) => values.contains(&v),
        }
    }

    /// Human-readable statement of the domain, used in error messages and exposed to Python.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Finite => "a finite number",
            Self::Positive => "a finite number > 0",
            Self::NonNegative => "a finite number >= 0",
            Self::OpenUnit => "a number in the open interval (0, 1)",
            Self::UnitInterval => "a number in [0, 1]",
            Self::Decay => "a number in [0, 1)",
            Self::Integer => "an integer",
            Self::Flag => "a bool",
            Self::OneOf(_, text) => text,
        }
    }
}

/// One hyperparameter of a kernel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    /// Keyword name, identical to the Python argument name.
    pub name: &'static str,
    /// Default value (flags: 0.0 or 1.0).
    pub default: f64,
    /// Allowed values.
    pub domain: Domain,
}

impl ParamSpec {
    /// Shorthand for declaring a spec in a `const`.
    pub const fn new(name: &'static str, default: f64, domain: Domain) -> Self {
        Self {
            name,
            default,
            domain,
        }
    }
}

/// Resolves `given` (name, value) pairs against `specs`, in spec order, defaults filled in.
pub fn resolve(kernel: &str, specs: &[ParamSpec], given: &[(&str, f64)]) -> Result<Vec<f64>> {
    if let Some((name, _)) = given
        .iter()
        .find(|(n, _)| !specs.iter().any(|s| s.name == *n))
    {
        let known: Vec<&str> = specs.iter().map(|s| s.name).collect();
        return Err(Error::Value(format!(
            "{kernel} got an unexpected parameter {name:?}; it takes {known:?}"
        )));
    }
    specs
        .iter()
        .map(|spec| {
            let v = given
                .iter()
                .rev()
                .find(|(n, _)| *n == spec.name)
                .map_or(spec.default, |g| g.1);
            if spec.domain.contains(v) {
                Ok(v)
            } else {
                Err(Error::Value(format!(
                    "{} must be {} for {kernel}, got {v}",
                    spec.name,
                    spec.domain.describe()
                )))
            }
        })
        .collect()
}

/// Checks `values`, given in spec order (the optimizers' per-step path, where names are fixed).
pub fn check(kernel: &str, specs: &[ParamSpec], values: &[f64]) -> Result<()> {
    if values.len() != specs.len() {
        return Err(Error::Value(format!(
            "{kernel} takes {} hyperparameters, got {}",
            specs.len(),
            values.len()
        )));
    }
    for (spec, &v) in specs.iter().zip(values) {
        if !spec.domain.contains(v) {
            return Err(Error::Value(format!(
                "{} must be {} for {kernel}, got {v}",
                spec.name,
                spec.domain.describe()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[ParamSpec] = &[ParamSpec::new("delta", 1.0, Domain::Positive)];

    #[test]
    fn defaults_fill_and_domains_hold() {
        assert_eq!(resolve("k", SPECS, &[]).unwrap(), vec![1.0]);
        assert_eq!(resolve("k", SPECS, &[("delta", 2.5)]).unwrap(), vec![2.5]);
        assert!(resolve("k", SPECS, &[("delta", 0.0)]).is_err());
        assert!(resolve("k", SPECS, &[("delta", f64::NAN)]).is_err());
        assert!(resolve("k", SPECS, &[("beta", 1.0)]).is_err());
    }
}
