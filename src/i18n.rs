//! The languages of the text report and of `explain`: English from
//! `data/i18n/en.toml` and `data/codes.toml`, and Hindi, Turkish, Chinese
//! and Vietnamese from their files in `data/i18n/`, all embedded at build
//! time. JSON keys and CSV headers stay English whatever the language.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::code::{BasicCode, Class, EnhancedCode};

/// The languages smtpstat speaks, by their ISO 639-1 codes.
pub const LANGUAGES: [&str; 5] = ["en", "hi", "tr", "zh", "vi"];

const FILES: [(&str, &str); 5] = [
    ("en", include_str!("../data/i18n/en.toml")),
    ("hi", include_str!("../data/i18n/hi.toml")),
    ("tr", include_str!("../data/i18n/tr.toml")),
    ("zh", include_str!("../data/i18n/zh.toml")),
    ("vi", include_str!("../data/i18n/vi.toml")),
];

/// Translated fields of one code; absent in English, whose text is in codes.toml.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeText {
    pub title: String,
    pub description: String,
    pub when: String,
    pub fix: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Named {
    pub name: String,
    pub meaning: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub who_fixes: String,
}

#[derive(Debug, Deserialize)]
struct Meta {
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lang {
    #[serde(skip)]
    pub code: &'static str,
    meta: Meta,
    text: BTreeMap<String, String>,
    labels: BTreeMap<String, String>,
    #[serde(default)]
    pub classes: BTreeMap<String, Named>,
    #[serde(default)]
    pub categories: BTreeMap<String, Named>,
    #[serde(default)]
    pub enhanced_classes: BTreeMap<String, Named>,
    #[serde(default)]
    pub enhanced_subjects: BTreeMap<String, Named>,
    #[serde(default)]
    pub basic: BTreeMap<String, CodeText>,
    #[serde(default)]
    pub enhanced: BTreeMap<String, CodeText>,
}

fn load(i: usize) -> Lang {
    let (code, text) = FILES[i];
    let mut lang: Lang = toml::from_str(text).unwrap_or_else(|e| panic!("data/i18n/{code}.toml: {e}"));
    lang.code = code;
    lang
}

/// Each language is parsed the first time it is used: a report in one
/// language need not pay for reading the other four.
static LANGS: [LazyLock<Lang>; 5] = [
    LazyLock::new(|| load(0)),
    LazyLock::new(|| load(1)),
    LazyLock::new(|| load(2)),
    LazyLock::new(|| load(3)),
    LazyLock::new(|| load(4)),
];

/// A language by code; `None` when smtpstat does not speak it.
pub fn lang(code: &str) -> Option<&'static Lang> {
    FILES.iter().position(|(c, _)| *c == code).map(|i| &*LANGS[i])
}

pub fn english() -> &'static Lang {
    &LANGS[0]
}

/// The language a locale asks for (`LC_ALL`, then `LC_MESSAGES`, then
/// `LANG`, as POSIX orders them), or English.
pub fn from_locale(get: impl Fn(&str) -> Option<String>) -> &'static Lang {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| get(v))
        .find(|v| !v.is_empty())
        .and_then(|v| lang(v.get(..2)?))
        .unwrap_or_else(english)
}

impl Lang {
    pub fn name(&self) -> &str {
        &self.meta.name
    }

    /// A string of the report, or the English one if this language lacks it.
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.text.get(key).or_else(|| english().text.get(key)).map_or(key, String::as_str)
    }

    /// A template with its `{name}` placeholders filled.
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.t(key), args)
    }

    /// The word for a value shown in the text report (class, status, stage).
    pub fn label<'a>(&'a self, key: &'a str) -> &'a str {
        self.labels.get(key).or_else(|| english().labels.get(key)).map_or(key, String::as_str)
    }

    pub fn class_label(&self, c: Class) -> &str {
        self.label(c.label())
    }

    pub fn basic_text(&self, code: BasicCode) -> Option<&CodeText> {
        self.basic.get(&code.value().to_string())
    }

    pub fn enhanced_text(&self, code: EnhancedCode) -> Option<&CodeText> {
        self.enhanced.get(&format!("X.{}.{}", code.subject(), code.detail()))
    }
}

