//! Records what built the extension, the compiler and the source's commit, so a benchmark
//! report can name the build it measured. An installed wheel has neither rustc nor git.

use std::path::Path;
use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let compiler = stdout(&rustc, &["--version"]).unwrap_or_else(|| "rustc (unknown)".into());
    let commit = stdout("git", &["rev-parse", "--short=12", "HEAD"])
        .map_or_else(|| "no git checkout".into(), |hash| format!("git {hash}"));
    println!("cargo:rustc-env=DESCEND_BUILD={compiler}; {commit}");
    println!("cargo:rerun-if-changed=build.rs");
    // A new commit moves the branch's ref (loose or packed), or HEAD itself when detached.
    // Only existing paths are named: a missing one would rerun this script, and so rebuild
    // the crate, on every build.
    if let Some(git_dir) = stdout("git", &["rev-parse", "--absolute-git-dir"]) {
        let branch = stdout("git", &["symbolic-ref", "-q", "HEAD"]);
        let watched = ["HEAD", "packed-refs"].into_iter().map(String::from);
        for name in watched.chain(branch) {
            let path = Path::new(&git_dir).join(name);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
}

/// The trimmed standard output of a command that succeeded.
fn stdout(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    output.status.success().then(|| text.trim().to_owned())
}
