//! `whk secret`: a fresh random secret in the form the scheme expects.

use crate::cli::GenerateSecretArgs;
use crate::error::Result;
use crate::output::Printer;
use crate::records::GeneratedSecret;
use crate::scheme::SchemeName;
use crate::secret;

pub fn run(args: GenerateSecretArgs, out: Printer) -> Result<()> {
    let standard = args.scheme == SchemeName::Standard;
    let value = secret::generate(standard, &mut fastrand::Rng::new());
    out.emit(&GeneratedSecret {
        scheme: args.scheme,
        secret: value,
    })
}
