//! `whk.toml`: the project file. Found by walking up from the working directory (or named by
//! `--config`/`WHK_CONFIG`), it holds defaults for flags (top level for every command, or in a
//! `[send]`, `[listen]`… table for one), named endpoints (`[endpoints.NAME]`, used by
//! `whk send --to NAME`) and listen routes (`[[routes]]`: event glob → forward URL, scheme,
//! secret, exec). This module reads the file and keeps each value's line so that errors name
//! the file, the line and the key; which keys are flags is the command line's business.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::{Error, Result};

/// The file name looked for.
pub const FILE_NAME: &str = "whk.toml";

/// Keys whose values are paths: relative ones are taken from the file's directory.
const PATH_KEYS: &[&str] = &[
    "secret_file",
    "save",
    "cacert",
    "cert",
    "key",
    "tls_cert_out",
    "schemas",
    "schema_dir",
];

/// The keys of a `[[routes]]` table, and the name each is known by in errors.
const ROUTE_KEYS: &[(&str, &str)] = &[
    ("events", "events"),
    ("event", "events"),
    ("forward_to", "forward_to"),
    ("scheme", "scheme"),
    ("exec", "exec"),
    ("secret", "secret"),
    ("secret_env", "secret"),
    ("secret_file", "secret"),
];

/// Tables of flag defaults for one command.
pub const COMMAND_TABLES: &[&str] = &[
    "send", "sign", "verify", "listen", "replay", "demo", "check", "events",
];

/// A loaded whk.toml.
#[derive(Clone, Debug, Default)]
pub struct Project {
    pub path: PathBuf,
    /// Flag defaults, in file order.
    pub settings: Vec<Setting>,
    pub endpoints: BTreeMap<String, Vec<Setting>>,
    pub routes: Vec<Route>,
    /// Said once on stderr (an inline secret).
    pub warnings: Vec<String>,
}

/// One flag default.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    /// The command table it is in (`None` at the top level or in an endpoint).
    pub command: Option<String>,
    /// The flag's long name with `_` for `-` (`secret_env` already turned into `secret`).
    pub key: String,
    pub value: SettingValue,
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SettingValue {
    Text(String),
    Switch(bool),
    List(Vec<String>),
    /// The value of this environment variable (`secret_env = NAME`), read when used.
    FromEnv(String),
}

/// Where a route's secret comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum SecretSource {
    Inline(String),
    Env(String),
    File(PathBuf),
}

/// A listen route: deliveries whose event matches `events` go to `forward_to`, are verified
/// with `scheme` and `secret`, and run `exec`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Route {
    pub events: String,
    pub forward_to: Option<String>,
    pub scheme: Option<String>,
    pub secret: Option<SecretSource>,
    pub exec: Option<String>,
    /// The line of its `[[routes]]` header.
    pub line: usize,
    /// The line of each key given: `events`, `forward_to`, `scheme`, `exec` and `secret`
    /// (for whichever of `secret`, `secret_env`, `secret_file` it was).
    pub key_lines: Vec<(&'static str, usize)>,
}

impl Route {
    pub fn matches(&self, event: &str) -> bool {
        glob_matches(&self.events, event)
    }

    /// The line of `key`, or of the route's header when the key was not given.
    pub fn line_of(&self, key: &str) -> usize {
        self.key_lines
            .iter()
            .find(|(known, _)| *known == key)
            .map_or(self.line, |(_, line)| *line)
    }
}

/// `*` matches any run of characters (dots included); everything else matches itself.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let Some((first, rest)) = pattern.split_once('*') else {
        return pattern == text;
    };
    let Some(mut remaining) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = rest.split('*').collect();
    let (last, middle) = parts.split_last().expect("split yields one part at least");
    for part in middle {
        match remaining.find(part) {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    remaining.len() >= last.len() && remaining.ends_with(last)
}

/// The file to use: `explicit` (from --config or WHK_CONFIG), else the first whk.toml in
/// `start` or a directory above it.
pub fn locate(explicit: Option<&Path>, start: &Path) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_path_buf());
    }
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

