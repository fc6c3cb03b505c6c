//! Explanation pages for single codes and contrasts between two codes,
//! built from the knowledge base. Used by `smtpstat explain` and by the
//! report's "frequent codes" and "transient vs permanent" sections.

use crate::code::{BasicCode, Class, EnhancedCode};
use crate::error::Error;
use crate::i18n::Lang;
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

/// The knowledge base seen in one language: English text from
/// `codes.toml`, other languages from their `data/i18n` file, with the
/// facts that do not depend on language (RFCs, pairs) always from
/// `codes.toml`.
#[derive(Clone, Copy)]
pub struct Words<'a> {
    pub k: &'a Knowledge,
    pub l: &'a Lang,
}

impl<'a> Words<'a> {
    pub fn new(k: &'a Knowledge, l: &'a Lang) -> Words<'a> {
        Words { k, l }
    }

    fn translated(&self) -> bool {
        self.l.code != "en"
    }

    /// (name, meaning, action) of a reply class.
    fn class(&self, c: Class) -> (&'a str, &'a str, &'a str) {
        let en = self.k.class(c);
        match self.l.classes.get(&c.digit().to_string()).filter(|_| self.translated()) {
            Some(t) => (&t.name, &t.meaning, &t.action),
            None => (&en.name, &en.meaning, &en.action),
        }
    }

    fn category(&self, b: BasicCode) -> Option<(&'a str, &'a str)> {
        let en = self.k.category(b)?;
        Some(match self.l.categories.get(&b.category().to_string()).filter(|_| self.translated()) {
            Some(t) => (&t.name, &t.meaning),
            None => (&en.name, &en.meaning),
        })
    }

    fn enhanced_class(&self, e: EnhancedCode) -> (&'a str, &'a str) {
        let en = self.k.enhanced_class(e);
        match self.l.enhanced_classes.get(&e.class_digit().to_string()).filter(|_| self.translated()) {
            Some(t) => (&t.name, &t.meaning),
            None => (&en.name, &en.meaning),
        }
    }

    fn subject(&self, e: EnhancedCode) -> Option<(&'a str, &'a str, &'a str)> {
        let en = self.k.subject(e)?;
        Some(match self.l.enhanced_subjects.get(&e.subject().to_string()).filter(|_| self.translated()) {
            Some(t) => (&t.name, &t.meaning, &t.who_fixes),
            None => (&en.name, &en.meaning, &en.who_fixes),
        })
    }

    /// (title, description, when, fix) of a registered basic code.
    fn basic_text(&self, b: BasicCode) -> Option<[&'a str; 4]> {
        let en = self.k.basic(b)?;
        Some(match self.l.basic_text(b).filter(|_| self.translated()) {
            Some(t) => [&t.title, &t.description, &t.when, &t.fix],
            None => [&en.title, &en.description, &en.when, &en.fix],
        })
    }

    fn enhanced_text(&self, e: EnhancedCode) -> Option<[&'a str; 4]> {
        let en = self.k.enhanced(e)?;
        Some(match self.l.enhanced_text(e).filter(|_| self.translated()) {
            Some(t) => [&t.title, &t.description, &t.when, &t.fix],
            None => [&en.title, &en.description, &en.when, &en.fix],
        })
    }

    /// A short title for any code, registered or not.
    pub fn title(&self, code: AnyCode) -> String {
        match code {
            AnyCode::Basic(b) => match self.basic_text(b) {
                Some([title, ..]) => title.to_string(),
                None if !b.is_well_formed() => self.l.t("nonstandard_basic_title").to_string(),
                None => self.l.f("unregistered_basic_title", &[("class", self.l.class_label(b.class()))]),
            },
            AnyCode::Enhanced(e) => match (self.enhanced_text(e), self.detail_title(e), self.subject(e)) {
                (Some([title, ..]), ..) => title.to_string(),
                (None, Some(title), _) => {
                    self.l.f("detail_in_class_title", &[("title", title), ("class", self.l.class_label(e.class()))])
                }
                (None, None, Some((name, ..))) => self.l.f("unregistered_detail_title", &[("subject", name)]),
                (None, None, None) => self.l.t("unregistered_subject_title").to_string(),
            },
        }
    }

    /// The title of a registered detail that `e` puts on a class the
    /// registry does not define it for.
    fn detail_title(&self, e: EnhancedCode) -> Option<&'a str> {
        let en = self.k.enhanced_detail(e)?;
        Some(match self.l.enhanced_text(e).filter(|_| self.translated()) {
            Some(t) => &t.title,
            None => &en.title,
        })
    }

    /// Whether the registry defines the code; for an enhanced code, its
    /// subject and detail (in any class).
    pub fn is_registered(&self, code: AnyCode) -> bool {
        match code {
            AnyCode::Basic(b) => self.k.basic(b).is_some(),
            AnyCode::Enhanced(e) => self.k.enhanced_detail(e).is_some(),
        }
    }
}

