//! `whk init` writes a starter whk.toml; `whk config` shows what a command would use and
//! where each value came from.

use std::ffi::OsString;

use crate::cli::{ConfigArgs, InitArgs};
use crate::config::{Project, Route, STARTER, SecretSource};
use crate::error::{Error, Result};
use crate::output::{self, Printer};
use crate::records::{ConfigRoute, ConfigValue, Record};

pub fn init(args: InitArgs, out: Printer) -> Result<()> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&args.path);
    let mut file = match file {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Error::usage(format!(
                "{} already exists; whk init never overwrites it (edit it, or pass another FILE)",
                args.path.display()
            )));
        }
        Err(err) => {
            return Err(Error::usage(format!(
                "cannot create {}: {err}",
                args.path.display()
            )));
        }
    };
    std::io::Write::write_all(&mut file, STARTER.as_bytes())
        .map_err(|err| Error::Network(format!("cannot write {}: {err}", args.path.display())))?;
    out.note(&format!(
        "wrote {}: uncomment what you need; `whk config` shows the result",
        args.path.display()
    ));
    Ok(())
}

pub fn run(args: ConfigArgs, project: Option<&Project>, out: Printer) -> Result<()> {
    let commands: Vec<Vec<String>> = if args.args.is_empty() {
        vec![vec!["send".into()], vec!["listen".into()]]
    } else {
        vec![args.args.clone()]
    };
    if !out.json {
        match project {
            Some(p) => out.line(&format!("# {}", p.path.display()))?,
            None => {
                out.line("# no whk.toml in this directory or above (create one with `whk init`)")?
            }
        }
    }
    for words in &commands {
        let argv: Vec<OsString> = std::iter::once("whk")
            .chain(words.iter().map(String::as_str))
            .map(OsString::from)
            .collect();
        for value in crate::cli::resolved(&argv, project)? {
            let record = ConfigValue {
                command: words[0].clone(),
                key: value.key,
                value: value.value,
                source: value.source,
            };
            print_value(&record, out)?;
        }
    }
    for route in project.map(|p| p.routes.as_slice()).unwrap_or_default() {
        print_route(
            &route_record(route, project.expect("routes come from a project")),
            out,
        )?;
    }
    Ok(())
}

fn print_value(record: &ConfigValue, out: Printer) -> Result<()> {
    if out.json {
        return out.line(&record.to_line());
    }
    out.line(&format!(
        "{:<7} --{:<18} {:<40} ({})",
        record.command,
        record.key,
        output::escape_line(&record.value),
        output::escape_line(&record.source)
    ))
}

fn route_record(route: &Route, project: &Project) -> ConfigRoute {
    ConfigRoute {
        events: route.events.clone(),
        forward_to: route.forward_to.clone(),
        scheme: route.scheme.clone(),
        secret: route.secret.as_ref().map(|s| match s {
            SecretSource::Env(name) => format!("env {name}"),
            SecretSource::File(path) => format!("file {}", path.display()),
            SecretSource::Inline(_) => "inline".to_string(),
        }),
        exec: route.exec.clone(),
        source: format!("{}:{}", project.path.display(), route.line),
    }
}

fn print_route(record: &ConfigRoute, out: Printer) -> Result<()> {
    if out.json {
        return out.line(&record.to_line());
    }
    let mut text = format!("route   {}", record.events);
    for (label, value) in [
        ("forward_to", &record.forward_to),
        ("scheme", &record.scheme),
        ("secret", &record.secret),
        ("exec", &record.exec),
    ] {
        if let Some(value) = value {
            text.push_str(&format!("  {label} {value}"));
        }
    }
    out.line(&format!(
        "{}  ({})",
        output::escape_line(&text),
        output::escape_line(&record.source)
    ))
}
