//! Working-day calendar: add-workdays (≤ 200 ns median) and loading the whole calendar (≤ 1 ms).
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // a benchmark fails loudly, like a test

use chrono::NaiveDate;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use origo::calendar::Calendar;

fn text(path: &str) -> &'static str {
    origo_rules::file(path).unwrap_or_default()
}

fn bench(c: &mut Criterion) {
    let rb = origo::Rulebook::builtin().unwrap();
    let cal = rb.calendar();
    let start = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    for policy in ["working_calendar", "statutory_holidays"] {
        let wd = cal.workdays(Some(policy)).unwrap();
        c.bench_function(&format!("add_workdays/3/{policy}"), |b| b.iter(|| wd.add(black_box(start), black_box(3))));
        c.bench_function(&format!("add_workdays/250/{policy}"), |b| {
            b.iter(|| wd.add(black_box(start), black_box(250)))
        });
    }
    let wd = cal.workdays(None).unwrap();
    c.bench_function("is_workday", |b| b.iter(|| wd.is_workday(black_box(start))));
    let years: Vec<(&str, &str)> = origo_rules::FILES
        .iter()
        .filter(|f| f.path.ends_with(".csv") && f.path.starts_with("calendar/"))
        .map(|f| (f.path, f.text))
        .collect();
    c.bench_function("load_calendar", |b| {
        b.iter(|| {
            Calendar::load(
                years.iter().copied(),
                ("calendar/policies.toml", text("calendar/policies.toml")),
                ("calendar/deadlines.toml", text("calendar/deadlines.toml")),
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
