//! Run-time SIMD dispatch: one binary, the best instruction set the CPU has, or the one forced
//! by `DESCEND_SIMD=scalar|avx2|avx512` (read once, at first use).
//!
//! Kernels are written once as scalar code over [`crate::Float`]; pulp compiles the driver loop
//! once per instruction set with that set enabled, and LLVM vectorises it. Measured on the
//! target machine this reaches memory bandwidth for the pointwise losses, so no kernel carries
//! hand-written intrinsics (see the closing note of the foundation issue for the figures).

pub mod math;
pub mod row;

use std::sync::OnceLock;

use pulp::Simd;

/// An instruction-set path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Baseline code of the target (SSE2 on x86-64).
    Scalar,
    /// AVX2 + FMA (x86-64-v3).
    Avx2,
    /// AVX-512 F/BW/CD/DQ/VL (x86-64-v4).
    Avx512,
    /// aarch64 NEON (the baseline there; compiled, untested on this project's machines).
    Neon,
}

impl Level {
    /// The name used by `DESCEND_SIMD` and `descend.simd_level()`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Scalar => "scalar",
            Self::Avx2 => "avx2",
            Self::Avx512 => "avx512",
            Self::Neon => "neon",
        }
    }

    fn available(self) -> bool {
        match self {
            Self::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Self::Avx2 => pulp::x86::V3::is_available(),
            #[cfg(target_arch = "x86_64")]
            Self::Avx512 => pulp::x86::V4::is_available(),
            #[cfg(target_arch = "aarch64")]
            Self::Neon => true,
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    fn best() -> Self {
        [Self::Avx512, Self::Avx2, Self::Neon]
            .into_iter()
            .find(|l| l.available())
            .unwrap_or(Self::Scalar)
    }
}

/// The level chosen at first use and, if `DESCEND_SIMD` asked for something unusable, why not.
fn choice() -> &'static (Level, Option<String>) {
    static CHOICE: OnceLock<(Level, Option<String>)> = OnceLock::new();
    CHOICE.get_or_init(|| choose(std::env::var("DESCEND_SIMD").ok().as_deref()))
}

fn choose(forced: Option<&str>) -> (Level, Option<String>) {
    let best = Level::best();
    let Some(name) = forced.map(str::trim).filter(|s| !s.is_empty()) else {
        return (best, None);
    };
    let wanted = [Level::Scalar, Level::Avx2, Level::Avx512, Level::Neon]
        .into_iter()
        .find(|l| l.name().eq_ignore_ascii_case(name));
    match wanted {
        Some(level) if level.available() => (level, None),
        Some(level) => (
            best,
            Some(format!(
                "DESCEND_SIMD={} is not supported by this CPU; using {}",
                level.name(),
                best.name()
            )),
        ),
        None => (
            best,
            Some(format!(
                "DESCEND_SIMD={name:?} is not one of scalar, avx2, avx512, neon; using {}",
                best.name()
            )),
        ),
    }
}

/// Asks for `data` to be brought into the caches ahead of its use.
#[inline(always)]
pub fn prefetch<T>(data: &[T]) {
    #[cfg(target_arch = "x86_64")]
    {
        let bytes = std::mem::size_of_val(data);
        let start = data.as_ptr().cast::<i8>();
        for offset in (0..bytes).step_by(64) {
            // SAFETY: prefetch never faults, and the address lies inside `data`.
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                    start.add(offset),
                );
            }
        }
    }
}

/// The path every kernel call takes.
pub fn level() -> Level {
    choice().0
}

/// A warning to show the user if `DESCEND_SIMD` could not be honoured.
pub fn forced_level_warning() -> Option<&'static str> {
    choice().1.as_deref()
}

/// Runs `op` compiled for the chosen instruction set. Never inlined: its scalar arm holds a
/// whole kernel loop, which inlining copied into every caller (serial and pooled paths alike).
#[inline(never)]
pub fn dispatch<Op: pulp::WithSimd>(op: Op) -> Op::Output {
    match level() {
        #[cfg(target_arch = "x86_64")]
        Level::Avx512 => match pulp::x86::V4::try_new() {
            Some(simd) => Simd::vectorize(simd, op),
            None => pulp::Scalar::new().vectorize(op),
        },
        #[cfg(target_arch = "x86_64")]
        Level::Avx2 => match pulp::x86::V3::try_new() {
            Some(simd) => Simd::vectorize(simd, op),
            None => pulp::Scalar::new().vectorize(op),
        },
        // NEON is aarch64's baseline, so the plain build is already the NEON path there.
        _ => pulp::Scalar::new().vectorize(op),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forcing_falls_back_with_a_warning() {
        assert_eq!(choose(Some("scalar")), (Level::Scalar, None));
        let (level, warning) = choose(Some("bogus"));
        assert_eq!(level, Level::best());
        assert!(warning.unwrap().contains("bogus"));
        assert_eq!(choose(None).0, Level::best());
    }
}