/// Replaces each `{name}` with its value; unknown placeholders disappear,
/// so a translation may drop one it does not need (English articles).
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                let name = &after[..close];
                if let Some((_, v)) = args.iter().find(|(k, _)| *k == name) {
                    out.push_str(v);
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::knowledge;
    use std::collections::BTreeSet;

    fn placeholders(s: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut rest = s;
        while let Some(i) = rest.find('{') {
            let after = &rest[i + 1..];
            if let Some(j) = after.find('}') {
                out.insert(after[..j].to_string());
                rest = &after[j + 1..];
            } else {
                break;
            }
        }
        out
    }

    #[test]
    fn every_language_has_every_string_and_code() {
        let en = english();
        let k = knowledge();
        for code in LANGUAGES {
            let l = lang(code).unwrap_or_else(|| panic!("{code} missing"));
            assert!(!l.name().is_empty());
            for (key, english_text) in &en.text {
                let t = l.text.get(key).unwrap_or_else(|| panic!("{code}: text.{key} missing"));
                assert!(!t.trim().is_empty(), "{code}: text.{key} empty");
                let want: BTreeSet<String> =
                    placeholders(english_text).into_iter().filter(|p| !p.starts_with("art_")).collect();
                let got: BTreeSet<String> = placeholders(t).into_iter().filter(|p| !p.starts_with("art_")).collect();
                assert_eq!(got, want, "{code}: placeholders of text.{key}");
            }
            for key in en.labels.keys() {
                assert!(l.labels.get(key).is_some_and(|v| !v.trim().is_empty()), "{code}: labels.{key}");
            }
            if code == "en" {
                continue;
            }
            for b in &k.basic {
                let t = l.basic.get(&b.code.to_string()).unwrap_or_else(|| panic!("{code}: basic {} missing", b.code));
                for (field, v) in
                    [("title", &t.title), ("description", &t.description), ("when", &t.when), ("fix", &t.fix)]
                {
                    assert!(!v.trim().is_empty(), "{code}: basic {} {field} empty", b.code);
                }
            }
            for e in &k.enhanced {
                let t = l.enhanced.get(&e.code).unwrap_or_else(|| panic!("{code}: enhanced {} missing", e.code));
                for (field, v) in
                    [("title", &t.title), ("description", &t.description), ("when", &t.when), ("fix", &t.fix)]
                {
                    assert!(!v.trim().is_empty(), "{code}: enhanced {} {field} empty", e.code);
                }
            }
            for (table, n) in [(&l.classes, 4), (&l.categories, 6), (&l.enhanced_classes, 3), (&l.enhanced_subjects, 8)]
            {
                assert_eq!(table.len(), n, "{code}");
                assert!(table.values().all(|x| !x.name.trim().is_empty() && !x.meaning.trim().is_empty()), "{code}");
            }
        }
    }

    #[test]
    fn fills_placeholders() {
        assert_eq!(fill("{a} vs {b}: {a}", &[("a", "421"), ("b", "502")]), "421 vs 502: 421");
        assert_eq!(fill("{art_a} x", &[]), " x");
        assert_eq!(fill("{ not a placeholder }", &[]), "{ not a placeholder }");
        assert_eq!(fill("open { brace", &[]), "open { brace");
    }

    #[test]
    fn locale_picks_the_language() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        assert_eq!(from_locale(env(&[("LANG", "tr_TR.UTF-8")])).code, "tr");
        assert_eq!(from_locale(env(&[("LC_ALL", "zh_CN.UTF-8"), ("LANG", "tr_TR")])).code, "zh");
        assert_eq!(from_locale(env(&[("LC_ALL", ""), ("LANG", "vi_VN")])).code, "vi");
        assert_eq!(from_locale(env(&[("LANG", "de_DE.UTF-8")])).code, "en");
        assert_eq!(from_locale(env(&[("LANG", "C")])).code, "en");
        assert_eq!(from_locale(env(&[])).code, "en");
    }
}
