//! The event catalogue of both payload profiles and their realistic sample data.
//!
//! Samples vary per call, are reproducible from a seeded RNG, and keep the documented key
//! order (serde_json is built with `preserve_order`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};

/// Which provider's envelope and sample data an event follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// GeoRedir: {"event", "timestamp", "data"}
    Georedir,
    /// RELURL: {"event", "event_id", "timestamp", "data"}
    Relurl,
}

impl Profile {
    /// The profile `--profile` names, else the one the scheme implies: relurl for the relurl
    /// scheme, georedir otherwise.
    pub fn for_scheme(
        chosen: Option<Profile>,
        scheme: Option<crate::scheme::SchemeName>,
    ) -> Profile {
        chosen.unwrap_or(if scheme == Some(crate::scheme::SchemeName::Relurl) {
            Profile::Relurl
        } else {
            Profile::Georedir
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Profile::Georedir => "georedir",
            Profile::Relurl => "relurl",
        }
    }
}

impl crate::choice::Choice for Profile {
    const ALL: &'static [Self] = &[Profile::Georedir, Profile::Relurl];

    fn name(self) -> &'static str {
        Profile::name(self)
    }

    fn help(self) -> Option<&'static str> {
        Some(match self {
            Profile::Georedir => "GeoRedir: {\"event\", \"timestamp\", \"data\"}",
            Profile::Relurl => "RELURL: {\"event\", \"event_id\", \"timestamp\", \"data\"}",
        })
    }
}

/// One event type and when it fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventType {
    pub profile: Profile,
    pub name: &'static str,
    pub fires: &'static str,
}

pub const CATALOGUE: &[EventType] = &[
    EventType {
        profile: Profile::Georedir,
        name: "click",
        fires: "a visitor follows a short link and is redirected",
    },
    EventType {
        profile: Profile::Georedir,
        name: "conversion",
        fires: "a conversion is attributed to an earlier click",
    },
    EventType {
        profile: Profile::Georedir,
        name: "link.created",
        fires: "a short link is created",
    },
    EventType {
        profile: Profile::Georedir,
        name: "link.updated",
        fires: "a link's name, slug, rules or state change",
    },
    EventType {
        profile: Profile::Georedir,
        name: "link.deleted",
        fires: "a short link is deleted",
    },
    EventType {
        profile: Profile::Georedir,
        name: "alert.triggered",
        fires: "a metric crosses an alert's threshold",
    },
    EventType {
        profile: Profile::Relurl,
        name: "link.clicked",
        fires: "a visitor opens a short link",
    },
    EventType {
        profile: Profile::Relurl,
        name: "link.created",
        fires: "a short link is created",
    },
    EventType {
        profile: Profile::Relurl,
        name: "link.updated",
        fires: "a link's destination or metadata change",
    },
    EventType {
        profile: Profile::Relurl,
        name: "link.expired",
        fires: "a link reaches its expiry date or click limit",
    },
];

/// Finds an event by name. With no profile given, a name that exists in only one profile
/// picks it, and `link.*` names shared by both default to georedir.
pub fn find(name: &str, profile: Option<Profile>) -> Result<EventType> {
    let matching = CATALOGUE
        .iter()
        .filter(|e| e.name == name && profile.is_none_or(|p| p == e.profile));
    if let Some(event) = matching.min_by_key(|e| e.profile != Profile::Georedir) {
        return Ok(*event);
    }
    let choices: Vec<&str> = CATALOGUE
        .iter()
        .filter(|e| profile.is_none_or(|p| p == e.profile))
        .map(|e| e.name)
        .collect();
    let suggestion = nearest(name, &choices)
        .map(|near| format!("did you mean '{near}'? "))
        .unwrap_or_default();
    let scope = profile
        .map(|p| format!(" in the {} profile", p.name()))
        .unwrap_or_default();
    Err(Error::usage(format!(
        "unknown event '{name}'{scope}; {suggestion}run `whk events` to list them"
    )))
}

/// Whether any profile has an event of this name.
pub fn is_known(name: &str) -> bool {
    CATALOGUE.iter().any(|e| e.name == name)
}