impl Project {
    /// Reads and checks a whk.toml.
    pub fn load(path: &Path) -> Result<Project> {
        let text = std::fs::read_to_string(path).map_err(|err| {
            Error::usage(format!(
                "cannot read the config file {}: {err}",
                path.display()
            ))
        })?;
        Project::parse(path, &text)
    }

    /// Parses the text of a whk.toml found at `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Project> {
        let file = FileText { path, text };
        let table = DeTable::parse(text).map_err(|err| {
            let line = err.span().map_or(1, |span| file.line(span.start));
            file.error(line, err.message().trim())
        })?;
        let mut project = Project {
            path: path.to_path_buf(),
            ..Project::default()
        };
        for (key, value) in table.get_ref() {
            project.add_top_level(&file, key, value)?;
        }
        project.settings.sort_by_key(|s| s.line);
        project.routes.sort_by_key(|r| r.line);
        Ok(project)
    }

    fn add_top_level(
        &mut self,
        file: &FileText,
        key: &Spanned<std::borrow::Cow<str>>,
        value: &Spanned<DeValue>,
    ) -> Result<()> {
        let name = key.get_ref().as_ref();
        let line = file.line(key.span().start);
        match (name, value.get_ref()) {
            ("endpoints", DeValue::Table(endpoints)) => {
                for (endpoint, settings) in endpoints {
                    let DeValue::Table(settings) = settings.get_ref() else {
                        let line = file.line(endpoint.span().start);
                        return Err(file.error(line, "endpoints: each endpoint is a table, e.g. [endpoints.staging] with url = \"https://…\""));
                    };
                    let list = self.settings_of(file, None, settings)?;
                    self.endpoints.insert(endpoint.get_ref().to_string(), list);
                }
                Ok(())
            }
            ("routes", DeValue::Array(routes)) => {
                for route in routes.iter() {
                    let route = file.route(route)?;
                    self.routes.push(route);
                }
                Ok(())
            }
            ("endpoints" | "routes", _) => Err(file.error(
                line,
                &format!("{name}: see `whk init` for the form of {name}"),
            )),
            (command, DeValue::Table(settings)) if COMMAND_TABLES.contains(&command) => {
                let list = self.settings_of(file, Some(command), settings)?;
                self.settings.extend(list);
                Ok(())
            }
            (_, DeValue::Table(_)) => Err(file.error(
                line,
                &format!(
                    "unknown table [{name}]; use [endpoints.NAME], [[routes]] or a command: {}",
                    COMMAND_TABLES.join(", ")
                ),
            )),
            _ => {
                let setting = self.setting(file, None, key, value)?;
                self.settings.push(setting);
                Ok(())
            }
        }
    }

    fn settings_of(
        &mut self,
        file: &FileText,
        command: Option<&str>,
        table: &DeTable,
    ) -> Result<Vec<Setting>> {
        table
            .iter()
            .map(|(key, value)| self.setting(file, command, key, value))
            .collect()
    }

    /// One `key = value` line as a flag default.
    fn setting(
        &mut self,
        file: &FileText,
        command: Option<&str>,
        key: &Spanned<std::borrow::Cow<str>>,
        value: &Spanned<DeValue>,
    ) -> Result<Setting> {
        let line = file.line(key.span().start);
        let name = key.get_ref().replace('-', "_");
        let value = file.setting_value(&name, value.get_ref(), line)?;
        let (key, value) = match (name.as_str(), value) {
            ("secret_env", SettingValue::Text(var)) => {
                ("secret".to_string(), SettingValue::FromEnv(var))
            }
            ("secret", value) => {
                self.warnings.push(format!(
                    "{}:{line}: secret is written inline; anyone who can read the file has it — prefer secret_env = \"NAME\" or secret_file = \"path\"",
                    file.path.display()
                ));
                (name, value)
            }
            (_, value) => (name, value),
        };
        Ok(Setting {
            command: command.map(str::to_string),
            key,
            value,
            line,
        })
    }
}

