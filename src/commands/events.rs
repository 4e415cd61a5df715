//! `whk events`: the catalogue, or one sample payload.

use colored::Colorize;

use crate::cli::EventsArgs;
use crate::delivery;
use std::path::Path;

use crate::error::{Error, Result};
use crate::events::{self, CATALOGUE, Profile, SampleContext};
use crate::output::{self, Printer};
use crate::records::CatalogueEntry;
use crate::schema;
use crate::scheme::{Scheme, SchemeName};

pub fn run(args: EventsArgs, out: Printer) -> Result<()> {
    if let Some(dir) = &args.schemas {
        return write_schemas(dir, args.payload.profile, out);
    }
    match &args.event {
        Some(name) if args.schema => print_schema(name, &args, out),
        Some(name) => print_sample(name, &args, out),
        None => print_catalogue(args.payload.profile, out),
    }
}

fn print_schema(name: &str, args: &EventsArgs, out: Printer) -> Result<()> {
    let event = events::find(name, args.payload.profile)?;
    let schema = schema::event_schema(event);
    if out.json {
        out.json_line(&schema)
    } else {
        out.line(&output::pretty_json(&schema, out.color))
    }
}

/// Writes each schema whole (temp file, then rename), so a failed run leaves no half file.
fn write_schemas(dir: &Path, only: Option<Profile>, out: Printer) -> Result<()> {
    let cannot = |err: std::io::Error| {
        Error::usage(format!("cannot write schemas to {}: {err}", dir.display()))
    };
    std::fs::create_dir_all(dir).map_err(cannot)?;
    let chosen = CATALOGUE
        .iter()
        .filter(|e| only.is_none_or(|p| p == e.profile));
    for event in chosen {
        let path = dir.join(schema::file_name(*event));
        let text = serde_json::to_string_pretty(&schema::event_schema(*event))
            .expect("a schema always serialises");
        let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(cannot)?;
        std::io::Write::write_all(&mut temp, format!("{text}\n").as_bytes()).map_err(cannot)?;
        temp.persist(&path).map_err(|err| cannot(err.error))?;
        out.note(&format!("wrote {}", path.display()));
    }
    Ok(())
}

fn print_catalogue(only: Option<Profile>, out: Printer) -> Result<()> {
    for profile in [Profile::Georedir, Profile::Relurl] {
        if only.is_some_and(|p| p != profile) {
            continue;
        }
        if !out.json {
            out.line(&format!(
                "{} {}",
                profile.name().bold(),
                signature_note(profile).dimmed()
            ))?;
        }
        for event in CATALOGUE.iter().filter(|e| e.profile == profile) {
            out.emit(&CatalogueEntry {
                profile: profile.name(),
                name: event.name,
                fires: event.fires,
            })?;
        }
    }
    out.note("print a sample with `whk events EVENT`, send one with `whk send EVENT --url URL`");
    Ok(())
}

fn signature_note(profile: Profile) -> String {
    let scheme = match profile {
        Profile::Georedir => Scheme::from_name(SchemeName::Georedir, None),
        Profile::Relurl => Scheme::from_name(SchemeName::Relurl, None),
    };
    let header = scheme
        .map(|s| s.signature_header().to_string())
        .unwrap_or_default();
    format!("(signed with {header})")
}

fn print_sample(name: &str, args: &EventsArgs, out: Printer) -> Result<()> {
    let event = events::find(name, args.payload.profile)?;
    let mut rng = delivery::rng_from(args.payload.seed);
    let mut ctx = SampleContext {
        rng: &mut rng,
        timestamp: delivery::timestamp_from(args.timestamp),
        id: args.id.as_deref(),
    };
    let payload = delivery::sample_body(event, &args.payload.sets, &mut ctx)?;
    if out.json {
        out.json_line(&payload)
    } else {
        out.line(&output::pretty_json(&payload, out.color))
    }
}
