//! The web inspector: the deliveries of a `whk listen --ui` run (fed by the listen
//! pipeline) or of saved captures (`whk inspect`), kept in memory and served as a page on
//! 127.0.0.1 with a JSON API and a server-sent-event stream of new deliveries. It can
//! replay a delivery (as captured, re-signed, or edited) and diff two.
//!
//! Secrets never reach the page: it gets verdicts, diagnoses and expected signatures, never
//! the key. The page itself is in `assets/inspector/`, embedded at build time.

mod diff;
mod replay;
mod view;
mod web;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use crate::capture::SignatureVerdict;
use crate::sync::lock;
use tokio::sync::broadcast;

use crate::capture::read::{Facts, Recorded};
use crate::capture::{Capture, CapturedResponse};
use crate::scheme::{Header, Scheme};
use crate::secret::Secret;
use crate::verify::Verifier;

pub use replay::ReplayTarget;
pub use web::{Running, serve};

/// The most deliveries kept; beyond it the oldest are dropped from the page.
const KEPT_DELIVERIES: usize = 10_000;
/// The most body bytes kept in all; beyond it the oldest deliveries are dropped.
const KEPT_BYTES: usize = 256 << 20;

/// The secret the inspector verifies and re-signs with (never sent to the page).
pub struct Checker {
    /// Every `--secret`; replays are re-signed with the first.
    pub secrets: Vec<Secret>,
    pub scheme: Option<Scheme>,
    pub verifier: Verifier,
}

/// One delivery as the inspector holds it.
pub struct Entry {
    /// Its number in this run, from 1: the page's name for it.
    pub seq: u64,
    pub source: Option<String>,
    pub received_at: Option<SystemTime>,
    pub method: String,
    /// Path with the query string.
    pub target: String,
    pub headers: Vec<Header>,
    pub body: Vec<u8>,
    pub facts: Facts,
}

impl Entry {
    /// The capture file for this delivery, as `listen --save` writes it.
    pub fn to_capture(&self) -> Capture {
        let (path, query) = match self.target.split_once('?') {
            Some((path, query)) => (path.to_string(), Some(query.to_string())),
            None => (self.target.clone(), None),
        };
        let (body, body_base64, body_sha256) = crate::capture::body_fields(&self.body);
        Capture {
            kind: "delivery".into(),
            id: self.facts.id.clone(),
            received_at: self
                .received_at
                .map(|t| humantime::format_rfc3339_millis(t).to_string())
                .unwrap_or_default(),
            remote_addr: self.facts.remote_addr.clone(),
            method: self.method.clone(),
            path,
            query,
            headers: self.headers.clone(),
            body,
            body_base64,
            body_sha256,
            body_size: self.body.len(),
            event: self.facts.event.clone(),
            duplicate: self.facts.duplicate,
            signature: self.facts.signature.clone(),
            response: self.facts.response.clone(),
            forward: self.facts.forward.clone(),
            exec: self.facts.exec.clone(),
            validation: self.facts.validation.clone(),
        }
    }
}

/// What the inspector knows besides its deliveries.
pub struct Settings {
    /// `listen --ui` (deliveries arrive) or `inspect` (saved captures).
    pub live: bool,
    pub checker: Option<Checker>,
    /// Where replays go by default (`--forward-to`), and how they are sent.
    pub replay: ReplayTarget,
    /// The URL a "copy as curl" command sends to, before the delivery's path.
    pub curl_base: String,
    /// What is shown: `listening on …`, or the inputs read.
    pub title: String,
}

/// The deliveries, and the stream of new ones to the open pages.
pub struct Inspector {
    settings: Settings,
    entries: Mutex<Store>,
    news: broadcast::Sender<Arc<str>>,
}

#[derive(Default)]
struct Store {
    entries: VecDeque<Arc<Entry>>,
    bytes: usize,
    next_seq: u64,
}

