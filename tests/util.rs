//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// A `smtpstat` command ready to run.
pub fn smtpstat() -> Command {
    Command::cargo_bin("smtpstat").expect("binary is built for integration tests")
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// `../shared/testdata` beside the repository, when this checkout has it.
/// Tests that need it print why they skip and pass.
pub fn shared_testdata(test: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/testdata");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping {test}: {} is absent (shared test data is not part of the repository)", dir.display());
        None
    }
}

/// Runs smtpstat with `args` and parses its JSON report.
pub fn json_report(args: &[&str]) -> Value {
    let out = smtpstat().args(["--format", "json"]).args(args).output().unwrap();
    assert!(out.status.success(), "smtpstat {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// `codes` or `enhanced_codes` as a sorted map code → count.
pub fn code_counts(report: &Value, table: &str) -> std::collections::BTreeMap<String, u64> {
    report[table]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["code"].as_str().unwrap().to_string(), c["count"].as_u64().unwrap()))
        .collect()
}

/// A JSON object of counts as a sorted map.
pub fn counts(v: &Value) -> std::collections::BTreeMap<String, u64> {
    v.as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_u64().unwrap())).collect()
}

/// Builds a sorted map from literal pairs.
pub fn map(pairs: &[(&str, u64)]) -> std::collections::BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// Text with every run of whitespace (line wraps, indentation) made one space,
/// so tests can look for whole sentences in wrapped output.
pub fn flat(text: &[u8]) -> String {
    String::from_utf8_lossy(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Runs smtpstat with `args`, expects success, and returns its stdout flattened.
pub fn flat_stdout(args: &[&str]) -> String {
    let out = smtpstat().args(args).output().unwrap();
    assert!(out.status.success(), "smtpstat {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    flat(&out.stdout)
}