/// The catalogue's event name nearest to a misspelt one, if one is near.
pub fn nearest_known(name: &str) -> Option<&'static str> {
    let choices: Vec<&'static str> = CATALOGUE.iter().map(|e| e.name).collect();
    nearest(name, &choices)
}

fn nearest<'a>(name: &str, choices: &[&'a str]) -> Option<&'a str> {
    choices
        .iter()
        .map(|choice| (strsim_distance(name, choice), *choice))
        .filter(|(distance, choice)| *distance <= choice.len() / 2 + 1)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, choice)| choice)
}

/// Levenshtein distance over chars; the catalogue is tiny, so the plain table is enough.
fn strsim_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// What pins a sample: the RNG (seeded or not), the envelope timestamp, and the event id.
pub struct SampleContext<'a> {
    pub rng: &'a mut fastrand::Rng,
    pub timestamp: SystemTime,
    pub id: Option<&'a str>,
}

/// A sample delivery body for `event`, with fresh data drawn from the context's RNG.
pub fn sample(event: EventType, ctx: &mut SampleContext) -> Value {
    serde_json::to_value(envelope(event, ctx)).expect("a sample always serialises")
}

/// The same sample written straight to bytes, and its `event_id` when the profile has one:
/// the fast path for load mode, with no JSON tree in between.
pub fn sample_bytes(event: EventType, ctx: &mut SampleContext) -> (Vec<u8>, Option<String>) {
    let mut bytes = Vec::new();
    let event_id = sample_into(event, ctx, &mut bytes);
    (bytes, event_id)
}

/// [`sample_bytes`] appended to `out` (a buffer reused from one delivery to the next).
pub fn sample_into(event: EventType, ctx: &mut SampleContext, out: &mut Vec<u8>) -> Option<String> {
    let envelope = envelope(event, ctx);
    serde_json::to_writer(&mut *out, &envelope).expect("a sample always serialises");
    envelope.event_id
}

/// The pair of events about one subject that `event` belongs to, earlier first: a click
/// and the conversion attributed to it, a link's creation and what happens to it next.
/// `None` for events with no such partner (alert.triggered).
pub fn related_pair(event: EventType) -> Option<(EventType, EventType)> {
    let named = |name| find(name, Some(event.profile)).ok();
    let (earlier, later) = match (event.profile, event.name) {
        (Profile::Georedir, "click" | "conversion") => ("click", "conversion"),
        (_, "link.created" | "link.updated") => ("link.created", "link.updated"),
        (Profile::Georedir, "link.deleted") => ("link.created", "link.deleted"),
        (Profile::Relurl, "link.clicked") => ("link.created", "link.clicked"),
        (Profile::Relurl, "link.expired") => ("link.created", "link.expired"),
        _ => return None,
    };
    Some((named(earlier)?, named(later)?))
}

/// Samples of a [`related_pair`] written to `earlier` and `later` (each cleared first): the
/// later one refers to the earlier one's subject (the same click, the same link), and the
/// earlier one happened 1 s to 5 min before the context's timestamp. Their event ids, when
/// the profile has them.
pub fn sample_pair_into(
    (first, second): (EventType, EventType),
    ctx: &mut SampleContext,
    earlier: &mut Vec<u8>,
    later: &mut Vec<u8>,
) -> (Option<String>, Option<String>) {
    let mut second = envelope(second, ctx);
    let now = ctx.timestamp;
    ctx.timestamp = before(now, Duration::from_secs(ctx.rng.u64(1..=300)));
    let first = envelope(first, ctx);
    ctx.timestamp = now;
    refer_to(&first.data, &mut second.data);
    for (envelope, out) in [(&first, &mut *earlier), (&second, &mut *later)] {
        out.clear();
        serde_json::to_writer(out, envelope).expect("a sample always serialises");
    }
    (first.event_id, second.event_id)
}

