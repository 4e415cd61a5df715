//! `whk secret`: a fresh random secret in the form the scheme expects.

use serde_json::json;

use crate::cli::GenerateSecretArgs;
use crate::error::Result;
use crate::output::Printer;
use crate::scheme::SchemeName;
use crate::secret;

pub fn run(args: GenerateSecretArgs, out: Printer) -> Result<()> {
    let standard = args.scheme == SchemeName::Standard;
    let value = secret::generate(standard, &mut fastrand::Rng::new());
    if out.json {
        let scheme =
            clap::ValueEnum::to_possible_value(&args.scheme).map(|v| v.get_name().to_string());
        return out.json_line(&json!({"type": "secret", "scheme": scheme, "secret": value}));
    }
    out.line(&value)
}
