//! Hyperparameters: each kernel declares its options once, with [`hyper!`], as a struct of
//! named, typed fields; the same declaration gives the spec (name, default, domain) that the
//! bindings pass values by, that the Python layer and the drift test read, and that every value
//! is checked against, at construction and whenever an optimizer reads a group at step time.

use smallvec::SmallVec;

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
    /// One of a few numbers, described for messages (`"1 or 2"`).
    OneOf(&'static [f64], &'static str),
    /// One of a few words, passed as the index of the word (`approximate="tanh"` is 1).
    Choice(&'static [&'static str]),
}

impl Domain {
    /// Whether `v` lies in the domain.
    pub fn contains(self, v: f64) -> bool {
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
            Self::Choice(words) => v.fract() == 0.0 && (0.0..words.len() as f64).contains(&v),
        }
    }

    /// Human-readable statement of the domain, used in error messages and exposed to Python.
    pub fn describe(self) -> String {
        match self {
            Self::Finite => "a finite number".into(),
            Self::Positive => "a finite number > 0".into(),
            Self::NonNegative => "a finite number >= 0".into(),
            Self::OpenUnit => "a number in the open interval (0, 1)".into(),
            Self::UnitInterval => "a number in [0, 1]".into(),
            Self::Decay => "a number in [0, 1)".into(),
            Self::Integer => "an integer".into(),
            Self::Flag => "a bool".into(),
            Self::OneOf(_, text) => text.into(),
            Self::Choice(words) => {
                let quoted: Vec<String> = words.iter().map(|w| format!("{w:?}")).collect();
                format!("one of {}", quoted.join(", "))
            }
        }
    }
}

/// One hyperparameter of a kernel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    /// Keyword name, identical to the Python argument name; `betas[0]` is item 0 of `betas`.
    pub name: &'static str,
    /// Default value (flags: 0.0 or 1.0; choices: the index of the word).
    pub default: f64,
    /// Allowed values.
    pub domain: Domain,
}

/// A kernel's options as a typed struct; implemented by [`hyper!`], never by hand.
pub trait Hyper: Copy + std::fmt::Debug + Send + Sync + 'static {
    /// One spec per field, in declaration order.
    const SPECS: &'static [ParamSpec];
    /// The struct from values in `SPECS` order, each already in its domain.
    fn from_values(values: &[f64]) -> Self;
    /// What a domain cannot say: relations between values (SGD's Nesterov needs momentum).
    fn relations(&self) -> std::result::Result<(), String>;
}

/// Values in spec order, inline for every kernel's option count.
type Values = SmallVec<[f64; 12]>;

/// Parses the (name, value) pairs a caller passed for `kernel`: unknown names are refused,
/// missing ones take their defaults, every value is checked against its domain.
pub fn parse<H: Hyper>(kernel: &str, given: &[(&str, f64)]) -> Result<H> {
    if let Some((name, _)) = given
        .iter()
        .find(|(n, _)| !H::SPECS.iter().any(|s| s.name == *n))
    {
        let known: Vec<&str> = H::SPECS.iter().map(|s| s.name).collect();
        return Err(Error::Value(format!(
            "{kernel} got an unexpected parameter {name:?}; it takes {known:?}"
        )));
    }
    let values: Values = H::SPECS
        .iter()
        .map(|spec| {
            given
                .iter()
                .rev()
                .find(|(n, _)| *n == spec.name)
                .map_or(spec.default, |g| g.1)
        })
        .collect();
    from_values(kernel, &values)
}

/// The options from `values` in spec order (the optimizers' per-step path, where the names
/// are fixed), checked as [`parse`] checks them.
pub fn from_values<H: Hyper>(kernel: &str, values: &[f64]) -> Result<H> {
    if values.len() != H::SPECS.len() {
        return Err(Error::Value(format!(
            "{kernel} takes {} hyperparameters, got {}",
            H::SPECS.len(),
            values.len()
        )));
    }
    for (spec, &v) in H::SPECS.iter().zip(values) {
        if !spec.domain.contains(v) {
            return Err(Error::Value(format!(
                "{} must be {} for {kernel}, got {v}",
                spec.name,
                spec.domain.describe()
            )));
        }
    }
    let options = H::from_values(values);
    options
        .relations()
        .map_err(|why| Error::Value(format!("{kernel}: {why}")))?;
    Ok(options)
}

