//! `checker mutants`: the mutants of the reference solutions, graded through the batch. CI
//! grades a small sample, rotating with the date so that over the weeks it sees many mutants
//! while each run stays short; `bench/mutants.sh` runs them all.

use crate::util::{checker, serial};
use serde_json::Value;
use std::collections::BTreeSet;

const SAMPLE: u64 = 5;

fn mutants(args: &[&str]) -> (Value, String) {
    let output = checker().arg("mutants").args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(output.status.code(), Some(0), "checker mutants failed:\n{stdout}\n{stderr}");
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}\n{stderr}"));
    (report, stderr)
}

fn count(value: &Value, field: &str) -> u64 {
    value[field].as_u64().unwrap_or_else(|| panic!("no count {field} in {value}"))
}

#[test]
fn a_sample_of_mutants_is_graded_killed_or_listed_as_surviving() {
    let _serial = serial();
    let out = tempfile::Builder::new().prefix("checker-mutants-").tempdir().unwrap();
    let day = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() / 86_400;
    let seed = day.to_string();
    let sample = SAMPLE.to_string();
    let args = ["ex04_pool", "--sample", &sample, "--seed", &seed, "--fail-fast", "--format", "json", "--out"];
    let out_dir = out.path().to_str().unwrap();
    let (report, _) = mutants(&[&args[..], &[out_dir]].concat());

    assert_eq!(report["schema"], "checker-mutation-report");
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["sample"], serde_json::json!({ "size": SAMPLE, "seed": day }));
    let exercises = report["exercises"].as_array().unwrap();
    assert_eq!(exercises.len(), 1);
    let exercise = &exercises[0];
    assert_eq!(exercise["exercise"], "ex04_pool");
    let [generated, equivalent, selected, graded, killed, survived, timed_out, unviable] =
        ["generated", "equivalent", "selected", "graded", "killed", "survived", "timed_out", "unviable"]
            .map(|field| count(exercise, field));
    // Without cargo-mutants (CI installs it) only the checker's own mutants exist, and the
    // report says why.
    let notes = report["notes"].as_array().unwrap();
    if notes.iter().any(|n| n.as_str().unwrap().contains("cargo-mutants is not installed")) {
        assert!(generated > 0, "{exercise}");
    } else {
        assert!(generated > SAMPLE, "ex04_pool has more mutants than the sample: {exercise}");
    }
    assert_eq!(selected, SAMPLE.min(generated - equivalent));
    assert_eq!(killed + survived + timed_out, graded, "{exercise}");
    assert_eq!(graded + unviable, selected, "every selected mutant is accounted for: {exercise}");
    let killed_by: u64 = exercise["killed_by"].as_object().unwrap().values().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(killed_by, killed + timed_out);

    let listed = exercise["mutants"].as_array().unwrap();
    let ids: BTreeSet<&str> = listed.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len() as u64, selected + equivalent, "one entry per graded or equivalent mutant, ids unique");
    for mutant in listed {
        assert!(mutant["file"].as_str().unwrap().starts_with("src/"), "{mutant}");
        assert!(mutant["line"].as_u64().unwrap() > 0, "{mutant}");
        assert!(!mutant["description"].as_str().unwrap().is_empty(), "{mutant}");
        let verdict = mutant["verdict"].as_str().unwrap();
        let check = mutant.get("check").and_then(Value::as_str);
        match verdict {
            "killed" | "timed_out" => assert!(check.is_some(), "a killed mutant names its check: {mutant}"),
            "survived" | "unviable" | "equivalent" => assert!(check.is_none(), "{mutant}"),
            other => panic!("unknown verdict {other}: {mutant}"),
        }
    }
    let score = &report["mutation_score"];
    assert_eq!((count(score, "killed"), count(score, "total")), (killed, graded));
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("mutation-report.json")).unwrap()).unwrap();
    assert_eq!(written["exercises"], report["exercises"]);

    // The same sample again: the same mutants (stable ids), all kept from the first run.
    let (again, stderr) = mutants(&[&args[..], &[out_dir]].concat());
    let ids_again: BTreeSet<&str> =
        again["exercises"][0]["mutants"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ids_again);
    assert!(stderr.contains(&format!("0 graded now, {selected} unchanged")), "{stderr}");
}

#[test]
fn the_listing_has_the_concurrency_operators_and_stable_ids() {
    let list = || {
        let output = checker().args(["mutants", "ex05_queue", "--list"]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).to_string()
    };
    let listing = list();
    for operator in ["while_to_if-", "notify_one-", "section_split-"] {
        assert!(listing.contains(operator), "no {operator} mutant of ex05_queue:\n{listing}");
    }
    assert!(listing.lines().next().unwrap().starts_with("ex05_queue: "), "{listing}");
    assert_eq!(listing, list(), "the ids and the order do not change between runs");
}

#[test]
fn without_cargo_mutants_the_checkers_own_mutants_remain_and_the_command_says_why() {
    // cargo only, from the toolchain itself: no cargo-mutants on the PATH or in CARGO_HOME.
    let sysroot = std::process::Command::new("rustc").args(["--print", "sysroot"]).output().unwrap();
    let toolchain_bin = std::path::Path::new(String::from_utf8(sysroot.stdout).unwrap().trim()).join("bin");
    let empty_cargo_home = tempfile::tempdir().unwrap();
    let output = checker()
        .args(["mutants", "ex05_queue", "--list"])
        .env("PATH", format!("{}:/usr/bin:/bin", toolchain_bin.display()))
        .env("CARGO_HOME", empty_cargo_home.path())
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("cargo-mutants is not installed"), "{stderr}");
    assert!(stderr.contains("cargo install --locked cargo-mutants"), "{stderr}");
    assert!(stdout.contains("while_to_if-") && !stdout.contains("cargo-"), "{stdout}");
}
