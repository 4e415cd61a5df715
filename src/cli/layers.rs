//! whk.toml under the flags: the file's values are given to the flags that the command line
//! and the environment left unset (clap's `value_source` tells), as if typed after them, so
//! they go through the same value parsers; an error about one names the file, line and key.
//! Precedence: flag > environment > `--to` endpoint > `[command]` table > top level > default.

use std::collections::HashSet;
use std::ffi::OsString;

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};

use super::Cli;
use crate::config::{Project, Setting, SettingValue};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// A flag value that came from the file.
#[derive(Clone, Debug)]
pub struct Injected {
    pub id: String,
    pub long: String,
    /// `FILE:LINE`
    pub origin: String,
}

/// One resolved value and where it came from, for `whk config`.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub key: String,
    pub value: String,
    pub source: String,
}

/// The command line with the project's values added.
pub struct Layered {
    pub matches: ArgMatches,
    pub injected: Vec<Injected>,
    /// Values left out because their `secret_env` variable is not set (only when not strict).
    pub unset: Vec<Resolved>,
}

/// What the file adds to one command line.
#[derive(Default)]
struct Additions {
    tokens: Vec<OsString>,
    injected: Vec<Injected>,
    unset: Vec<Resolved>,
}

/// Parses `argv` with `project`'s values under it. `strict`: a `secret_env` naming an unset
/// variable is an error (else it is left out and reported in `unset`, for `whk config`).
pub fn layer(argv: &[OsString], project: &Project, strict: bool) -> Result<Layered> {
    let mut command = Cli::command();
    command.build();
    let given = command
        .clone()
        .try_get_matches_from(argv)
        .map_err(|err| Error::usage(super::one_line(&err)))?;
    check_keys(project, &command)?;
    let added = match given.subcommand() {
        Some((name, sub_given)) => {
            let sub = command.find_subcommand(name).expect("parsed subcommand");
            additions(project, sub, sub_given, strict)?
        }
        None => Additions::default(),
    };
    if added.injected.is_empty() {
        return Ok(Layered {
            matches: given,
            injected: added.injected,
            unset: added.unset,
        });
    }
    let mut full = argv.to_vec();
    let at = full.iter().position(|w| w == "--").unwrap_or(full.len());
    full.splice(at..at, added.tokens);
    let matches = command
        .try_get_matches_from(&full)
        .map_err(|err| Error::usage(blame_file(&err, &added.injected)))?;
    Ok(Layered {
        matches,
        injected: added.injected,
        unset: added.unset,
    })
}

/// Parses `argv` into the typed command line, with the project's values under it.
pub fn parse_layered(argv: &[OsString], project: &Project) -> Result<Cli> {
    let layered = layer(argv, project, true)?;
    Cli::from_arg_matches(&layered.matches).map_err(|err| Error::usage(super::one_line(&err)))
}

/// A parse error caused by a value from the file, said as the file's error.
fn blame_file(err: &clap::Error, injected: &[Injected]) -> String {
    use clap::error::{ContextKind, ContextValue};
    let message = super::one_line(err);
    let culprit = match err.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(arg)) => injected
            .iter()
            .find(|i| arg.split([' ', '=']).next() == Some(format!("--{}", i.long).as_str())),
        _ => None,
    };
    match culprit {
        Some(i) => format!("{}: {}: {message}", i.origin, i.id),
        None => message,
    }
}

/// The flags to add for `sub`, and what each came from.
fn additions(
    project: &Project,
    sub: &clap::Command,
    given: &ArgMatches,
    strict: bool,
) -> Result<Additions> {
    let endpoint = endpoint_settings(project, sub, given)?;
    let table = project
        .settings
        .iter()
        .filter(|s| s.command.as_deref() == Some(sub.get_name()));
    let top = project.settings.iter().filter(|s| s.command.is_none());
    let ranked = endpoint
        .iter()
        .map(|s| (s, true))
        .chain(table.map(|s| (s, false)))
        .chain(top.map(|s| (s, false)));
    let mut done = HashSet::new();
    let mut added = Additions::default();
    for (setting, beats_env) in ranked {
        let origin = format!("{}:{}", project.path.display(), setting.line);
        let long = setting.key.replace('_', "-");
        let Some(arg) = sub.get_arguments().find(|a| a.get_long() == Some(&long)) else {
            continue;
        };
        let id = arg.get_id().as_str();
        if !done.insert(id.to_string()) || is_set(given, id, beats_env) {
            continue;
        }
        let conflicting = sub
            .get_arg_conflicts_with(arg)
            .iter()
            .any(|other| is_set(given, other.get_id().as_str(), false));
        if conflicting {
            continue;
        }
        if let SettingValue::FromEnv(var) = &setting.value
            && !strict
            && env_value(var).is_none()
        {
            added.unset.push(Resolved {
                key: long,
                value: format!("({var} is not set)"),
                source: origin,
            });
            continue;
        }
        let values = flag_tokens(&long, &setting.value, &origin)?;
        if values.is_empty() {
            continue;
        }
        added.tokens.extend(values);
        added.injected.push(Injected {
            id: setting.key.clone(),
            long,
            origin,
        });
    }
    Ok(added)
}

