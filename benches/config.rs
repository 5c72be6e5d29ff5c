//! Reading a large configuration: 20,000 `[[accounts]]` entries, parsed and checked as tokdash
//! does before it starts (the shared keys, then every provider's own keys while the registry is
//! built). Reading must grow linearly with the number of accounts; see BENCHMARKS.md.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use tokdash::config;
use tokdash::provider::Registry;

/// `n` accounts, the four providers in turn, each with the keys a real entry has.
fn config_text(n: usize) -> String {
    let mut text = String::from("stale_after_days = 90\n\n[http]\ntimeout_secs = 20\n\n");
    for i in 0..n {
        let entry = match i % 4 {
            0 => format!(
                "[[accounts]]\nname = \"fluid-{i}\"\nprovider = \"fluid\"\n\
                 base_url = \"https://fluid-{i}.example.com\"\norg_slug = \"org-{i}\"\n\
                 login = {{ email = \"ops{i}@example.com\", password = {{ command = [\"pass\", \"show\", \"fluid/{i}\"] }} }}\n"
            ),
            1 => format!(
                "[[accounts]]\nname = \"lagrello-{i}\"\nprovider = \"lagrello\"\n\
                 credential = {{ env = \"LAGRELLO_{i}\" }}\n"
            ),
            2 => format!(
                "[[accounts]]\nname = \"qovery-{i}\"\nprovider = \"qovery\"\n\
                 organization_id = \"5bd6d3b3-6c4f-4a2d-9e36-{i:012}\"\n\
                 credential = {{ env = \"QOVERY_{i}\" }}\nread_only = true\n"
            ),
            _ => format!(
                "[[accounts]]\nname = \"sematext-{i}\"\nprovider = \"sematext\"\nregion = \"eu\"\n\
                 app_id = {i}\ncredential = {{ env = \"SEMATEXT_{i}\" }}\n"
            ),
        };
        text.push_str(&entry);
        text.push('\n');
    }
    text
}

fn read(c: &mut Criterion) {
    let mut group = c.benchmark_group("config");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    for n in [5_000, 20_000] {
        let text = config_text(n);
        let path = Path::new("bench.toml");
        group.bench_with_input(BenchmarkId::new("parse", n), &text, |b, text| {
            b.iter(|| config::parse(path, black_box(text)).expect("valid"))
        });
        let parsed = config::parse(path, &text).expect("valid");
        assert_eq!(parsed.accounts.len(), n);
        group.bench_with_input(BenchmarkId::new("parse_and_check", n), &text, |b, text| {
            b.iter(|| {
                let config = config::parse(path, black_box(text)).expect("valid");
                Registry::from_config(&config, false).expect("usable")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, read);
criterion_main!(benches);
