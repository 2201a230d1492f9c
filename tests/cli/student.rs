//! A student's first hour: a fresh copy of the course, run as README says.

use crate::util::{repo, serial, Course};
use predicates::prelude::*;

/// Whether this machine can run a command in a network namespace of its own (root, and
/// namespaces allowed); the reason it cannot otherwise.
fn network_namespace() -> Result<(), String> {
    if !nix::unistd::Uid::effective().is_root() {
        return Err("creating a network namespace needs root".into());
    }
    match std::process::Command::new("unshare").args(["--net", "true"]).status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("`unshare --net true` failed ({status})")),
        Err(e) => Err(format!("cannot run unshare: {e}")),
    }
}

/// With every crate in cargo's cache and no network at all, the first `check` of a fresh copy
/// builds and runs the public tests: the lock files pin every crate the working copy needs, and
/// the fetch asks no registry.
#[test]
fn a_fresh_copys_first_check_works_without_network_once_the_cache_is_warm() {
    if let Err(why) = network_namespace() {
        eprintln!("skipped: {why}");
        return;
    }
    let _serial = serial();
    let course = Course::new();
    // The cache is warm: what a first online build (or `cargo fetch`) leaves behind.
    for manifest in ["exercises/Cargo.toml", "pack/support/Cargo.toml"] {
        let status = std::process::Command::new("cargo")
            .args(["fetch", "--locked", "--quiet", "--manifest-path"])
            .arg(repo().join(manifest))
            .status()
            .expect("cargo fetch");
        assert!(status.success(), "warming the cache for {manifest}");
    }
    assert_cmd::Command::new("unshare")
        .arg("--net")
        .arg(assert_cmd::cargo::cargo_bin("checker"))
        .args(["check", "ex04", "--pack"])
        .arg(repo().join("pack"))
        .current_dir(course.path())
        // The copy's own target folder: a first build, as in a fresh clone.
        .env_remove("CHECKER_TARGET_DIR")
        .env("NO_COLOR", "1")
        .timeout(std::time::Duration::from_secs(600))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAIL     public_tests"))
        .stderr(predicate::str::contains("crates.io").not());
}
