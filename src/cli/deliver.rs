//! `--deliver SINK`: the new secret of a create, a regenerate or a rotate goes straight to each
//! sink named (`[[sinks]]` in the config), one after the other, each leaving a `delivery` record
//! in the audit trail. With `--deliver` the secret is not printed, unless `--print-secret` asks
//! for it or a sink failed: then it is printed after all, so the only copy of a secret is never
//! lost, and the command exits 1 naming the sinks that failed.

use clap::Args;

use super::failure::Failure;
use super::trail::Trail;
use crate::audit::{Delivery, Outcome as AuditOutcome, TokenLabel};
use crate::model::Created;
use crate::provider::Account;
use crate::sink::{self, Sink, Subject};
use crate::text::sanitize;

#[derive(Debug, Args, Default)]
pub struct DeliverArgs {
    /// Deliver the new secret to this sink of the config's [[sinks]] (repeatable), on its
    /// standard input or into its file, instead of printing it
    #[arg(long, value_name = "SINK")]
    pub deliver: Vec<String>,
    /// With --deliver, print the secret too
    #[arg(long, requires = "deliver")]
    pub print_secret: bool,
}

/// The sinks a command delivers to, found before anything is sent.
pub struct Plan<'a> {
    sinks: Vec<&'a Sink>,
    print_secret: bool,
}

impl<'a> Plan<'a> {
    /// `None` without `--deliver`; a usage error for a sink the config does not have.
    pub fn new(args: &DeliverArgs, sinks: &'a [Sink]) -> Result<Option<Plan<'a>>, Failure> {
        if args.deliver.is_empty() {
            return Ok(None);
        }
        let mut chosen: Vec<&Sink> = Vec::new();
        for name in &args.deliver {
            let Some(sink) = sink::find(sinks, name) else {
                let names: Vec<&str> = sinks.iter().map(|s| s.name.as_str()).collect();
                return Err(Failure::Usage(format!(
                    "no sink named `{}`; {}",
                    sanitize(name),
                    if names.is_empty() {
                        "the config has no [[sinks]] (see config.example.toml)".to_owned()
                    } else {
                        format!("configured: {}", names.join(", "))
                    }
                )));
            };
            if !chosen.iter().any(|s| s.name == sink.name) {
                chosen.push(sink);
            }
        }
        Ok(Some(Plan {
            sinks: chosen,
            print_secret: args.print_secret,
        }))
    }
}

/// How the deliveries went.
pub struct Report {
    pub failed: Vec<String>,
    pub print_secret: bool,
}

impl Report {
    /// Exit 1 naming the sinks that failed, if any did.
    pub fn outcome(&self) -> Result<(), Failure> {
        if self.failed.is_empty() {
            return Ok(());
        }
        Err(Failure::Failed(format!(
            "delivery failed to {}; the secret was printed instead, store it now",
            self.failed.join(", ")
        )))
    }
}

/// Deliver `created`'s secret to every sink of the plan, saying on stderr how each went and
/// recording each in the audit trail.
pub async fn run(
    plan: &Plan<'_>,
    account: &Account,
    created: &Created,
    label: &TokenLabel,
    trail: &Trail,
) -> Report {
    let caps = account.kind.caps();
    let subject = Subject::new(
        &account.name,
        account.kind,
        &created.token.name,
        &created.token.id,
        caps,
    );
    let mut failed = Vec::new();
    for sink in &plan.sinks {
        let result = sink::deliver(sink, &subject, &created.secret).await;
        let (outcome, error) = match &result {
            Ok(done) => {
                eprintln!("tokdash: delivered to {}: {done}", sanitize(&sink.name));
                (AuditOutcome::Ok, None)
            }
            Err(e) => {
                eprintln!(
                    "tokdash: delivery to {} failed: {}",
                    sanitize(&sink.name),
                    e.message()
                );
                failed.push(sanitize(&sink.name));
                (AuditOutcome::Failed, Some(e.reason.as_str()))
            }
        };
        trail.delivery(&Delivery {
            account: &account.name,
            provider: account.kind,
            token: label,
            sink: &sink.name,
            outcome,
            error,
        });
    }
    Report {
        print_secret: plan.print_secret || !failed.is_empty(),
        failed,
    }
}
