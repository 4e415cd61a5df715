//! Replay from the page: a kept delivery sent again as captured, re-signed with a fresh
//! timestamp, or edited (re-signed when the secret is known), to `--forward-to` or a URL
//! the user typed.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::{Entry, Inspector, REPLAY_TIMEOUT};
use crate::client::{self, Request};
use crate::delivery::Resigner;
use crate::scheme::Header;

/// Where replays go unless the page names a URL, and the client that sends them.
pub struct ReplayTarget {
    pub forward_to: Option<reqwest::Url>,
    pub client: reqwest::Client,
}

/// How the delivery is sent again.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Byte for byte, with the captured signature.
    Captured,
    /// The captured body with a new signature made now.
    Resigned,
    /// The body and headers from the page, re-signed when the secret is known.
    Edited,
}

/// What the page asks for.
#[derive(Debug, Deserialize)]
pub struct Ask {
    pub seq: u64,
    pub mode: Mode,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub headers: Option<Vec<Header>>,
}

/// What happened, for the page to show in place.
#[derive(Debug, Serialize)]
pub struct Outcome {
    pub url: String,
    pub method: String,
    pub resigned: bool,
    pub sent_headers: Vec<Header>,
    pub status: Option<u16>,
    pub reason: Option<String>,
    pub latency_ms: f64,
    pub headers: Vec<Header>,
    pub body: Option<String>,
    pub error: Option<String>,
}

/// The most of an answer's body the page is shown.
const SHOWN_BODY: usize = 64 * 1024;

/// The request a replay sends, or why it cannot be sent (a message for the page).
pub fn prepare(inspector: &Inspector, ask: &Ask) -> Result<(Request, bool), String> {
    let entry = inspector
        .get(ask.seq)
        .ok_or_else(|| format!("delivery {} is no longer kept", ask.seq))?;
    let url = target_url(inspector, &entry, ask.url.as_deref())?;
    let (headers, body) = match ask.mode {
        Mode::Edited => (
            ask.headers.clone().unwrap_or_else(|| entry.headers.clone()),
            ask.body
                .clone()
                .map_or_else(|| entry.body.clone(), String::into_bytes),
        ),
        _ => (entry.headers.clone(), entry.body.clone()),
    };
    let checker = inspector.settings.checker.as_ref();
    let (headers, resigned) = match (ask.mode, checker) {
        (Mode::Captured, _) | (Mode::Edited, None) => (headers, false),
        (Mode::Resigned, None) => {
            return Err(
                "re-signing needs the secret: start whk with --secret or --secret-file".into(),
            );
        }
        (_, Some(checker)) => {
            let resigner = Resigner {
                secret: checker.secrets[0].clone(),
                scheme: checker.scheme.clone(),
            };
            let now = crate::events::unix_seconds(SystemTime::now());
            let signed = resigner
                .headers(
                    &format!("delivery {}", ask.seq),
                    &headers,
                    &body,
                    now,
                    &mut fastrand::Rng::new(),
                )
                .map_err(|err| err.to_string())?;
            (signed, true)
        }
    };
    let method = reqwest::Method::from_bytes(entry.method.as_bytes())
        .map_err(|_| format!("{:?} is not an HTTP method", entry.method))?;
    let request = Request {
        method,
        url,
        headers: client::copyable_headers(&headers),
        body,
    };
    Ok((request, resigned))
}

/// The URL typed in, else `--forward-to` followed by the delivery's path.
fn target_url(
    inspector: &Inspector,
    entry: &Entry,
    typed: Option<&str>,
) -> Result<reqwest::Url, String> {
    if let Some(typed) = typed.map(str::trim).filter(|t| !t.is_empty()) {
        return client::parse_url(typed).map_err(|err| err.to_string());
    }
    let base = inspector
        .settings
        .replay
        .forward_to
        .as_ref()
        .ok_or("type a URL to replay to (or start whk with --forward-to URL)")?;
    let prefix = base.as_str().trim_end_matches('/');
    reqwest::Url::parse(&format!("{prefix}{}", entry.target)).map_err(|err| err.to_string())
}

/// Sends the prepared request once and describes the answer.
pub async fn send(client: &reqwest::Client, request: Request, resigned: bool) -> Outcome {
    let (latency, outcome) = client::attempt(client, &request, REPLAY_TIMEOUT).await;
    let mut result = Outcome {
        url: request.url.to_string(),
        method: request.method.to_string(),
        resigned,
        sent_headers: request.headers,
        status: None,
        reason: None,
        latency_ms: crate::output::latency_ms(latency),
        headers: Vec::new(),
        body: None,
        error: None,
    };
    match outcome {
        Ok(response) => {
            let shown = &response.body[..response.body.len().min(SHOWN_BODY)];
            result.status = Some(response.status);
            result.reason = Some(response.reason);
            result.headers = response.headers;
            result.body = Some(String::from_utf8_lossy(shown).into_owned());
        }
        Err(failure) => result.error = Some(failure.to_string()),
    }
    result
}