/// Points `later`'s references at `earlier`'s subject.
fn refer_to(earlier: &Data, later: &mut Data) {
    match (earlier, later) {
        (Data::Click(click), Data::Conversion(conversion)) => {
            conversion.click_id.clone_from(&click.click_id);
            conversion.link_id = click.link_id;
            conversion.link_slug = click.link_slug;
            conversion.country = click.country;
            conversion.device = click.device;
        }
        (Data::Link(created), Data::Link(link)) => {
            link.link_id = created.link_id;
            link.name = created.name;
            link.slug = created.slug;
        }
        (Data::Relurl(created), Data::Relurl(link)) => {
            link.link_id.clone_from(&created.link_id);
            link.short_url.clone_from(&created.short_url);
            link.short_code.clone_from(&created.short_code);
            link.created_at.clone_from(&created.created_at);
        }
        _ => {}
    }
}

/// The documented envelope; field order is the documented key order.
#[derive(Serialize)]
struct Envelope {
    event: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    event_id: Option<String>,
    timestamp: String,
    data: Data,
}

fn envelope(event: EventType, ctx: &mut SampleContext) -> Envelope {
    let timestamp = rfc3339(ctx.timestamp);
    match event.profile {
        Profile::Georedir => Envelope {
            event: event.name,
            event_id: None,
            timestamp,
            data: georedir_data(event.name, ctx),
        },
        Profile::Relurl => {
            let event_id = ctx
                .id
                .map(str::to_string)
                .unwrap_or_else(|| random_id(ctx.rng, "evt_", 24));
            Envelope {
                event: event.name,
                event_id: Some(event_id),
                timestamp,
                data: relurl_data(event.name, ctx),
            }
        }
    }
}

/// A message id for schemes that sign one (Standard Webhooks), drawn from the same RNG.
pub fn message_id(rng: &mut fastrand::Rng) -> String {
    random_id(rng, "msg_", 27)
}

/// `span` before `time`, but never before 1970 (`--timestamp 100` is allowed).
fn before(time: SystemTime, span: Duration) -> SystemTime {
    time.checked_sub(span)
        .filter(|earlier| *earlier >= UNIX_EPOCH)
        .unwrap_or(UNIX_EPOCH)
}

/// RFC 3339 UTC with second precision, as the providers print it.
pub fn rfc3339(time: SystemTime) -> String {
    thread_local! {
        /// The last second formatted on this thread: load mode asks for the same one
        /// thousands of times in a row.
        static LAST: std::cell::RefCell<(u64, String)> = const {
            std::cell::RefCell::new((u64::MAX, String::new()))
        };
    }
    // humantime cannot print a time before 1970; such a time is printed as 1970.
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let time = UNIX_EPOCH + since_epoch;
    LAST.with_borrow_mut(|(second, text)| {
        if *second != since_epoch.as_secs() {
            *second = since_epoch.as_secs();
            *text = humantime::format_rfc3339_seconds(time).to_string();
        }
        text.clone()
    })
}

/// Parses a time: unix seconds or an RFC 3339 date-time; the error says what to give.
pub fn parse_timestamp(text: &str) -> std::result::Result<SystemTime, &'static str> {
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(UNIX_EPOCH + Duration::from_secs(seconds));
    }
    humantime::parse_rfc3339_weak(text)
        .map_err(|_| "give unix seconds or RFC 3339, e.g. 2026-02-25T14:30:00Z")
}

