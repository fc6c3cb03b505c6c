//! One SMTP outcome read from one log line. Borrowed from the line: building
//! an event allocates nothing.

use crate::code::{BasicCode, Class, EnhancedCode};
use crate::time::LogTime;

/// The mail server that wrote a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mta {
    Postfix,
    Exim,
    Sendmail,
}

impl Mta {
    pub const ALL: [Mta; 3] = [Mta::Postfix, Mta::Exim, Mta::Sendmail];

    pub fn name(self) -> &'static str {
        match self {
            Mta::Postfix => "postfix",
            Mta::Exim => "exim",
            Mta::Sendmail => "sendmail",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// What happened to the message or the attempt, as the log states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Sent,
    Deferred,
    Bounced,
    Expired,
    Rejected,
    /// Postfix address verification: `status=undeliverable`.
    Undeliverable,
    /// Postfix address verification: `status=deliverable`.
    Deliverable,
    /// Postfix `soft_bounce = yes` turned a bounce into a deferral.
    SoftBounce,
    /// Sendmail `stat=queued`: accepted for a later queue run.
    Queued,
    /// Any other `status=` word.
    Other,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Sent,
        Status::Deferred,
        Status::Bounced,
        Status::Expired,
        Status::Rejected,
        Status::Undeliverable,
        Status::Deliverable,
        Status::SoftBounce,
        Status::Queued,
        Status::Other,
    ];
    /// The statuses every report lists, in this order.
    pub const MAIN: [Status; 5] = [Status::Sent, Status::Deferred, Status::Bounced, Status::Expired, Status::Rejected];

    /// Whether the mail (or the command) did not get through: a failure
    /// whether or not the line gives a code.
    pub fn failed(self) -> bool {
        matches!(
            self,
            Status::Deferred
                | Status::Bounced
                | Status::Expired
                | Status::Rejected
                | Status::Undeliverable
                | Status::SoftBounce
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            Status::Sent => "sent",
            Status::Deferred => "deferred",
            Status::Bounced => "bounced",
            Status::Expired => "expired",
            Status::Rejected => "rejected",
            Status::Undeliverable => "undeliverable",
            Status::Deliverable => "deliverable",
            Status::SoftBounce => "softbounce",
            Status::Queued => "queued",
            Status::Other => "other",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// Maps a `status=` word. Only the leading letters count, so
    /// `undeliverable-but-not-cached` is `undeliverable`.
    #[inline]
    pub fn from_word(word: &[u8]) -> Status {
        // Nearly every status is `sent`, followed by its reply.
        if word.starts_with(b"sent") && !word.get(4).is_some_and(u8::is_ascii_alphabetic) {
            return Status::Sent;
        }
        let n = word.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        match &word[..n] {
            b"sent" => Status::Sent,
            b"deferred" => Status::Deferred,
            b"bounced" => Status::Bounced,
            b"expired" => Status::Expired,
            b"undeliverable" => Status::Undeliverable,
            b"deliverable" => Status::Deliverable,
            b"SOFTBOUNCE" => Status::SoftBounce,
            _ => Status::Other,
        }
    }
}

/// The SMTP stage a reply answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Stage {
    #[default]
    Unknown,
    Connect,
    Helo,
    StartTls,
    Auth,
    Mail,
    Rcpt,
    Data,
    EndOfData,
    Header,
    Body,
    Vrfy,
    Other,
}

impl Stage {
    pub const ALL: [Stage; 13] = [
        Stage::Unknown,
        Stage::Connect,
        Stage::Helo,
        Stage::StartTls,
        Stage::Auth,
        Stage::Mail,
        Stage::Rcpt,
        Stage::Data,
        Stage::EndOfData,
        Stage::Header,
        Stage::Body,
        Stage::Vrfy,
        Stage::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Unknown => "unknown",
            Stage::Connect => "connect",
            Stage::Helo => "HELO/EHLO",
            Stage::StartTls => "STARTTLS",
            Stage::Auth => "AUTH",
            Stage::Mail => "MAIL FROM",
            Stage::Rcpt => "RCPT TO",
            Stage::Data => "DATA",
            Stage::EndOfData => "end of DATA",
            Stage::Header => "header check",
            Stage::Body => "body check",
            Stage::Vrfy => "VRFY",
            Stage::Other => "other",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// The key of this stage's word in the language files.
    pub fn label_key(self) -> &'static str {
        match self {
            Stage::Unknown => "stage_unknown",
            Stage::Connect => "stage_connect",
            Stage::Helo => "stage_helo",
            Stage::StartTls => "stage_starttls",
            Stage::Auth => "stage_auth",
            Stage::Mail => "stage_mail",
            Stage::Rcpt => "stage_rcpt",
            Stage::Data => "stage_data",
            Stage::EndOfData => "stage_end_of_data",
            Stage::Header => "stage_header",
            Stage::Body => "stage_body",
            Stage::Vrfy => "stage_vrfy",
            Stage::Other => "stage_other",
        }
    }