/// The file's text, for line numbers and errors.
struct FileText<'a> {
    path: &'a Path,
    text: &'a str,
}

impl FileText<'_> {
    fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    fn error(&self, line: usize, message: &str) -> Error {
        Error::usage(format!("{}:{line}: {message}", self.path.display()))
    }

    fn relative(&self, value: &str) -> String {
        let dir = self.path.parent().unwrap_or(Path::new(""));
        dir.join(value).to_string_lossy().into_owned()
    }

    fn setting_value(&self, key: &str, value: &DeValue, line: usize) -> Result<SettingValue> {
        let scalar = |value: &DeValue| -> Option<String> {
            match value {
                DeValue::String(s) => Some(s.to_string()),
                DeValue::Integer(n) => Some(n.as_str().to_string()),
                DeValue::Float(f) => Some(f.as_str().to_string()),
                _ => None,
            }
        };
        let path_key = PATH_KEYS.contains(&key);
        let text = |s: String| if path_key { self.relative(&s) } else { s };
        match value {
            DeValue::Boolean(b) => Ok(SettingValue::Switch(*b)),
            DeValue::Array(items) => items
                .iter()
                .map(|item| scalar(item.get_ref()))
                .collect::<Option<Vec<String>>>()
                .map(SettingValue::List)
                .ok_or_else(|| {
                    self.error(line, &format!("{key}: a list holds strings or numbers"))
                }),
            other => scalar(other)
                .map(|s| SettingValue::Text(text(s)))
                .ok_or_else(|| {
                    self.error(
                        line,
                        &format!("{key}: expected a string, number, true/false or a list"),
                    )
                }),
        }
    }

    fn text_of(&self, key: &str, value: &Spanned<DeValue>) -> Result<String> {
        match value.get_ref() {
            DeValue::String(s) => Ok(s.to_string()),
            _ => Err(self.error(
                self.line(value.span().start),
                &format!("{key}: expected a string"),
            )),
        }
    }

    /// One `[[routes]]` table.
    fn route(&self, value: &Spanned<DeValue>) -> Result<Route> {
        let line = self.line(value.span().start);
        let DeValue::Table(table) = value.get_ref() else {
            return Err(self.error(line, "routes: write each route as a [[routes]] table"));
        };
        let mut route = Route {
            line,
            ..Route::default()
        };
        for (key, value) in table {
            let name = key.get_ref().replace('-', "_");
            let text = self.text_of(&name, value)?;
            let key_line = self.line(key.span().start);
            let secret = |source| {
                if route.secret.is_some() {
                    return Err(self.error(key_line, "routes: give one of secret_env, secret_file"));
                }
                Ok(Some(source))
            };
            if let Some((_, key)) = ROUTE_KEYS.iter().find(|(given, _)| *given == name) {
                route.key_lines.push((key, key_line));
            }
            match name.as_str() {
                "events" | "event" => route.events = text,
                "forward_to" => route.forward_to = Some(text),
                "scheme" => route.scheme = Some(text),
                "exec" => route.exec = Some(text),
                "secret_env" => route.secret = secret(SecretSource::Env(text))?,
                "secret_file" => {
                    route.secret = secret(SecretSource::File(self.relative(&text).into()))?
                }
                "secret" => route.secret = secret(SecretSource::Inline(text))?,
                other => {
                    return Err(self.error(
                        key_line,
                        &format!("routes: unknown key '{other}'; a route has events, forward_to, scheme, secret_env, secret_file and exec"),
                    ));
                }
            }
        }
        if route.events.is_empty() {
            return Err(self.error(
                line,
                "routes: a route needs events = \"GLOB\", e.g. events = \"link.*\"",
            ));
        }
        Ok(route)
    }
}

/// The file `whk init` writes.
pub const STARTER: &str = r#"# whk.toml: project settings for whk (https://github.com/…/whk).
# Precedence: a flag beats an environment variable (WHK_URL, WHK_SECRET…), which beats
# this file, which beats whk's defaults. `whk config` shows each value and where it came from.

