//! curl commands that send a request again: typed, so the quoting and the body form are
//! decided in one place (xh's `to_curl` is the model).

use crate::scheme::Header;

/// How the body goes on curl's command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CurlBody {
    /// Inline text, sent byte for byte (`--data-raw`: unlike `--data-binary`, a body that
    /// starts with `@` is not read as a file name).
    Inline(String),
    /// The contents of a file (`--data-binary @FILE`), for bodies that are not text.
    File(String),
    /// Bytes a shell string cannot hold (NUL, invalid UTF-8): written by `printf` with octal
    /// escapes and piped in (`--data-binary @-`).
    Bytes(Vec<u8>),
}

/// `curl -sS -X METHOD URL -H … BODY`, one argument per line.
#[derive(Clone, Debug)]
pub struct CurlCommand {
    method: String,
    url: String,
    headers: Vec<Header>,
    body: CurlBody,
}

impl CurlCommand {
    pub fn post(url: &str, headers: &[Header], body: CurlBody) -> Self {
        CurlCommand::new("POST", url, headers, body)
    }

    /// A request as it was captured: its own method, and no body argument for an empty
    /// body (a GET with `--data` would turn into a POST).
    pub fn new(method: &str, url: &str, headers: &[Header], body: CurlBody) -> Self {
        CurlCommand {
            method: method.to_string(),
            url: url.to_string(),
            headers: headers.to_vec(),
            body,
        }
    }

    fn method_argument(&self) -> String {
        match self.method.as_str() {
            // A capture from elsewhere (a HAR file) may name none.
            "" => "-X POST".to_string(),
            // curl -X HEAD waits for a body that never comes; --head does not.
            "HEAD" => "--head".to_string(),
            method if method.bytes().all(|b| b.is_ascii_alphanumeric()) => format!("-X {method}"),
            // A method is a token, which may hold `'`, `$`, `&`…: quoted like everything else.
            method => format!("-X {}", shell_quote(method)),
        }
    }

    /// The command for a POSIX shell.
    pub fn render(&self) -> String {
        let pipe = match &self.body {
            CurlBody::Bytes(bytes) if self.method != "HEAD" => {
                format!("printf '{}' | ", printf_escaped(bytes))
            }
            _ => String::new(),
        };
        let mut parts = vec![format!(
            "{pipe}curl -sS {} {}",
            self.method_argument(),
            shell_quote(&self.url)
        )];
        parts.extend(
            self.headers
                .iter()
                .map(|(name, value)| format!("-H {}", shell_quote(&format!("{name}: {value}")))),
        );
        parts.extend(match &self.body {
            // curl refuses --head with a body (two methods).
            _ if self.method == "HEAD" => None,
            CurlBody::Inline(text) if text.is_empty() && !matches!(&*self.method, "POST" | "") => {
                None
            }
            CurlBody::Inline(text) => Some(format!("--data-raw {}", shell_quote(text))),
            CurlBody::File(path) => Some(format!("--data-binary @{}", shell_quote(path))),
            CurlBody::Bytes(_) => Some("--data-binary @-".to_string()),
        });
        parts.join(" \\\n  ")
    }
}

/// `bytes` as a printf format inside single quotes: printable ASCII as it is, everything else
/// (and `%`, backslash, quote) as a three-digit octal escape, which POSIX printf turns back
/// into the byte.
fn printf_escaped(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            b' '..=b'~' if !matches!(b, b'%' | b'\\' | b'\'') => char::from(b).to_string(),
            _ => format!("\\{b:03o}"),
        })
        .collect()
}

/// Quotes text for a POSIX shell: single quotes, with `'` written as `'\''`.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_has_one_argument_per_line_and_quotes_everything() {
        let command = CurlCommand::post(
            "http://127.0.0.1:3001/hook?a=1&b=2",
            &[("X-Sig".into(), "it's".into())],
            CurlBody::Inline(r#"{"note":"O'Brien $HOME `x`"}"#.into()),
        );
        assert_eq!(
            command.render(),
            "curl -sS -X POST 'http://127.0.0.1:3001/hook?a=1&b=2' \\\n  -H 'X-Sig: it'\\''s' \\\n  --data-raw '{\"note\":\"O'\\''Brien $HOME `x`\"}'"
        );
    }

    #[test]
    fn bytes_are_piped_in_through_printf_octal_escapes() {
        let command = CurlCommand::post(
            "http://h/",
            &[],
            CurlBody::Bytes(b"a\0b%\\'\xff\n".to_vec()),
        );
        assert_eq!(
            command.render(),
            "printf 'a\\000b\\045\\134\\047\\377\\012' | curl -sS -X POST 'http://h/' \\\n  --data-binary @-"
        );
    }

    #[test]
    fn a_captured_method_is_kept_and_quoted_when_it_needs_to_be() {
        let get = CurlCommand::new("GET", "http://h/", &[], CurlBody::Inline(String::new()));
        assert_eq!(get.render(), "curl -sS -X GET 'http://h/'");
        let head = CurlCommand::new("HEAD", "http://h/", &[], CurlBody::Inline(String::new()));
        assert_eq!(head.render(), "curl -sS --head 'http://h/'");
        let odd = CurlCommand::new("A'$B", "http://h/", &[], CurlBody::Inline("x".into()));
        assert_eq!(
            odd.render(),
            "curl -sS -X 'A'\\''$B' 'http://h/' \\\n  --data-raw 'x'"
        );
        let put = CurlCommand::new("PUT", "http://h/", &[], CurlBody::Inline(String::new()));
        assert!(put.render().ends_with("'http://h/'"), "no body, no --data");
        let head = CurlCommand::new("HEAD", "http://h/", &[], CurlBody::Inline("x".into()));
        assert_eq!(
            head.render(),
            "curl -sS --head 'http://h/'",
            "no body for HEAD"
        );
        let none = CurlCommand::new("", "http://h/", &[], CurlBody::Inline("x".into()));
        assert!(none.render().starts_with("curl -sS -X POST 'http://h/'"));
    }

    #[test]
    fn shell_quote_survives_single_quotes() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$HOME `x`"), "'$HOME `x`'");
    }

    #[test]
    fn files_go_as_data_binary_and_at_signs_stay_inline_text() {
        let file = CurlCommand::post("http://h/", &[], CurlBody::File("my body.bin".into()));
        assert!(file.render().ends_with("--data-binary @'my body.bin'"));
        let at = CurlCommand::post("http://h/", &[], CurlBody::Inline("@/etc/passwd".into()));
        assert!(at.render().ends_with("--data-raw '@/etc/passwd'"));
    }

    /// The rendered command, run by a real shell with `curl` replaced by `printf`, yields
    /// exactly the arguments it was built from.
    #[test]
    fn a_shell_reads_back_the_exact_arguments() {
        let body = "{\"a\":\"'\\\"$(echo no)\\n\"}";
        let command = CurlCommand::post(
            "http://h/x",
            &[("X-A".into(), "v'1".into())],
            CurlBody::Inline(body.into()),
        )
        .render();
        let script = format!("curl() {{ printf '%s\\0' \"$@\"; }}\n{command}");
        let output = std::process::Command::new("sh")
            .args(["-c", &script])
            .output()
            .expect("sh runs");
        let args: Vec<String> = output
            .stdout
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8(a.to_vec()).unwrap())
            .collect();
        assert_eq!(
            args,
            [
                "-sS",
                "-X",
                "POST",
                "http://h/x",
                "-H",
                "X-A: v'1",
                "--data-raw",
                body
            ]
        );
    }
}
