//! Explanation pages for single codes and contrasts between two codes,
//! built from the knowledge base. Used by `smtpstat explain` and by the
//! report's "frequent codes" and "transient vs permanent" sections.

use crate::code::{BasicCode, Class, EnhancedCode};
use crate::error::Error;
use crate::knowledge::Knowledge;

/// A code the user or a log named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AnyCode {
    Basic(BasicCode),
    Enhanced(EnhancedCode),
}

impl AnyCode {
    /// Parses `550`, `5.1.1` (or `X.1.1`, read as class 5).
    pub fn parse(arg: &str) -> Result<AnyCode, Error> {
        let a = arg.trim();
        if let Some(b) = BasicCode::from_digits(a.as_bytes()) {
            return Ok(AnyCode::Basic(b));
        }
        let normalized = a.strip_prefix(['X', 'x']).map(|rest| format!("5{rest}"));
        let text = normalized.as_deref().unwrap_or(a);
        if let Some(e) = EnhancedCode::parse(text.as_bytes()) {
            return Ok(AnyCode::Enhanced(e));
        }
        Err(Error::BadCode(format!(
            "'{}' is not an SMTP code: expected a reply code of three digits starting with 2-5 (e.g. 550) \
             or an enhanced status code class.subject.detail with class 2, 4 or 5 (e.g. 5.1.1)",
            a.escape_debug()
        )))
    }

    pub fn class(self) -> Class {
        match self {
            AnyCode::Basic(b) => b.class(),
            AnyCode::Enhanced(e) => e.class(),
        }
    }
}

impl std::fmt::Display for AnyCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AnyCode::Basic(b) => b.fmt(f),
            AnyCode::Enhanced(e) => e.fmt(f),
        }
    }
}

/// Everything said about one code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodePage {
    pub code: String,
    pub class: Class,
    /// "4xx Transient Negative Completion" or "4.X.X Persistent Transient Failure".
    pub class_name: String,
    /// "x2z Connections" or "X.4.X Network and routing".
    pub area: String,
    pub area_meaning: String,
    pub registered: bool,
    pub title: String,
    pub description: String,
    pub when: String,
    pub fix: String,
    pub source: String,
    /// Codes it usually pairs with.
    pub pairs: Vec<String>,
    /// What the class means for the message.
    pub class_action: String,
}

pub fn page(k: &Knowledge, code: AnyCode) -> CodePage {
    match code {
        AnyCode::Basic(b) => basic_page(k, b),
        AnyCode::Enhanced(e) => enhanced_page(k, e),
    }
}

fn basic_page(k: &Knowledge, b: BasicCode) -> CodePage {
    let class = k.class(b.class());
    let (area, area_meaning) = match k.category(b) {
        Some(c) => (format!("x{}z {}", b.category(), c.name), c.meaning.clone()),
        None => (
            format!("x{}z (no such category)", b.category()),
            "RFC 5321 only defines second digits 0 to 5; this code was invented by the server's vendor.".to_string(),
        ),
    };
    let class_name = format!("{}xx {}", b.class().digit(), class.name);
    match k.basic(b) {
        Some(info) => CodePage {
            code: b.to_string(),
            class: b.class(),
            class_name,
            area,
            area_meaning,
            registered: true,
            title: info.title.clone(),
            description: info.description.clone(),
            when: info.when.clone(),
            fix: info.fix.clone(),
            source: info.rfc.clone(),
            pairs: info.enhanced.clone(),
            class_action: class.action.clone(),
        },
        None => CodePage {
            code: b.to_string(),
            class: b.class(),
            title: k.basic_title(b),
            description: format!(
                "{b} is not defined by RFC 5321, its extensions or the IANA registry. A client must act on its first digit alone, \
                 which makes it a {} reply: {}",
                class.name.to_lowercase(),
                class.meaning
            ),
            when: "Seen from servers and filters that use their own numbering; the text that follows the code is the only clue to the cause.".to_string(),
            fix: format!("Read the reply text for the real cause. {}", class.action),
            source: "RFC 5321 §4.2 (unknown codes are read by their first digit)".to_string(),
            class_name,
            area,
            area_meaning,
            registered: false,
            pairs: Vec::new(),
            class_action: class.action.clone(),
        },
    }
}