pub fn unix_seconds(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

struct Place {
    country: &'static str,
    region: &'static str,
    city: &'static str,
}

const PLACES: &[Place] = &[
    Place {
        country: "US",
        region: "California",
        city: "Los Angeles",
    },
    Place {
        country: "US",
        region: "New York",
        city: "New York",
    },
    Place {
        country: "US",
        region: "Texas",
        city: "Austin",
    },
    Place {
        country: "US",
        region: "Washington",
        city: "Seattle",
    },
    Place {
        country: "CA",
        region: "Ontario",
        city: "Toronto",
    },
    Place {
        country: "GB",
        region: "England",
        city: "London",
    },
    Place {
        country: "GB",
        region: "Scotland",
        city: "Edinburgh",
    },
    Place {
        country: "DE",
        region: "Bavaria",
        city: "Munich",
    },
    Place {
        country: "DE",
        region: "Berlin",
        city: "Berlin",
    },
    Place {
        country: "FR",
        region: "Île-de-France",
        city: "Paris",
    },
    Place {
        country: "ES",
        region: "Catalonia",
        city: "Barcelona",
    },
    Place {
        country: "NL",
        region: "North Holland",
        city: "Amsterdam",
    },
    Place {
        country: "BR",
        region: "São Paulo",
        city: "São Paulo",
    },
    Place {
        country: "JP",
        region: "Tokyo",
        city: "Tokyo",
    },
    Place {
        country: "IN",
        region: "Karnataka",
        city: "Bengaluru",
    },
    Place {
        country: "AU",
        region: "New South Wales",
        city: "Sydney",
    },
];

/// (device, browser, os, user agent): combinations that occur together.
const CLIENTS: &[(&str, &str, &str, &str)] = &[
    (
        "mobile",
        "Chrome",
        "Android",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
    ),
    (
        "mobile",
        "Safari",
        "iOS",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    ),
    (
        "desktop",
        "Chrome",
        "Windows",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    ),
    (
        "desktop",
        "Firefox",
        "Linux",
        "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    ),
    (
        "desktop",
        "Safari",
        "macOS",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    ),
    (
        "desktop",
        "Edge",
        "Windows",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67",
    ),
    (
        "tablet",
        "Safari",
        "iPadOS",
        "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    ),
];

const REFERERS: &[&str] = &[
    "https://facebook.com",
    "https://www.google.com/",
    "https://t.co/",
    "https://www.linkedin.com/",
    "https://news.ycombinator.com/",
    "https://www.reddit.com/",
    "",
];

const CAMPAIGNS: &[(&str, &str)] = &[
    ("Summer Campaign", "summer-campaign"),
    ("My Offer", "my-offer"),
    ("Black Friday Deals", "black-friday"),
    ("Product Launch", "launch-2026"),
    ("Newsletter Signup", "newsletter"),
    ("Spring Sale", "spring-sale"),
    ("Webinar Registration", "webinar"),
];

const DESTINATIONS: &[&str] = &[
    "https://offer.example.com/landing",
    "https://shop.example.com/products/trail-shoes",
    "https://www.example.org/blog/launch",
    "https://app.example.net/signup?plan=pro",
    "https://example.com/pricing",
];

const FRAUD_FLAGS: &[&str] = &[
    "datacenter_ip",
    "bot_user_agent",
    "rapid_repeat",
    "proxy_detected",
];

const CURRENCIES: &[&str] = &["USD", "EUR", "GBP", "CAD", "AUD"];

const ALERTS: &[(&str, &str, &str)] = &[
    ("Click spike detected", "clicks", "greater_than"),
    ("Conversions dropped", "conversions", "less_than"),
    ("Fraud rate high", "fraud_rate", "greater_than"),
    ("Unique visitors surge", "unique_clicks", "greater_than"),
];

fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

fn pick_str(rng: &mut fastrand::Rng, items: &[&'static str]) -> &'static str {
    items[rng.usize(..items.len())]
}

fn random_id(rng: &mut fastrand::Rng, prefix: &str, len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut id = String::with_capacity(prefix.len() + len);
    id.push_str(prefix);
    id.extend((0..len).map(|_| char::from(*pick(rng, ALPHABET))));
    id
}

/// An address from the documentation ranges (RFC 5737 / RFC 3849), never a real visitor.
fn documentation_ip(rng: &mut fastrand::Rng) -> String {
    if rng.u8(..10) == 0 {
        return format!("2001:db8:{:x}::{:x}", rng.u16(..), rng.u16(1..));
    }
    let prefix = pick(rng, &["192.0.2", "198.51.100", "203.0.113"]);
    format!("{prefix}.{}", rng.u8(1..255))
}

fn fraud_flags(rng: &mut fastrand::Rng) -> Vec<&'static str> {
    if rng.u8(..8) != 0 {
        return Vec::new();
    }
    vec![*pick(rng, FRAUD_FLAGS)]
}

/// A price with cents, as f64 (serde prints 49.99, not a string).
fn revenue(rng: &mut fastrand::Rng) -> f64 {
    let cents = rng.u32(500..50_000);
    f64::from(cents) / 100.0
}

/// Every event's `data`, as the provider documents it.
#[derive(Serialize)]
#[serde(untagged)]
enum Data {
    Click(Click),
    Conversion(Conversion),
    Alert(Alert),
    Link(Link),
    Relurl(RelurlLink),
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Click {
    click_id: String,
    link_id: u32,
    link_slug: &'static str,
    destination_url: &'static str,
    ip: String,
    country: &'static str,
    region: &'static str,
    city: &'static str,
    device: &'static str,
    browser: &'static str,
    os: &'static str,
    referer: &'static str,
    is_unique: bool,
    fraud_flags: Vec<&'static str>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Conversion {
    conversion_id: String,
    click_id: String,
    link_id: u32,
    link_slug: &'static str,
    revenue: f64,
    currency: &'static str,
    country: &'static str,
    device: &'static str,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Alert {
    alert_id: u32,
    alert_name: &'static str,
    metric: &'static str,
    condition: &'static str,
    threshold: u32,
    current_value: u32,
    link_id: u32,
    link_slug: &'static str,
}

/// link.created, link.updated and link.deleted share their fields.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Link {
    link_id: u32,
    name: &'static str,
    slug: &'static str,
    is_active: bool,
    rules_count: u8,
}

/// RELURL's link metadata, plus the visitor for clicks and the end for expiries.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct RelurlLink {
    link_id: String,
    short_url: String,
    short_code: String,
    destination_url: &'static str,
    title: &'static str,
    created_at: String,
    #[serde(flatten)]
    visitor: Option<Visitor>,
    #[serde(flatten)]
    expiry: Option<Expiry>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Visitor {
    ip: String,
    user_agent: &'static str,
    referrer: &'static str,
    location: Location,
    device: &'static str,
    browser: &'static str,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Location {
    country: &'static str,
    region: &'static str,
    city: &'static str,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Expiry {
    expired_at: String,
    total_clicks: u32,
}

fn georedir_data(event: &str, ctx: &mut SampleContext) -> Data {
    let rng = &mut *ctx.rng;
    let link_id = rng.u32(1..5000);
    let (name, slug) = *pick(rng, CAMPAIGNS);
    match event {
        "click" => Data::Click(georedir_click(rng, link_id, slug)),
        "conversion" => Data::Conversion(georedir_conversion(rng, link_id, slug)),
        "alert.triggered" => Data::Alert(georedir_alert(rng, link_id, slug)),
        _ => Data::Link(Link {
            link_id,
            name,
            slug,
            is_active: event != "link.deleted" && rng.u8(..5) != 0,
            rules_count: rng.u8(0..8),
        }),
    }
}

fn georedir_click(rng: &mut fastrand::Rng, link_id: u32, link_slug: &'static str) -> Click {
    let place = pick(rng, PLACES);
    let (device, browser, os, _) = *pick(rng, CLIENTS);
    Click {
        click_id: random_id(rng, "", 12),
        link_id,
        link_slug,
        destination_url: pick_str(rng, DESTINATIONS),
        ip: documentation_ip(rng),
        country: place.country,
        region: place.region,
        city: place.city,
        device,
        browser,
        os,
        referer: pick_str(rng, REFERERS),
        is_unique: rng.u8(..4) != 0,
        fraud_flags: fraud_flags(rng),
    }
}

fn georedir_conversion(
    rng: &mut fastrand::Rng,
    link_id: u32,
    link_slug: &'static str,
) -> Conversion {
    let place = pick(rng, PLACES);
    Conversion {
        conversion_id: random_id(rng, "conv_", 6),
        click_id: random_id(rng, "", 12),
        link_id,
        link_slug,
        revenue: revenue(rng),
        currency: pick_str(rng, CURRENCIES),
        country: place.country,
        device: pick(rng, CLIENTS).0,
    }
}

/// An alert whose current value is on the firing side of its threshold.
fn georedir_alert(rng: &mut fastrand::Rng, link_id: u32, link_slug: &'static str) -> Alert {
    let (alert_name, metric, condition) = *pick(rng, ALERTS);
    let threshold = rng.u32(1..20) * 100;
    let current_value = if condition == "greater_than" {
        threshold + rng.u32(1..threshold)
    } else {
        rng.u32(0..threshold)
    };
    Alert {
        alert_id: rng.u32(1..100),
        alert_name,
        metric,
        condition,
        threshold,
        current_value,
        link_id,
        link_slug,
    }
}

fn relurl_data(event: &str, ctx: &mut SampleContext) -> Data {
    let created = before(
        ctx.timestamp,
        Duration::from_secs(ctx.rng.u64(3_600..90 * 86_400)),
    );
    let rng = &mut *ctx.rng;
    let (title, _) = *pick(rng, CAMPAIGNS);
    let code = random_id(rng, "", 7);
    let link_id = random_id(rng, "lnk_", 16);
    let destination_url = pick_str(rng, DESTINATIONS);
    let visitor = (event == "link.clicked").then(|| {
        let place = pick(rng, PLACES);
        let (device, browser, _, user_agent) = *pick(rng, CLIENTS);
        Visitor {
            ip: documentation_ip(rng),
            user_agent,
            referrer: pick_str(rng, REFERERS),
            location: Location {
                country: place.country,
                region: place.region,
                city: place.city,
            },
            device,
            browser,
        }
    });
    let expiry = (event == "link.expired").then(|| Expiry {
        expired_at: rfc3339(ctx.timestamp),
        total_clicks: rng.u32(0..25_000),
    });
    Data::Relurl(RelurlLink {
        link_id,
        short_url: format!("https://relurl.example/{code}"),
        short_code: code,
        destination_url,
        title,
        created_at: rfc3339(created),
        visitor,
        expiry,
    })
}

/// The JSON Schema (draft 2020-12) of `event`'s `data`, derived from the struct its samples
/// are built from, so the two cannot drift.
pub fn data_schema(event: EventType) -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|s| s.inline_subschemas = true)
        .into_generator();
    let schema = match (event.profile, event.name) {
        (Profile::Georedir, "click") => generator.into_root_schema_for::<Click>(),
        (Profile::Georedir, "conversion") => generator.into_root_schema_for::<Conversion>(),
        (Profile::Georedir, "alert.triggered") => generator.into_root_schema_for::<Alert>(),
        (Profile::Georedir, _) => generator.into_root_schema_for::<Link>(),
        (Profile::Relurl, _) => generator.into_root_schema_for::<RelurlLink>(),
    };
    let mut schema = schema.to_value();
    if let Some(object) = schema.as_object_mut() {
        object.remove("$schema");
        object.remove("title");
    }
    if event.profile == Profile::Relurl {
        narrow_relurl(&mut schema, event.name);
    }
    schema
}

/// RELURL's link schema with the visitor's fields required for link.clicked, the expiry's for
/// link.expired, and each absent from the other events (the struct has both as optional).
fn narrow_relurl(schema: &mut Value, event: &str) {
    let fields = |root: schemars::Schema| -> Vec<String> {
        root.get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    };
    let visitor = fields(schemars::schema_for!(Visitor));
    let expiry = fields(schemars::schema_for!(Expiry));
    let (present, absent): (Vec<&String>, Vec<&String>) = match event {
        "link.clicked" => (visitor.iter().collect(), expiry.iter().collect()),
        "link.expired" => (expiry.iter().collect(), visitor.iter().collect()),
        _ => (Vec::new(), visitor.iter().chain(&expiry).collect()),
    };
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for name in absent {
            properties.remove(name);
        }
    }
    if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
        required.extend(present.into_iter().map(|n| Value::String(n.clone())));
    }
}

