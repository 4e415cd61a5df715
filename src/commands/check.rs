//! `whk check URL`: play the provider against a receiver and report, scenario by scenario,
//! whether it does what the providers' documentation demands.

use colored::Colorize;

use super::resolve;
use crate::audit::{ALL_SCENARIOS, Audit, Finding, Probe, ScenarioId, Verdict};
use crate::cli::CheckArgs;
use crate::client;
use crate::curl::{CurlBody, CurlCommand};
use crate::delivery;
use crate::error::{Error, Result};
use crate::events::Profile;
use crate::output::Printer;
use crate::records::{CheckSummary, Record, Scenario};
use crate::scheme::{Scheme, SchemeName, Signer, asymmetric};
use crate::secret::{self, Secret};

pub fn run(args: CheckArgs, out: Printer) -> Result<()> {
    let url = client::parse_url(&args.url)?;
    // With several secrets (a rotation), the deliveries are signed with the first.
    let secret = resolve::secrets_from(&args.secret)?.into_iter().next().ok_or_else(|| {
        Error::usage("whk check needs the receiver's secret: pass --secret S or --secret-file FILE, or set WHK_SECRET")
    })?;
    let scheme = resolve::chosen_scheme(&args.scheme)?
        .unwrap_or_else(|| Scheme::known(SchemeName::Georedir));
    let profile = Profile::for_scheme(args.profile, args.scheme.scheme);
    let mut rng = delivery::rng_from(args.seed);
    let signer = Signer::signing(scheme.clone(), &secret)?;
    let wrong = wrong_secret(&scheme, &secret, &mut rng)?;
    let wrong_signer = Signer::signing(scheme.clone(), &wrong)?;
    let mut audit = Audit::new(
        url.clone(),
        signer,
        wrong_signer,
        profile,
        args.timeout,
        &resolve::trust_from(&args.trust)?,
        rng,
    )?;
    let chosen = chosen_scenarios(&args);
    out.note(&format!(
        "whk check {url}  ({} scheme, {} profile, {}, timeout {})",
        scheme.name(),
        profile.name(),
        plural(chosen.len(), "scenario"),
        humantime::format_duration(args.timeout)
    ));
    let mut findings = Vec::new();
    for id in chosen {
        let finding = audit.run(id)?;
        print_finding(&finding, out)?;
        findings.push(finding);
    }
    conclude(&findings, out)
}

/// Another secret of the same form: a fresh `whsk_` pair's signing key for an asymmetric
/// one, else a fresh secret as `whk secret` makes it.
fn wrong_secret(scheme: &Scheme, secret: &Secret, rng: &mut fastrand::Rng) -> Result<Secret> {
    if let Some(asym) = scheme.spec().asymmetric
        && secret.expose().starts_with(asym.signing_prefix)
    {
        let (signing, _) = asymmetric::generate(&asym)?;
        return Ok(Secret::new(signing));
    }
    Ok(Secret::new(secret::generate(
        scheme.name() == SchemeName::Standard,
        rng,
    )))
}

/// `--only`, else every scenario but `--skip`; latency is judged last, from every answer.
fn chosen_scenarios(args: &CheckArgs) -> Vec<ScenarioId> {
    let mut chosen: Vec<ScenarioId> = if args.only.is_empty() {
        ALL_SCENARIOS
            .iter()
            .copied()
            .filter(|id| !args.skip.contains(id))
            .collect()
    } else {
        ALL_SCENARIOS
            .iter()
            .copied()
            .filter(|id| args.only.contains(id))
            .collect()
    };
    if let Some(at) = chosen.iter().position(|id| *id == ScenarioId::Latency) {
        let latency = chosen.remove(at);
        chosen.push(latency);
    }
    chosen
}

fn print_finding(finding: &Finding, out: Printer) -> Result<()> {
    let (why, fix) = finding.id.advice();
    out.emit(&Scenario {
        id: finding.id.name(),
        status: finding.verdict,
        security: finding.security,
        summary: finding.summary.clone(),
        why,
        fix,
        request: finding.exposed_by.as_ref().map(reproduce),
    })
}

/// The request that exposed a finding, as a curl command that sends it again.
fn reproduce(probe: &Probe) -> String {
    let body = String::from_utf8_lossy(&probe.request.body).into_owned();
    CurlCommand::post(
        probe.request.url.as_str(),
        &probe.request.headers,
        CurlBody::Inline(body),
    )
    .render()
}

fn conclude(findings: &[Finding], out: Printer) -> Result<()> {
    let count = |verdict| findings.iter().filter(|f| f.verdict == verdict).count();
    let (passed, warned, failed, skipped) = (
        count(Verdict::Pass),
        count(Verdict::Warn),
        count(Verdict::Fail),
        count(Verdict::Skip),
    );
    if out.json {
        let summary = CheckSummary {
            passed,
            warnings: warned,
            failed,
            skipped,
        };
        out.line(&summary.to_line())?;
    } else {
        out.line(&format!(
            "\n{passed} passed, {warned} warnings, {failed} failed, {skipped} skipped"
        ))?;
        for finding in findings.iter().filter(|f| f.verdict != Verdict::Pass) {
            if let Some(probe) = &finding.exposed_by {
                out.line(&format!(
                    "\n{} ({}): reproduce with",
                    finding.id.name().bold(),
                    probe.label
                ))?;
                out.line(&reproduce(probe))?;
            }
        }
    }
    if failed > 0 {
        let security = findings.iter().filter(|f| f.security).count();
        let note = match security {
            0 => String::new(),
            1 if failed == 1 => ", a security finding".to_string(),
            n => format!(", {} among them", plural(n, "security finding")),
        };
        return Err(Error::Failed(format!(
            "{failed} of {} failed{note}",
            plural(findings.len(), "scenario")
        )));
    }
    Ok(())
}

/// `1 scenario`, `3 scenarios`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
