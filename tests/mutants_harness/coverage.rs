//! The cross-cutting requirement on the set of mutants: every hidden check that course.toml
//! declares is the first expected failure of at least one mutant, so no check goes untested.

use crate::util::repo;
use checker::mutant::Mutant;
use libtest_mimic::Failed;
use std::collections::BTreeSet;

pub fn every_hidden_check_is_caught_first(mutants: &[Mutant]) -> Result<(), Failed> {
    let manifest: toml::Table = toml::from_str(&std::fs::read_to_string(repo().join("course.toml"))?)?;
    let caught: BTreeSet<(&str, &str)> = mutants
        .iter()
        .filter_map(|m| m.expect.fails.first().map(|check| (m.exercise.as_str(), check.as_str())))
        .collect();
    let mut missing = Vec::new();
    for exercise in manifest["exercise"].as_array().ok_or("course.toml has no [[exercise]]")? {
        let id = exercise["id"].as_str().ok_or("an exercise without an id")?;
        for check in exercise["check"].as_array().ok_or_else(|| format!("{id} has no [[exercise.check]]"))? {
            let name = check["name"].as_str().ok_or_else(|| format!("{id}: a check without a name"))?;
            if !caught.contains(&(id, name)) {
                missing.push(format!("{id}/{name}"));
            }
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("hidden checks without a mutant that they catch first: {missing:?}").into())
    }
}