/// Applies `--set path=value`: the value is JSON when it parses as JSON, else a string.
/// Every segment but the last must already exist; the last may add a field.
pub fn set_field(payload: &mut Value, assignment: &str) -> Result<()> {
    let (path, raw) = assignment.split_once('=').ok_or_else(|| {
        Error::usage(format!(
            "--set {assignment:?} needs the form path=value, e.g. --set data.country=DE"
        ))
    })?;
    let value = serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()));
    let segments: Vec<&str> = path.split('.').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(Error::usage(format!(
            "--set path {path:?} has an empty segment; write it as dotted keys, e.g. data.country"
        )));
    }
    let (last, parents) = segments
        .split_last()
        .expect("split yields at least one segment");
    let mut node = payload;
    for (depth, segment) in parents.iter().enumerate() {
        let walked = segments[..=depth].join(".");
        node = child(node, segment).ok_or_else(|| invalid_path(path, &walked))?;
    }
    match node {
        Value::Object(map) => {
            map.insert((*last).to_string(), value);
            Ok(())
        }
        Value::Array(items) => {
            let slot = last.parse::<usize>().ok().and_then(|i| items.get_mut(i));
            *slot.ok_or_else(|| invalid_path(path, path))? = value;
            Ok(())
        }
        _ => Err(invalid_path(path, &parents.join("."))),
    }
}

