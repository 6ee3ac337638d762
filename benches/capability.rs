//! Capability checks: one call against a set of 10 tokens.
//!
//! cargo bench --bench capability

// criterion_group! defines an undocumented `pub fn benches`.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use mlpy_lang::capability::{cap, GrantSet, Mode, Usage};
use mlpy_lang::host::Host;
use mlpy_lang::{Limits, Vm};
use std::hint::black_box;
use std::sync::Arc;

/// Ten tokens of mixed kinds; the file token that matches comes last.
const TOKENS: &[&str] = &[
    "env:read:APP_*",
    "network:http:api.example.com",
    "network:http:*.svc.example.com:8443",
    "args:read",
    "file:write:/tmp/out/**",
    "file:read:/srv/static/*.css",
    "file:append:/var/log/app.log",
    "env:write:TMP",
    "file:delete:/tmp/scratch/*",
    "file:read:/data/reports/**/*.csv",
];

fn capability(c: &mut Criterion) {
    let grants = GrantSet::parse(TOKENS).expect("tokens parse");
    let usage = Usage::default();
    let mut g = c.benchmark_group("capability");
    // (benchmark, capability, resource) of each check measured.
    let checks = [
        (
            "file_allowed_last_of_10",
            cap::FILE_READ,
            "/data/reports/2024/q1/summary.csv",
        ),
        ("file_denied_of_10", cap::FILE_READ, "/etc/passwd"),
        // The worst case: the literal prefix matches, the `**` scan fails.
        (
            "file_near_miss_of_10",
            cap::FILE_READ,
            "/data/reports/2024/q1/summary.txt",
        ),
        (
            "network_allowed_of_10",
            cap::NETWORK_HTTP,
            "https://a.svc.example.com:8443/v1/items?page=2",
        ),
        ("env_allowed_of_10", cap::ENV_READ, "APP_DATABASE_URL"),
    ];
    for (name, capability, resource) in checks {
        g.bench_function(name, |b| {
            b.iter(|| {
                grants.check(
                    black_box(capability.request),
                    black_box(resource),
                    Mode::Exact,
                    0.0,
                    &usage,
                )
            })
        });
    }
    // The whole enforcement point, as stdlib functions call it.
    let mut vm = Vm::new(
        Host::captured(),
        Arc::new(grants.clone()),
        Limits::default(),
    );
    g.bench_function("vm_require_file_of_10", |b| {
        b.iter(|| {
            vm.require(
                black_box(cap::FILE_READ),
                black_box("/data/reports/2024/q1/summary.csv"),
            )
        })
    });
    g.bench_function("parse_10_tokens", |b| {
        b.iter(|| GrantSet::parse(black_box(TOKENS)))
    });
    g.finish();
}

criterion_group!(benches, capability);
criterion_main!(benches);
