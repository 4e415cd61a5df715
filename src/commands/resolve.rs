//! Turning flags into domain values: the one place where the command line's structs meet
//! the domain (schemes, secrets, signers, profiles, trust), so domain modules never see clap.

use crate::cli::{
    DeliveryArgs, PayloadArgs, SchemeArgs, SecretArgs, SigningArgs, TrustArgs, ValidateArgs,
};
use crate::client::{RetryPolicy, StatusExpectation, Trust};
use crate::error::{Error, Result};
use crate::events::Profile;
use crate::scheme::{Custom, Scheme, SchemeName, Signer};
use crate::secret::Secret;

/// The scheme the flags name: `--scheme`, else custom when `--signature-header` is given,
/// else `None` (georedir when signing, detected from the headers when verifying).
pub fn chosen_scheme(args: &SchemeArgs) -> Result<Option<Scheme>> {
    let custom = args.signature_header.as_ref().map(|header| Custom {
        header: header.clone(),
        prefix: args.signature_prefix.clone(),
        encoding: args.encoding,
    });
    let name = match (args.scheme, &custom) {
        (Some(name), _) => name,
        (None, Some(_)) => SchemeName::Custom,
        (None, None) => return Ok(None),
    };
    Scheme::from_name(name, custom).map(Some)
}

/// The one secret to sign with, from `--secret`, `WHK_SECRET` or `--secret-file`, if any.
pub fn secret_from(args: &SecretArgs) -> Result<Option<Secret>> {
    let mut secrets = secrets_from(args)?;
    if secrets.len() > 1 {
        return Err(Error::usage(format!(
            "--secret is given {} times, but signing uses one secret; several are for verifying during a key rotation (verify, listen, check)",
            secrets.len()
        )));
    }
    Ok(secrets.pop())
}

/// Every secret to verify with (key rotation: any one matching is valid), in the order
/// given; empty when there is none.
pub fn secrets_from(args: &SecretArgs) -> Result<Vec<Secret>> {
    if let Some(path) = &args.secret_file {
        return Ok(vec![Secret::from_file(path)?]);
    }
    args.secret
        .iter()
        .map(|value| {
            if value.is_empty() {
                return Err(Error::usage(
                    "--secret is empty; pass the shared secret, or create one with `whk secret`",
                ));
            }
            Ok(Secret::new(value.clone()))
        })
        .collect()
}

/// A signer for the flags (georedir unless told otherwise), or `None` without a secret.
pub fn signer_from(args: &SigningArgs) -> Result<Option<Signer>> {
    signer_for_profile(args, Profile::Georedir)
}

/// A signer for the flags, or `None` without a secret; without a chosen scheme, the scheme of
/// the payload's profile (RELURL events are signed with X-RELURL-Signature).
pub fn signer_for_profile(args: &SigningArgs, profile: Profile) -> Result<Option<Signer>> {
    secret_from(&args.secret)?
        .map(|secret| signer_with(args, profile, &secret))
        .transpose()
}

/// A signer for `secret` with the flags' scheme, else the scheme of the payload's profile.
pub fn signer_with(args: &SigningArgs, profile: Profile, secret: &Secret) -> Result<Signer> {
    let default = match profile {
        Profile::Relurl => Scheme::known(SchemeName::Relurl),
        Profile::Georedir => Scheme::known(SchemeName::Georedir),
    };
    let scheme = chosen_scheme(&args.scheme)?.unwrap_or(default);
    Signer::signing(scheme, secret)
}

/// The profile a sample follows: `--profile`, else relurl for the relurl scheme, else the
/// event's own (see `events::find`).
pub fn profile_hint(payload: &PayloadArgs, scheme: Option<SchemeName>) -> Option<Profile> {
    payload
        .profile
        .or((scheme == Some(SchemeName::Relurl)).then_some(Profile::Relurl))
}

/// `--cacert` and `--insecure`, read and checked.
pub fn trust_from(args: &TrustArgs) -> Result<Trust> {
    Trust::new(args.cacert.as_deref(), args.insecure)
}

/// What counts as success and how failed attempts are retried.
pub fn delivery_rules(args: &DeliveryArgs) -> Result<(StatusExpectation, RetryPolicy)> {
    let expectation = args.expect_status.unwrap_or_default();
    let policy = RetryPolicy::new(
        args.retries,
        args.backoff,
        args.retry_schedule,
        args.time_scale,
    )?;
    Ok((expectation, policy))
}

/// A scheme named in whk.toml (custom schemes need flags, so only the named ones).
pub fn scheme_named(name: &str) -> Result<Scheme> {
    use crate::choice::Choice;
    let found = SchemeName::ALL
        .iter()
        .find(|s| Choice::name(**s) == name && **s != SchemeName::Custom);
    match found {
        Some(scheme) => Scheme::from_name(*scheme, None),
        None => Err(Error::usage(format!(
            "unknown scheme '{name}'; see `whk listen --help` for the list"
        ))),
    }
}

/// The schemas for `--validate` / `--schema-dir`, when asked for.
pub fn schemas_from(args: &ValidateArgs) -> Result<Option<crate::schema::Schemas>> {
    if !args.validate && args.schema_dir.is_none() {
        return Ok(None);
    }
    crate::schema::Schemas::load(args.schema_dir.as_deref()).map(Some)
}
