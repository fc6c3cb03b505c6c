//! The README's examples run as written: every `$ smtpstat …` line in a code
//! block must succeed, and the output lines shown under it (up to `...`)
//! must appear in the real output, in order.

use std::path::Path;

use crate::util::smtpstat;

struct Example {
    args: Vec<String>,
    shown: Vec<String>,
}

fn examples(readme: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut in_block = false;
    let mut current: Option<Example> = None;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_block = !in_block;
            out.extend(current.take());
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ smtpstat") {
            out.extend(current.take());
            current = Some(Example { args: cmd.split_whitespace().map(String::from).collect(), shown: Vec::new() });
        } else if let Some(ex) = current.as_mut() {
            ex.shown.push(line.to_string());
        }
    }
    out
}

#[test]
fn readme_examples_run_as_shown() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let examples = examples(&readme);
    assert!(examples.len() >= 6, "README lost its examples");
    for ex in examples {
        let out = smtpstat().current_dir(root).args(&ex.args).output().unwrap();
        assert!(out.status.success(), "smtpstat {:?}: {}", ex.args, String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8(out.stdout).unwrap();
        let mut lines = stdout.lines();
        for want in ex.shown.iter().take_while(|l| l.as_str() != "...") {
            assert!(lines.any(|got| got == want), "smtpstat {:?}: README shows {want:?}, not in:\n{stdout}", ex.args);
        }
    }
}