pub fn page(w: Words<'_>, code: AnyCode) -> CodePage {
    match code {
        AnyCode::Basic(b) => basic_page(w, b),
        AnyCode::Enhanced(e) => enhanced_page(w, e),
    }
}

fn basic_page(w: Words<'_>, b: BasicCode) -> CodePage {
    let l = w.l;
    let (class_name, class_meaning, action) = w.class(b.class());
    let area = match w.category(b) {
        Some((name, meaning)) => (format!("x{}z {name}", b.category()), meaning.to_string()),
        None => (format!("x{}z {}", b.category(), l.t("no_category")), l.t("bad_category_meaning").to_string()),
    };
    let known = w
        .basic_text(b)
        .zip(w.k.basic(b))
        .map(|(text, info)| (text.map(String::from), info.rfc.clone(), info.enhanced.clone()));
    let code = b.to_string();
    let unregistered = || {
        let args = [("code", code.as_str()), ("class", l.class_label(b.class())), ("meaning", class_meaning)];
        [
            l.f("unregistered_basic_description", &args),
            l.t("unregistered_basic_when").to_string(),
            "RFC 5321 §4.2".into(),
        ]
    };
    let class_name = format!("{}xx {class_name}", b.class().digit());
    assemble(w, AnyCode::Basic(b), class_name, area, action, known, unregistered)
}

fn enhanced_page(w: Words<'_>, e: EnhancedCode) -> CodePage {
    let l = w.l;
    let (class_name, class_meaning) = w.enhanced_class(e);
    let (_, _, action) = w.class(e.class());
    let area = match w.subject(e) {
        Some((name, meaning, who)) => (format!("X.{}.X {name}", e.subject()), format!("{meaning} {who}")),
        None => (format!("X.{}.X {}", e.subject(), l.t("no_subject")), l.t("bad_subject_meaning").to_string()),
    };
    let known = w
        .enhanced_text(e)
        .zip(w.k.enhanced(e))
        .map(|(text, info)| (text.map(String::from), info.rfc.clone(), info.basic.iter().map(u16::to_string).collect()))
        .or_else(|| detail_in_class(w, e, class_meaning));
    let code = e.to_string();
    let unregistered = || {
        let args = [("code", code.as_str()), ("meaning", class_meaning)];
        [
            l.f("unregistered_enhanced_description", &args),
            l.t("unregistered_enhanced_when").to_string(),
            "RFC 3463 §2".into(),
        ]
    };
    let class_name = format!("{}.X.X {class_name}", e.class_digit());
    assemble(w, AnyCode::Enhanced(e), class_name, area, action, known, unregistered)
}

/// The texts for a registered detail on a class the registry does not
/// define it for: its name is a fact, its meaning for other classes is
/// not, so only the class is explained.
fn detail_in_class(w: Words<'_>, e: EnhancedCode, class_meaning: &str) -> Option<([String; 4], String, Vec<String>)> {
    let info = w.k.enhanced_detail(e)?;
    let title = w.detail_title(e)?;
    let (l, (_, _, action)) = (w.l, w.class(e.class()));
    let detail = format!("X.{}.{}", e.subject(), e.detail());
    let digit = e.class_digit().to_string();
    let args = [("detail", detail.as_str()), ("title", title), ("digit", &digit), ("meaning", class_meaning)];
    let texts = [
        w.title(AnyCode::Enhanced(e)),
        l.f("detail_in_class_description", &args),
        l.t("detail_in_class_when").to_string(),
        l.f("detail_in_class_fix", &[("action", action)]),
    ];
    Some((texts, info.rfc.clone(), Vec::new()))
}

