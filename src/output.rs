//! The one colour decision, and the printer that chooses between human text and JSON Lines.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use colored::Colorize;
use serde_json::Value;

use crate::choice::Choice;
use crate::error::Result;
use crate::scheme::Header;

/// `--color`: when to colour the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl Choice for ColorChoice {
    const ALL: &'static [Self] = &[ColorChoice::Auto, ColorChoice::Always, ColorChoice::Never];

    fn name(self) -> &'static str {
        match self {
            ColorChoice::Auto => "auto",
            ColorChoice::Always => "always",
            ColorChoice::Never => "never",
        }
    }

    fn help(self) -> Option<&'static str> {
        None
    }
}

/// Decides whether a stream gets colour: `--json` (for stdout) and `never` turn it off,
/// `always` on; `auto` follows CLICOLOR_FORCE, then NO_COLOR and TERM=dumb, then whether the
/// stream is a terminal.
pub fn use_color(
    choice: ColorChoice,
    json: bool,
    env: impl Fn(&str) -> Option<String>,
    is_terminal: bool,
) -> bool {
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
        ColorChoice::Auto => is_terminal,
    }
}

/// Where every command's results and diagnostics go.
#[derive(Clone, Copy, Debug)]
pub struct Printer {
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
    /// Colour on stdout (results).
    pub color: bool,
    /// Colour on stderr (warnings), decided for stderr itself.
    pub color_stderr: bool,
}

impl Printer {
    /// The printer for the global flags; decides colour once, for the whole process.
    pub fn new(json: bool, quiet: bool, verbose: u8, color: ColorChoice) -> Self {
        let env = |name: &str| std::env::var(name).ok();
        let color_stderr = use_color(color, false, env, std::io::stderr().is_terminal());
        let color = use_color(color, json, env, std::io::stdout().is_terminal());
        colored::control::set_override(color);
        Printer {
            json,
            quiet,
            verbose,
            color,
            color_stderr,
        }
    }

    /// One result line on stdout.
    pub fn line(&self, text: &str) -> Result<()> {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{text}")?;
        Ok(())
    }

    /// One JSON value on one stdout line (a payload, not a record: records go through `emit`).
    pub fn json_line(&self, value: &Value) -> Result<()> {
        self.line(&value.to_string())
    }

    /// A result on stdout: its JSON line with `--json`, else its text for people.
    pub fn emit(&self, record: &impl Render) -> Result<()> {
        self.emit_to(&mut std::io::stdout().lock(), record)
    }

    /// `emit` into a writer of the caller's (a buffered stdout, a batch).
    pub fn emit_to(&self, writer: &mut impl Write, record: &impl Render) -> Result<()> {
        if self.json {
            writeln!(writer, "{}", record.to_line())?;
        } else {
            record.write_human(writer, *self)?;
        }
        Ok(())
    }

    /// A progress or context note on stderr, silenced by `-q` and `--json`.
    pub fn note(&self, text: &str) {
        if !self.quiet && !self.json {
            to_stderr(text);
        }
    }

    /// A warning on stderr; `-q` silences it, `--json` does not (stdout stays clean either way).
    pub fn warn(&self, text: &str) {
        if !self.quiet {
            // Not through `colored`, whose one switch follows stdout.
            let label = if self.color_stderr {
                "\u{1b}[1;33mwarning:\u{1b}[0m"
            } else {
                "warning:"
            };
            to_stderr(&format!("{label} {text}"));
        }
    }
}

/// One line on stderr. The closed-pipe policy: a closed stdout ends a command quietly with
/// exit 0 (`Error::BrokenPipe`), and a closed stderr is never a reason to stop or panic, so
/// what stderr could not take is dropped.
pub fn to_stderr(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// A struct printed as one JSON line, tagged with its `type` (the structs are in `records`).
pub trait Record: serde::Serialize + Sized {
    const TYPE: &'static str;

    /// The record as one JSON line (without the newline).
    fn to_line(&self) -> String {
        #[derive(serde::Serialize)]
        struct Tagged<'a, T> {
            #[serde(rename = "type")]
            kind: &'static str,
            #[serde(flatten)]
            record: &'a T,
        }
        serde_json::to_string(&Tagged {
            kind: Self::TYPE,
            record: self,
        })
        .expect("records always serialise")
    }
}

/// A record that people read too: the one human renderer for its `type`.
pub trait Render: Record {
    /// Writes the record as text (lines ending in newlines; nothing at all is fine).
    fn write_human(&self, writer: &mut dyn Write, out: Printer) -> std::io::Result<()>;
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
/// A count with thousands separators: 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

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

/// Whether a terminal would act on `c` or hide it, so that it must not be printed raw from
/// received or captured data: C0 controls (tab and newline included), DEL and C1 controls
/// (general category Cc); the bidirectional embeddings, overrides, isolates and marks
/// (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), which reorder what follows; and
/// the zero-width characters (U+200B–U+200D, U+2060, U+FEFF), which hide in plain sight.
pub fn is_terminal_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

/// Makes multi-line text (a body) safe for a terminal: every character
/// [`is_terminal_unsafe`] reports is shown escaped, `\r` as `\r` and the rest as `\u{…}`
/// (lowercase hex), except newline and tab, which stay as they are.
pub fn escape_controls(text: &str) -> String {
    escape_unsafe(text, true)
}

/// Makes a one-line field (a header name or value, an event name, a path, a reason, a file
/// name) safe for a terminal: like [`escape_controls`], and newline and tab are escaped
/// too, as `\n` and `\t`, so the field cannot break or pad the line it is printed in.
pub fn escape_line(text: &str) -> String {
    escape_unsafe(text, false)
}

fn escape_unsafe(text: &str, keep_newline_and_tab: bool) -> String {
    let kept = |c: char| keep_newline_and_tab && (c == '\n' || c == '\t');
    if !text.chars().any(|c| is_terminal_unsafe(c) && !kept(c)) {
        return text.to_string();
    }
    let mut safe = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            c if kept(c) || !is_terminal_unsafe(c) => safe.push(c),
            '\n' => safe.push_str("\\n"),
            '\t' => safe.push_str("\\t"),
            '\r' => safe.push_str("\\r"),
            c => safe.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        }
    }
    safe
}