# Defaults for every command that has the flag (the flag's long name, with _ or -).
# A name that means different things to different commands (timeout) belongs in a table.
# url = "http://127.0.0.1:3000/webhooks"
# scheme = "georedir"
# The secret: from an environment variable or a file, never written here.
# secret_env = 'WHK_PROJECT_SECRET'
# secret_file = ".whk-secret"

# Defaults for one command only.
[listen]
# port = 3001
# save = "deliveries.jsonl"
# reject_invalid = true

[send]
# retries = 3

# Named endpoints: `whk send click --to staging`.
# [endpoints.staging]
# url = "https://staging.example.test/webhooks"
# secret_env = 'STAGING_WEBHOOK_SECRET'

# Listen routes: deliveries whose event matches `events` (* matches anything) are
# forwarded to their own URL, verified with their own scheme and secret, and may run a
# command. The first matching route wins; other deliveries get listen's usual answer.
# [[routes]]
# events = "link.*"
# forward_to = "http://127.0.0.1:8081/links"
# scheme = "relurl"
# secret_env = 'RELURL_SECRET'
# exec = "./on-link.sh"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_event_names() {
        assert!(glob_matches("link.*", "link.created"));
        assert!(glob_matches("*", "click"));
        assert!(glob_matches("click", "click"));
        assert!(!glob_matches("click", "clicks"));
        assert!(!glob_matches("link.*", "alert.triggered"));
        assert!(glob_matches("*.triggered", "alert.triggered"));
        assert!(glob_matches("a*b*c", "axxbyyc"));
        assert!(!glob_matches("a*b*c", "axxcyyb"));
        assert!(!glob_matches("ab*ba", "aba"));
    }

    #[test]
    fn settings_keep_their_lines_and_tables() {
        let text = "url = \"http://x\"\n\n[listen]\nport = 9000\nevents = [\"click\"]\nsecret_env = \"S\"\n";
        let project = Project::parse(Path::new("/p/whk.toml"), text).unwrap();
        assert_eq!(project.settings[0].key, "url");
        assert_eq!(project.settings[0].line, 1);
        let port = &project.settings[1];
        assert_eq!((port.command.as_deref(), port.line), (Some("listen"), 4));
        assert_eq!(port.value, SettingValue::Text("9000".into()));
        assert_eq!(project.settings[3].value, SettingValue::FromEnv("S".into()));
        assert!(project.warnings.is_empty());
    }

    #[test]
    fn paths_are_relative_to_the_file_and_routes_parse() {
        let text = "secret_file = \"s.txt\"\n[[routes]]\nevents = \"link.*\"\nforward_to = \"http://a\"\nsecret_env = \"R\"\n";
        let project = Project::parse(Path::new("/p/whk.toml"), text).unwrap();
        assert_eq!(
            project.settings[0].value,
            SettingValue::Text("/p/s.txt".into())
        );
        assert_eq!(project.routes[0].events, "link.*");
        assert_eq!(project.routes[0].line, 2, "the [[routes]] line");
        assert_eq!(
            project.routes[0].secret,
            Some(SecretSource::Env("R".into()))
        );
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let err = Project::parse(Path::new("whk.toml"), "url = \"a\"\nport = \n").unwrap_err();
        assert!(err.to_string().starts_with("whk.toml:2:"), "{err}");
        let err = Project::parse(Path::new("whk.toml"), "\n[lisen]\nport = 1\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("whk.toml:2: unknown table [lisen]"),
            "{err}"
        );
        let err =
            Project::parse(Path::new("whk.toml"), "[[routes]]\nforward = \"x\"\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("whk.toml:2: routes: unknown key 'forward'"),
            "{err}"
        );
    }

    #[test]
    fn the_starter_file_parses() {
        Project::parse(Path::new("whk.toml"), STARTER).unwrap();
    }
}