fn enhanced_page(k: &Knowledge, e: EnhancedCode) -> CodePage {
    let class = k.enhanced_class(e);
    let basic_class = k.class(e.class());
    let (area, area_meaning) = match k.subject(e) {
        Some(s) => (format!("X.{}.X {}", e.subject(), s.name), format!("{} {}", s.meaning, s.who_fixes)),
        None => (
            format!("X.{}.X (no such subject)", e.subject()),
            "RFC 3463 defines subjects 0 to 7 only; this subject is not registered.".to_string(),
        ),
    };
    let class_name = format!("{}.X.X {}", e.class_digit(), class.name);
    match k.enhanced(e) {
        Some(info) => CodePage {
            code: e.to_string(),
            class: e.class(),
            class_name,
            area,
            area_meaning,
            registered: true,
            title: info.title.clone(),
            description: info.description.clone(),
            when: info.when.clone(),
            fix: info.fix.clone(),
            source: info.rfc.clone(),
            pairs: info.basic.iter().map(u16::to_string).collect(),
            class_action: basic_class.action.clone(),
        },
        None => CodePage {
            code: e.to_string(),
            class: e.class(),
            title: k.enhanced_title(e),
            description: format!(
                "{e} is not in the IANA registry of enhanced status codes. Only its class is reliable: {}",
                class.meaning
            ),
            when: "Seen from servers that extend the numbering on their own; the reply text gives the actual cause."
                .to_string(),
            fix: format!("Read the reply text for the real cause. {}", basic_class.action),
            source: "RFC 3463 §2 (class and subject structure)".to_string(),
            class_name,
            area,
            area_meaning,
            registered: false,
            pairs: Vec::new(),
            class_action: basic_class.action.clone(),
        },
    }
}

/// Two codes side by side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contrast {
    pub a: CodePage,
    pub b: CodePage,
    /// The key differences, one sentence each.
    pub differences: Vec<String>,
}

pub fn contrast(k: &Knowledge, a: AnyCode, b: AnyCode) -> Contrast {
    let (pa, pb) = (page(k, a), page(k, b));
    let mut differences = vec![format!(
        "{} is {} {} {} in the {} category, while {} is {} {} {} in the {} category.",
        pa.code,
        article(&pa.class_name),
        pa.class_name,
        noun(a),
        pa.area,
        pb.code,
        article(&pb.class_name),
        pb.class_name,
        noun(b),
        pb.area
    )];
    if pa.class == pb.class {
        differences.push(format!("Both are {}: {}", pa.class.label(), pa.class_action));
    } else {
        differences.push(format!("After {}: {}", pa.code, pa.class_action));
        differences.push(format!("After {}: {}", pb.code, pb.class_action));
        if let (Some(t), Some(p)) = ordered(&pa, &pb) {
            differences.push(format!(
                "{} means \"not now\": repeating the same request later may succeed. {} means \"not like this\": \
                 something (address, configuration, reputation, content) has to change first.",
                t.code, p.code
            ));
        }
    }
    if pa.area == pb.area {
        differences.push(format!("Both concern {}: {}", pa.area, pa.area_meaning));
    } else {
        differences.push(format!("{} concerns {}: {}", pa.code, pa.area, pa.area_meaning));
        differences.push(format!("{} concerns {}: {}", pb.code, pb.area, pb.area_meaning));
    }
    Contrast { a: pa, b: pb, differences }
}

/// (transient, permanent) when the pair is one of each.
fn ordered<'a>(a: &'a CodePage, b: &'a CodePage) -> (Option<&'a CodePage>, Option<&'a CodePage>) {
    match (a.class, b.class) {
        (Class::Transient, Class::Permanent) => (Some(a), Some(b)),
        (Class::Permanent, Class::Transient) => (Some(b), Some(a)),
        _ => (None, None),
    }
}

fn noun(code: AnyCode) -> &'static str {
    match code {
        AnyCode::Basic(_) => "reply",
        AnyCode::Enhanced(_) => "status",
    }
}

fn article(word: &str) -> &'static str {
    // "an 8…" never occurs; codes start with 2, 3, 4 or 5.
    if word.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) { "an" } else { "a" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::knowledge;

    #[test]
    fn parses_codes() {
        assert_eq!(AnyCode::parse("550").unwrap().to_string(), "550");
        assert_eq!(AnyCode::parse(" 4.2.2 ").unwrap().to_string(), "4.2.2");
        assert_eq!(AnyCode::parse("X.1.1").unwrap().to_string(), "5.1.1");
        for bad in ["", "abc", "650", "55", "5.1", "3.1.1", "5.1.1.1", "1234"] {
            assert!(AnyCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn contrast_names_both_classes() {
        let k = knowledge();
        let c = contrast(k, AnyCode::parse("421").unwrap(), AnyCode::parse("502").unwrap());
        assert!(
            c.differences[0].starts_with("421 is a 4xx Transient Negative Completion reply in the x2z"),
            "{}",
            c.differences[0]
        );
        assert!(c.differences[0].contains("while 502 is a 5xx Permanent Negative Completion reply in the x0z"));
        assert!(c.differences.iter().any(|d| d.contains("\"not now\"")));
        let same = contrast(k, AnyCode::parse("550").unwrap(), AnyCode::parse("554").unwrap());
        assert!(same.differences[1].starts_with("Both are permanent"));
    }

    #[test]
    fn unregistered_codes_are_marked_not_invented() {
        let k = knowledge();
        let p = page(k, AnyCode::parse("599").unwrap());
        assert!(!p.registered);
        assert!(p.description.contains("not defined"));
        let p = page(k, AnyCode::parse("4.12.343").unwrap());
        assert!(!p.registered);
        assert_eq!(p.area, "X.12.X (no such subject)");
        let p = page(k, AnyCode::parse("571").unwrap());
        assert!(p.area.contains("no such category"));
    }
}
