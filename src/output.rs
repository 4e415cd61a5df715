//! The one colour decision, and the printer that chooses between human text and JSON Lines.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use colored::Colorize;
use serde_json::Value;

use crate::cli::{ColorChoice, GlobalArgs};
use crate::error::Result;
use crate::scheme::Header;

/// Decides once whether stdout gets colour: `--json` and `never` turn it off, `always` on;
/// `auto` follows CLICOLOR_FORCE, then NO_COLOR and TERM=dumb, then whether stdout is a terminal.
pub fn use_color(choice: ColorChoice, json: bool, env: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    match choice {
        _ if json => false,
        ColorChoice::Never => false,
        ColorChoice::Always => true,
        ColorChoice::Auto if env("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") => {
            true
        }
        ColorChoice::Auto if set("NO_COLOR") => false,
        ColorChoice::Auto if env("TERM").as_deref() == Some("dumb") => false,
        ColorChoice::Auto => std::io::stdout().is_terminal(),
    }
}

/// Where every command's results and diagnostics go.
#[derive(Clone, Copy, Debug)]
pub struct Printer {
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
    pub color: bool,
}

impl Printer {
    pub fn from_args(args: &GlobalArgs) -> Self {
        let color = use_color(args.color, args.json, |name| std::env::var(name).ok());
        colored::control::set_override(color);
        Printer {
            json: args.json,
            quiet: args.quiet,
            verbose: args.verbose,
            color,
        }
    }

    /// One result line on stdout.
    pub fn line(&self, text: &str) -> Result<()> {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{text}")?;
        Ok(())
    }

    /// One JSON object on one stdout line.
    pub fn json_line(&self, value: &Value) -> Result<()> {
        self.line(&value.to_string())
    }

    /// A progress or context note on stderr, silenced by `-q` and `--json`.
    pub fn note(&self, text: &str) {
        if !self.quiet && !self.json {
            eprintln!("{text}");
        }
    }

    /// A warning on stderr; `-q` silences it, `--json` does not (stdout stays clean either way).
    pub fn warn(&self, text: &str) {
        if !self.quiet {
            eprintln!("{} {text}", "warning:".yellow().bold());
        }
    }
}

/// JSON for a terminal: pretty, with keys, strings and numbers coloured when colour is on.
pub fn pretty_json(value: &Value, color: bool) -> String {
    let text = serde_json::to_string_pretty(value).expect("a Value always serialises");
    if !color {
        return text;
    }
    text.lines()
        .map(color_json_line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Colours one line of pretty-printed JSON: `"key": value`.
fn color_json_line(line: &str) -> String {
    let indent_len = line.len() - line.trim_start().len();
    let (indent, rest) = line.split_at(indent_len);
    match rest.split_once("\": ") {
        Some((key, value)) if rest.starts_with('"') => {
            format!(
                "{indent}{}: {}",
                format!("{key}\"").blue().bold(),
                color_scalar(value)
            )
        }
        _ => format!("{indent}{}", color_scalar(rest)),
    }
}

fn color_scalar(text: &str) -> String {
    let core = text.trim_end_matches(',');
    let comma = &text[core.len()..];
    let painted = match core {
        "true" | "false" | "null" => core.magenta().to_string(),
        _ if core.starts_with('"') => core.green().to_string(),
        _ if core.starts_with(|c: char| c == '-' || c.is_ascii_digit()) => core.cyan().to_string(),
        _ => core.to_string(),
    };
    format!("{painted}{comma}")
}

/// Latency for people: 0.8 ms, 12 ms, 1.24 s.
pub fn format_latency(latency: Duration) -> String {
    let ms = latency.as_secs_f64() * 1000.0;
    match ms {
        ms if ms < 10.0 => format!("{ms:.1} ms"),
        ms if ms < 1000.0 => format!("{ms:.0} ms"),
        ms => format!("{:.2} s", ms / 1000.0),
    }
}

/// Latency for JSON: milliseconds rounded to the microsecond.
pub fn latency_ms(latency: Duration) -> f64 {
    (latency.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// Headers as a JSON object, in their order.
pub fn headers_json(headers: &[Header]) -> Value {
    Value::Object(
        headers
            .iter()
            .map(|(n, v)| (n.clone(), Value::from(v.as_str())))
            .collect(),
    )
}

/// Shortens text to `max` characters for one-line display, saying how much was left out.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.replace(['\r', '\n'], " ");
    let count = text.chars().count();
    if count <= max {
        return text;
    }
    let kept: String = text.chars().take(max).collect();
    format!("{kept}… ({} more characters)", count - max)
}

/// Makes text safe for a terminal: control characters, escape sequences and bidi controls
/// are shown escaped.
pub fn escape_controls(text: &str) -> String {
    let mut safe = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' => safe.push(c),
            c if c.is_control() || is_bidi_control(c) => safe.extend(c.escape_default()),
            c => safe.push(c),
        }
    }
    safe
}

/// The invisible characters that reorder how text is displayed (the "Trojan Source" ones):
/// marks, embeddings, overrides and isolates. Not `char::is_control`, so checked apart.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn colour_decision_follows_flags_and_environment() {
        assert!(
            !use_color(ColorChoice::Always, true, env_of(&[])),
            "--json wins"
        );
        assert!(use_color(
            ColorChoice::Always,
            false,
            env_of(&[("NO_COLOR", "1")])
        ));
        assert!(!use_color(
            ColorChoice::Never,
            false,
            env_of(&[("CLICOLOR_FORCE", "1")])
        ));
        assert!(use_color(
            ColorChoice::Auto,
            false,
            env_of(&[("CLICOLOR_FORCE", "1")])
        ));
        assert!(!use_color(
            ColorChoice::Auto,
            false,
            env_of(&[("NO_COLOR", "1")])
        ));
        assert!(!use_color(
            ColorChoice::Auto,
            false,
            env_of(&[("TERM", "dumb")])
        ));
    }

    #[test]
    fn shorten_counts_what_it_leaves_out() {
        assert_eq!(shorten("hello", 10), "hello");
        assert_eq!(shorten("hello world", 5), "hello… (6 more characters)");
        assert_eq!(shorten("two\nlines", 20), "two lines");
    }

    #[test]
    fn escape_controls_neutralises_ansi() {
        assert_eq!(
            escape_controls("a\u{1b}[31mred\u{7}"),
            "a\\u{1b}[31mred\\u{7}"
        );
        assert_eq!(escape_controls("line\nnext"), "line\nnext");
        assert_eq!(
            escape_controls("abc\u{202e}fed \u{2066}x\u{2069} \u{200f}"),
            "abc\\u{202e}fed \\u{2066}x\\u{2069} \\u{200f}"
        );
        assert_eq!(escape_controls("café ✓"), "café ✓");
    }

    #[test]
    fn pretty_json_without_colour_is_serde_pretty() {
        let value = serde_json::json!({"a": 1, "b": [true]});
        assert_eq!(
            pretty_json(&value, false),
            serde_json::to_string_pretty(&value).unwrap()
        );
        colored::control::set_override(true);
        assert!(pretty_json(&value, true).contains('\u{1b}'));
    }
}
