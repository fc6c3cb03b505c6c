// Synthetic mail-log generator (Postfix, Exim, Sendmail) for benchmarks and tests.
//
// Std only, deterministic: the same `GenConfig` always yields the same bytes.
// Included elsewhere with `#[path = "../benches/gen.rs"] mod r#gen;` (`gen` is a
// reserved keyword in edition 2024, so the plain `mod gen;` does not compile).

use std::io::{self, Write};

#[allow(dead_code)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mta {
    Postfix,
    Exim,
    Sendmail,
}

#[allow(dead_code)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stamp {
    Classic,
    Rfc3339,
    Mixed,
}

#[allow(dead_code)]
#[derive(Clone, Debug)]
pub struct GenConfig {
    pub mta: Mta,
    pub seed: u64,
    pub bytes: u64,
    pub stamp: Stamp,
    pub start_unix: i64,
    pub lines_per_sec: f64,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            mta: Mta::Postfix,
            seed: 42,
            bytes: 1 << 20,
            stamp: Stamp::Classic,
            start_unix: 1_795_305_600, // 2026-11-22T00:00:00Z
            lines_per_sec: 50.0,
        }
    }
}

#[allow(dead_code)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GenStats {
    pub lines: u64,
    pub bytes: u64,
}

const CHUNK: usize = 1 << 20;

/// Writes whole lines to `out` until at least `cfg.bytes` bytes were written
/// (the line that reaches the target is the last one).
#[allow(dead_code)]
pub fn generate(cfg: &GenConfig, out: &mut impl Write) -> io::Result<GenStats> {
    let mut g = Gen::new(cfg);
    let mut chunk: Vec<u8> = Vec::with_capacity(CHUNK + 8192);
    let mut stats = GenStats::default();
    while stats.bytes < cfg.bytes {
        let before = chunk.len();
        g.line(&mut chunk);
        stats.bytes += (chunk.len() - before) as u64;
        stats.lines += 1;
        if chunk.len() >= CHUNK {
            out.write_all(&chunk)?;
            chunk.clear();
        }
    }
    if !chunk.is_empty() {
        out.write_all(&chunk)?;
    }
    out.flush()?;
    Ok(stats)
}

#[allow(dead_code)]
pub fn generate_vec(cfg: &GenConfig) -> Vec<u8> {
    let mut v = Vec::with_capacity(cfg.bytes.min(1 << 30) as usize + 1024);
    generate(cfg, &mut v).expect("writing to a Vec cannot fail");
    v
}

// ---------------------------------------------------------------------------
// PRNG (splitmix64)

struct Rng(u64);

impl Rng {
    #[inline]
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    #[inline]
    fn below(&mut self, n: u32) -> u32 {
        (((self.next() >> 32) * n as u64) >> 32) as u32
    }
    /// True with probability `pm` per mille.
    #[inline]
    fn pm(&mut self, pm: u32) -> bool {
        self.below(1000) < pm
    }
    #[inline]
    fn pick<T: Copy>(&mut self, s: &[T]) -> T {
        s[self.below(s.len() as u32) as usize]
    }
    /// Index drawn according to `w`.
    fn weighted(&mut self, w: &[u32]) -> usize {
        let total: u32 = w.iter().sum();
        let mut r = self.below(total);
        for (i, &x) in w.iter().enumerate() {
            if r < x {
                return i;
            }
            r -= x;
        }
        w.len() - 1
    }
}

#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 33)).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    z = (z ^ (z >> 33)).wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    z ^ (z >> 33)
}

// ---------------------------------------------------------------------------
// Byte formatting helpers

#[inline]
fn s(b: &mut Vec<u8>, x: &str) {
    b.extend_from_slice(x.as_bytes());
}

#[inline]
fn num(b: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = 20;
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    b.extend_from_slice(&tmp[i..]);
}

#[inline]
fn pad2(b: &mut Vec<u8>, n: u32) {
    b.push(b'0' + (n / 10 % 10) as u8);
    b.push(b'0' + (n % 10) as u8);
}

