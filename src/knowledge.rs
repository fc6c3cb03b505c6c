//! The code knowledge base: `data/codes.toml`, embedded at build time.
//! What each basic reply code (RFC 5321 and extensions) and each registered
//! enhanced status code (RFC 3463, IANA) means, when it shows up, and what
//! to do about it.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::code::{BasicCode, Class, EnhancedCode};

const CODES_TOML: &str = include_str!("../data/codes.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassInfo {
    pub label: String,
    pub name: String,
    pub meaning: String,
    pub action: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryInfo {
    pub name: String,
    pub meaning: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectInfo {
    pub name: String,
    pub meaning: String,
    pub who_fixes: String,
    pub rfc: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasicInfo {
    pub code: u16,
    pub title: String,
    /// `standard`, `extension` or `registry-only`.
    pub kind: String,
    pub description: String,
    pub when: String,
    pub fix: String,
    pub rfc: String,
    pub enhanced: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnhancedInfo {
    /// As the registry writes it: `X.1.1`.
    pub code: String,
    pub title: String,
    pub description: String,
    pub when: String,
    pub fix: String,
    pub rfc: String,
    pub basic: Vec<u16>,
    pub classes: Vec<u8>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Knowledge {
    pub classes: BTreeMap<String, ClassInfo>,
    pub categories: BTreeMap<String, CategoryInfo>,
    pub enhanced_classes: BTreeMap<String, CategoryInfo>,
    pub enhanced_subjects: BTreeMap<String, SubjectInfo>,
    pub basic: Vec<BasicInfo>,
    pub enhanced: Vec<EnhancedInfo>,
}

static KNOWLEDGE: LazyLock<Knowledge> =
    LazyLock::new(|| Knowledge::parse(CODES_TOML).expect("data/codes.toml is checked by the knowledge tests"));

/// The embedded knowledge base.
pub fn knowledge() -> &'static Knowledge {
    &KNOWLEDGE
}

impl Knowledge {
    pub fn parse(text: &str) -> Result<Knowledge, toml::de::Error> {
        toml::from_str(text)
    }

    pub fn basic(&self, code: BasicCode) -> Option<&BasicInfo> {
        self.basic.iter().find(|b| b.code == code.value())
    }

    /// The registry entry for `class.subject.detail`, if the registry
    /// defines that detail for that class.
    pub fn enhanced(&self, code: EnhancedCode) -> Option<&EnhancedInfo> {
        self.enhanced_detail(code).filter(|e| e.classes.contains(&code.class_digit()))
    }

    /// The registry entry for `X.subject.detail`, whatever the class: a
    /// server may put a registered detail on a class it is not meant for
    /// (Exchange's `250 2.6.0`, `250 2.1.0` to MAIL FROM).
    pub fn enhanced_detail(&self, code: EnhancedCode) -> Option<&EnhancedInfo> {
        let key = format!("X.{}.{}", code.subject(), code.detail());
        self.enhanced.iter().find(|e| e.code == key)
    }

    pub fn class(&self, class: Class) -> &ClassInfo {
        &self.classes[&class.digit().to_string()]
    }

    pub fn category(&self, code: BasicCode) -> Option<&CategoryInfo> {
        self.categories.get(&code.category().to_string())
    }

    pub fn enhanced_class(&self, code: EnhancedCode) -> &CategoryInfo {
        &self.enhanced_classes[&code.class_digit().to_string()]
    }

    pub fn subject(&self, code: EnhancedCode) -> Option<&SubjectInfo> {
        self.enhanced_subjects.get(&code.subject().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_base_is_complete() {
        let k = Knowledge::parse(CODES_TOML).unwrap();
        assert_eq!(k.classes.len(), 4);
        assert_eq!(k.categories.len(), 6);
        assert_eq!(k.enhanced_classes.len(), 3);
        assert_eq!(k.enhanced_subjects.len(), 8);
        // RFC 5321 §4.2.2/4.2.3 and the extension RFCs (37), plus the seven
        // codes only the IANA registry names.
        assert!(k.basic.len() >= 44, "{} basic codes", k.basic.len());
        assert!(k.enhanced.len() >= 81, "{} enhanced codes", k.enhanced.len());
        for code in [
            211, 214, 220, 221, 235, 250, 251, 252, 253, 334, 354, 421, 432, 450, 451, 452, 454, 455, 458, 459, 500,
            501, 502, 503, 504, 521, 530, 534, 535, 538, 550, 551, 552, 553, 554, 555, 556,
        ] {
            let b = k.basic(BasicCode::new(code).unwrap()).unwrap_or_else(|| panic!("{code} missing"));
            for field in [&b.title, &b.description, &b.when, &b.fix, &b.rfc] {
                assert!(!field.trim().is_empty(), "{code} has an empty field");
            }
        }
        for e in &k.enhanced {
            for field in [&e.title, &e.description, &e.when, &e.fix, &e.rfc] {
                assert!(!field.trim().is_empty(), "{} has an empty field", e.code);
            }
            assert!(!e.classes.is_empty(), "{}", e.code);
        }
        let e = EnhancedCode::parse(b"5.1.1").unwrap();
        assert!(k.enhanced(e).is_some());
        assert!(k.enhanced(EnhancedCode::parse(b"4.12.343").unwrap()).is_none());
        let other_class = EnhancedCode::parse(b"2.6.0").unwrap();
        assert!(k.enhanced(other_class).is_none());
        assert_eq!(k.enhanced_detail(other_class).map(|e| e.code.as_str()), Some("X.6.0"));
    }
}