fn child<'a>(node: &'a mut Value, segment: &str) -> Option<&'a mut Value> {
    match node {
        Value::Object(map) => map.get_mut(segment),
        Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    }
}

fn invalid_path(path: &str, failing: &str) -> Error {
    Error::usage(format!(
        "--set path {path:?} does not fit the payload: {failing:?} is not an object or array field; see the fields with `whk events EVENT`"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_of(name: &str, profile: Option<Profile>, seed: u64) -> Value {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut ctx = SampleContext {
            rng: &mut rng,
            timestamp: parse_timestamp("2026-02-25T14:30:00Z").unwrap(),
            id: None,
        };
        sample(find(name, profile).unwrap(), &mut ctx)
    }

    fn keys(value: &Value) -> Vec<&str> {
        value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect()
    }

    /// The key order of every documented example (tests/fixtures/examples, copied from the product design) is kept.
    #[test]
    fn keys_follow_the_documented_examples() {
        for (name, file) in [
            (
                "click",
                include_str!("../tests/fixtures/examples/georedir-click.json"),
            ),
            (
                "conversion",
                include_str!("../tests/fixtures/examples/georedir-conversion.json"),
            ),
            (
                "link.created",
                include_str!("../tests/fixtures/examples/georedir-link.created.json"),
            ),
            (
                "alert.triggered",
                include_str!("../tests/fixtures/examples/georedir-alert.triggered.json"),
            ),
        ] {
            let documented: Value = serde_json::from_str(file).unwrap();
            let ours = sample_of(name, None, 1);
            assert_eq!(keys(&ours), keys(&documented), "{name} envelope");
            assert_eq!(
                keys(&ours["data"]),
                keys(&documented["data"]),
                "{name} data"
            );
            for (key, value) in documented["data"].as_object().unwrap() {
                let kind = |v: &Value| std::mem::discriminant(v);
                assert_eq!(kind(&ours["data"][key]), kind(value), "{name}.{key} type");
            }
        }
    }

    #[test]
    fn the_byte_path_writes_what_the_tree_path_builds() {
        for event in CATALOGUE {
            let mut rng = fastrand::Rng::with_seed(11);
            let timestamp = parse_timestamp("2026-02-25T14:30:00Z").unwrap();
            let tree = sample(
                *event,
                &mut SampleContext {
                    rng: &mut rng,
                    timestamp,
                    id: None,
                },
            );
            let mut rng = fastrand::Rng::with_seed(11);
            let (bytes, event_id) = sample_bytes(
                *event,
                &mut SampleContext {
                    rng: &mut rng,
                    timestamp,
                    id: None,
                },
            );
            assert_eq!(bytes, serde_json::to_vec(&tree).unwrap(), "{}", event.name);
            assert_eq!(
                event_id.as_deref(),
                tree.get("event_id").and_then(Value::as_str)
            );
        }
    }

    #[test]
    fn seeded_samples_repeat_and_unseeded_vary() {
        assert_eq!(sample_of("click", None, 42), sample_of("click", None, 42));
        assert_ne!(sample_of("click", None, 42), sample_of("click", None, 43));
    }

    #[test]
    fn relurl_envelope_has_event_id_and_click_details() {
        let click = sample_of("link.clicked", None, 3);
        assert_eq!(keys(&click), ["event", "event_id", "timestamp", "data"]);
        assert!(click["event_id"].as_str().unwrap().starts_with("evt_"));
        for field in [
            "ip",
            "user_agent",
            "referrer",
            "location",
            "device",
            "browser",
            "short_url",
        ] {
            assert!(click["data"].get(field).is_some(), "missing {field}");
        }
        let created = sample_of("link.created", Some(Profile::Relurl), 3);
        assert!(created["data"].get("ip").is_none());
    }

    #[test]
    fn shared_names_default_to_georedir_and_unique_names_find_their_profile() {
        assert_eq!(
            find("link.created", None).unwrap().profile,
            Profile::Georedir
        );
        assert_eq!(find("link.expired", None).unwrap().profile, Profile::Relurl);
        assert!(find("click", Some(Profile::Relurl)).is_err());
    }

    #[test]
    fn unknown_event_suggests_the_nearest_name() {
        let err = find("clik", None).unwrap_err().to_string();
        assert!(err.contains("did you mean 'click'?"), "{err}");
        let err = find("link.create", None).unwrap_err().to_string();
        assert!(err.contains("'link.created'"), "{err}");
        let err = find("zzzzzzzzzzzz", None).unwrap_err().to_string();
        assert!(!err.contains("did you mean"), "{err}");
    }

    #[test]
    fn set_parses_json_values_or_keeps_strings() {
        let mut payload = sample_of("click", None, 1);
        set_field(&mut payload, "data.country=DE").unwrap();
        set_field(&mut payload, "data.link_id=7").unwrap();
        set_field(&mut payload, "data.fraud_flags=[\"bot\"]").unwrap();
        set_field(&mut payload, "data.extra={\"a\":true}").unwrap();
        assert_eq!(payload["data"]["country"], "DE");
        assert_eq!(payload["data"]["link_id"], 7);
        assert_eq!(payload["data"]["fraud_flags"][0], "bot");
        assert_eq!(payload["data"]["extra"]["a"], true);
        set_field(&mut payload, "data.fraud_flags.0=proxy").unwrap();
        assert_eq!(payload["data"]["fraud_flags"][0], "proxy");
    }

    #[test]
    fn set_rejects_paths_that_do_not_fit() {
        let mut payload = sample_of("click", None, 1);
        for bad in [
            "data.nope.x=1",
            "data..x=1",
            "event.x=1",
            "noequals",
            "data.fraud_flags.9=1",
        ] {
            assert!(set_field(&mut payload, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn timestamps_parse_from_unix_or_rfc3339() {
        let a = parse_timestamp("1772029800").unwrap();
        let b = parse_timestamp("2026-02-25T14:30:00Z").unwrap();
        assert_eq!(a, b);
        assert_eq!(rfc3339(a), "2026-02-25T14:30:00Z");
        assert!(parse_timestamp("yesterday").is_err());
    }

    /// Every event with a partner gets a pair whose later half refers to the earlier; near
    /// 1970 (`--timestamp 100`) the earlier one's time stops at the epoch.
    #[test]
    fn related_pairs_refer_to_one_subject_even_at_the_epoch() {
        let mut rng = fastrand::Rng::with_seed(3);
        for event in CATALOGUE {
            let Some(pair) = related_pair(*event) else {
                assert_eq!(event.name, "alert.triggered");
                continue;
            };
            assert!(pair.0 == *event || pair.1 == *event, "{}", event.name);
            let mut ctx = SampleContext {
                rng: &mut rng,
                timestamp: UNIX_EPOCH + Duration::from_secs(100),
                id: None,
            };
            let (mut earlier, mut later) = (Vec::new(), Vec::new());
            sample_pair_into(pair, &mut ctx, &mut earlier, &mut later);
            let earlier: Value = serde_json::from_slice(&earlier).unwrap();
            let later: Value = serde_json::from_slice(&later).unwrap();
            assert_eq!(earlier["event"], pair.0.name);
            assert_eq!(later["event"], pair.1.name);
            assert_eq!(earlier["data"]["link_id"], later["data"]["link_id"]);
            assert!(earlier["timestamp"].as_str().unwrap() <= later["timestamp"].as_str().unwrap());
            assert!(
                earlier["timestamp"]
                    .as_str()
                    .unwrap()
                    .starts_with("1970-01-01T00:0")
            );
        }
    }
}