/// A page from its parts: the registered texts (`[title, description,
/// when, fix]`, source, pairs) when the code is known, else the class-only
/// explanation `unregistered` gives (`[description, when, source]`).
fn assemble(
    w: Words<'_>,
    code: AnyCode,
    class_name: String,
    (area, area_meaning): (String, String),
    action: &str,
    known: Option<([String; 4], String, Vec<String>)>,
    unregistered: impl FnOnce() -> [String; 3],
) -> CodePage {
    let registered = known.is_some();
    let (title, description, when, fix, source, pairs) = match known {
        Some(([title, description, when, fix], source, pairs)) => (title, description, when, fix, source, pairs),
        None => {
            let [description, when, source] = unregistered();
            (w.title(code), description, when, w.l.f("unregistered_fix", &[("action", action)]), source, Vec::new())
        }
    };
    CodePage {
        code: code.to_string(),
        class: code.class(),
        class_name,
        area,
        area_meaning,
        registered,
        title,
        description,
        when,
        fix,
        source,
        pairs,
        class_action: action.to_string(),
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

pub fn contrast(w: Words<'_>, a: AnyCode, b: AnyCode) -> Contrast {
    let l = w.l;
    let (pa, pb) = (page(w, a), page(w, b));
    let mut differences = vec![l.f(
        "diff_classes",
        &[
            ("a", &pa.code),
            ("art_a", article(&pa.class_name)),
            ("class_a", &pa.class_name),
            ("noun_a", l.t(noun(a))),
            ("area_a", &pa.area),
            ("b", &pb.code),
            ("art_b", article(&pb.class_name)),
            ("class_b", &pb.class_name),
            ("noun_b", l.t(noun(b))),
            ("area_b", &pb.area),
        ],
    )];
    if pa.class == pb.class {
        differences.push(l.f("both_class", &[("label", l.class_label(pa.class)), ("action", &pa.class_action)]));
    } else {
        differences.push(l.f("after_code", &[("code", &pa.code), ("action", &pa.class_action)]));
        differences.push(l.f("after_code", &[("code", &pb.code), ("action", &pb.class_action)]));
        if let (Some(t), Some(p)) = ordered(&pa, &pb) {
            differences.push(l.f("not_now", &[("t", &t.code), ("p", &p.code)]));
        }
    }
    if pa.area == pb.area {
        differences.push(l.f("both_area", &[("area", &pa.area), ("meaning", &pa.area_meaning)]));
    } else {
        differences.push(l.f("concerns", &[("code", &pa.code), ("area", &pa.area), ("meaning", &pa.area_meaning)]));
        differences.push(l.f("concerns", &[("code", &pb.code), ("area", &pb.area), ("meaning", &pb.area_meaning)]));
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

/// The key of the word for what a code is: a reply, or a status.
fn noun(code: AnyCode) -> &'static str {
    match code {
        AnyCode::Basic(_) => "noun_reply",
        AnyCode::Enhanced(_) => "noun_status",
    }
}

fn article(word: &str) -> &'static str {
    // "an 8…" never occurs; codes start with 2, 3, 4 or 5.
    if word.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) { "an" } else { "a" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::english;
    use crate::knowledge::knowledge;

    fn w() -> Words<'static> {
        Words::new(knowledge(), english())
    }

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
        let c = contrast(w(), AnyCode::parse("421").unwrap(), AnyCode::parse("502").unwrap());
        assert!(
            c.differences[0].starts_with("421 is a 4xx Transient Negative Completion reply in the x2z"),
            "{}",
            c.differences[0]
        );
        assert!(c.differences[0].contains("while 502 is a 5xx Permanent Negative Completion reply in the x0z"));
        assert!(c.differences.iter().any(|d| d.contains("\"not now\"")));
        let same = contrast(w(), AnyCode::parse("550").unwrap(), AnyCode::parse("554").unwrap());
        assert!(same.differences[1].starts_with("Both are permanent"));
    }

    #[test]
    fn unregistered_codes_are_marked_not_invented() {
        let p = page(w(), AnyCode::parse("599").unwrap());
        assert!(!p.registered);
        assert!(p.description.contains("not defined"));
        let p = page(w(), AnyCode::parse("4.12.343").unwrap());
        assert!(!p.registered);
        assert_eq!(p.area, "X.12.X (no such subject)");
        for code in crate::i18n::LANGUAGES {
            let l = crate::i18n::lang(code).unwrap();
            let c =
                contrast(Words::new(knowledge(), l), AnyCode::parse("421").unwrap(), AnyCode::parse("502").unwrap());
            assert!(c.differences[0].contains("421") && c.differences[0].contains("502"), "{code}");
            assert!(!c.differences.iter().any(|d| d.contains('{')), "{code}: unfilled placeholder");
        }
        let p = page(w(), AnyCode::parse("571").unwrap());
        assert!(p.area.contains("no such category"));
    }

    #[test]
    fn registered_details_on_other_classes_keep_their_name() {
        // X.6.0 is registered for failures; Exchange answers `250 2.6.0`.
        let p = page(w(), AnyCode::parse("2.6.0").unwrap());
        assert!(p.registered);
        assert_eq!(p.title, "Other or undefined media error (in a success reply)");
        assert!(p.description.contains("X.6.0") && p.description.contains("class 2"), "{}", p.description);
        assert!(p.fix.contains("Nothing"), "{}", p.fix);
        assert_eq!(p.source, "RFC 3463 §3.7");
        // The failure it is registered for reads as before.
        assert_eq!(page(w(), AnyCode::parse("5.6.0").unwrap()).title, "Other or undefined media error");
        for code in crate::i18n::LANGUAGES {
            let words = Words::new(knowledge(), crate::i18n::lang(code).unwrap());
            let p = page(words, AnyCode::parse("2.1.0").unwrap());
            for text in [&p.title, &p.description, &p.when, &p.fix] {
                assert!(
                    !text.contains('{') && text.contains(if text == &p.when { "2.1.0" } else { "" }),
                    "{code}: {text}"
                );
            }
            assert!(p.description.contains("X.1.0"), "{code}: {}", p.description);
        }
    }
}