impl Inspector {
    pub fn new(settings: Settings) -> Arc<Self> {
        let (news, _) = broadcast::channel(1024);
        Arc::new(Inspector {
            settings,
            entries: Mutex::new(Store::default()),
            news,
        })
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.entries)
    }

    /// A delivery the listener received and saved.
    pub fn add_capture(&self, mut capture: Capture, body: Vec<u8>) {
        let facts = Facts::take_from(&mut capture);
        let target = match &capture.query {
            Some(query) => format!("{}?{query}", capture.path),
            None => capture.path,
        };
        self.push(Entry {
            seq: 0,
            source: None,
            received_at: humantime::parse_rfc3339_weak(&capture.received_at).ok(),
            method: capture.method,
            target,
            headers: capture.headers,
            body,
            facts,
        });
    }

    /// A request read back from a capture, raw HTTP or HAR file. With a secret, its
    /// signature is checked as of when it arrived.
    pub fn add_recorded(&self, recorded: Recorded) {
        let facts = recorded.facts.map(|f| *f).unwrap_or_else(|| Facts {
            id: recorded.source.clone(),
            remote_addr: None,
            event: crate::delivery::event_of(&recorded.body),
            duplicate: false,
            signature: None,
            response: CapturedResponse {
                status: 0,
                body: String::new(),
            },
            forward: None,
            exec: None,
            validation: None,
        });
        let mut facts = facts;
        if facts.event.is_none() {
            facts.event = crate::delivery::event_of(&recorded.body);
        }
        let mut entry = Entry {
            seq: 0,
            source: Some(recorded.source),
            received_at: recorded.received_at,
            method: recorded.method,
            target: recorded.target,
            headers: recorded.headers,
            body: recorded.body,
            facts,
        };
        if let Some(checker) = &self.settings.checker {
            let at = entry.received_at.unwrap_or_else(SystemTime::now);
            let verdict = checker.verifier.check(
                &entry.headers,
                &entry.body,
                crate::events::unix_seconds(at),
            );
            entry.facts.signature = Some(verdict.to_capture());
        }
        self.push(entry);
    }

    fn push(&self, mut entry: Entry) {
        let text: Arc<str> = {
            let mut store = self.store();
            store.next_seq += 1;
            entry.seq = store.next_seq;
            store.bytes += entry.body.len();
            let entry = Arc::new(entry);
            store.entries.push_back(entry.clone());
            while store.entries.len() > KEPT_DELIVERIES
                || (store.bytes > KEPT_BYTES && store.entries.len() > 1)
            {
                if let Some(oldest) = store.entries.pop_front() {
                    store.bytes -= oldest.body.len();
                }
            }
            serde_json::to_string(&view::summary(&entry))
                .expect("a summary always serialises")
                .into()
        };
        // Nobody listening is fine: the page fetches the list when it opens.
        let _ = self.news.send(text);
    }

    /// The delivery numbered `seq`, if it is still kept.
    pub fn get(&self, seq: u64) -> Option<Arc<Entry>> {
        let store = self.store();
        let first = store.entries.front()?.seq;
        let index = usize::try_from(seq.checked_sub(first)?).ok()?;
        store.entries.get(index).cloned()
    }

    /// Every kept delivery, oldest first.
    pub fn all(&self) -> Vec<Arc<Entry>> {
        self.store().entries.iter().cloned().collect()
    }

    pub fn len(&self) -> usize {
        self.store().entries.len()
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    fn subscribe(&self) -> broadcast::Receiver<Arc<str>> {
        self.news.subscribe()
    }
}

/// How long a replay may wait for its answer.
pub const REPLAY_TIMEOUT: Duration = Duration::from_secs(30);

/// The verdict a delivery's signature field holds: `valid`, `invalid` or `unchecked`.
fn verdict_of(signature: Option<&SignatureVerdict>) -> &'static str {
    match signature.map(|s| s.valid) {
        Some(true) => "valid",
        Some(false) => "invalid",
        None => "unchecked",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inspector() -> Arc<Inspector> {
        Inspector::new(Settings {
            live: false,
            checker: None,
            replay: ReplayTarget {
                forward_to: None,
                client: reqwest::Client::new(),
            },
            curl_base: "http://127.0.0.1:3001".into(),
            title: "test".into(),
        })
    }

    fn recorded(n: usize) -> Recorded {
        Recorded {
            source: format!("test:{n}"),
            method: "POST".into(),
            target: "/hooks".into(),
            headers: Vec::new(),
            body: format!(r#"{{"event":"e{n}"}}"#).into_bytes(),
            received_at: None,
            digest_mismatch: false,
            facts: None,
        }
    }

    #[test]
    fn the_oldest_deliveries_are_dropped_beyond_the_bound() {
        let inspector = inspector();
        for n in 0..KEPT_DELIVERIES + 5 {
            inspector.add_recorded(recorded(n));
        }
        assert_eq!(inspector.len(), KEPT_DELIVERIES);
        assert!(inspector.get(5).is_none(), "dropped");
        let first = inspector.get(6).expect("kept");
        assert_eq!(first.facts.event.as_deref(), Some("e5"));
        let last = inspector.get((KEPT_DELIVERIES + 5) as u64).expect("kept");
        assert_eq!(last.seq, (KEPT_DELIVERIES + 5) as u64);
        assert!(inspector.get(0).is_none());
        assert!(inspector.get(u64::MAX).is_none());
    }

    #[test]
    fn every_new_delivery_is_announced_to_open_pages() {
        let inspector = inspector();
        let mut news = inspector.subscribe();
        inspector.add_recorded(recorded(1));
        let summary: serde_json::Value = serde_json::from_str(&news.try_recv().unwrap()).unwrap();
        assert_eq!(summary["seq"], 1);
        assert_eq!(summary["event"], "e1");
        assert_eq!(summary["verdict"], "unchecked");
        assert_eq!(summary["status"], serde_json::Value::Null);
    }
}