/// An environment variable's value, when it is set and not empty.
fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// Whether the command line (or, unless an endpoint is overriding it, the environment) set
/// the argument.
fn is_set(given: &ArgMatches, id: &str, endpoint: bool) -> bool {
    match given
        .try_contains_id(id)
        .ok()
        .and_then(|_| given.value_source(id))
    {
        Some(ValueSource::CommandLine) => true,
        Some(ValueSource::EnvVariable) => !endpoint,
        _ => false,
    }
}

/// Every key of the file is a flag: of its table's command, of `send` for an endpoint, of
/// some command at the top level.
fn check_keys(project: &Project, root: &clap::Command) -> Result<()> {
    let endpoints = project
        .endpoints
        .values()
        .flatten()
        .map(|s| (s, Some("send")));
    let settings = project.settings.iter().map(|s| (s, s.command.as_deref()));
    for (setting, command) in settings.chain(endpoints) {
        let long = setting.key.replace('_', "-");
        let flag_of = |c: &clap::Command| c.get_arguments().any(|a| a.get_long() == Some(&long));
        let known = match command {
            Some(name) => root.find_subcommand(name).is_some_and(flag_of),
            None => root.get_subcommands().any(flag_of),
        };
        if !known {
            let place = command.map_or_else(String::new, |c| format!(" of `whk {c}`"));
            return Err(Error::usage(format!(
                "{}:{}: {}: not a flag{place}; keys are flags' long names (see `whk {} --help`)",
                project.path.display(),
                setting.line,
                setting.key,
                command.unwrap_or("COMMAND")
            )));
        }
    }
    Ok(())
}

/// The settings of `--to NAME`, when given.
fn endpoint_settings<'p>(
    project: &'p Project,
    sub: &clap::Command,
    given: &ArgMatches,
) -> Result<&'p [Setting]> {
    let has_to = sub.get_arguments().any(|a| a.get_id() == "to");
    let Some(name) = has_to.then(|| given.get_one::<String>("to")).flatten() else {
        return Ok(&[]);
    };
    project
        .endpoints
        .get(name)
        .map(Vec::as_slice)
        .ok_or_else(|| {
            let known: Vec<&str> = project.endpoints.keys().map(String::as_str).collect();
            Error::usage(format!(
                "--to {name}: {} has no [endpoints.{name}] (it has: {})",
                project.path.display(),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ))
        })
}

/// `--long=value` words for one setting.
fn flag_tokens(long: &str, value: &SettingValue, origin: &str) -> Result<Vec<OsString>> {
    let word = |v: &str| OsString::from(format!("--{long}={v}"));
    Ok(match value {
        SettingValue::Switch(true) => vec![OsString::from(format!("--{long}"))],
        SettingValue::Switch(false) => Vec::new(),
        SettingValue::Text(text) => vec![word(text)],
        SettingValue::List(items) => items.iter().map(|v| word(v)).collect(),
        SettingValue::FromEnv(var) => match env_value(var) {
            Some(text) => vec![word(&text)],
            None => {
                return Err(Error::usage(format!(
                    "{origin}: secret_env names {var}, which is not set; export it, or pass --secret"
                )));
            }
        },
    })
}

/// Every value the command line `argv` ends up with, and where it came from: for `whk config`.
pub fn resolved(argv: &[OsString], project: Option<&Project>) -> Result<Vec<Resolved>> {
    let layered = match project {
        Some(project) => layer(argv, project, false)?,
        None => Layered {
            matches: Cli::command()
                .try_get_matches_from(argv)
                .map_err(|err| Error::usage(super::one_line(&err)))?,
            injected: Vec::new(),
            unset: Vec::new(),
        },
    };
    let mut command = Cli::command();
    command.build();
    let Some((name, matches)) = layered.matches.subcommand() else {
        return Ok(Vec::new());
    };
    let sub = command.find_subcommand(name).expect("parsed subcommand");
    let mut values = Vec::new();
    for arg in sub.get_arguments() {
        let id = arg.get_id().as_str();
        let (Some(source), Some(raw)) = (matches.value_source(id), matches.get_raw(id)) else {
            continue;
        };
        let is_switch = !arg.get_num_args().is_some_and(|n| n.takes_values());
        if source == ValueSource::DefaultValue && is_switch {
            continue;
        }
        let texts: Vec<String> = raw.map(|v| v.to_string_lossy().into_owned()).collect();
        let value = match id {
            "secret" => Secret::new(texts.join(",")).hint(),
            _ => texts.join(","),
        };
        let injected = layered
            .injected
            .iter()
            .find(|i| i.long == arg.get_long().unwrap_or(""));
        let source = match (source, injected) {
            (ValueSource::CommandLine, Some(i)) => i.origin.clone(),
            (ValueSource::CommandLine, None) => "flag".to_string(),
            (ValueSource::EnvVariable, _) => format!(
                "env {}",
                arg.get_env()
                    .map(|e| e.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ),
            _ => "default".to_string(),
        };
        let key = arg.get_long().unwrap_or(id).to_string();
        values.push(Resolved { key, value, source });
    }
    values.extend(layered.unset);
    Ok(values)
}
