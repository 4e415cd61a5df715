//! A real browser for the inspector's tests: Debian's chromium, headless, driven through
//! chromedriver (started here, from [`command`], on a free 127.0.0.1 port) with fantoccini.
//! One browser serves every step of a test; it is closed and chromedriver killed on drop.

use std::future::Future;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::{Capabilities, TimeoutConfiguration};
use fantoccini::{Client, ClientBuilder};
use serde_json::json;

use super::command;

/// The longest any one browser step (a page load, a wait for an element, a script) may take.
pub const BROWSER_STEP: Duration = Duration::from_secs(20);

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver and one headless chromium session on it.
pub struct Browser {
    pub client: Client,
    runtime: tokio::runtime::Runtime,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless chromium at 1280×800. Fails the test, saying what
    /// to install, when either is missing.
    pub fn start() -> Self {
        for program in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                std::path::Path::new(program).exists(),
                "{program} is missing: install Debian's chromium and chromium-driver (.ci/run does)"
            );
        }
        let port = free_port();
        let mut driver = command(CHROMEDRIVER)
            .args([format!("--port={port}"), "--allowed-ips=127.0.0.1".into()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        if !wait_for_port(port) {
            let _ = driver.kill();
            let _ = driver.wait();
            panic!("chromedriver did not listen on 127.0.0.1:{port} within {BROWSER_STEP:?}");
        }
        let profile = tempfile::tempdir().expect("a browser profile directory");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime for the WebDriver client");
        let client = runtime.block_on(session(port, profile.path()));
        let client = match client {
            Ok(client) => client,
            Err(err) => {
                let _ = driver.kill();
                let _ = driver.wait();
                panic!("cannot start headless chromium through chromedriver: {err}");
            }
        };
        Browser {
            client,
            runtime,
            driver,
            _profile: profile,
        }
    }

    /// Runs one async step against the browser, failing the test after [`BROWSER_STEP`].
    #[track_caller]
    pub fn run<T>(&self, step: impl Future<Output = T>) -> T {
        self.runtime
            .block_on(async { tokio::time::timeout(BROWSER_STEP * 3, step).await })
            .unwrap_or_else(|_| panic!("a browser step took longer than {:?}", BROWSER_STEP * 3))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let client = self.client.clone();
        let _ = self.runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(10), client.close()).await
        });
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

async fn session(port: u16, profile: &std::path::Path) -> Result<Client, String> {
    let mut capabilities = Capabilities::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,800", "--hide-scrollbars", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--disable-default-apps", "--no-default-browser-check",
                "--force-color-profile=srgb",
                format!("--user-data-dir={}", profile.display()),
            ]
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .map_err(|err| err.to_string())?;
    client
        .update_timeouts(TimeoutConfiguration::new(
            Some(BROWSER_STEP),
            Some(BROWSER_STEP),
            Some(Duration::ZERO),
        ))
        .await
        .map_err(|err| err.to_string())?;
    Ok(client)
}

/// A port that was free a moment ago (chromedriver needs a number, not port 0).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn wait_for_port(port: u16) -> bool {
    let started = Instant::now();
    while started.elapsed() < BROWSER_STEP {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}
