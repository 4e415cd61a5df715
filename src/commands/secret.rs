//! `whk secret`: a fresh random secret in the form the scheme expects, or an asymmetric key
//! pair for a scheme that has one.

use crate::cli::GenerateSecretArgs;
use crate::error::{Error, Result};
use crate::output::Printer;
use crate::records::GeneratedSecret;
use crate::scheme::{Scheme, SchemeName, asymmetric};
use crate::secret;

pub fn run(args: GenerateSecretArgs, out: Printer) -> Result<()> {
    let (secret, public_key) = if args.asymmetric {
        let (signing, public) = key_pair(args.scheme)?;
        (signing, Some(public))
    } else {
        let standard = args.scheme == SchemeName::Standard;
        (secret::random(standard)?, None)
    };
    out.emit(&GeneratedSecret {
        scheme: args.scheme,
        secret,
        public_key,
    })
}

/// A signing key and its public key, for a scheme that signs asymmetrically.
fn key_pair(name: SchemeName) -> Result<(String, String)> {
    let asym = match name {
        SchemeName::Custom => None,
        name => Scheme::known(name).spec().asymmetric,
    }
    .ok_or_else(|| {
        Error::usage(format!(
            "--asymmetric needs a scheme with asymmetric signatures: --scheme standard (the {name} scheme has none)"
        ))
    })?;
    asymmetric::generate(&asym)
}