/// Zero-padded decimal of fixed width.
#[inline]
fn padn(b: &mut Vec<u8>, mut n: u64, width: usize) {
    let start = b.len();
    b.resize(start + width, b'0');
    let mut i = start + width;
    while i > start {
        i -= 1;
        b[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

const HEXU: &[u8; 16] = b"0123456789ABCDEF";
const HEXL: &[u8; 16] = b"0123456789abcdef";
const ALNUM: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const LOWER_ALNUM: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

#[inline]
fn hex_lower(b: &mut Vec<u8>, n: u64) {
    // No leading zeros, like IPv6 groups.
    if n == 0 {
        b.push(b'0');
        return;
    }
    let digits = (64 - n.leading_zeros()).div_ceil(4);
    for i in (0..digits).rev() {
        b.push(HEXL[((n >> (i * 4)) & 15) as usize]);
    }
}

fn rand_chars(b: &mut Vec<u8>, rng: &mut Rng, alphabet: &[u8], len: usize) {
    let mut r = rng.next();
    let mut left = 10;
    for _ in 0..len {
        if left == 0 {
            r = rng.next();
            left = 10;
        }
        b.push(alphabet[((r & 63) as usize) % alphabet.len()]);
        r >>= 6;
        left -= 1;
    }
}

/// Postfix-style duration from centiseconds: 0, 0.52, 3.6, 11.
fn dur(b: &mut Vec<u8>, cs: u32) {
    if cs == 0 {
        b.push(b'0');
    } else if cs < 100 {
        b.extend_from_slice(b"0.");
        b.push(b'0' + (cs / 10) as u8);
        if !cs.is_multiple_of(10) {
            b.push(b'0' + (cs % 10) as u8);
        }
    } else if cs < 1000 {
        num(b, (cs / 100) as u64);
        let d = cs / 10 % 10;
        if d != 0 {
            b.push(b'.');
            b.push(b'0' + d as u8);
        }
    } else {
        num(b, (cs / 100) as u64);
    }
}

/// `prog[pid]: `
#[inline]
fn tag(b: &mut Vec<u8>, prog: &str, pid: u32) {
    s(b, prog);
    b.push(b'[');
    num(b, pid as u64);
    s(b, "]: ");
}

// ---------------------------------------------------------------------------
// Clock

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

struct Clock {
    us: i64,
    mean_step: u32,
    sec: i64,
    /// "Nov 22 04:58:29"
    classic: [u8; 15],
    /// "2026-11-22T04:58:29"
    iso: [u8; 19],
}

impl Clock {
    fn new(start_unix: i64, lines_per_sec: f64) -> Clock {
        let lps = if lines_per_sec.is_finite() && lines_per_sec > 0.0 { lines_per_sec } else { 50.0 };
        let mean = (1_000_000.0 / lps).clamp(1.0, 3_600_000_000.0) as u32;
        let mut c = Clock {
            us: start_unix.saturating_mul(1_000_000),
            mean_step: mean,
            sec: i64::MIN,
            classic: [0; 15],
            iso: [0; 19],
        };
        c.refresh();
        c
    }

    fn advance(&mut self, rng: &mut Rng) {
        let step = rng.below(self.mean_step.saturating_mul(2).max(1)) as i64;
        self.us += step;
        self.refresh();
    }

    fn refresh(&mut self) {
        let sec = self.us.div_euclid(1_000_000);
        if sec == self.sec {
            return;
        }
        self.sec = sec;
        let days = sec.div_euclid(86_400);
        let tod = sec.rem_euclid(86_400) as u32;
        let (y, m, d) = civil_from_days(days);
        let (hh, mm, ss) = (tod / 3600, tod / 60 % 60, tod % 60);
        let mut b = Vec::with_capacity(19);
        s(&mut b, MONTHS[(m - 1) as usize]);
        b.push(b' ');
        if d < 10 {
            b.push(b' ');
            b.push(b'0' + d as u8);
        } else {
            pad2(&mut b, d);
        }
        b.push(b' ');
        pad2(&mut b, hh);
        b.push(b':');
        pad2(&mut b, mm);
        b.push(b':');
        pad2(&mut b, ss);
        self.classic.copy_from_slice(&b);
        b.clear();
        padn(&mut b, y.clamp(0, 9999) as u64, 4);
        b.push(b'-');
        pad2(&mut b, m);
        b.push(b'-');
        pad2(&mut b, d);
        b.push(b'T');
        pad2(&mut b, hh);
        b.push(b':');
        pad2(&mut b, mm);
        b.push(b':');
        pad2(&mut b, ss);
        self.iso.copy_from_slice(&b);
    }

    fn micros(&self) -> u32 {
        self.us.rem_euclid(1_000_000) as u32
    }
}

// ---------------------------------------------------------------------------
// Names: users, domains, hosts, addresses

const FIRST: [&str; 64] = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia",
    "peggy", "rupert", "sybil", "trent", "victor", "walter", "anna", "ben", "chloe", "daniel", "emma", "felix", "gina",
    "hugo", "iris", "jack", "karen", "leo", "maria", "nora", "oscar", "paula", "quinn", "rosa", "sam", "tina", "uma",
    "vera", "will", "xena", "yusuf", "zoe", "ahmed", "bianca", "chen", "dmitri", "elena", "fatima", "giorgio", "hana",
    "igor", "jana", "kenji", "lars", "mei", "nils", "omar", "priya", "raj", "sofia", "tomas",
];
const LAST: [&str; 32] = [
    "smith", "jones", "miller", "davis", "garcia", "wilson", "moore", "taylor", "anderson", "thomas", "martin", "lee",
    "white", "harris", "clark", "lewis", "walker", "hall", "young", "king", "wright", "lopez", "hill", "scott",
    "green", "adams", "baker", "nelson", "carter", "mitchell", "perez", "roberts",
];
const ROLES: [&str; 12] = [
    "info",
    "noreply",
    "no-reply",
    "support",
    "billing",
    "newsletter",
    "sales",
    "postmaster",
    "hr",
    "admin",
    "notifications",
    "bounces",
];

/// Big mailbox providers (index = domain id) and their pick weights (per mille of outbound recipients).
const BIG: [(&str, u32, Prov); 14] = [
    ("gmail.com", 300, Prov::Google),
    ("outlook.com", 90, Prov::Microsoft),
    ("yahoo.com", 90, Prov::Yahoo),
    ("hotmail.com", 80, Prov::Microsoft),
    ("icloud.com", 35, Prov::Apple),
    ("live.com", 20, Prov::Microsoft),
    ("aol.com", 15, Prov::Yahoo),
    ("gmx.de", 12, Prov::GenPostfix),
    ("web.de", 8, Prov::GenPostfix),
    ("msn.com", 8, Prov::Microsoft),
    ("comcast.net", 8, Prov::GenPostfix),
    ("protonmail.com", 6, Prov::GenPostfix),
    ("yandex.ru", 5, Prov::GenPostfix),
    ("googlemail.com", 3, Prov::Google),
];
const N_GENERATED_DOMAINS: u32 = 4000;
const LOCAL_DOMAINS: [&str; 3] = ["example.com", "example.org", "lists.example.com"];
const LOCAL_BIT: u32 = 0x8000_0000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Addr {
    user: u32,
    dom: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prov {
    Google,
    Microsoft,
    Yahoo,
    Apple,
    GenPostfix,
    GenExim,
}

fn dom_prov(dom: u32) -> Prov {
    if (dom as usize) < BIG.len() {
        return BIG[dom as usize].2;
    }
    match mix(dom as u64 ^ 0xD0) % 100 {
        0..=19 => Prov::Microsoft,
        20..=34 => Prov::Google,
        35..=74 => Prov::GenPostfix,
        _ => Prov::GenExim,
    }
}

fn write_domain(b: &mut Vec<u8>, dom: u32) {
    if dom & LOCAL_BIT != 0 {
        s(b, LOCAL_DOMAINS[(dom & 0xFF) as usize % LOCAL_DOMAINS.len()]);
    } else if (dom as usize) < BIG.len() {
        s(b, BIG[dom as usize].0);
    } else {
        let n = dom - BIG.len() as u32;
        match n % 4 {
            0 => s(b, "d"),
            1 => s(b, "corp"),
            2 => s(b, "shop"),
            _ => s(b, "n"),
        }
        num(b, n as u64);
        s(b, if n.is_multiple_of(3) { ".example.org" } else { ".example.net" });
    }
}

fn write_user(b: &mut Vec<u8>, user: u32) {
    if user < 0x100 {
        s(b, ROLES[user as usize % ROLES.len()]);
        return;
    }
    let first = FIRST[(user & 63) as usize];
    let last = LAST[((user >> 6) & 31) as usize];
    match (user >> 11) & 3 {
        0 => s(b, first),
        1 => {
            s(b, first);
            b.push(b'.');
            s(b, last);
        }
        2 => {
            s(b, first);
            num(b, ((user >> 13) % 1000) as u64);
        }
        _ => {
            b.push(first.as_bytes()[0]);
            s(b, last);
        }
    }
}

fn write_addr(b: &mut Vec<u8>, a: Addr) {
    if a.dom == u32::MAX {
        return; // null sender <>
    }
    write_user(b, a.user);
    b.push(b'@');
    write_domain(b, a.dom);
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ip {
    V4([u8; 4]),
    V6([u16; 3]),
}

impl Default for Ip {
    fn default() -> Self {
        Ip::V4([192, 0, 2, 1])
    }
}

fn write_ip(b: &mut Vec<u8>, ip: Ip) {
    match ip {
        Ip::V4(o) => {
            for (i, x) in o.iter().enumerate() {
                if i > 0 {
                    b.push(b'.');
                }
                num(b, *x as u64);
            }
        }
        Ip::V6(g) => {
            s(b, "2001:db8:");
            hex_lower(b, g[0] as u64);
            if g[1] != 0 {
                b.push(b':');
                hex_lower(b, g[1] as u64);
            }
            s(b, "::");
            hex_lower(b, g[2] as u64);
        }
    }
}

fn public_ip(rng: &mut Rng) -> Ip {
    let r = rng.next();
    if r % 100 < 18 {
        Ip::V6([(r >> 8) as u16 & 0x0fff, if r & 0x8000_0000 != 0 { (r >> 16) as u16 } else { 0 }, (r >> 40) as u16])
    } else {
        let last = ((r >> 16) % 254 + 1) as u8;
        match (r >> 24) % 3 {
            0 => Ip::V4([192, 0, 2, last]),
            1 => Ip::V4([198, 51, 100, last]),
            _ => Ip::V4([203, 0, 113, last]),
        }
    }
}

fn internal_ip(rng: &mut Rng) -> Ip {
    let r = rng.next();
    if r % 100 < 10 {
        Ip::V6([0x100, 0, (r >> 8) as u16 & 0xff])
    } else {
        Ip::V4([10, (r >> 8) as u8 % 4, (r >> 16) as u8, ((r >> 24) % 254 + 1) as u8])
    }
}

/// A remote SMTP peer: hostname kind plus address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Peer {
    kind: u8,
    n: u32,
    ip: Ip,
}

fn write_peer_name(b: &mut Vec<u8>, p: Peer) {
    let n = p.n as u64;
    match p.kind {
        0 => s(b, "unknown"),
        1 => {
            s(b, "mail");
            num(b, n % 50);
            s(b, ".d");
            num(b, n % N_GENERATED_DOMAINS as u64);
            s(b, ".example.net");
        }
        2 => {
            s(b, "mta");
            num(b, n % 300);
            s(b, ".news.example.org");
        }
        3 => {
            s(b, "o");
            num(b, n % 100_000);
            s(b, ".outbound.example.net");
        }
        4 => {
            s(b, "host-");
            match p.ip {
                Ip::V4(o) => {
                    for (i, x) in o.iter().enumerate() {
                        if i > 0 {
                            b.push(b'-');
                        }
                        num(b, *x as u64);
                    }
                }
                Ip::V6(g) => hex_lower(b, g[2] as u64),
            }
            s(b, ".dyn.example.net");
        }
        5 => {
            s(b, "app");
            num(b, n % 40);
            s(b, ".internal.example.com");
        }
        _ => {
            s(b, "smtp");
            num(b, n % 20);
            s(b, ".corp.example.org");
        }
    }
}

fn write_peer(b: &mut Vec<u8>, p: Peer) {
    write_peer_name(b, p);
    b.push(b'[');
    write_ip(b, p.ip);
    b.push(b']');
}

/// `[ip]:port` as postscreen prints it.
fn write_ps_peer(b: &mut Vec<u8>, p: Peer, port: u16) {
    b.push(b'[');
    write_ip(b, p.ip);
    s(b, "]:");
    num(b, port as u64);
}

fn write_helo(b: &mut Vec<u8>, p: Peer) {
    if p.kind == 0 {
        match p.n % 4 {
            0 => {
                b.push(b'[');
                write_ip(b, p.ip);
                b.push(b']');
            }
            1 => s(b, "localhost"),
            _ => {
                s(b, "mail.d");
                num(b, (p.n % N_GENERATED_DOMAINS) as u64);
                s(b, ".example.net");
            }
        }
    } else {
        write_peer_name(b, p);
    }
}

/// The MX chosen for a domain: deterministic per domain, two MXes each.
fn relay_peer(dom: u32, salt: u64) -> Peer {
    let h = mix(dom as u64 ^ 0xA11CE);
    let mx = mix(salt ^ dom as u64).is_multiple_of(4);
    let k = (h >> 8) as u8 % 3;
    let ip = if h.is_multiple_of(5) {
        Ip::V6([0x4860 + (h >> 20) as u16 % 8, 0x4000 + (mx as u16), 0x1b + ((h >> 40) as u16 & 0xff)])
    } else {
        let last = ((h >> 24) % 250) as u8 + 1 + mx as u8;
        match k {
            0 => Ip::V4([203, 0, 113, last]),
            1 => Ip::V4([198, 51, 100, last]),
            _ => Ip::V4([192, 0, 2, last]),
        }
    };
    Peer { kind: mx as u8, n: dom, ip }
}

// ---------------------------------------------------------------------------
// Remote reply catalog

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// Text as is, relay=host[ip]:25.
    Plain,
    /// Text as is, relay=none.
    NoRelay,
    /// `host H[IP] said: TEXT (in reply to STAGE command)`.
    Said(&'static str),
}

/// A delivery outcome. Placeholders in `text`:
/// \x01 recipient, \x02 relay host[ip], \x03 unix time, \x04 gsmtp token,
/// \x05 remote queue id, \x06 our outbound IP, \x07 recipient domain,
/// \x08 upper-case token, \x09 six digits, \x0b sender.
#[derive(Debug)]
struct Resp {
    w: u32,
    dsn: &'static str,
    form: Form,
    text: &'static str,
}

const fn r(w: u32, dsn: &'static str, form: Form, text: &'static str) -> Resp {
    Resp { w, dsn, form, text }
}

const RCPT: Form = Form::Said("RCPT TO");
const MAIL: Form = Form::Said("MAIL FROM");
const EOD: Form = Form::Said("end of DATA");
const PLAIN: Form = Form::Plain;
const NORELAY: Form = Form::NoRelay;

struct Cat {
    sent: &'static [Resp],
    defer: &'static [Resp],
    bounce: &'static [Resp],
}

static GOOGLE: Cat = Cat {
    sent: &[r(1, "2.0.0", PLAIN, "250 2.0.0 OK  \x03 \x04 - gsmtp")],
    defer: &[
        r(
            30,
            "4.7.28",
            EOD,
            "421-4.7.28 [\x06      15] Gmail has detected an unusual rate of unsolicited mail 421-4.7.28 originating from your IP address. To protect our users from spam, mail 421-4.7.28 sent from your IP address has been temporarily rate limited. For more 421-4.7.28 information, go to 421-4.7.28  https://support.google.com/mail/?p=UnsolicitedRateLimitError to 421 4.7.28 review our Bulk Email Senders Guidelines. \x04 - gsmtp",
        ),
        r(
            15,
            "4.2.1",
            RCPT,
            "450-4.2.1 The user you are trying to contact is receiving mail at a rate that 450-4.2.1 prevents additional messages from being delivered. Please resend your 450-4.2.1 message at a later time. If the user is able to receive mail at that 450-4.2.1 time, your message will be delivered. For more information, go to 450 4.2.1  https://support.google.com/mail/?p=ReceivingRate \x04 - gsmtp",
        ),
        r(
            10,
            "4.2.2",
            RCPT,
            "452-4.2.2 The recipient's inbox is out of storage space. Please direct the 452-4.2.2 recipient to 452 4.2.2  https://support.google.com/mail/?p=OverQuotaTemp \x04 - gsmtp",
        ),
        r(
            8,
            "4.7.0",
            EOD,
            "421-4.7.0 Temporary System Problem.  Try again later (10). For more information, 421 4.7.0 go to  https://support.google.com/a/answer/3221692 \x04 - gsmtp",
        ),
    ],
    bounce: &[
        r(
            50,
            "5.1.1",
            RCPT,
            "550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. For more information, go to 550 5.1.1  https://support.google.com/mail/?p=NoSuchUser \x04 - gsmtp",
        ),
        r(
            15,
            "5.7.26",
            EOD,
            "550-5.7.26 Unauthenticated email from \x07 is not accepted due to domain's 550-5.7.26 DMARC policy. Please contact the administrator of \x07 domain if 550-5.7.26 this was a legitimate mail. To learn about the DMARC initiative, go to 550 5.7.26  https://support.google.com/mail/?p=DmarcRejection \x04 - gsmtp",
        ),
        r(
            10,
            "5.2.2",
            RCPT,
            "552-5.2.2 The recipient's inbox is out of storage space and inactive. Please 552-5.2.2 direct the recipient to 552 5.2.2  https://support.google.com/mail/?p=OverQuotaPerm \x04 - gsmtp",
        ),
        r(
            8,
            "5.7.1",
            EOD,
            "550-5.7.1 [\x06      12] Our system has detected that this message is 550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail, 550-5.7.1 this message has been blocked. For more information, go to 550 5.7.1  https://support.google.com/mail/?p=UnsolicitedMessageError \x04 - gsmtp",
        ),
        r(
            4,
            "5.2.1",
            RCPT,
            "550-5.2.1 The email account that you tried to reach is disabled. For more 550 5.2.1 information, go to  https://support.google.com/mail/?p=DisabledUser \x04 - gsmtp",
        ),
    ],
};

static MICROSOFT: Cat = Cat {
    sent: &[r(
        1,
        "2.6.0",
        PLAIN,
        "250 2.6.0 <\x08@\x07> [InternalId=\x09\x09, Hostname=AM9PR02MB\x09.eurprd02.prod.outlook.com] \x09 bytes in 0.118, 41.220 KB/sec Queued mail for delivery -> 250 2.1.5",
    )],
    defer: &[
        r(
            30,
            "4.7.650",
            MAIL,
            "451 4.7.650 The mail server [\x06] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://aka.ms/postmaster (S775) [Name=Protocol Filter Agent][AGT=PFA][MxId=\x08] [AM4PEPF000\x09.eurprd04.prod.outlook.com 2026-11-22T04:58:29.123Z 08DD\x08]",
        ),
        r(
            20,
            "4.7.500",
            MAIL,
            "451 4.7.500 Server busy. Please try again later from [\x06]. (S77714) [AM4PEPF000\x09.eurprd04.prod.outlook.com]",
        ),
        r(
            10,
            "4.3.2",
            PLAIN,
            "host \x02 refused to talk to me: 421 4.3.2 The maximum number of concurrent server connections has exceeded a limit, closing transmission channel",
        ),
    ],
    bounce: &[
        r(
            50,
            "5.5.0",
            RCPT,
            "550 5.5.0 Requested action not taken: mailbox unavailable (S2017) [AM4PEPF000\x09.eurprd04.prod.outlook.com]",
        ),
        r(
            20,
            "5.4.1",
            RCPT,
            "550 5.4.1 Recipient address rejected: Access denied. For more information see https://aka.ms/EXOSmtpErrors [AM4PEPF000\x09.eurprd04.prod.outlook.com 2026-11-22T04:58:29.123Z 08DD\x08]",
        ),
        r(
            12,
            "5.7.1",
            MAIL,
            "550 5.7.1 Unfortunately, messages from [\x06] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [AM4PEPF000\x09.eurprd04.prod.outlook.com]",
        ),
        r(
            5,
            "5.2.2",
            EOD,
            "552 5.2.2 STOREDRV.Deliver; mailbox full [Hostname=AM9PR02MB\x09.eurprd02.prod.outlook.com]",
        ),
    ],
};

static YAHOO: Cat = Cat {
    sent: &[r(1, "2.0.0", PLAIN, "250 ok dirdel")],
    defer: &[
        r(
            40,
            "4.7.0",
            PLAIN,
            "host \x02 refused to talk to me: 421 4.7.0 [TSS04] Messages from \x06 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
        ),
        r(
            20,
            "4.7.0",
            MAIL,
            "421 4.7.0 [TSS04] Messages from \x06 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
        ),
        r(10, "4.4.2", PLAIN, "lost connection with \x02 while sending RCPT TO"),
    ],
    bounce: &[
        r(
            50,
            "5.0.0",
            RCPT,
            "554 delivery error: dd This user doesn't have a \x07 account (\x01) [0] - mta\x09.mail.gq1.yahoo.com",
        ),
        r(
            20,
            "5.7.9",
            EOD,
            "554 5.7.9 Message not accepted for policy reasons.  See https://postmaster.yahooinc.com/error-codes",
        ),
        r(5, "5.0.0", RCPT, "552 1 Requested mail action aborted, mailbox not found"),
    ],
};

static APPLE: Cat = Cat {
    sent: &[r(1, "2.0.0", PLAIN, "250 2.0.0 Ok: queued as \x08")],
    defer: &[
        r(
            10,
            "4.7.0",
            EOD,
            "421 4.7.0 [HM08] Message deferred due to policy reasons. Please visit https://support.apple.com/en-us/HT204137",
        ),
        r(5, "4.2.1", RCPT, "450 4.2.1 <\x01>: Recipient address rejected: user over quota"),
    ],
    bounce: &[
        r(30, "5.1.1", RCPT, "550 5.1.1 <\x01>: user does not exist"),
        r(
            10,
            "5.7.1",
            EOD,
            "554 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137",
        ),
    ],
};

static GEN_POSTFIX: Cat = Cat {
    sent: &[r(1, "2.0.0", PLAIN, "250 2.0.0 Ok: queued as \x05")],
    defer: &[
        r(
            30,
            "4.7.1",
            RCPT,
            "450 4.7.1 <\x01>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/help/\x07.html",
        ),
        r(12, "4.2.1", RCPT, "450 4.2.1 <\x01>: Recipient address rejected: Greylisted for 5 minutes"),
        r(10, "4.3.0", RCPT, "451 4.3.0 <\x01>: Temporary lookup failure"),
        r(8, "4.5.3", RCPT, "452 4.5.3 Error: too many recipients"),
        r(6, "4.3.1", MAIL, "452 4.3.1 Insufficient system storage"),
        r(6, "4.3.2", PLAIN, "host \x02 refused to talk to me: 421 4.3.2 Service not available, closing channel"),
        r(4, "4.3.2", PLAIN, "host \x02 refused to talk to me: 521 5.3.2 \x07 does not accept mail"),
        r(4, "4.7.0", PLAIN, "host \x02 refused to talk to me: 554 5.7.1 No SMTP service here"),
        r(
            4,
            "4.7.8",
            PLAIN,
            "SASL authentication failed; server \x02 said: 535 5.7.8 Error: authentication failed: authentication failure",
        ),
    ],
    bounce: &[
        r(40, "5.1.1", RCPT, "550 5.1.1 <\x01>: Recipient address rejected: User unknown in virtual mailbox table"),
        r(20, "5.1.1", RCPT, "550 5.1.1 <\x01>: Recipient address rejected: User unknown in local recipient table"),
        r(10, "5.2.2", EOD, "552 5.2.2 <\x01>: Recipient address rejected: Mailbox quota exceeded"),
        r(8, "5.7.1", RCPT, "554 5.7.1 <\x01>: Relay access denied"),
        r(6, "5.1.3", RCPT, "553 5.1.3 <\x01>: Recipient address rejected: Invalid address syntax"),
        r(5, "5.1.10", RCPT, "556 5.1.10 <\x01>: Recipient address rejected: Domain \x07 has null MX"),
        r(5, "5.7.0", MAIL, "530 5.7.0 Must issue a STARTTLS command first"),
        r(4, "5.5.2", MAIL, "501 5.5.2 <\x0b>: Sender address rejected: need fully-qualified address"),
        r(
            4,
            "5.7.1",
            EOD,
            "554 5.7.1 Service unavailable; Client host [\x06] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/\x06",
        ),
    ],
};

static GEN_EXIM: Cat = Cat {
    sent: &[r(1, "2.0.0", PLAIN, "250 OK id=\x0c")],
    defer: &[
        r(20, "4.7.1", RCPT, "451 4.7.1 Greylisted, please try again later"),
        r(10, "4.0.0", MAIL, "451 Temporary local problem - please try later"),
        r(5, "4.0.0", PLAIN, "host \x02 refused to talk to me: 421 \x07 lost input connection"),
    ],
    bounce: &[
        r(30, "5.0.0", RCPT, "550 Unrouteable address"),
        r(15, "5.0.0", RCPT, "550 Administrative prohibition"),
        r(15, "5.1.1", RCPT, "550 5.1.1 <\x01>: User unknown"),
        r(5, "5.0.0", EOD, "550-Your message was rejected by this server 550 because it looks like spam"),
    ],
};

/// Network-level failures shared by all remote destinations.
static NET_DEFER: [Resp; 6] = [
    r(30, "4.4.1", NORELAY, "connect to \x02:25: Connection timed out"),
    r(12, "4.4.1", NORELAY, "connect to \x02:25: Connection refused"),
    r(10, "4.4.2", PLAIN, "lost connection with \x02 while receiving the initial server greeting"),
    r(8, "4.4.2", PLAIN, "conversation with \x02 timed out while receiving the initial server greeting"),
    r(
        6,
        "4.4.3",
        NORELAY,
        "Host or domain name not found. Name service error for name=\x07 type=MX: Host not found, try again",
    ),
    r(
        4,
        "4.4.2",
        PLAIN,
        "conversation with \x02 timed out while sending end of data -- message may be sent more than once",
    ),
];

fn cat_for(p: Prov) -> &'static Cat {
    match p {
        Prov::Google => &GOOGLE,
        Prov::Microsoft => &MICROSOFT,
        Prov::Yahoo => &YAHOO,
        Prov::Apple => &APPLE,
        Prov::GenPostfix => &GEN_POSTFIX,
        Prov::GenExim => &GEN_EXIM,
    }
}

fn pick_resp(rng: &mut Rng, list: &'static [Resp]) -> &'static Resp {
    let total: u32 = list.iter().map(|x| x.w).sum();
    let mut t = rng.below(total);
    for x in list {
        if t < x.w {
            return x;
        }
        t -= x.w;
    }
    &list[list.len() - 1]
}

// ---------------------------------------------------------------------------
// Local transports (lmtp to dovecot, local, virtual, pipe).
static LMTP: Cat = Cat {
    sent: &[r(1, "2.0.0", PLAIN, "250 2.0.0 <\x01> \x0d Saved")],
    defer: &[
        r(10, "4.2.2", EOD, "452 4.2.2 <\x01> Quota exceeded (mailbox for user is full)"),
        r(4, "4.3.0", EOD, "451 4.3.0 <\x01> Temporary internal error"),
        r(
            2,
            "4.4.2",
            PLAIN,
            "lost connection with \x02 while sending end of data -- message may be sent more than once",
        ),
    ],
    bounce: &[
        r(10, "5.1.1", RCPT, "550 5.1.1 <\x01> User doesn't exist: \x01"),
        r(5, "5.2.2", EOD, "552 5.2.2 <\x01> Quota exceeded (mailbox for user is full)"),
    ],
};

static LOCAL: Cat = Cat {
    sent: &[
        r(10, "2.0.0", PLAIN, "delivered to mailbox"),
        r(3, "2.0.0", PLAIN, "delivered to command: /usr/bin/procmail -a \"$EXTENSION\""),
        r(2, "2.0.0", PLAIN, "forwarded as \x05"),
    ],
    defer: &[
        r(
            5,
            "4.2.0",
            PLAIN,
            "cannot update mailbox /var/mail/\x0e for user \x0e. unable to lock for exclusive access: Resource temporarily unavailable",
        ),
        r(2, "4.3.0", PLAIN, "temporary failure"),
    ],
    bounce: &[
        r(10, "5.1.1", PLAIN, "unknown user: \"\x0e\""),
        r(
            3,
            "5.2.2",
            PLAIN,
            "cannot update mailbox /var/mail/\x0e for user \x0e. error writing message: File too large",
        ),
        r(2, "5.3.0", PLAIN, "Command died with status 1: \"/usr/bin/procmail\""),
    ],
};

static VIRTUAL: Cat = Cat {
    sent: &[r(1, "2.0.0", PLAIN, "delivered to maildir")],
    defer: &[r(1, "4.2.2", PLAIN, "maildir delivery failed: error writing message: Disk quota exceeded")],
    bounce: &[r(1, "5.2.2", PLAIN, "maildir delivery failed: Disk quota exceeded")],
};

static PIPE: Cat = Cat {
    sent: &[r(1, "2.0.0", PLAIN, "delivered via dovecot service")],
    defer: &[r(
        1,
        "4.3.0",
        PLAIN,
        "temporary failure. Command output: lda(\x01)<\x09><\x0d>: Error: mailbox INBOX: Timeout while waiting for lock",
    )],
    bounce: &[r(3, "5.1.1", PLAIN, "user unknown"), r(1, "5.4.6", PLAIN, "mail forwarding loop for \x01")],
};

/// smtpd NOQUEUE rejects. Placeholders as in `Resp`, plus \x0f client IP, \x10 HELO name.
#[derive(Debug)]
struct Rej {
    w: u32,
    stage: &'static str,
    text: &'static str,
    /// Recipient is one of ours (else: a foreign domain).
    local_rcpt: bool,
    /// Client sends a bare, non-FQDN HELO.
    bad_helo: bool,
    milter: bool,
}

const fn rj(w: u32, stage: &'static str, local_rcpt: bool, text: &'static str) -> Rej {
    Rej { w, stage, text, local_rcpt, bad_helo: false, milter: false }
}

static REJECTS: [Rej; 20] = [
    rj(25, "RCPT", false, "554 5.7.1 <\x01>: Relay access denied"),
    rj(22, "RCPT", true, "550 5.1.1 <\x01>: Recipient address rejected: User unknown in virtual mailbox table"),
    rj(6, "RCPT", true, "550 5.1.1 <\x01>: Recipient address rejected: User unknown in local recipient table"),
    rj(
        16,
        "RCPT",
        true,
        "450 4.7.1 <\x01>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/help/\x07.html",
    ),
    Rej {
        w: 8,
        stage: "RCPT",
        text: "504 5.5.2 <\x10>: Helo command rejected: need fully-qualified hostname",
        local_rcpt: true,
        bad_helo: true,
        milter: false,
    },
    rj(
        10,
        "RCPT",
        true,
        "554 5.7.1 Service unavailable; Client host [\x0f] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/\x0f",
    ),
    rj(6, "RCPT", true, "450 4.7.25 Client host rejected: cannot find your hostname, [\x0f]"),
    rj(5, "RCPT", true, "450 4.1.8 <\x0b>: Sender address rejected: Domain not found"),
    rj(
        4,
        "RCPT",
        true,
        "550 5.7.23 <\x01>: Recipient address rejected: Message rejected due to: SPF fail - not authorized. Please see http://www.openspf.net/Why?s=mfrom;id=\x0b;ip=\x0f;r=<UNKNOWN>",
    ),
    rj(3, "RCPT", true, "452 4.5.3 Error: too many recipients"),
    rj(3, "MAIL", true, "552 5.3.4 Message size exceeds fixed limit"),
    rj(2, "RCPT", true, "451 4.3.5 <\x01>: Recipient address rejected: Server configuration error"),
    rj(2, "RCPT", true, "554 5.7.1 <\x0b>: Sender address rejected: Access denied"),
    rj(2, "RCPT", true, "550 5.7.1 <\x01>: Recipient address rejected: Access denied"),
    rj(2, "DATA", true, "554 5.5.1 Error: no valid recipients"),
    rj(2, "VRFY", true, "550 5.1.1 <\x01>: Recipient address rejected: User unknown in virtual mailbox table"),
    Rej {
        w: 3,
        stage: "RCPT",
        text: "451 4.7.1 Greylisting in action, please come back later",
        local_rcpt: true,
        bad_helo: false,
        milter: true,
    },
    Rej {
        w: 1,
        stage: "RCPT",
        text: "501 5.5.2 <\x10>: Helo command rejected: Invalid name",
        local_rcpt: true,
        bad_helo: true,
        milter: false,
    },
    rj(1, "RCPT", true, "452 4.3.1 Insufficient system storage"),
    rj(1, "RCPT", true, "421 4.7.0 mx1.example.com Error: too many errors"),
];

const SUBJECTS: [&str; 8] = [
    "Your account has been suspended",
    "URGENT: invoice overdue",
    "Cheap meds online",
    "You have won a prize",
    "Re: payment confirmation",
    "Verify your mailbox now",
    "Crypto investment opportunity",
    "Final notice",
];

fn pick_rej(rng: &mut Rng) -> &'static Rej {
    let total: u32 = REJECTS.iter().map(|x| x.w).sum();
    let mut t = rng.below(total);
    for x in &REJECTS {
        if t < x.w {
            return x;
        }
        t -= x.w;
    }
    &REJECTS[0]
}

// ---------------------------------------------------------------------------
// Stories

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
enum Via {
    #[default]
    Smtp,
    Lmtp,
    Local,
    Virtual,
    Pipe,
}

fn via_cat(v: Via) -> &'static Cat {
    match v {
        Via::Lmtp => &LMTP,
        Via::Local => &LOCAL,
        Via::Virtual => &VIRTUAL,
        Via::Pipe => &PIPE,
        Via::Smtp => &GEN_POSTFIX,
    }
}

/// Recipient index meaning "the sender of the message" (for notifications).
const TO_SENDER: u8 = 255;

/// One log line of a story.
#[derive(Clone, Copy, Debug)]
enum Op {
    /// Not a line: park the story for this many lines.
    Sleep(u32),
    PsConnect,
    PsPass,
    PsDnsblRank,
    PsDnsblog,
    PsReject,
    PsPregreet,
    PsHangup,
    PsDisconnect,
    PsTooMany,
    Resolve,
    Connect,
    TlsIn,
    Client,
    Pickup,
    Cleanup(bool),
    Dkim(bool),
    Qmgr(bool),
    TlsOut(u8),
    /// Intermediate reply of the first MX before the next MX is tried.
    HostSaid {
        r: u8,
        resp: &'static Resp,
    },
    ConnectFail(u8),
    Deliver {
        r: u8,
        resp: &'static Resp,
        q2: bool,
    },
    DovecotSaved(u8),
    Removed(bool),
    Expired,
    /// bounce(8): 0 = non-delivery, 1 = delay notification; starts a fresh second queue id.
    Notify(u8),
    Reject(&'static Rej),
    HeaderReject,
    MilterReject,
    SaslFail,
    LostAfter(&'static str),
    TooManyErrors,
    /// 0 accepted, 1 rejected session, 2 auth failure, 3 junk, 4 DATA rejected.
    Disconnect(u8),
    Noise(u8),
    Anvil(u8),
    Scache(u8),
    Ex(ExOp),
    Sm(SmOp),
}

#[derive(Default)]
struct Story {
    ops: Vec<Op>,
    pos: usize,
    wake: u64,
    born_us: i64,
    /// When the notification (qid2) was created.
    born2_us: i64,
    qid: [u8; 16],
    qid_len: u8,
    qid2: [u8; 16],
    qid2_len: u8,
    long_qid: bool,
    client: Peer,
    port: u16,
    smtpd_pid: u32,
    ps_pid: u32,
    smtp_pid: u32,
    sender: Addr,
    rcpts: Vec<Addr>,
    via: Via,
    size: u32,
    msgid: u64,
    submission: bool,
    tls: bool,
    bad_helo: bool,
    nrej: u8,
    sub: u8,
}

struct Gen {
    mta: Mta,
    stamp: Stamp,
    rng: Rng,
    clock: Clock,
    lines: u64,
    next_wake: u64,
    active: Vec<Story>,
    sleeping: Vec<Story>,
    free: Vec<Story>,
    qmgr_pid: u32,
    anvil_pid: u32,
    dkim_pid: u32,
    smtp_pids: [u32; 16],
    cleanup_pids: [u32; 4],
    misc_pids: [u32; 8],
    /// Exim message-id sequence / sendmail queue-id sequence.
    seq: u32,
}

const CONCURRENCY: usize = 12;
const OUR_IP: &str = "198.51.100.25";
const B52: &[u8; 52] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop";
const B62: &[u8; 62] = ALNUM;

impl Gen {
    fn new(cfg: &GenConfig) -> Gen {
        let mut rng = Rng(mix(cfg.seed ^ 0x005E_ED0F_5A17));
        let clock = Clock::new(cfg.start_unix, cfg.lines_per_sec);
        let mut pid = || 2000 + rng.below(60000);
        let smtp_pids = std::array::from_fn(|_| pid());
        let cleanup_pids = std::array::from_fn(|_| pid());
        let misc_pids = std::array::from_fn(|_| pid());
        let (anvil_pid, dkim_pid) = (pid(), 600 + rng.below(400));
        Gen {
            mta: cfg.mta,
            stamp: cfg.stamp,
            qmgr_pid: 1000 + rng.below(2000),
            anvil_pid,
            dkim_pid,
            seq: rng.below(100_000),
            rng,
            clock,
            lines: 0,
            next_wake: u64::MAX,
            active: Vec::with_capacity(CONCURRENCY * 2),
            sleeping: Vec::new(),
            free: Vec::new(),
            smtp_pids,
            cleanup_pids,
            misc_pids,
        }
    }

    fn line(&mut self, b: &mut Vec<u8>) {
        self.clock.advance(&mut self.rng);
        self.lines += 1;
        if self.lines >= self.next_wake {
            self.wake_sleepers();
        }
        loop {
            while self.active.len() < CONCURRENCY {
                let st = self.new_story();
                self.active.push(st);
            }
            let i = self.rng.below(self.active.len() as u32) as usize;
            let mut st = std::mem::take(&mut self.active[i]);
            let op = st.ops[st.pos];
            st.pos += 1;
            if let Op::Sleep(n) = op {
                st.wake = self.lines + n as u64;
                self.next_wake = self.next_wake.min(st.wake);
                self.active.swap_remove(i);
                self.sleeping.push(st);
                continue;
            }
            self.prefix(b);
            self.emit(b, &mut st, op);
            b.push(b'\n');
            if st.pos >= st.ops.len() {
                self.active.swap_remove(i);
                self.free.push(st);
            } else {
                self.active[i] = st;
            }
            return;
        }
    }

    fn wake_sleepers(&mut self) {
        let mut next = u64::MAX;
        let mut i = 0;
        while i < self.sleeping.len() {
            if self.sleeping[i].wake <= self.lines {
                let st = self.sleeping.swap_remove(i);
                self.active.push(st);
            } else {
                next = next.min(self.sleeping[i].wake);
                i += 1;
            }
        }
        self.next_wake = next;
    }

    fn prefix(&mut self, b: &mut Vec<u8>) {
        let iso = match self.stamp {
            Stamp::Classic => false,
            Stamp::Rfc3339 => true,
            Stamp::Mixed => self.rng.next() & 1 == 1,
        };
        if self.mta == Mta::Exim {
            b.extend_from_slice(&self.clock.iso[..10]);
            b.push(b' ');
            b.extend_from_slice(&self.clock.iso[11..]);
            if iso {
                b.push(b'.');
                padn(b, (self.clock.micros() / 1000) as u64, 3);
                s(b, " [");
                num(b, self.rng.pick(&self.misc_pids) as u64);
                b.push(b']');
            }
            b.push(b' ');
            return;
        }
        if iso {
            b.extend_from_slice(&self.clock.iso);
            b.push(b'.');
            padn(b, self.clock.micros() as u64, 6);
            s(b, "+00:00");
        } else {
            b.extend_from_slice(&self.clock.classic);
        }
        s(b, " mx1 ");
    }

    fn pid(&mut self) -> u32 {
        2000 + self.rng.below(60000)
    }

    /// Short (hex) or long (`enable_long_queue_ids`) Postfix queue id.
    fn make_qid(&mut self, out: &mut [u8; 16], long: bool) -> u8 {
        let r = self.rng.next();
        if long {
            let mut t = self.clock.sec.max(0) as u64;
            for i in (0..6).rev() {
                out[i] = B52[(t % 52) as usize];
                t /= 52;
            }
            let mut u = self.clock.micros() as u64;
            for i in (6..10).rev() {
                out[i] = B52[(u % 52) as usize];
                u /= 52;
            }
            out[10] = b'z';
            let mut ino = r;
            for o in out.iter_mut().take(15).skip(11) {
                *o = B52[(ino % 51) as usize];
                ino /= 51;
            }
            15
        } else {
            let len = 9 + (r % 4) as usize; // 9..=12, mostly 10/11 like real inode-based ids
            let len = if len == 12 && r & 0x100 != 0 { 10 } else { len };
            for (i, o) in out.iter_mut().take(len).enumerate() {
                *o = HEXU[((r >> (8 + i * 4)) & 15) as usize];
            }
            len as u8
        }
    }

    fn outbound_rcpt(&mut self) -> Addr {
        let roll = self.rng.below(1000);
        let mut acc = 0;
        let mut dom = u32::MAX;
        for (i, d) in BIG.iter().enumerate() {
            acc += d.1;
            if roll < acc {
                dom = i as u32;
                break;
            }
        }
        if dom == u32::MAX {
            // Long tail, skewed towards low numbers.
            let x = self.rng.below(N_GENERATED_DOMAINS) as u64;
            let y = self.rng.below(N_GENERATED_DOMAINS) as u64;
            dom = BIG.len() as u32 + (x * y / N_GENERATED_DOMAINS as u64) as u32;
        }
        let user = if self.rng.pm(40) { self.rng.below(ROLES.len() as u32) } else { self.rng.next() as u32 | 0x100 };
        Addr { user, dom }
    }

    fn local_user(&mut self) -> Addr {
        let user = if self.rng.pm(60) { self.rng.below(ROLES.len() as u32) } else { 0x100 + self.rng.below(1 << 12) };
        let d = self.rng.below(10);
        Addr {
            user,
            dom: LOCAL_BIT
                | if d < 7 {
                    0
                } else if d < 9 {
                    1
                } else {
                    2
                },
        }
    }

    fn outcome(&mut self, cat: &'static Cat, remote: bool, sent_pm: u32, defer_pm: u32) -> &'static Resp {
        let roll = self.rng.below(1000);
        if roll < sent_pm {
            pick_resp(&mut self.rng, cat.sent)
        } else if roll < sent_pm + defer_pm {
            if remote && self.rng.pm(350) {
                pick_resp(&mut self.rng, &NET_DEFER)
            } else {
                pick_resp(&mut self.rng, cat.defer)
            }
        } else {
            pick_resp(&mut self.rng, cat.bounce)
        }
    }

    fn rcpt_cat(&self, st: &Story, a: Addr) -> (&'static Cat, bool) {
        if a.dom & LOCAL_BIT != 0 { (via_cat(st.via), false) } else { (cat_for(dom_prov(a.dom)), true) }
    }

    fn new_story(&mut self) -> Story {
        let mut st = self.free.pop().unwrap_or_default();
        st.ops.clear();
        st.rcpts.clear();
        st.pos = 0;
        st.born_us = self.clock.us;
        st.long_qid = self.rng.pm(250);
        let long = st.long_qid;
        st.qid_len = self.make_qid(&mut st.qid, long);
        st.submission = false;
        st.tls = self.rng.pm(650);
        st.bad_helo = false;
        st.nrej = 0;
        st.via = Via::Smtp;
        st.port = 1024 + self.rng.below(64000) as u16;
        st.smtpd_pid = self.pid();
        st.ps_pid = self.misc_pids[0];
        st.smtp_pid = self.rng.pick(&self.smtp_pids);
        st.size = 600 + self.rng.below(40_000) + if self.rng.pm(100) { self.rng.below(5_000_000) } else { 0 };
        st.msgid = self.rng.next();
        st.client = Peer { kind: self.rng.below(5) as u8, n: self.rng.next() as u32, ip: public_ip(&mut self.rng) };
        match self.mta {
            Mta::Postfix => self.postfix_story(&mut st),
            Mta::Exim => self.exim_story(&mut st),
            Mta::Sendmail => self.sendmail_story(&mut st),
        }
        debug_assert!(!st.ops.is_empty() && !matches!(st.ops.last(), Some(Op::Sleep(_))));
        st
    }

    fn postfix_story(&mut self, st: &mut Story) {
        const W: [u32; 11] = [260, 150, 230, 22, 95, 45, 40, 55, 20, 30, 13];
        match self.rng.weighted(&W) {
            0 => self.pf_outbound(st, true),
            1 => self.pf_outbound(st, false),
            2 => self.pf_inbound(st, 0),
            3 => {
                let kind = 1 + self.rng.below(2) as u8;
                self.pf_inbound(st, kind)
            }
            4 => self.pf_reject_session(st),
            5 => self.pf_postscreen_block(st),
            6 => self.pf_auth_fail(st),
            7 => self.pf_junk(st),
            8 => self.pf_pickup(st),
            9 => {
                let k = self.rng.below(6) as u8;
                st.ops.push(Op::Noise(k));
                if k == 0 {
                    st.ops.push(Op::Noise(1)); // imap login ... logout
                }
            }
            _ => {
                if self.rng.pm(600) {
                    st.ops.extend_from_slice(&[Op::Anvil(0), Op::Anvil(1), Op::Anvil(2)]);
                } else {
                    st.ops.extend_from_slice(&[Op::Scache(0), Op::Scache(1), Op::Scache(2), Op::Scache(3)]);
                }
            }
        }
    }

    fn pf_outbound(&mut self, st: &mut Story, submission: bool) {
        st.submission = submission;
        st.client =
            Peer { kind: if submission { 0x10 } else { 5 }, n: self.rng.next() as u32, ip: internal_ip(&mut self.rng) };
        if submission {
            st.tls = true;
            st.sender = self.local_user();
            st.sender.dom = LOCAL_BIT;
        } else {
            st.tls = self.rng.pm(300);
            st.sender = Addr { user: self.rng.below(ROLES.len() as u32), dom: LOCAL_BIT | self.rng.below(2) };
        }
        let n = match self.rng.below(100) {
            0..=54 => 1,
            55..=79 => 2,
            80..=91 => 3,
            92..=97 => 4 + self.rng.below(4),
            _ => 8 + self.rng.below(17),
        } as usize;
        for _ in 0..n {
            let a = if self.rng.pm(60) { self.local_user() } else { self.outbound_rcpt() };
            st.rcpts.push(a);
        }
        st.via = self.pick_local_via();
        st.ops.push(Op::Connect);
        if st.tls {
            st.ops.push(Op::TlsIn);
        }
        st.ops.extend_from_slice(&[Op::Client, Op::Cleanup(false)]);
        if self.rng.pm(250) {
            st.ops.push(Op::Dkim(true));
        }
        st.ops.push(Op::Qmgr(false));
        st.ops.push(Op::Disconnect(0));
        self.pf_deliveries(st);
    }

    fn pick_local_via(&mut self) -> Via {
        match self.rng.below(100) {
            0..=54 => Via::Lmtp,
            55..=74 => Via::Virtual,
            75..=89 => Via::Local,
            _ => Via::Pipe,
        }
    }

    /// `kind`: 0 accepted, 1 header_checks reject, 2 milter reject.
    fn pf_inbound(&mut self, st: &mut Story, kind: u8) {
        st.sender = if self.rng.pm(30) { Addr { user: 0, dom: u32::MAX } } else { self.outbound_rcpt() };
        st.via = self.pick_local_via();
        let n = match self.rng.below(100) {
            0..=79 => 1,
            80..=94 => 2,
            _ => 3 + self.rng.below(4),
        };
        for _ in 0..n {
            let a = if self.rng.pm(30) { self.outbound_rcpt() } else { self.local_user() }; // forwarded aliases
            st.rcpts.push(a);
        }
        if self.rng.pm(700) {
            st.ops.extend_from_slice(&[Op::PsConnect, Op::PsPass]);
        }
        if st.client.kind == 0 && self.rng.pm(300) {
            st.ops.push(Op::Resolve);
        }
        st.ops.push(Op::Connect);
        if st.tls {
            st.ops.push(Op::TlsIn);
        }
        st.ops.extend_from_slice(&[Op::Client, Op::Cleanup(false)]);
        match kind {
            1 => {
                st.ops.extend_from_slice(&[Op::HeaderReject, Op::Disconnect(4)]);
                return;
            }
            2 => {
                st.ops.extend_from_slice(&[Op::MilterReject, Op::Disconnect(4)]);
                return;
            }
            _ => {}
        }
        if self.rng.pm(150) {
            st.ops.push(Op::Dkim(false));
        }
        st.ops.extend_from_slice(&[Op::Qmgr(false), Op::Disconnect(0)]);
        self.pf_deliveries(st);
    }

    /// Delivery attempts for all recipients, retries of deferred ones, notifications, removal.
    fn pf_deliveries(&mut self, st: &mut Story) {
        // Pending deferred recipients: (index, reply, plan).
        let mut pending: Vec<(u8, &'static Resp, u8)> = Vec::new();
        let mut bounced = false;
        let mut tls_done = false;
        for i in 0..st.rcpts.len() {
            let a = st.rcpts[i];
            let (cat, remote) = self.rcpt_cat(st, a);
            let resp = self.outcome(cat, remote, 872, 80);
            self.pf_attempt(st, i as u8, resp, remote, &mut tls_done);
            match resp.dsn.as_bytes()[0] {
                b'4' => {
                    let plan = match self.rng.below(100) {
                        0..=54 => 0,  // sent on retry
                        55..=74 => 1, // deferred again, then sent
                        75..=84 => 2, // deferred again, then expired
                        _ => 3,       // still queued when the log ends
                    };
                    pending.push((i as u8, resp, plan));
                }
                b'5' => bounced = true,
                _ => {}
            }
        }
        let mut expired = false;
        let mut queued = false;
        for round in 0..2u8 {
            if pending.is_empty() {
                break;
            }
            if pending.iter().any(|p| round == 0 || p.2 != 2) {
                let sleep = 200 + self.rng.below(if round == 0 { 4000 } else { 20000 });
                st.ops.push(Op::Sleep(sleep));
                st.ops.push(Op::Qmgr(false));
            }
            let mut next = Vec::new();
            for &(i, resp, plan) in &pending {
                let a = st.rcpts[i as usize];
                let (cat, remote) = self.rcpt_cat(st, a);
                let again = matches!((round, plan), (_, 3) | (0, 1) | (0, 2));
                if again {
                    // Usually the same reason again.
                    let r2 = if self.rng.pm(700) { resp } else { self.outcome(cat, remote, 0, 1000) };
                    st.ops.push(Op::Deliver { r: i, resp: r2, q2: false });
                    if round == 0 || plan == 3 {
                        next.push((i, r2, plan));
                    }
                } else if plan == 2 {
                    expired = true;
                } else {
                    let r2 = self.outcome(cat, remote, 960, 0);
                    bounced |= r2.dsn.starts_with('5');
                    self.pf_attempt(st, i, r2, remote, &mut tls_done);
                }
            }
            pending = next;
            if round == 1 && !pending.is_empty() {
                queued = true;
            }
        }
        if pending.iter().any(|p| p.2 == 3) {
            queued = true;
        }
        if queued && !expired {
            if self.rng.pm(300) {
                st.ops.push(Op::Notify(1));
                self.pf_notification_chain(st);
            }
            return; // still in the queue
        }
        if expired {
            st.ops.push(Op::Sleep(500 + self.rng.below(10_000)));
            st.ops.push(Op::Expired);
        }
        if (bounced || expired) && st.sender.dom != u32::MAX {
            st.ops.push(Op::Notify(0));
            self.pf_notification_chain(st);
        }
        st.ops.push(Op::Removed(false));
    }

    fn pf_attempt(&mut self, st: &mut Story, i: u8, resp: &'static Resp, remote: bool, tls_done: &mut bool) {
        if remote {
            if resp.form != Form::NoRelay && !*tls_done && self.rng.pm(450) {
                st.ops.push(Op::TlsOut(i));
                *tls_done = true;
            }
            if resp.form == Form::NoRelay && self.rng.pm(300) {
                st.ops.push(Op::ConnectFail(i));
            }
            if let Form::Said(_) = resp.form
                && resp.dsn.starts_with('4')
                && self.rng.pm(200)
            {
                st.ops.push(Op::HostSaid { r: i, resp });
            }
        }
        st.ops.push(Op::Deliver { r: i, resp, q2: false });
        if !remote && st.via == Via::Lmtp && resp.dsn.starts_with('2') && self.rng.pm(150) {
            st.ops.push(Op::DovecotSaved(i));
        }
    }

    /// Cleanup/qmgr/delivery/removal of the bounce or delay notice sent to the sender.
    fn pf_notification_chain(&mut self, st: &mut Story) {
        st.ops.push(Op::Cleanup(true));
        st.ops.push(Op::Qmgr(true));
        let (cat, remote) = if st.sender.dom & LOCAL_BIT != 0 {
            (via_cat(st.via), false)
        } else {
            (cat_for(dom_prov(st.sender.dom)), true)
        };
        let resp =
            if self.rng.pm(970) { pick_resp(&mut self.rng, cat.sent) } else { pick_resp(&mut self.rng, cat.bounce) };
        if remote && self.rng.pm(300) {
            st.ops.push(Op::TlsOut(TO_SENDER));
        }
        st.ops.push(Op::Deliver { r: TO_SENDER, resp, q2: true });
        st.ops.push(Op::Removed(true));
    }

    fn pf_reject_session(&mut self, st: &mut Story) {
        let rej = pick_rej(&mut self.rng);
        st.sender = if self.rng.pm(100) { Addr { user: 0, dom: u32::MAX } } else { self.outbound_rcpt() };
        st.bad_helo = rej.bad_helo;
        let k = if self.rng.pm(800) { 1 } else { 2 + self.rng.below(3) as u8 };
        for _ in 0..k {
            let a = if rej.local_rcpt { self.local_user() } else { self.outbound_rcpt() };
            st.rcpts.push(a);
        }
        if self.rng.pm(600) {
            st.ops.extend_from_slice(&[Op::PsConnect, Op::PsPass]);
        }
        if st.client.kind == 0 && self.rng.pm(300) {
            st.ops.push(Op::Resolve);
        }
        st.ops.push(Op::Connect);
        if st.tls {
            st.ops.push(Op::TlsIn);
        }
        st.nrej = k;
        for _ in 0..k {
            st.ops.push(Op::Reject(rej));
        }
        if self.rng.pm(150) {
            st.ops.push(Op::LostAfter("RCPT"));
        }
        st.ops.push(Op::Disconnect(1));
    }

    fn pf_postscreen_block(&mut self, st: &mut Story) {
        st.sender = self.outbound_rcpt();
        st.rcpts.push(self.local_user());
        st.ops.push(Op::PsConnect);
        match self.rng.below(10) {
            0..=5 => {
                st.ops.push(Op::PsDnsblog);
                st.ops.push(Op::PsDnsblRank);
                st.ops.push(Op::PsReject);
                st.ops.push(Op::PsDisconnect);
            }
            6..=7 => {
                st.ops.push(Op::PsPregreet);
                st.ops.push(Op::PsHangup);
            }
            8 => st.ops.push(Op::PsTooMany),
            _ => {
                st.ops.push(Op::PsHangup);
            }
        }
    }

    fn pf_auth_fail(&mut self, st: &mut Story) {
        st.client.kind = 0;
        st.sub = self.rng.below(3) as u8;
        st.ops.push(Op::Connect);
        if self.rng.pm(400) {
            st.ops.push(Op::TlsIn);
        }
        let n = if self.rng.pm(800) { 1 } else { 2 + self.rng.below(2) as usize };
        for _ in 0..n {
            st.ops.push(Op::SaslFail);
        }
        st.nrej = n as u8;
        if self.rng.pm(700) {
            st.ops.push(Op::LostAfter("AUTH"));
        } else {
            st.ops.push(Op::TooManyErrors);
        }
        st.ops.push(Op::Disconnect(2));
    }

    fn pf_junk(&mut self, st: &mut Story) {
        if st.client.kind != 0 && self.rng.pm(500) {
            st.client.kind = 0;
        }
        if self.rng.pm(300) {
            st.ops.extend_from_slice(&[Op::PsConnect, Op::PsPass]);
        }
        st.ops.push(Op::Connect);
        st.sub = self.rng.below(5) as u8;
        st.ops.push(Op::LostAfter(match st.sub {
            0 => "CONNECT",
            1 => "EHLO",
            2 => "STARTTLS",
            3 => "DATA (0 bytes)",
            _ => "RSET",
        }));
        st.ops.push(Op::Disconnect(3));
    }

    fn pf_pickup(&mut self, st: &mut Story) {
        st.sender = Addr { user: 7, dom: LOCAL_BIT }; // postmaster-ish local sender
        st.via = Via::Local;
        st.rcpts.push(Addr { user: 9, dom: LOCAL_BIT });
        st.ops.extend_from_slice(&[Op::Pickup, Op::Cleanup(false), Op::Qmgr(false)]);
        self.pf_deliveries(st);
    }

    // -- line writers --------------------------------------------------------

    fn emit(&mut self, b: &mut Vec<u8>, st: &mut Story, op: Op) {
        let smtpd = if st.submission { "postfix/submission/smtpd" } else { "postfix/smtpd" };
        match op {
            Op::Sleep(_) => {}
            Op::PsConnect => {
                tag(b, "postfix/postscreen", st.ps_pid);
                s(b, "CONNECT from ");
                write_ps_peer(b, st.client, st.port);
                s(b, " to [192.0.2.10]:25");
            }
            Op::PsPass => {
                tag(b, "postfix/postscreen", st.ps_pid);
                s(b, if self.rng.pm(800) { "PASS OLD " } else { "PASS NEW " });
                write_ps_peer(b, st.client, st.port);
            }
            Op::PsDnsblog => {
                let pid = self.rng.pick(&self.misc_pids);
                tag(b, "postfix/dnsblog", pid);
                s(b, "addr ");
                write_ip(b, st.client.ip);
                s(b, " listed by domain zen.spamhaus.org as 127.0.0.");
                num(b, [2u64, 3, 4, 10, 11][self.rng.below(5) as usize]);
            }
            Op::PsDnsblRank => {
                tag(b, "postfix/postscreen", st.ps_pid);
                s(b, "DNSBL rank ");
                num(b, 2 + self.rng.below(5) as u64);
                s(b, " for ");
                write_ps_peer(b, st.client, st.port);
            }
            Op::PsReject => {
                tag(b, "postfix/postscreen", st.ps_pid);
                s(b, "NOQUEUE: reject: RCPT from ");
                write_ps_peer(b, st.client, st.port);
                s(b, ": 550 5.7.1 Service unavailable; client [");
                write_ip(b, st.client.ip);
                s(b, "] blocked using zen.spamhaus.org; from=<");
                write_addr(b, st.sender);
                s(b, ">, to=<");
                write_addr(b, st.rcpts[0]);
                s(b, ">, proto=ESMTP, helo=<");
                write_helo(b, st.client);
                b.push(b'>');
            }
            Op::PsPregreet => {
                tag(b, "postfix/postscreen", st.ps_pid);
                s(b, "PREGREET ");
                num(b, 11 + self.rng.below(20) as u64);
                s(b, " after 0.");
                num(b, 1 + self.rng.below(9) as u64);
                s(b, "4 from ");
                write_ps_peer(b, st.client, st.port);
                s(b, ": EHLO ");
                write_helo(b, st.client);
                s(b, "\\r\\n");
            }
            Op::PsHangup => {
                tag(b, "postfix/postscreen", st.ps_pid);
                s(b, "HANGUP after ");
                num(b, self.rng.below(20) as u64);
                b.push(b'.');
                num(b, self.rng.below(10) as u64);
                s(b, " from ");
                write_ps_peer(b, st.client, st.port);
                s(b, " in tests before SMTP handshake");
            }
            Op::PsDisconnect => {
                tag(b, "postfix/postscreen", st.ps_pid);
                s(b, "DISCONNECT ");
                write_ps_peer(b, st.client, st.port);
            }
            Op::PsTooMany => {
                tag(b, "postfix/postscreen", st.ps_pid);
                s(b, "NOQUEUE: reject: CONNECT from ");
                write_ps_peer(b, st.client, st.port);
                s(b, ": too many connections");
            }
            Op::Resolve => {
                tag(b, smtpd, st.smtpd_pid);
                s(b, "warning: hostname host-");
                num(b, (st.client.n % 1000) as u64);
                s(b, ".broadband.example.net does not resolve to address ");
                write_ip(b, st.client.ip);
                s(b, ": Name or service not known");
            }
            Op::Connect => {
                tag(b, smtpd, st.smtpd_pid);
                s(b, "connect from ");
                write_peer(b, st.client);
            }
            Op::TlsIn => {
                tag(b, smtpd, st.smtpd_pid);
                s(b, "Anonymous TLS connection established from ");
                write_peer(b, st.client);
                if self.rng.pm(850) {
                    s(
                        b,
                        ": TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256",
                    );
                } else {
                    s(b, ": TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)");
                }
            }
            Op::Client => {
                tag(b, smtpd, st.smtpd_pid);
                self.qid(b, st, false);
                s(b, "client=");
                write_peer(b, st.client);
                if st.submission {
                    s(b, ", sasl_method=PLAIN, sasl_username=");
                    write_addr(b, st.sender);
                }
            }
            Op::Pickup => {
                let pid = self.misc_pids[1];
                tag(b, "postfix/pickup", pid);
                self.qid(b, st, false);
                s(b, "uid=0 from=<root>");
            }
            Op::Cleanup(q2) => {
                let pid = self.rng.pick(&self.cleanup_pids);
                tag(b, "postfix/cleanup", pid);
                self.qid(b, st, q2);
                s(b, "message-id=<");
                if q2 {
                    b.extend_from_slice(&self.clock.iso[..4]);
                    b.extend_from_slice(&self.clock.iso[5..7]);
                    b.extend_from_slice(&self.clock.iso[8..10]);
                    b.extend_from_slice(&self.clock.iso[11..13]);
                    b.extend_from_slice(&self.clock.iso[14..16]);
                    b.extend_from_slice(&self.clock.iso[17..19]);
                    b.push(b'.');
                    b.extend_from_slice(&st.qid2[..st.qid2_len as usize]);
                    s(b, "@mx1.example.com>");
                    return;
                }
                match st.msgid % 3 {
                    0 => {
                        num(b, st.msgid >> 24);
                        b.push(b'.');
                        num(b, st.msgid & 0xFFFFF);
                    }
                    1 => {
                        for k in 0..4 {
                            if k > 0 {
                                b.push(b'-');
                            }
                            let v = (st.msgid >> (k * 16)) & 0xFFFF;
                            b.push(HEXL[(v >> 12) as usize & 15]);
                            b.push(HEXL[(v >> 8) as usize & 15]);
                            b.push(HEXL[(v >> 4) as usize & 15]);
                            b.push(HEXL[v as usize & 15]);
                        }
                    }
                    _ => {
                        s(b, "CA");
                        let mut v = st.msgid;
                        for _ in 0..12 {
                            b.push(B62[(v % 62) as usize]);
                            v /= 62;
                        }
                        s(b, "+mail");
                    }
                }
                b.push(b'@');
                if st.sender.dom == u32::MAX {
                    write_peer_name(b, st.client);
                } else {
                    write_domain(b, st.sender.dom);
                }
                b.push(b'>');
            }
            Op::Dkim(sign) => {
                tag(b, "opendkim", self.dkim_pid);
                self.qid(b, st, false);
                if sign {
                    s(b, "DKIM-Signature field added (s=mail2026, d=");
                    write_domain(b, st.sender.dom);
                    b.push(b')');
                } else if self.rng.pm(850) {
                    s(b, "DKIM verification successful");
                } else {
                    s(b, "bad signature data");
                }
            }
            Op::Qmgr(q2) => {
                tag(b, "postfix/qmgr", self.qmgr_pid);
                self.qid(b, st, q2);
                s(b, "from=<");
                if !q2 {
                    write_addr(b, st.sender);
                }
                s(b, ">, size=");
                num(b, if q2 { 2000 + (st.size % 4000) as u64 + st.size.min(60_000) as u64 } else { st.size as u64 });
                s(b, ", nrcpt=");
                num(b, if q2 { 1 } else { st.rcpts.len() as u64 });
                s(b, " (queue active)");
            }
            Op::TlsOut(r) => {
                let rcpt = self.rcpt(st, r);
                let relay = relay_peer(rcpt.dom, st.msgid);
                tag(b, "postfix/smtp", st.smtp_pid);
                s(
                    b,
                    match dom_prov(rcpt.dom) {
                        Prov::Google | Prov::Microsoft | Prov::Yahoo | Prov::Apple => "Trusted",
                        _ if rcpt.dom.is_multiple_of(3) => "Verified",
                        _ => "Untrusted",
                    },
                );
                s(b, " TLS connection established to ");
                self.write_relay(b, rcpt.dom, relay);
                s(
                    b,
                    ":25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature ",
                );
                s(b, if rcpt.dom.is_multiple_of(2) { "ECDSA (P-256)" } else { "RSA-PSS (2048 bits)" });
                s(b, " server-digest SHA256");
            }
            Op::ConnectFail(r) => {
                let rcpt = self.rcpt(st, r);
                let relay = relay_peer(rcpt.dom, st.msgid);
                tag(b, "postfix/smtp", st.smtp_pid);
                s(b, "connect to ");
                self.write_relay(b, rcpt.dom, relay);
                s(b, if self.rng.pm(700) { ":25: Connection timed out" } else { ":25: No route to host" });
            }
            Op::HostSaid { r, resp } => {
                let rcpt = self.rcpt(st, r);
                let relay = relay_peer(rcpt.dom, st.msgid);
                tag(b, "postfix/smtp", st.smtp_pid);
                self.qid(b, st, false);
                s(b, "host ");
                self.write_relay(b, rcpt.dom, relay);
                s(b, " said: ");
                self.expand(b, resp.text, st, rcpt, relay);
                if let Form::Said(stage) = resp.form {
                    s(b, " (in reply to ");
                    s(b, stage);
                    s(b, " command)");
                }
            }
            Op::Deliver { r, resp, q2 } => self.pf_deliver(b, st, r, resp, q2),
            Op::DovecotSaved(r) => {
                let rcpt = st.rcpts[r as usize];
                s(b, "dovecot: lmtp(");
                write_addr(b, rcpt);
                s(b, ")<");
                num(b, self.pid() as u64);
                s(b, "><");
                rand_chars(b, &mut self.rng, B62, 22);
                s(b, ">: msgid=<");
                num(b, st.msgid >> 24);
                b.push(b'.');
                num(b, st.msgid & 0xFFFFF);
                b.push(b'@');
                write_domain(b, if st.sender.dom == u32::MAX { 0 } else { st.sender.dom });
                s(b, ">: saved mail to INBOX");
            }
            Op::Removed(q2) => {
                tag(b, "postfix/qmgr", self.qmgr_pid);
                self.qid(b, st, q2);
                s(b, "removed");
            }
            Op::Expired => {
                tag(b, "postfix/qmgr", self.qmgr_pid);
                self.qid(b, st, false);
                s(b, "from=<");
                write_addr(b, st.sender);
                s(b, ">, status=expired, returned to sender");
            }
            Op::Notify(kind) => {
                let long = st.long_qid;
                let mut q = [0u8; 16];
                st.qid2_len = self.make_qid(&mut q, long);
                st.qid2 = q;
                st.born2_us = self.clock.us;
                let pid = self.misc_pids[2 + (st.msgid % 3) as usize];
                tag(b, "postfix/bounce", pid);
                self.qid(b, st, false);
                s(b, if kind == 0 { "sender non-delivery notification: " } else { "sender delay notification: " });
                b.extend_from_slice(&st.qid2[..st.qid2_len as usize]);
            }
            Op::Reject(rej) => {
                tag(b, smtpd, st.smtpd_pid);
                s(b, if rej.milter { "NOQUEUE: milter-reject: " } else { "NOQUEUE: reject: " });
                s(b, rej.stage);
                s(b, " from ");
                write_peer(b, st.client);
                s(b, ": ");
                let k = st.nrej.saturating_sub(1) as usize % st.rcpts.len();
                st.nrej = st.nrej.saturating_sub(1);
                let rcpt = st.rcpts[k];
                let relay = Peer::default();
                self.expand(b, rej.text, st, rcpt, relay);
                if rej.stage != "VRFY" {
                    s(b, "; from=<");
                    write_addr(b, st.sender);
                    b.push(b'>');
                } else {
                    b.push(b';');
                }
                if rej.stage != "MAIL" {
                    s(b, " to=<");
                    write_addr(b, rcpt);
                    b.push(b'>');
                }
                s(b, if rej.stage == "VRFY" { " proto=SMTP helo=<" } else { " proto=ESMTP helo=<" });
                self.helo(b, st);
                b.push(b'>');
            }
            Op::HeaderReject | Op::MilterReject => {
                let rcpt = st.rcpts[0];
                let pid = self.rng.pick(&self.cleanup_pids);
                tag(b, "postfix/cleanup", pid);
                self.qid(b, st, false);
                if matches!(op, Op::HeaderReject) {
                    s(b, "reject: header Subject: ");
                    s(b, self.rng.pick(&SUBJECTS));
                    s(b, " from ");
                } else {
                    s(b, "milter-reject: END-OF-MESSAGE from ");
                }
                write_peer(b, st.client);
                if matches!(op, Op::MilterReject) {
                    s(
                        b,
                        match self.rng.below(4) {
                            0 => ": 4.7.1 Try again later",
                            1 => ": 5.7.1 Gtube pattern",
                            _ => ": 5.7.1 Spam message rejected",
                        },
                    );
                }
                s(b, "; from=<");
                write_addr(b, st.sender);
                s(b, "> to=<");
                write_addr(b, rcpt);
                s(b, "> proto=ESMTP helo=<");
                self.helo(b, st);
                b.push(b'>');
                if matches!(op, Op::HeaderReject) {
                    s(b, ": 5.7.1 Message content rejected");
                }
            }
            Op::SaslFail => {
                tag(b, smtpd, st.smtpd_pid);
                s(b, "warning: ");
                write_peer(b, st.client);
                match st.sub {
                    0 => s(b, ": SASL LOGIN authentication failed: UGFzc3dvcmQ6"),
                    1 => s(b, ": SASL LOGIN authentication failed: authentication failure"),
                    _ => {
                        s(b, ": SASL PLAIN authentication failed: authentication failure, sasl_username=");
                        write_addr(b, Addr { user: 0x100 + (st.client.n & 0xFFF), dom: LOCAL_BIT });
                    }
                }
            }
            Op::LostAfter(cmd) => {
                tag(b, smtpd, st.smtpd_pid);
                s(b, "lost connection after ");
                s(b, cmd);
                s(b, " from ");
                write_peer(b, st.client);
            }
            Op::TooManyErrors => {
                tag(b, smtpd, st.smtpd_pid);
                s(b, "too many errors after AUTH from ");
                write_peer(b, st.client);
            }
            Op::Disconnect(kind) => {
                tag(b, smtpd, st.smtpd_pid);
                s(b, "disconnect from ");
                write_peer(b, st.client);
                self.pf_disconnect_stats(b, st, kind);
            }
            Op::Noise(k) => self.noise(b, st, k),
            Op::Anvil(k) => {
                tag(b, "postfix/anvil", self.anvil_pid);
                match k {
                    0 => {
                        s(b, "statistics: max connection rate ");
                        num(b, 2 + self.rng.below(30) as u64);
                        s(b, "/60s for (smtp:");
                        write_ip(b, st.client.ip);
                        s(b, ") at ");
                    }
                    1 => {
                        s(b, "statistics: max connection count ");
                        num(b, 1 + self.rng.below(8) as u64);
                        s(b, " for (smtp:");
                        write_ip(b, st.client.ip);
                        s(b, ") at ");
                    }
                    _ => {
                        s(b, "statistics: max cache size ");
                        num(b, 3 + self.rng.below(60) as u64);
                        s(b, " at ");
                    }
                }
                b.extend_from_slice(&self.clock.classic);
            }
            Op::Scache(k) => {
                let pid = self.misc_pids[5];
                tag(b, "postfix/scache", pid);
                match k {
                    0 => {
                        s(b, "statistics: start interval ");
                        b.extend_from_slice(&self.clock.classic);
                    }
                    1 => {
                        let (h, m) = (self.rng.below(200) as u64, 1 + self.rng.below(200) as u64);
                        s(b, "statistics: domain lookup hits=");
                        num(b, h);
                        s(b, " miss=");
                        num(b, m);
                        s(b, " success=");
                        num(b, h * 100 / (h + m));
                        b.push(b'%');
                    }
                    2 => {
                        let (h, m) = (self.rng.below(100) as u64, 1 + self.rng.below(300) as u64);
                        s(b, "statistics: address lookup hits=");
                        num(b, h);
                        s(b, " miss=");
                        num(b, m);
                        s(b, " success=");
                        num(b, h * 100 / (h + m));
                        b.push(b'%');
                    }
                    _ => {
                        s(b, "statistics: max simultaneous domains=");
                        num(b, 1 + self.rng.below(9) as u64);
                        s(b, " addresses=");
                        num(b, 1 + self.rng.below(12) as u64);
                        s(b, " connection=");
                        num(b, 1 + self.rng.below(20) as u64);
                    }
                }
            }
            Op::Ex(x) => self.emit_exim(b, st, x),
            Op::Sm(x) => self.emit_sendmail(b, st, x),
        }
    }

    fn pf_disconnect_stats(&mut self, b: &mut Vec<u8>, st: &Story, kind: u8) {
        let tls = st.tls as u64;
        let (ok, total);
        match kind {
            0 | 4 => {
                let n = st.rcpts.len() as u64;
                if tls == 1 {
                    s(b, " ehlo=2 starttls=1");
                } else {
                    s(b, " ehlo=1");
                }
                if st.submission {
                    s(b, " auth=1");
                }
                s(b, " mail=1 rcpt=");
                num(b, n);
                s(b, if kind == 4 { " data=0/1 quit=1 commands=" } else { " data=1 quit=1 commands=" });
                total = 4 + n + tls * 2 + st.submission as u64;
                ok = total - (kind == 4) as u64;
            }
            1 => {
                let n = st.rcpts.len() as u64;
                s(b, if tls == 1 { " ehlo=2 starttls=1 mail=1 rcpt=0/" } else { " ehlo=1 mail=1 rcpt=0/" });
                num(b, n);
                s(b, " data=0/1 rset=1 quit=1 commands=");
                ok = 4 + tls * 2;
                total = ok + n + 1;
            }
            2 => {
                let n = st.ops.iter().filter(|o| matches!(o, Op::SaslFail)).count() as u64;
                s(b, " ehlo=1 auth=0/");
                num(b, n);
                s(b, " commands=");
                ok = 1;
                total = 1 + n;
            }
            _ => match st.sub {
                0 => {
                    s(b, " commands=0/0");
                    return;
                }
                1 => {
                    s(b, " ehlo=1 commands=");
                    ok = 1;
                    total = 1;
                }
                2 => {
                    s(b, " ehlo=1 starttls=0/1 commands=");
                    ok = 1;
                    total = 2;
                }
                3 => {
                    s(b, " ehlo=1 mail=1 rcpt=1 data=0/1 commands=");
                    ok = 3;
                    total = 4;
                }
                _ => {
                    s(b, " ehlo=1 mail=1 rcpt=0/1 rset=1 commands=");
                    ok = 3;
                    total = 4;
                }
            },
        }
        num(b, ok);
        if ok != total {
            b.push(b'/');
            num(b, total);
        }
    }

    fn noise(&mut self, b: &mut Vec<u8>, st: &Story, k: u8) {
        let user = Addr { user: 0x100 + (st.client.n & 0xFFF), dom: LOCAL_BIT };
        match k {
            0 => {
                let pid = self.misc_pids[6];
                tag(b, "dovecot", pid);
                s(b, "imap-login: Login: user=<");
                write_addr(b, user);
                s(b, ">, method=PLAIN, rip=");
                write_ip(b, internal_ip(&mut self.rng));
                s(b, ", lip=10.0.0.5, mpid=");
                num(b, self.pid() as u64);
                s(b, ", TLS, session=<");
                rand_chars(b, &mut self.rng, B62, 16);
                b.push(b'>');
            }
            1 => {
                s(b, "dovecot: imap(");
                write_addr(b, user);
                s(b, ")<");
                num(b, self.pid() as u64);
                s(b, "><");
                rand_chars(b, &mut self.rng, B62, 16);
                s(b, ">: Logged out in=");
                num(b, self.rng.below(5000) as u64);
                s(b, " out=");
                num(b, self.rng.below(200_000) as u64);
                s(b, " deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 body_count=0 body_bytes=0");
            }
            2 => {
                s(
                    b,
                    "dovecot: imap-login: Disconnected: Connection closed (auth failed, 1 attempts in 2 secs): user=<",
                );
                write_addr(b, user);
                s(b, ">, method=PLAIN, rip=");
                write_ip(b, st.client.ip);
                s(b, ", lip=192.0.2.10, TLS, session=<");
                rand_chars(b, &mut self.rng, B62, 16);
                b.push(b'>');
            }
            3 => {
                let pid = self.pid();
                tag(b, "CRON", pid);
                s(b, "(root) CMD (test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily ))");
            }
            4 => {
                tag(b, "opendkim", self.dkim_pid);
                write_ip(b, st.client.ip);
                s(b, " [");
                write_ip(b, st.client.ip);
                s(b, "] not internal");
            }
            _ => {
                tag(b, "postfix/smtpd", st.smtpd_pid);
                s(b, "warning: non-SMTP command from ");
                write_peer(b, st.client);
                s(b, ": GET / HTTP/1.1");
            }
        }
    }

    fn rcpt(&self, st: &Story, r: u8) -> Addr {
        if r == TO_SENDER { st.sender } else { st.rcpts[r as usize] }
    }

    fn helo(&self, b: &mut Vec<u8>, st: &Story) {
        if st.bad_helo {
            s(b, "DESKTOP-");
            let mut v = st.client.n;
            for _ in 0..7 {
                b.push(ALNUM[(v % 36) as usize]);
                v /= 36;
            }
        } else {
            write_helo(b, st.client);
        }
    }

    fn pf_deliver(&mut self, b: &mut Vec<u8>, st: &Story, r: u8, resp: &'static Resp, q2: bool) {
        let rcpt = self.rcpt(st, r);
        let via = if rcpt.dom & LOCAL_BIT != 0 { st.via } else { Via::Smtp };
        let pid = match via {
            Via::Smtp => st.smtp_pid,
            _ => self.rng.pick(&self.misc_pids),
        };
        tag(
            b,
            match via {
                Via::Smtp => "postfix/smtp",
                Via::Lmtp => "postfix/lmtp",
                Via::Local => "postfix/local",
                Via::Virtual => "postfix/virtual",
                Via::Pipe => "postfix/pipe",
            },
            pid,
        );
        self.qid(b, st, q2);
        s(b, "to=<");
        write_addr(b, rcpt);
        s(b, ">, ");
        if via == Via::Local && rcpt.user < 0x100 && r != TO_SENDER {
            s(b, "orig_to=<");
            s(b, ROLES[rcpt.user as usize % ROLES.len()]);
            s(b, ">, ");
        }
        s(b, "relay=");
        let relay = relay_peer(rcpt.dom, st.msgid);
        match via {
            Via::Smtp => {
                if resp.form == Form::NoRelay {
                    s(b, "none");
                } else {
                    self.write_relay(b, rcpt.dom, relay);
                    s(b, ":25");
                }
            }
            Via::Lmtp => s(b, "mail.example.com[private/dovecot-lmtp]"),
            Via::Local => s(b, "local"),
            Via::Virtual => s(b, "virtual"),
            Via::Pipe => s(b, "dovecot"),
        }
        // delays=a/b/c/d: before qmgr, in qmgr, connection setup, transmission.
        let bq = if self.rng.pm(700) { 0 } else { self.rng.below(5) };
        let (c, d) = if via == Via::Smtp {
            if resp.form == Form::NoRelay {
                (if resp.text.starts_with("connect") { 3000 } else { 1 + self.rng.below(20) }, 0)
            } else {
                (if self.rng.pm(400) { 0 } else { 1 + self.rng.below(90) }, 5 + self.rng.below(180))
            }
        } else {
            (0, 1 + self.rng.below(30))
        };
        let born = if q2 { st.born2_us } else { st.born_us };
        let age = ((self.clock.us - born).max(0) / 10_000) as u32;
        let a = age.max(1 + self.rng.below(20));
        s(b, ", delay=");
        dur(b, a + bq + c + d);
        s(b, ", delays=");
        dur(b, a);
        b.push(b'/');
        dur(b, bq);
        b.push(b'/');
        dur(b, c);
        b.push(b'/');
        dur(b, d);
        s(b, ", dsn=");
        s(b, resp.dsn);
        s(
            b,
            match resp.dsn.as_bytes()[0] {
                b'2' => ", status=sent (",
                b'4' => ", status=deferred (",
                _ => ", status=bounced (",
            },
        );
        if let Form::Said(stage) = resp.form {
            s(b, "host ");
            self.write_relay_via(b, via, rcpt.dom, relay);
            s(b, " said: ");
            self.expand(b, resp.text, st, rcpt, relay);
            s(b, " (in reply to ");
            s(b, stage);
            s(b, " command)");
        } else {
            self.expand(b, resp.text, st, rcpt, relay);
        }
        b.push(b')');
    }

    fn write_relay_via(&self, b: &mut Vec<u8>, via: Via, dom: u32, p: Peer) {
        if via == Via::Lmtp {
            s(b, "mail.example.com[private/dovecot-lmtp]");
        } else {
            self.write_relay(b, dom, p);
        }
    }

    fn qid(&self, b: &mut Vec<u8>, st: &Story, q2: bool) {
        if q2 {
            b.extend_from_slice(&st.qid2[..st.qid2_len as usize]);
        } else {
            b.extend_from_slice(&st.qid[..st.qid_len as usize]);
        }
        s(b, ": ");
    }

    fn write_relay_name(&self, b: &mut Vec<u8>, dom: u32, p: Peer) {
        if dom & LOCAL_BIT != 0 {
            s(b, "mail.example.com");
            return;
        }
        match dom_prov(dom) {
            Prov::Google => {
                if dom as usize >= BIG.len() {
                    s(b, if p.kind == 1 { "alt1.aspmx.l.google.com" } else { "aspmx.l.google.com" });
                } else {
                    s(b, if p.kind == 1 { "alt1.gmail-smtp-in.l.google.com" } else { "gmail-smtp-in.l.google.com" });
                }
            }
            Prov::Microsoft => {
                let start = b.len();
                write_domain(b, dom);
                if dom as usize >= BIG.len() {
                    for c in &mut b[start..] {
                        if *c == b'.' {
                            *c = b'-';
                        }
                    }
                    s(b, ".mail.protection.outlook.com");
                } else {
                    if let Some(dot) = b[start..].iter().position(|&c| c == b'.') {
                        b[start + dot] = b'-';
                    }
                    s(b, ".olc.protection.outlook.com");
                }
            }
            Prov::Yahoo => {
                s(b, "mta");
                num(b, 5 + p.kind as u64 + (dom as u64 % 2));
                s(b, ".am0.yahoodns.net");
            }
            Prov::Apple => {
                s(b, if p.kind == 1 { "mx02.mail.icloud.com" } else { "mx01.mail.icloud.com" });
            }
            Prov::GenPostfix | Prov::GenExim => {
                s(b, if p.kind == 1 { "mx2." } else { "mx1." });
                write_domain(b, dom);
            }
        }
    }

    fn write_relay(&self, b: &mut Vec<u8>, dom: u32, p: Peer) {
        self.write_relay_name(b, dom, p);
        b.push(b'[');
        write_ip(b, p.ip);
        b.push(b']');
    }

    fn expand(&mut self, b: &mut Vec<u8>, text: &str, st: &Story, rcpt: Addr, relay: Peer) {
        for &c in text.as_bytes() {
            if c >= 0x20 {
                b.push(c);
                continue;
            }
            match c {
                1 => write_addr(b, rcpt),
                2 => self.write_relay(b, rcpt.dom, relay),
                3 => num(b, self.clock.sec.max(0) as u64),
                4 => {
                    rand_chars(b, &mut self.rng, LOWER_ALNUM, 13);
                    b.push(b'-');
                    rand_chars(b, &mut self.rng, LOWER_ALNUM, 10);
                    s(b, "si");
                    padn(b, self.rng.below(1_000_000) as u64, 6);
                    rand_chars(b, &mut self.rng, b"abcdefghijklmnopqrstuvwxyz", 2);
                    b.push(b'.');
                    num(b, self.rng.below(1000) as u64);
                }
                5 => {
                    let n = 10 + self.rng.below(3) as usize;
                    rand_chars(b, &mut self.rng, &HEXU[..], n);
                }
                6 => s(b, OUR_IP),
                7 => {
                    if rcpt.dom == u32::MAX {
                        s(b, "example.com");
                    } else {
                        write_domain(b, rcpt.dom)
                    }
                }
                8 => rand_chars(b, &mut self.rng, &ALNUM[..36], 14),
                9 => padn(b, self.rng.below(1_000_000) as u64, 6),
                0x0b => write_addr(b, st.sender),
                0x0c => self.exim_id(b),
                0x0d => rand_chars(b, &mut self.rng, B62, 22),
                0x0e => write_user(b, rcpt.user),
                0x0f => write_ip(b, st.client.ip),
                0x10 => self.helo(b, st),
                _ => debug_assert!(false, "unknown placeholder {c}"),
            }
        }
    }

    /// New-style Exim message id (`1tEX5b-000123-AB`), time based.
    fn exim_id(&mut self, b: &mut Vec<u8>) {
        let mut t = self.clock.sec.max(0) as u64;
        let mut tmp = [0u8; 6];
        for x in tmp.iter_mut().rev() {
            *x = B62[(t % 62) as usize];
            t /= 62;
        }
        b.extend_from_slice(&tmp);
        b.push(b'-');
        self.seq = self.seq.wrapping_add(1 + self.rng.below(7));
        let mut p = self.seq as u64 % (62 * 62 * 62 * 62 * 62 * 62);
        let mut tmp = [0u8; 6];
        for x in tmp.iter_mut().rev() {
            *x = B62[(p % 62) as usize];
            p /= 62;
        }
        b.extend_from_slice(&tmp);
        b.push(b'-');
        let f = self.clock.micros() as u64 / 500;
        b.push(B62[(f / 62 % 62) as usize]);
        b.push(B62[(f % 62) as usize]);
    }
}

// ---------------------------------------------------------------------------
// Exim

#[derive(Clone, Copy, Debug)]
enum ExOp {
    Arrival,
    /// `=>`/`->`/`==`/`**` for one recipient.
    Deliver {
        r: u8,
        resp: &'static Resp,
        more: bool,
    },
    RetryNotReached(u8),
    Completed,
    /// Bounce message `<= <> R=parent ...`, its delivery and completion.
    BounceArrival,
    BounceDeliver,
    BounceCompleted,
    Reject(u8),
    AuthFail,
    Session(u8),
    QueueRun(bool),
}

/// Local "catalog" for Exim's own local deliveries (appendfile).
static EXIM_LOCAL: Cat = Cat {
    sent: &[r(1, "2.0.0", PLAIN, "")],
    defer: &[r(1, "4.2.2", PLAIN, "mailbox is full (MTA-imposed quota exceeded while writing to /var/mail/\x0e)")],
    bounce: &[r(1, "5.1.1", PLAIN, "Unrouteable address")],
};

impl Gen {
    fn new_exim_id(&mut self, out: &mut [u8; 16]) -> u8 {
        let mut v = Vec::with_capacity(16);
        self.exim_id(&mut v);
        out[..v.len()].copy_from_slice(&v);
        v.len() as u8
    }

    fn exim_story(&mut self, st: &mut Story) {
        let mut q = [0u8; 16];
        st.qid_len = self.new_exim_id(&mut q);
        st.qid = q;
        const W: [u32; 7] = [380, 300, 130, 50, 80, 20, 40];
        match self.rng.weighted(&W) {
            0 | 1 => {
                let outbound = st.ops.is_empty() && self.rng.pm(560);
                st.submission = outbound && self.rng.pm(600);
                if outbound {
                    st.client = Peer { kind: 0x10, n: self.rng.next() as u32, ip: internal_ip(&mut self.rng) };
                    st.sender = self.local_user();
                    st.sender.dom = LOCAL_BIT;
                    let n = match self.rng.below(100) {
                        0..=59 => 1,
                        60..=84 => 2,
                        85..=94 => 3,
                        _ => 4 + self.rng.below(10),
                    };
                    for _ in 0..n {
                        let a = self.outbound_rcpt();
                        st.rcpts.push(a);
                    }
                } else {
                    st.sender = if self.rng.pm(30) { Addr { user: 0, dom: u32::MAX } } else { self.outbound_rcpt() };
                    st.via = if self.rng.pm(500) { Via::Lmtp } else { Via::Local };
                    let n = if self.rng.pm(850) { 1 } else { 2 + self.rng.below(3) };
                    for _ in 0..n {
                        let a = self.local_user();
                        st.rcpts.push(a);
                    }
                }
                st.ops.push(Op::Ex(ExOp::Arrival));
                self.exim_deliveries(st);
            }
            2 => {
                st.sender = self.outbound_rcpt();
                st.sub = self.rng.below(8) as u8;
                let a = if st.sub == 0 { self.outbound_rcpt() } else { self.local_user() };
                st.rcpts.push(a);
                let k = if self.rng.pm(800) { 1 } else { 2 + self.rng.below(3) };
                for _ in 0..k {
                    st.ops.push(Op::Ex(ExOp::Reject(st.sub)));
                }
                st.ops.push(Op::Ex(ExOp::Session(0)));
            }
            3 => {
                st.client.kind = 0;
                st.sub = self.rng.below(2) as u8;
                let k = 1 + self.rng.below(3);
                for _ in 0..k {
                    st.ops.push(Op::Ex(ExOp::AuthFail));
                }
                st.ops.push(Op::Ex(ExOp::Session(1)));
            }
            4 => {
                let k = 1 + self.rng.below(5) as u8;
                st.ops.push(Op::Ex(ExOp::Session(k)));
            }
            5 => {
                st.smtpd_pid = self.pid();
                st.ops.push(Op::Ex(ExOp::QueueRun(true)));
                st.ops.push(Op::Ex(ExOp::QueueRun(false)));
            }
            _ => {
                st.sender = self.outbound_rcpt();
                st.rcpts.push(self.local_user());
                st.ops.push(Op::Ex(ExOp::Reject(8)));
            }
        }
    }

    fn exim_cat(&self, st: &Story, a: Addr) -> (&'static Cat, bool) {
        if a.dom & LOCAL_BIT != 0 {
            (if st.via == Via::Lmtp { &LMTP } else { &EXIM_LOCAL }, false)
        } else {
            (cat_for(dom_prov(a.dom)), true)
        }
    }

    fn exim_deliveries(&mut self, st: &mut Story) {
        let mut pending: Vec<(u8, &'static Resp)> = Vec::new();
        let mut bounced = false;
        let mut prev_ok_dom = u32::MAX;
        for i in 0..st.rcpts.len() {
            let a = st.rcpts[i];
            let (cat, remote) = self.exim_cat(st, a);
            let resp = self.outcome(cat, remote, 872, 80);
            let ok = resp.dsn.starts_with('2');
            let more =
                ok && remote && dom_prov(a.dom) == dom_prov(prev_ok_dom.min(LOCAL_BIT - 1)) && prev_ok_dom != u32::MAX;
            st.ops.push(Op::Ex(ExOp::Deliver { r: i as u8, resp, more }));
            if ok {
                prev_ok_dom = a.dom;
            }
            match resp.dsn.as_bytes()[0] {
                b'4' => pending.push((i as u8, resp)),
                b'5' => bounced = true,
                _ => {}
            }
        }
        if bounced && st.sender.dom != u32::MAX {
            st.ops.extend_from_slice(&[
                Op::Ex(ExOp::BounceArrival),
                Op::Ex(ExOp::BounceDeliver),
                Op::Ex(ExOp::BounceCompleted),
            ]);
        }
        if !pending.is_empty() {
            st.ops.push(Op::Sleep(300 + self.rng.below(3000)));
            if self.rng.pm(300) {
                st.ops.push(Op::Ex(ExOp::RetryNotReached(pending[0].0)));
                st.ops.push(Op::Sleep(300 + self.rng.below(3000)));
            }
            let mut still = false;
            for &(i, resp) in &pending {
                let a = st.rcpts[i as usize];
                let (cat, remote) = self.exim_cat(st, a);
                let r2 = if self.rng.pm(650) {
                    self.outcome(cat, remote, 980, 0)
                } else if self.rng.pm(700) {
                    resp
                } else {
                    self.outcome(cat, remote, 0, 1000)
                };
                still |= r2.dsn.starts_with('4');
                st.ops.push(Op::Ex(ExOp::Deliver { r: i, resp: r2, more: false }));
            }
            if still {
                return;
            }
        }
        st.ops.push(Op::Ex(ExOp::Completed));
    }

    fn emit_exim(&mut self, b: &mut Vec<u8>, st: &mut Story, x: ExOp) {
        match x {
            ExOp::Arrival => {
                b.extend_from_slice(&st.qid[..st.qid_len as usize]);
                s(b, " <= ");
                if st.sender.dom == u32::MAX {
                    s(b, "<>");
                } else {
                    write_addr(b, st.sender);
                }
                if st.client.kind == 0x10 && !st.submission {
                    s(b, " U=www-data P=local S=");
                } else {
                    self.exim_host(b, st, true);
                    if st.submission {
                        s(b, " P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=dovecot_plain:");
                        write_addr(b, st.sender);
                    } else if st.tls {
                        s(b, " P=esmtps X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no");
                    } else {
                        s(b, " P=esmtp");
                    }
                    s(b, " S=");
                }
                num(b, st.size as u64);
                s(b, " id=");
                num(b, st.msgid >> 24);
                b.push(b'.');
                num(b, st.msgid & 0xFFFFF);
                b.push(b'@');
                if st.sender.dom == u32::MAX {
                    write_peer_name(b, st.client);
                } else {
                    write_domain(b, st.sender.dom);
                }
            }
            ExOp::Deliver { r, resp, more } => {
                let rcpt = st.rcpts[r as usize];
                let relay = relay_peer(rcpt.dom, st.msgid);
                b.extend_from_slice(&st.qid[..st.qid_len as usize]);
                let local = rcpt.dom & LOCAL_BIT != 0;
                let kind = resp.dsn.as_bytes()[0];
                s(
                    b,
                    match (kind, more) {
                        (b'2', true) => " -> ",
                        (b'2', false) => " => ",
                        (b'4', _) => " == ",
                        _ => " ** ",
                    },
                );
                if local && st.via == Via::Local {
                    match kind {
                        b'2' => {
                            write_user(b, rcpt.user);
                            s(b, " <");
                            write_addr(b, rcpt);
                            s(b, "> R=local_user T=mail_spool");
                        }
                        b'4' => {
                            write_addr(b, rcpt);
                            s(b, " R=local_user T=mail_spool defer (-22): ");
                            self.expand(b, resp.text, st, rcpt, relay);
                        }
                        _ => {
                            write_addr(b, rcpt);
                            s(b, ": ");
                            self.expand(b, resp.text, st, rcpt, relay);
                        }
                    }
                    return;
                }
                write_addr(b, rcpt);
                if local {
                    s(b, " R=dovecot_router T=dovecot_lmtp");
                } else {
                    s(b, " R=dnslookup T=remote_smtp");
                }
                let host = |g: &Gen, b: &mut Vec<u8>| {
                    s(b, " H=");
                    if local {
                        s(b, "/run/dovecot/lmtp");
                    } else {
                        g.write_relay_name(b, rcpt.dom, relay);
                        s(b, " [");
                        write_ip(b, relay.ip);
                        b.push(b']');
                    }
                };
                let text = resp.text;
                if kind == b'2' {
                    host(self, b);
                    if !local {
                        s(b, " X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes");
                    }
                    s(b, " C=\"");
                    self.expand(b, text, st, rcpt, relay);
                    s(b, "\"");
                    return;
                }
                let defer = kind == b'4';
                if let Form::Said(stage) = resp.form {
                    if defer {
                        s(
                            b,
                            match stage {
                                "RCPT TO" => " defer (-44)",
                                "MAIL FROM" => " defer (-45)",
                                _ => " defer (-46)",
                            },
                        );
                    }
                    host(self, b);
                    s(b, if local { ": LMTP error after " } else { ": SMTP error from remote mail server after " });
                    match stage {
                        "RCPT TO" => {
                            s(b, "RCPT TO:<");
                            write_addr(b, rcpt);
                            b.push(b'>');
                        }
                        "MAIL FROM" => {
                            s(b, "MAIL FROM:<");
                            write_addr(b, st.sender);
                            s(b, "> SIZE=");
                            num(b, st.size as u64 + 400);
                        }
                        _ => s(b, "end of data"),
                    }
                    s(b, ": ");
                    self.expand(b, text, st, rcpt, relay);
                } else if let Some(rest) = text.strip_prefix("host \x02 refused to talk to me: ") {
                    s(b, if defer { " defer (0)" } else { "" });
                    host(self, b);
                    s(b, ": SMTP error from remote mail server after initial connection: ");
                    self.expand(b, rest, st, rcpt, relay);
                } else if let Some(rest) = text.strip_prefix("SASL authentication failed; server \x02 said: ") {
                    s(b, if defer { " defer (-48)" } else { "" });
                    host(self, b);
                    s(b, ": SMTP error from remote mail server after AUTH PLAIN: ");
                    self.expand(b, rest, st, rcpt, relay);
                } else if text.contains("Connection timed out") {
                    s(b, " defer (110): Connection timed out");
                } else if text.contains("Connection refused") {
                    s(b, " defer (111): Connection refused");
                } else if text.starts_with("Host or domain") {
                    b.truncate(b.len() - " T=remote_smtp".len());
                    s(b, " defer (-1): host lookup did not complete");
                } else if text.starts_with("conversation") {
                    s(b, " defer (110): Connection timed out");
                    host(self, b);
                    s(b, ": SMTP timeout after initial connection");
                } else {
                    s(b, if defer { " defer (-18)" } else { "" });
                    host(self, b);
                    s(b, ": Remote host closed connection in response to initial connection");
                }
            }
            ExOp::RetryNotReached(r) => {
                b.extend_from_slice(&st.qid[..st.qid_len as usize]);
                s(b, " == ");
                write_addr(b, st.rcpts[r as usize]);
                s(b, " routing defer (-51): retry time not reached");
            }
            ExOp::Completed => {
                b.extend_from_slice(&st.qid[..st.qid_len as usize]);
                s(b, " Completed");
            }
            ExOp::BounceArrival => {
                let mut q = [0u8; 16];
                st.qid2_len = self.new_exim_id(&mut q);
                st.qid2 = q;
                b.extend_from_slice(&st.qid2[..st.qid2_len as usize]);
                s(b, " <= <> R=");
                b.extend_from_slice(&st.qid[..st.qid_len as usize]);
                s(b, " U=Debian-exim P=local S=");
                num(b, 1800 + (st.size % 3000) as u64);
            }
            ExOp::BounceDeliver => {
                b.extend_from_slice(&st.qid2[..st.qid2_len as usize]);
                if st.sender.dom & LOCAL_BIT != 0 {
                    s(b, " => ");
                    write_user(b, st.sender.user);
                    s(b, " <");
                    write_addr(b, st.sender);
                    s(b, "> R=local_user T=mail_spool");
                } else {
                    let relay = relay_peer(st.sender.dom, st.msgid);
                    let resp = pick_resp(&mut self.rng, cat_for(dom_prov(st.sender.dom)).sent);
                    s(b, " => ");
                    write_addr(b, st.sender);
                    s(b, " R=dnslookup T=remote_smtp H=");
                    self.write_relay_name(b, st.sender.dom, relay);
                    s(b, " [");
                    write_ip(b, relay.ip);
                    s(b, "] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C=\"");
                    let snd = st.sender;
                    self.expand(b, resp.text, st, snd, relay);
                    b.push(b'"');
                }
            }
            ExOp::BounceCompleted => {
                b.extend_from_slice(&st.qid2[..st.qid2_len as usize]);
                s(b, " Completed");
            }
            ExOp::Reject(k) => {
                let rcpt = st.rcpts[0];
                let n = b.len();
                self.exim_host(b, st, false);
                b.remove(n); // leading space
                if k == 8 {
                    s(b, " temporarily rejected connection in \"connect\" ACL: too many connections");
                    return;
                }
                s(b, " F=<");
                write_addr(b, st.sender);
                s(
                    b,
                    match k {
                        3 | 4 => "> temporarily rejected RCPT <",
                        _ => "> rejected RCPT <",
                    },
                );
                write_addr(b, rcpt);
                s(
                    b,
                    match k {
                        0 => ">: relay not permitted",
                        1 | 2 => ">: Unknown user",
                        3 => ">: greylisted.",
                        4 => ">: Could not complete sender verify",
                        5 => ">: JunkMail rejected - host is listed in zen.spamhaus.org",
                        6 => ">: SPF check failed",
                        _ => ">: Sender verify failed",
                    },
                );
            }
            ExOp::AuthFail => {
                s(b, if st.sub == 0 { "login" } else { "dovecot_plain" });
                s(b, " authenticator failed for ");
                let n = b.len();
                self.exim_host(b, st, false);
                b.drain(n..n + 3); // " H="
                s(b, ": 535 Incorrect authentication data (set_id=");
                write_addr(b, Addr { user: 0x100 + (st.client.n & 0xFFF), dom: LOCAL_BIT });
                b.push(b')');
            }
            ExOp::Session(k) => {
                match k {
                    0 | 1 => s(b, "SMTP connection from "),
                    2 => s(b, "no MAIL in SMTP connection from "),
                    3 => s(b, "SMTP command timeout on connection from "),
                    4 => s(b, "unexpected disconnection while reading SMTP command from "),
                    _ => s(
                        b,
                        "SMTP protocol synchronization error (input sent without waiting for greeting): rejected connection from H=",
                    ),
                }
                if k == 5 {
                    b.push(b'[');
                    write_ip(b, st.client.ip);
                    s(b, "] input=\"EHLO ");
                    write_helo(b, st.client);
                    s(b, "\\r\\n\"");
                    return;
                }
                let n = b.len();
                self.exim_host(b, st, false);
                b.drain(n..n + 3);
                match k {
                    0 => s(b, " closed by QUIT"),
                    1 => s(b, " lost D=2s"),
                    2 => s(b, " D=5s C=EHLO,STARTTLS,EHLO,QUIT"),
                    3 => s(b, " D=5m"),
                    _ => s(b, " D=1s"),
                }
            }
            ExOp::QueueRun(start) => {
                s(b, if start { "Start queue run: pid=" } else { "End queue run: pid=" });
                num(b, st.smtpd_pid as u64);
            }
        }
    }

    /// ` H=name (helo) [ip]` (or `H=(helo) [ip]` without reverse DNS).
    fn exim_host(&self, b: &mut Vec<u8>, st: &Story, _arrival: bool) {
        s(b, " H=");
        if st.client.kind != 0 && st.client.kind != 0x10 {
            write_peer_name(b, st.client);
            if st.bad_helo {
                s(b, " (");
                self.helo(b, st);
                b.push(b')');
            }
            b.push(b' ');
        } else {
            b.push(b'(');
            self.helo(b, st);
            s(b, ") ");
        }
        b.push(b'[');
        write_ip(b, st.client.ip);
        b.push(b']');
    }
}

// ---------------------------------------------------------------------------
// Sendmail

#[derive(Clone, Copy, Debug)]
enum SmOp {
    StartTls,
    From(bool),
    To { r: u8, resp: &'static Resp },
    Dsn,
    DsnTo,
    Reject(u8),
    AuthFail,
    NoMail,
    Lost,
    Milter,
}

static SM_LOCAL: Cat = Cat {
    sent: &[r(1, "2.0.0", PLAIN, "")],
    defer: &[r(1, "4.2.2", PLAIN, "local mailer (/usr/libexec/mail.local) exited with EX_TEMPFAIL")],
    bounce: &[r(1, "5.1.1", PLAIN, "User unknown")],
};

const B60: &[u8; 60] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx";

impl Gen {
    /// `6AN5glE8020943`: year, month, day, hour, minute, second (base 60), sequence, pid.
    fn sm_qid(&mut self, out: &mut [u8; 16], pid: u32) -> u8 {
        let iso = self.clock.iso;
        let d = |i: usize| (iso[i] - b'0') as usize * 10 + (iso[i + 1] - b'0') as usize;
        let year = d(0) * 100 + d(2);
        out[0] = B60[(year - 1900) % 60];
        out[1] = B60[d(5) - 1];
        out[2] = B60[d(8)];
        out[3] = B60[d(11)];
        out[4] = B60[d(14)];
        out[5] = B60[d(17)];
        self.seq = self.seq.wrapping_add(1);
        out[6] = B60[(self.seq / 60 % 60) as usize];
        out[7] = B60[(self.seq % 60) as usize];
        let mut p = pid % 1_000_000;
        for i in (8..14).rev() {
            out[i] = b'0' + (p % 10) as u8;
            p /= 10;
        }
        14
    }

    fn sendmail_story(&mut self, st: &mut Story) {
        let mut q = [0u8; 16];
        st.qid_len = self.sm_qid(&mut q, st.smtpd_pid);
        st.qid = q;
        const W: [u32; 6] = [420, 330, 130, 40, 50, 30];
        match self.rng.weighted(&W) {
            0 | 1 => {
                let outbound = self.rng.pm(560);
                if outbound {
                    st.client = Peer { kind: 5, n: self.rng.next() as u32, ip: internal_ip(&mut self.rng) };
                    st.sender = self.local_user();
                    st.sender.dom = LOCAL_BIT;
                    let n = match self.rng.below(100) {
                        0..=64 => 1,
                        65..=89 => 2,
                        _ => 3 + self.rng.below(5),
                    };
                    for _ in 0..n {
                        let a = self.outbound_rcpt();
                        st.rcpts.push(a);
                    }
                } else {
                    st.sender = if self.rng.pm(30) { Addr { user: 0, dom: u32::MAX } } else { self.outbound_rcpt() };
                    let n = if self.rng.pm(850) { 1 } else { 2 + self.rng.below(3) };
                    for _ in 0..n {
                        let a = self.local_user();
                        st.rcpts.push(a);
                    }
                }
                if st.tls {
                    st.ops.push(Op::Sm(SmOp::StartTls));
                }
                st.ops.push(Op::Sm(SmOp::From(false)));
                if !outbound && self.rng.pm(25) {
                    st.ops.push(Op::Sm(SmOp::Milter));
                    return;
                }
                let mut bounced = false;
                let mut pending = Vec::new();
                for i in 0..st.rcpts.len() {
                    let a = st.rcpts[i];
                    let (cat, remote) =
                        if a.dom & LOCAL_BIT != 0 { (&SM_LOCAL, false) } else { (cat_for(dom_prov(a.dom)), true) };
                    let resp = self.outcome(cat, remote, 872, 80);
                    st.ops.push(Op::Sm(SmOp::To { r: i as u8, resp }));
                    match resp.dsn.as_bytes()[0] {
                        b'4' => pending.push((i as u8, cat, remote, resp)),
                        b'5' => bounced = true,
                        _ => {}
                    }
                }
                if bounced && st.sender.dom != u32::MAX {
                    st.ops.push(Op::Sm(SmOp::Dsn));
                    st.ops.push(Op::Sm(SmOp::DsnTo));
                }
                if !pending.is_empty() {
                    st.ops.push(Op::Sleep(300 + self.rng.below(5000)));
                    for (i, cat, remote, resp) in pending {
                        let r2 = if self.rng.pm(600) { self.outcome(cat, remote, 980, 0) } else { resp };
                        st.ops.push(Op::Sm(SmOp::To { r: i, resp: r2 }));
                    }
                }
            }
            2 => {
                st.sender = self.outbound_rcpt();
                st.sub = self.rng.below(6) as u8;
                let a = if st.sub == 0 { self.outbound_rcpt() } else { self.local_user() };
                st.rcpts.push(a);
                st.ops.push(Op::Sm(SmOp::Reject(st.sub)));
                st.ops.push(Op::Sm(SmOp::From(true)));
            }
            3 => {
                st.ops.push(Op::Sm(SmOp::AuthFail));
                st.ops.push(Op::Sm(SmOp::NoMail));
            }
            4 => st.ops.push(Op::Sm(SmOp::NoMail)),
            _ => {
                st.sender = self.outbound_rcpt();
                st.rcpts.push(self.local_user());
                st.ops.push(Op::Sm(SmOp::From(false)));
                st.ops.push(Op::Sm(SmOp::Lost));
            }
        }
    }

    fn sm_relay(&self, b: &mut Vec<u8>, st: &Story) {
        s(b, "relay=");
        if st.client.kind == 0 {
            b.push(b'[');
            write_ip(b, st.client.ip);
            s(b, "] [");
        } else {
            write_peer_name(b, st.client);
            s(b, " [");
        }
        write_ip(b, st.client.ip);
        b.push(b']');
        if st.client.kind == 0 {
            s(b, " (may be forged)");
        }
    }

    fn sm_delay(b: &mut Vec<u8>, secs: u64) {
        if secs >= 86_400 {
            num(b, secs / 86_400);
            b.push(b'+');
        }
        pad2(b, (secs / 3600 % 24) as u32);
        b.push(b':');
        pad2(b, (secs / 60 % 60) as u32);
        b.push(b':');
        pad2(b, (secs % 60) as u32);
    }

    fn emit_sendmail(&mut self, b: &mut Vec<u8>, st: &mut Story, x: SmOp) {
        let pid = st.smtpd_pid;
        tag(b, "sm-mta", pid);
        if !matches!(x, SmOp::StartTls | SmOp::NoMail | SmOp::AuthFail | SmOp::DsnTo) {
            b.extend_from_slice(&st.qid[..st.qid_len as usize]);
            s(b, ": ");
        }
        match x {
            SmOp::StartTls => {
                s(b, "STARTTLS=server, ");
                self.sm_relay(b, st);
                s(b, ", version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256");
            }
            SmOp::From(rejected) => {
                s(b, "from=<");
                write_addr(b, st.sender);
                s(b, ">, size=");
                num(b, if rejected { 0 } else { st.size as u64 });
                s(b, ", class=0, nrcpts=");
                num(b, if rejected { 0 } else { st.rcpts.len() as u64 });
                if !rejected {
                    s(b, ", msgid=<");
                    num(b, st.msgid >> 24);
                    b.push(b'.');
                    num(b, st.msgid & 0xFFFFF);
                    b.push(b'@');
                    write_domain(b, if st.sender.dom == u32::MAX { 0 } else { st.sender.dom });
                    b.push(b'>');
                }
                s(
                    b,
                    if st.tls {
                        ", bodytype=8BITMIME, proto=ESMTPS, daemon=MTA, "
                    } else {
                        ", proto=ESMTP, daemon=MTA, "
                    },
                );
                self.sm_relay(b, st);
            }
            SmOp::To { r, resp } => {
                let rcpt = st.rcpts[r as usize];
                let relay = relay_peer(rcpt.dom, st.msgid);
                let local = rcpt.dom & LOCAL_BIT != 0;
                s(b, "to=<");
                write_addr(b, rcpt);
                s(b, ">, ");
                if !local {
                    s(b, "ctladdr=<");
                    write_addr(b, st.sender);
                    s(b, "> (1001/1001), ");
                }
                let age = ((self.clock.us - st.born_us).max(0) / 1_000_000) as u64;
                s(b, "delay=");
                Self::sm_delay(b, age + 1);
                s(b, ", xdelay=");
                Self::sm_delay(b, 1 + self.rng.below(2) as u64);
                s(b, if local { ", mailer=local, pri=" } else { ", mailer=esmtp, pri=" });
                num(b, 30_000 + (st.size as u64) + 90_000 * (age > 60) as u64);
                // Sendmail names the host it tried even when the connection
                // failed; only a name it could not look up leaves no relay.
                let unresolved = resp.form == Form::NoRelay && resp.text.starts_with("Host or");
                if !local && !unresolved {
                    s(b, ", relay=");
                    self.write_relay_name(b, rcpt.dom, relay);
                    s(b, ". [");
                    write_ip(b, relay.ip);
                    b.push(b']');
                }
                s(b, ", dsn=");
                let kind = resp.dsn.as_bytes()[0];
                s(b, if kind == b'4' && resp.form == Form::NoRelay { "4.0.0" } else { resp.dsn });
                let text = resp.text;
                // The reply as the remote server sent it, if any.
                let reply = if let Form::Said(_) = resp.form {
                    Some(text)
                } else if let Some(rest) = text.strip_prefix("host \x02 refused to talk to me: ") {
                    Some(rest)
                } else {
                    text.strip_prefix("SASL authentication failed; server \x02 said: ")
                };
                match kind {
                    b'2' => {
                        s(b, ", stat=Sent");
                        if !local {
                            s(b, " (");
                            let start = b.len();
                            self.expand(b, text, st, rcpt, relay);
                            // Sendmail drops the "250 2.0.0 " in front of the text.
                            let mut cut = 0;
                            if b[start..].starts_with(b"250") {
                                cut = 4;
                                if b.len() > start + 5 && b[start + 4] == b'2' && b[start + 5] == b'.' {
                                    cut += b[start + 4..].iter().position(|&c| c == b' ').map_or(0, |p| p + 1);
                                }
                            }
                            b.drain(start..start + cut);
                            b.push(b')');
                        }
                    }
                    _ => {
                        if let Some(reply) = reply {
                            s(b, ", reply=");
                            self.expand(b, reply, st, rcpt, relay);
                        }
                        if kind == b'4' {
                            s(b, ", stat=Deferred: ");
                            match reply {
                                Some(reply) => self.expand(b, reply, st, rcpt, relay),
                                None if local => self.expand(b, text, st, rcpt, relay),
                                None => {
                                    s(
                                        b,
                                        if text.contains("refused") {
                                            "Connection refused by "
                                        } else if text.starts_with("Host or") {
                                            "Name server: "
                                        } else if text.starts_with("lost") {
                                            "Connection reset by "
                                        } else {
                                            "Connection timed out with "
                                        },
                                    );
                                    self.write_relay_name(b, rcpt.dom, relay);
                                    b.push(b'.');
                                    if text.starts_with("Host or") {
                                        s(b, ": host name lookup failure");
                                    }
                                }
                            }
                        } else {
                            s(
                                b,
                                if resp.dsn.starts_with("5.1.") {
                                    ", stat=User unknown"
                                } else {
                                    ", stat=Service unavailable"
                                },
                            );
                        }
                    }
                }
            }
            SmOp::Dsn => {
                let mut q = [0u8; 16];
                st.qid2_len = self.sm_qid(&mut q, pid);
                st.qid2 = q;
                b.extend_from_slice(&st.qid2[..st.qid2_len as usize]);
                s(b, ": DSN: ");
                s(b, if self.rng.pm(600) { "User unknown" } else { "Service unavailable" });
            }
            SmOp::DsnTo => {
                b.extend_from_slice(&st.qid2[..st.qid2_len as usize]);
                s(b, ": to=<");
                write_addr(b, st.sender);
                s(b, ">, delay=00:00:00, xdelay=00:00:01, mailer=");
                if st.sender.dom & LOCAL_BIT != 0 {
                    s(b, "local, pri=31249, dsn=2.0.0, stat=Sent");
                } else {
                    let relay = relay_peer(st.sender.dom, st.msgid);
                    s(b, "esmtp, pri=31249, relay=");
                    self.write_relay_name(b, st.sender.dom, relay);
                    s(b, ". [");
                    write_ip(b, relay.ip);
                    s(b, "], dsn=2.0.0, stat=Sent (Ok: queued as ");
                    rand_chars(b, &mut self.rng, &HEXU[..], 10);
                    b.push(b')');
                }
            }
            SmOp::Reject(k) => {
                let rcpt = st.rcpts[0];
                match k {
                    0..=3 => {
                        s(b, "ruleset=check_rcpt, arg1=<");
                        write_addr(b, rcpt);
                        s(b, ">, ");
                        self.sm_relay(b, st);
                        s(b, ", reject=");
                        s(
                            b,
                            match k {
                                0 => "550 5.7.1 <",
                                1 => "550 5.1.1 <",
                                2 => "450 4.7.1 <",
                                _ => "553 5.1.3 <",
                            },
                        );
                        write_addr(b, rcpt);
                        s(
                            b,
                            match k {
                                0 => ">... Relaying denied",
                                1 => ">... User unknown",
                                2 => ">... Greylisted, please try again later",
                                _ => ">... User address required",
                            },
                        );
                    }
                    4 => {
                        s(b, "ruleset=check_mail, arg1=<");
                        write_addr(b, st.sender);
                        s(b, ">, ");
                        self.sm_relay(b, st);
                        s(b, ", reject=451 4.1.8 Domain of sender address ");
                        write_addr(b, st.sender);
                        s(b, " does not resolve");
                    }
                    _ => {
                        s(b, "ruleset=check_relay, arg1=[");
                        write_ip(b, st.client.ip);
                        s(b, "], arg2=");
                        write_ip(b, st.client.ip);
                        s(b, ", ");
                        self.sm_relay(b, st);
                        s(b, ", reject=554 5.7.1 Rejected ");
                        write_ip(b, st.client.ip);
                        s(b, " found in zen.spamhaus.org");
                    }
                }
            }
            SmOp::AuthFail => {
                s(
                    b,
                    "AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=",
                );
                write_user(b, 0x100 + (st.client.n & 0xFFF));
                s(b, ", ");
                self.sm_relay(b, st);
            }
            SmOp::NoMail => {
                b.extend_from_slice(&st.qid[..st.qid_len as usize]);
                s(b, ": ");
                if st.client.kind == 0 {
                    b.push(b'[');
                    write_ip(b, st.client.ip);
                    b.push(b']');
                } else {
                    write_peer_name(b, st.client);
                    s(b, " [");
                    write_ip(b, st.client.ip);
                    b.push(b']');
                }
                s(b, " did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA");
            }
            SmOp::Lost => {
                s(b, "lost input channel from ");
                write_peer_name(b, st.client);
                s(b, " [");
                write_ip(b, st.client.ip);
                s(b, "] to MTA after data");
            }
            SmOp::Milter => {
                s(b, "Milter: data, reject=554 5.7.1 Rejected by spam filter");
            }
        }
    }
}
