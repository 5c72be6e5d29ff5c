//! Seeding helpers shared by the fakes: a deterministic random source per provider, realistic
//! token names, hostile names, creation dates and ids. Each fake keeps its own state; this file
//! only helps fill it.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use time::{Duration, OffsetDateTime};

use crate::model::ProviderKind;

/// Names people really give tokens.
pub const NAMES: &[&str] = &[
    "ci-deploy",
    "grafana-readonly",
    "github-actions",
    "terraform",
    "backup-job",
    "prometheus-scraper",
    "log-shipper",
    "staging-api",
    "prod-api",
    "alice-laptop",
    "bob-laptop",
    "nightly-export",
    "k8s-operator",
    "datadog-sync",
    "jenkins",
    "billing-report",
    "support-tools",
    "rack-01",
    "rack-02",
    "incident-bot",
    "load-test",
    "migration-2025",
    "vault-rotation",
    "dev-sandbox",
];

/// Names that try to break a terminal or a layout. `--hostile-names` adds them.
pub fn hostile_names() -> Vec<String> {
    vec![
        "\x1b[2J\x1b[H\x1b[31mCLEARED".to_owned(),
        "evil\x1b]52;c;aGFja2Vk\x07osc52".to_owned(),
        "\x1b]8;;https://evil.example\x1b\\click-me\x1b]8;;\x1b\\".to_owned(),
        "admin\u{202E}txt.exe".to_owned(),
        "\u{2066}isolated\u{2069}-bidi".to_owned(),
        "long-".repeat(1000),
        "全角トークン名前テスト用の長い名前".to_owned(),
        "emoji-🔑🚀-token".to_owned(),
        "tab\there\r\nnewline".to_owned(),
        "zero\u{200B}width".to_owned(),
    ]
}

/// A deterministic random source for one provider's seed data, independent of the others so that
/// changing one fake's seeding never reshuffles another's.
pub fn rng_for(seed: u64, provider: ProviderKind) -> StdRng {
    let salt = match provider {
        ProviderKind::Fluid => 0x9e37_79b9_7f4a_7c15,
        ProviderKind::Lagrello => 0xbf58_476d_1ce4_e5b9,
        ProviderKind::Qovery => 0x94d0_49bb_1331_11eb,
        ProviderKind::Sematext => 0x2545_f491_4f6c_dd1d,
    };
    StdRng::seed_from_u64(seed ^ salt)
}

/// The names for one account's seeded tokens: realistic ones, with a numeric suffix once the pool
/// runs out, and the hostile ones mixed in when asked.
pub fn token_names(rng: &mut StdRng, count: usize, hostile: bool) -> Vec<String> {
    let mut names = Vec::with_capacity(count);
    let mut hostile_pool = if hostile { hostile_names() } else { Vec::new() };
    for i in 0..count {
        if !hostile_pool.is_empty() && (i % 3 == 1 || count - i <= hostile_pool.len()) {
            names.push(hostile_pool.remove(0));
            continue;
        }
        let base = NAMES[rng.random_range(0..NAMES.len())];
        if names.iter().any(|n| n == base) {
            names.push(format!("{base}-{}", i + 1));
        } else {
            names.push(base.to_owned());
        }
    }
    names
}

/// A creation time within two years before `anchor`, to the second. Skewed towards recent
/// dates like real token lists (squaring a uniform draw): about a third are under 90 days old,
/// so the default stale marker picks out old tokens rather than nearly all of them.
pub fn created_before(rng: &mut StdRng, anchor: OffsetDateTime) -> OffsetDateTime {
    const MIN: f64 = 3_600.0;
    const MAX: f64 = 730.0 * 86_400.0;
    let u: f64 = rng.random();
    let secs = (MIN + u * u * (MAX - MIN)) as i64;
    (anchor - Duration::seconds(secs))
        .replace_nanosecond(0)
        .unwrap_or(anchor)
}

/// `n` random bytes as lowercase hex.
pub fn hex(rng: &mut StdRng, n: usize) -> String {
    (0..n)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

/// A version-4 UUID drawn from `rng`.
pub fn uuid(rng: &mut StdRng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .to_string()
}

/// RFC 3339 with seconds and `Z`, as fluid writes it.
pub fn rfc3339(t: OffsetDateTime) -> String {
    crate::model::format_timestamp(t.to_offset(time::UtcOffset::UTC))
}

/// The fixed point that seeded creation dates are spread back from, so the same seed gives the
/// same data on any day.
pub fn default_anchor() -> OffsetDateTime {
    time::macros::datetime!(2026-11-01 00:00:00 UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_names() {
        let a = token_names(&mut rng_for(7, ProviderKind::Fluid), 30, true);
        let b = token_names(&mut rng_for(7, ProviderKind::Fluid), 30, true);
        assert_eq!(a, b);
        assert!(a.iter().any(|n| n.contains('\x1b')));
    }

    #[test]
    fn dates_fall_within_two_years() {
        let anchor = default_anchor();
        let mut rng = rng_for(1, ProviderKind::Qovery);
        for _ in 0..100 {
            let t = created_before(&mut rng, anchor);
            assert!(t < anchor && t > anchor - Duration::days(731));
        }
    }

    #[test]
    fn about_a_third_of_dates_are_recent() {
        let anchor = default_anchor();
        let mut rng = rng_for(3, ProviderKind::Fluid);
        let recent = (0..3_000)
            .filter(|_| created_before(&mut rng, anchor) > anchor - Duration::days(90))
            .count();
        assert!(
            (800..1_300).contains(&recent),
            "{recent} of 3000 under 90 days"
        );
    }
}
