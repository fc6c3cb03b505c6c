//! Makes untrusted text safe for a terminal: control characters (C0, DEL,
//! C1, which carry ANSI escape sequences) and bidirectional overrides (which
//! can make text display in a different order than it reads) are shown as
//! visible escapes instead of being sent raw.

use std::borrow::Cow;
use std::fmt::Write;

pub fn for_terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            match c {
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c if (c as u32) < 0x100 => {
                    let _ = write!(out, "\\x{:02x}", c as u32);
                }
                c => {
                    let _ = write!(out, "\\u{{{:x}}}", c as u32);
                }
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

#[cfg(test)]
mod tests {
    use super::for_terminal;

    #[test]
    fn escapes_controls() {
        assert_eq!(for_terminal("plain text"), "plain text");
        assert_eq!(for_terminal("a\x1b[31mred\x1b[0m"), "a\\x1b[31mred\\x1b[0m");
        assert_eq!(for_terminal("t\tn\nr\r\x07\x7f"), "t\\tn\\nr\\r\\x07\\x7f");
        assert_eq!(for_terminal("\u{9b}31m"), "\\x9b31m");
        assert_eq!(for_terminal("abc\u{202e}fed"), "abc\\u{202e}fed");
    }
}
