//! Criterion benchmarks, one group per stage: `parse/<mta>` (one line at a
//! time), `scan/chunk`, `aggregate/merge`, `e2e/<size>`. Inputs come from
//! the seeded generator in `gen.rs`; each benchmark checks its result once
//! before timing it.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use smtpstat::formats::{ParseContext, parse_line};
use smtpstat::input::InputSpec;
use smtpstat::pipeline::{ScanOptions, merge_and_classify, run, scan_sequential};
use smtpstat::rules::Rules;
use smtpstat::time::YearResolver;

#[path = "gen.rs"]
mod loggen;

fn log(mta: loggen::Mta, bytes: u64) -> Vec<u8> {
    loggen::generate_vec(&loggen::GenConfig { mta, bytes, seed: 7, ..loggen::GenConfig::default() })
}

fn ctx() -> ParseContext {
    ParseContext { years: YearResolver::fixed(2026), ..ParseContext::default() }
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for (name, mta) in
        [("postfix", loggen::Mta::Postfix), ("exim", loggen::Mta::Exim), ("sendmail", loggen::Mta::Sendmail)]
    {
        let data = log(mta, 4 << 20);
        let lines: Vec<&[u8]> = data.split(|&c| c == b'\n').filter(|l| !l.is_empty()).collect();
        let events = lines.iter().filter(|l| parse_line(l, &ctx()).event.is_some()).count();
        assert!(events * 20 > lines.len(), "{name}: only {events} events in {} lines", lines.len());
        group.throughput(Throughput::Bytes(data.len() as u64));
        group.bench_function(name, |b| {
            let ctx = ctx();
            b.iter(|| lines.iter().filter(|l| parse_line(black_box(l), &ctx).event.is_some()).count())
        });
    }
    group.finish();
}

fn scan(c: &mut Criterion) {
    let data = log(loggen::Mta::Postfix, 4 << 20);
    let mut group = c.benchmark_group("scan");
    group.throughput(Throughput::Bytes(data.len() as u64));
    let check = scan_sequential(&data, &ctx());
    assert!(check.lines.read > 10_000 && check.lines.with_code > 1000);
    group.bench_function("chunk", |b| b.iter(|| scan_sequential(black_box(&data), &ctx())));
    group.finish();
}

fn merge(c: &mut Criterion) {
    let a = scan_sequential(&log(loggen::Mta::Postfix, 2 << 20), &ctx());
    let b = scan_sequential(
        &loggen::generate_vec(&loggen::GenConfig { seed: 8, bytes: 2 << 20, ..loggen::GenConfig::default() }),
        &ctx(),
    );
    let total = a.lines.read + b.lines.read;
    assert_eq!(a.clone().merge(b.clone()).lines.read, total);
    let mut group = c.benchmark_group("aggregate");
    group.bench_function("merge", |bench| {
        bench.iter_batched(|| (a.clone(), b.clone()), |(x, y)| x.merge(y), criterion::BatchSize::LargeInput)
    });
    group.finish();
}

fn e2e(c: &mut Criterion) {
    let data = log(loggen::Mta::Postfix, 32 << 20);
    let want = scan_sequential(&data, &ctx());
    let opts = ScanOptions { year: Some(2026), threads: 2, ..ScanOptions::default() };
    let rules = Rules::builtin();
    let whole = |data: Vec<u8>| {
        let (parts, _) = run(vec![InputSpec::Memory("bench".into(), data)], &opts).unwrap();
        merge_and_classify(parts, &rules, opts.threads)
    };
    assert_eq!(whole(data.clone()).0, want);
    let mut group = c.benchmark_group("e2e");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("32MiB", |b| {
        b.iter(|| {
            let (s, classified) = whole(data.clone());
            (s.lines.read, classified.reasons.len())
        })
    });
    group.finish();
}

criterion_group!(benches, parse, scan, merge, e2e);
criterion_main!(benches);