/// A hex dump of the first `shown` bytes, `offset  hex bytes  ascii` per 16, and how many
/// more there are.
pub fn hex_dump(body: &[u8], shown: usize) -> String {
    let mut lines: Vec<String> = body[..body.len().min(shown)]
        .chunks(16)
        .enumerate()
        .map(|(i, chunk)| {
            let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
            let ascii: String = chunk
                .iter()
                .map(|&b| {
                    if b.is_ascii_graphic() || b == b' ' {
                        char::from(b)
                    } else {
                        '.'
                    }
                })
                .collect();
            format!("{:08x}  {:<47}  {ascii}", i * 16, hex.join(" "))
        })
        .collect();
    if body.len() > shown {
        lines.push(format!("… {} more bytes", body.len() - shown));
    }
    lines.join("\n")
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
    fn each_stream_decides_for_itself_under_auto() {
        assert!(use_color(ColorChoice::Auto, false, env_of(&[]), true));
        assert!(
            !use_color(ColorChoice::Auto, false, env_of(&[]), false),
            "a redirected stream gets no colour"
        );
        assert!(use_color(ColorChoice::Always, false, env_of(&[]), false));
    }

    #[test]
    fn colour_decision_follows_flags_and_environment() {
        assert!(
            !use_color(ColorChoice::Always, true, env_of(&[]), true),
            "--json wins"
        );
        assert!(use_color(
            ColorChoice::Always,
            false,
            env_of(&[("NO_COLOR", "1")]),
            true
        ));
        assert!(!use_color(
            ColorChoice::Never,
            false,
            env_of(&[("CLICOLOR_FORCE", "1")]),
            true
        ));
        assert!(use_color(
            ColorChoice::Auto,
            false,
            env_of(&[("CLICOLOR_FORCE", "1")]),
            true
        ));
        assert!(!use_color(
            ColorChoice::Auto,
            false,
            env_of(&[("NO_COLOR", "1")]),
            true
        ));
        assert!(!use_color(
            ColorChoice::Auto,
            false,
            env_of(&[("TERM", "dumb")]),
            true
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
        assert_eq!(escape_controls("line\nnext\tcol"), "line\nnext\tcol");
        assert_eq!(escape_controls("cr\r\0"), "cr\\r\\u{0}");
    }

    #[test]
    fn escape_controls_covers_del_and_c1() {
        assert_eq!(escape_controls("del\u{7f}"), "del\\u{7f}");
        // U+009B is CSI on 8-bit terminals; U+0085 is NEL, a line break to some.
        assert_eq!(
            escape_controls("\u{80}\u{85}\u{9b}31m\u{9f}"),
            "\\u{80}\\u{85}\\u{9b}31m\\u{9f}"
        );
        // Just outside the C1 range: printable and kept.
        assert_eq!(escape_controls("\u{a0}é"), "\u{a0}é");
    }

    #[test]
    fn escape_controls_covers_bidi_controls() {
        let bidi = [
            '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{061c}',
        ];
        for c in bidi {
            let text = format!("a{c}b");
            assert_eq!(
                escape_controls(&text),
                format!("a\\u{{{:x}}}b", u32::from(c)),
                "U+{:04X}",
                u32::from(c)
            );
        }
        assert_eq!(
            escape_controls("invoice\u{202e}fdp.exe"),
            "invoice\\u{202e}fdp.exe"
        );
        // Neighbours that are not bidi controls stay.
        assert_eq!(escape_controls("\u{2029}\u{206a}"), "\u{2029}\u{206a}");
    }

    #[test]
    fn escape_controls_covers_zero_width_characters() {
        for c in ['\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}'] {
            assert_eq!(
                escape_controls(&format!("x{c}y")),
                format!("x\\u{{{:x}}}y", u32::from(c)),
                "U+{:04X}",
                u32::from(c)
            );
        }
        assert_eq!(escape_controls("\u{feff}{}"), "\\u{feff}{}");
    }

    #[test]
    fn escape_line_also_escapes_newline_and_tab() {
        assert_eq!(escape_line("a\nb\tc\r"), "a\\nb\\tc\\r");
        assert_eq!(
            escape_line("X-Signature\u{1b}]52;c;aGk=\u{7}\u{1b}[2J"),
            "X-Signature\\u{1b}]52;c;aGk=\\u{7}\\u{1b}[2J"
        );
        assert_eq!(
            escape_line("\u{85}\u{202e}\u{200b}"),
            "\\u{85}\\u{202e}\\u{200b}"
        );
        assert_eq!(
            escape_line("link.clicked · Zürich"),
            "link.clicked · Zürich"
        );
        for text in ["a\u{1b}b\n", "\u{2066}x\u{2069}\t", "\u{9b}"] {
            let escaped = escape_line(text);
            assert!(!escaped.contains(is_terminal_unsafe), "{escaped:?}");
        }
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
