//! The JSON report: a stable, versioned schema (`schema_version`). Field
//! names follow the counting contract in the README; new fields may be
//! added, existing ones keep their meaning.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::explain::CodePage;
use super::{CodeRow, CodeSection, CodelessSection, Details, ProviderRow, ReasonRow, Report, Untrusted};
use crate::code::Class;
use crate::event::Status;
use crate::i18n::Lang;

pub const SCHEMA_VERSION: u32 = 1;

pub fn render(r: &Report, l: &Lang, w: &mut dyn Write) -> io::Result<()> {
    let mut v = to_value(r);
    v["lang"] = json!(l.code);
    serde_json::to_writer_pretty(&mut *w, &v)?;
    writeln!(w)
}

fn code_row(row: &CodeRow) -> Value {
    json!({
        "code": row.code.to_string(),
        "class": row.class.label(),
        "count": row.count,
        "share": round(row.share),
        "title": row.title,
        "registered": row.registered,
    })
}

fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn names(list: &[(Untrusted, u64)]) -> Value {
    list.iter().map(|(n, c)| json!({"name": n.0, "count": c})).collect()
}

fn page(p: &CodePage) -> Map<String, Value> {
    let fields = [
        ("class_name", &p.class_name),
        ("category", &p.area),
        ("description", &p.description),
        ("when", &p.when),
        ("fix", &p.fix),
        ("source", &p.source),
    ];
    fields.into_iter().map(|(k, v)| (k.to_string(), json!(v))).collect()
}

fn section(s: &CodeSection) -> Value {
    let Value::Object(mut m) = code_row(&s.row) else { unreachable!("code_row is an object") };
    m.extend(page(&s.page));
    m.insert("enhanced".into(), s.paired.iter().map(|(c, t, n)| json!({"code": c, "title": t, "count": n})).collect());
    add_details(&mut m, &s.details);
    m.insert("providers".into(), s.providers.iter().map(provider).collect());
    Value::Object(m)
}

/// The failures logged without a code, or null.
fn codeless(c: Option<&CodelessSection>) -> Value {
    let Some(c) = c else { return Value::Null };
    let mut m = Map::new();
    m.insert("count".into(), json!(c.count));
    add_details(&mut m, &c.details);
    Value::Object(m)
}

fn add_details(m: &mut Map<String, Value>, d: &Details) {
    m.insert("statuses".into(), d.statuses.iter().map(|(st, n)| (st.name().to_string(), json!(n))).collect());
    m.insert("stages".into(), d.stages.iter().map(|(st, n)| (st.name().to_string(), json!(n))).collect());
    m.insert("domains".into(), names(&d.domains));
    m.insert("distinct_domains".into(), json!(d.distinct_domains));
    m.insert("remotes".into(), names(&d.remotes));
    m.insert("distinct_remotes".into(), json!(d.distinct_remotes));
    m.insert("other_domains".into(), json!(d.other_domains));
    m.insert("other_remotes".into(), json!(d.other_remotes));
    m.insert("examples".into(), d.samples.iter().map(|x| json!(x.0)).collect());
    m.insert("reasons".into(), d.reasons.iter().map(|(name, n)| json!({"reason": name, "count": n})).collect());
}

fn provider(p: &ProviderRow) -> Value {
    json!({
        "provider": p.id, "name": p.name, "code": p.code.to_string(), "count": p.count,
        "meaning": p.meaning, "fix": p.fix, "more": p.more,
    })
}

fn reason(r: &ReasonRow) -> Value {
    json!({
        "id": r.id, "reason": r.name, "hint": r.hint, "count": r.count, "share": round(r.share),
        "codes": r.codes.iter().map(|(c, n)| json!({"code": c.to_string(), "count": n})).collect::<Vec<_>>(),
        "without_code": r.without_code,
        "lists": r.lists.iter().map(|(l, n)| json!({"name": l.0, "count": n})).collect::<Vec<_>>(),
        "examples": r.examples.iter().map(|e| &e.0).collect::<Vec<_>>(),
    })
}

pub fn to_value(r: &Report) -> Value {
    let l = &r.lines;
    let classes: Map<String, Value> =
        Class::ALL.iter().map(|c| (c.label().to_string(), json!(r.classes[c.index()]))).collect();
    let statuses: Map<String, Value> =
        Status::MAIN.iter().map(|s| (s.name().to_string(), json!(r.status_count(*s)))).collect();
    let other: Map<String, Value> = r
        .statuses
        .iter()
        .filter(|(s, n)| !Status::MAIN.contains(s) && *n > 0)
        .map(|(s, n)| (s.name().to_string(), json!(n)))
        .collect();
    let c = &r.class_contrast;
    json!({
        "schema_version": SCHEMA_VERSION,
        "generator": concat!("smtpstat ", env!("CARGO_PKG_VERSION")),
        "inputs": r.inputs.iter().map(|i| json!({
            "name": i.name,
            "compression": i.compression.name(),
            "bytes": i.bytes,
            "error": i.error,
        })).collect::<Vec<_>>(),
        "period": r.period.map(|(a, b)| json!({"first": a.to_string(), "last": b.to_string()})),
        "lines": {
            "read": l.read,
            "recognized": l.recognized,
            "with_code": l.with_code,
            "unrecognized": l.unrecognized,
            "oversized": l.oversized,
            "foreign": l.foreign,
            "blank": l.blank,
            "invalid_utf8": l.invalid_utf8,
            "outside_window": l.outside,
            "bytes": l.bytes,
        },
        "window": r.window.map(|(a, b)| json!({
            "since": (a.0 != i64::MIN).then(|| a.to_string()),
            "until": (b.0 != i64::MAX).then(|| b.to_string()),
        })),
        "mtas": r.mtas.iter().map(|(m, n)| (m.name().to_string(), json!(n))).collect::<Map<_, _>>(),
        "classes": classes,
        "codes": r.codes.iter().map(code_row).collect::<Vec<_>>(),
        "enhanced_codes": r.enhanced.iter().map(code_row).collect::<Vec<_>>(),
        "statuses": statuses,
        "other_statuses": other,
        "failures_without_code": r.failures_without_code,
        "inferred_codes": r.inferred.iter().map(|i| json!({"code": i.code, "enhanced": i.enhanced, "count": i.count})).collect::<Vec<_>>(),
        "reasons": r.reasons.iter().map(reason).collect::<Vec<_>>(),
        "providers": r.providers.iter().map(provider).collect::<Vec<_>>(),
        "top": r.sections.iter().map(section).collect::<Vec<_>>(),
        "codeless": codeless(r.codeless.as_ref()),
        "unrecognized_samples": r.unrecognized_samples.iter().map(|u| json!(u.0)).collect::<Vec<_>>(),
        "overflow_events": r.overflow,
        "contrast": {
            "transient": c.transient.as_ref().map(code_row),
            "permanent": c.permanent.as_ref().map(code_row),
            "transient_total": c.transient_total,
            "permanent_total": c.permanent_total,
            "differences": c.contrast.as_ref().map_or(Vec::new(), |x| x.differences.clone()),
        },
        "hourly": r.hourly.iter().map(|(h, n)| {
            let mut m = Map::new();
            m.insert("hour".into(), json!(h.to_string()));
            for class in Class::ALL {
                m.insert(class.label().into(), json!(n[class.index()]));
            }
            Value::Object(m)
        }).collect::<Vec<_>>(),
    })
}