    /// Maps the command word a log names (`RCPT`, `MAIL FROM`, `end of DATA` …).
    pub fn from_command(cmd: &[u8]) -> Stage {
        let upper = |s: &[u8], p: &[u8]| s.len() >= p.len() && s[..p.len()].eq_ignore_ascii_case(p);
        if upper(cmd, b"end of data") || upper(cmd, b"END-OF-MESSAGE") || upper(cmd, b"message body") {
            Stage::EndOfData
        } else if upper(cmd, b"RCPT") {
            Stage::Rcpt
        } else if upper(cmd, b"MAIL") {
            Stage::Mail
        } else if upper(cmd, b"DATA") || upper(cmd, b"BDAT") {
            Stage::Data
        } else if upper(cmd, b"CONNECT") || upper(cmd, b"initial") {
            Stage::Connect
        } else if upper(cmd, b"EHLO") || upper(cmd, b"HELO") || upper(cmd, b"LHLO") {
            Stage::Helo
        } else if upper(cmd, b"STARTTLS") {
            Stage::StartTls
        } else if upper(cmd, b"AUTH") {
            Stage::Auth
        } else if upper(cmd, b"VRFY") {
            Stage::Vrfy
        } else if upper(cmd, b"header") {
            Stage::Header
        } else if upper(cmd, b"body") {
            Stage::Body
        } else {
            Stage::Other
        }
    }
}

/// One SMTP outcome.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Event<'a> {
    pub time: Option<LogTime>,
    pub status: Option<Status>,
    pub basic: Option<BasicCode>,
    pub enhanced: Option<EnhancedCode>,
    /// The code was not in the line but follows from it (e.g. a Postfix smtpd
    /// SASL failure, always answered `535 5.7.8`); counted apart.
    /// See [`Event::failed_auth`].
    pub inferred: bool,
    /// The reply text, starting at its code; may be left empty for a
    /// success (see [`Event::succeeded`]).
    pub text: &'a [u8],
    pub queue_id: &'a [u8],
    /// Domain of the recipient, as written (not yet lower-cased).
    pub domain: &'a [u8],
    /// The remote side: the relay delivered to, or the client rejected;
    /// may be left empty for a success.
    pub remote: &'a [u8],
    pub stage: Stage,
}

impl<'a> Event<'a> {
    /// A client's failed SMTP AUTH that the server logged without the
    /// `535` it answered (its enhanced code is the MTA's own): counted
    /// apart, as inferred, with the client and the logged text.
    pub fn failed_auth(enhanced: Option<EnhancedCode>, remote: &'a [u8], text: &'a [u8], queue_id: &'a [u8]) -> Self {
        Event {
            basic: BasicCode::new(535),
            enhanced,
            inferred: true,
            stage: Stage::Auth,
            remote,
            text,
            queue_id,
            ..Event::default()
        }
    }

    /// The class that decides what happens to the message: the basic code's,
    /// else the enhanced code's (RFC 5321 §4.2: the basic code wins).
    #[inline]
    pub fn class(&self) -> Option<Class> {
        self.basic.map(BasicCode::class).or(self.enhanced.map(EnhancedCode::class))
    }

    /// Whether the event is a success: a 2xx or 3xx reply, or a delivery
    /// logged as sent without a code. Nothing shows a success's text or
    /// peer (only failures keep examples and are counted by host), so
    /// parsers may skip reading them.
    #[inline]
    pub fn succeeded(&self) -> bool {
        match self.class() {
            Some(class) => !class.failed(),
            None => self.status == Some(Status::Sent),
        }
    }

    pub fn has_code(&self) -> bool {
        self.basic.is_some() || self.enhanced.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_words_count_by_their_letters() {
        for (word, want) in [
            (&b"sent (250 2.0.0 Ok)"[..], Status::Sent),
            (b"sent", Status::Sent),
            (b"sent,", Status::Sent),
            (b"sentinel (x)", Status::Other),
            (b"bounced (host x said: 550)", Status::Bounced),
            (b"undeliverable-but-not-cached", Status::Undeliverable),
            (b"SOFTBOUNCE", Status::SoftBounce),
            (b"sen", Status::Other),
            (b"", Status::Other),
        ] {
            assert_eq!(Status::from_word(word), want, "{}", String::from_utf8_lossy(word));
        }
    }
}