/// Declares a kernel's options: a `Copy` struct of named, typed fields and its [`Hyper`]
/// impl. A field is `name: type = default` with its domain after a comma; `bool` fields are
/// flags and `i64` fields integers unless a domain says otherwise; `name("key")` gives the
/// Python name where it differs (`beta1("betas[0]")`). An optional `relations(self) { … }`
/// block returns `Err(why)` for combinations the domains allow but the kernel does not.
///
/// ```
/// descend_core::hyper! {
///     /// Huber's options.
///     pub struct Huber {
///         /// Where the quadratic zone ends.
///         delta: f64 = 1.0, descend_core::hyper::Domain::Positive;
///     }
/// }
/// let h: Huber = descend_core::hyper::parse("huber", &[("delta", 2.0)]).unwrap();
/// assert_eq!(h.delta, 2.0);
/// ```
#[macro_export]
macro_rules! hyper {
    // A kernel without options is a unit struct.
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {}
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq)]
        $vis struct $name;

        impl $crate::hyper::Hyper for $name {
            const SPECS: &'static [$crate::hyper::ParamSpec] = &[];

            fn from_values(_: &[f64]) -> Self {
                Self
            }

            fn relations(&self) -> ::std::result::Result<(), String> {
                Ok(())
            }
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[$field_meta:meta])*
                $field:ident $(($key:literal))? : $ty:ident = $default:expr $(, $domain:expr)?;
            )*
        }
        $(relations($this:ident) $relations:block)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq)]
        $vis struct $name {
            $($(#[$field_meta])* pub $field: $ty,)*
        }

        impl $crate::hyper::Hyper for $name {
            const SPECS: &'static [$crate::hyper::ParamSpec] = &[$(
                $crate::hyper::ParamSpec {
                    name: $crate::hyper!(@key $field $($key)?),
                    default: $crate::hyper!(@number $ty, $default),
                    domain: $crate::hyper!(@domain $ty $(, $domain)?),
                },
            )*];

            #[allow(unused_variables, unused_mut)]
            fn from_values(values: &[f64]) -> Self {
                // Fields are initialised in the order written, which is the specs' order.
                let mut values = values.iter().copied();
                Self {
                    $($field: $crate::hyper!(@value $ty, values.next().unwrap_or_default()),)*
                }
            }

            #[allow(unused_variables)]
            fn relations(&self) -> ::std::result::Result<(), String> {
                let check = |this: &Self| -> ::std::result::Result<(), String> { Ok(()) };
                $(let check = |$this: &Self| -> ::std::result::Result<(), String> { $relations };)?
                check(self)
            }
        }
    };
    (@key $field:ident) => { stringify!($field) };
    (@key $field:ident $key:literal) => { $key };
    (@number f64, $v:expr) => { $v };
    (@number i64, $v:expr) => { $v as f64 };
    (@number bool, $v:expr) => { if $v { 1.0 } else { 0.0 } };
    (@domain f64, $d:expr) => { $d };
    (@domain i64) => { $crate::hyper::Domain::Integer };
    (@domain bool) => { $crate::hyper::Domain::Flag };
    (@domain $ty:ident, $d:expr) => { $d };
    (@value f64, $v:expr) => { $v };
    (@value i64, $v:expr) => { $v as i64 };
    (@value bool, $v:expr) => { $v != 0.0 };
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::hyper! {
        /// A test kernel's options.
        struct Options {
            delta: f64 = 1.0, Domain::Positive;
            beta1("betas[0]"): f64 = 0.9, Domain::Decay;
            nesterov: bool = false;
            ignore_index: i64 = -100;
            tanh("approximate"): bool = false, Domain::Choice(&["none", "tanh"]);
        }
        relations(this) {
            if this.nesterov && this.delta > 2.0 {
                Err("nesterov needs delta <= 2".into())
            } else {
                Ok(())
            }
        }
    }

    #[test]
    fn defaults_fill_names_map_and_domains_hold() {
        let o: Options = parse("k", &[]).unwrap();
        assert_eq!(
            o,
            Options {
                delta: 1.0,
                beta1: 0.9,
                nesterov: false,
                ignore_index: -100,
                tanh: false
            }
        );
        let o: Options = parse("k", &[("betas[0]", 0.5), ("approximate", 1.0)]).unwrap();
        assert_eq!((o.beta1, o.tanh), (0.5, true));
        assert_eq!(Options::SPECS[4].default, 0.0);
        for bad in [
            ("delta", 0.0),
            ("delta", f64::NAN),
            ("betas[0]", 1.0),
            ("nesterov", 0.5),
            ("ignore_index", 0.5),
            ("approximate", 2.0),
            ("beta", 1.0),
        ] {
            assert!(parse::<Options>("k", &[bad]).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn relations_are_checked_after_domains() {
        let err = parse::<Options>("k", &[("nesterov", 1.0), ("delta", 3.0)]).unwrap_err();
        assert_eq!(err.to_string(), "k: nesterov needs delta <= 2");
        assert!(from_values::<Options>("k", &[3.0, 0.9, 0.0, -100.0, 0.0]).is_ok());
        assert!(from_values::<Options>("k", &[3.0, 0.9, 1.0, -100.0, 0.0]).is_err());
        assert!(from_values::<Options>("k", &[3.0]).is_err());
    }
}
