//! Interactive prompts (dialoguer), offered only when stdin and stderr are terminals, so a
//! script or CI job never waits on a question. Ctrl-C during a prompt leaves the terminal as
//! it found it (cursor shown, menu cleared); Esc at the menu cancels.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

use crate::error::{Error, Result};
use crate::events::{CATALOGUE, EventType};
use crate::secret::Secret;

/// Lines the event menu takes on screen while it is open (0 when closed).
static MENU_LINES: AtomicUsize = AtomicUsize::new(0);

/// Whether a person is there to answer.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// On Ctrl-C (console raises SIGINT while it reads a key, and the read fails too):
/// [`interrupted`], from whichever of the two comes first.
fn restore_terminal_on_interrupt() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let _ = ctrlc::set_handler(|| interrupted());
    });
}

/// Clears the open menu, shows the cursor again, and ends as an interrupted program does
/// (130). Once: a second caller waits on the lock until the process is gone.
fn interrupted() -> ! {
    static ONCE: Mutex<()> = Mutex::new(());
    let _only_one = ONCE.lock();
    let term = console::Term::stderr();
    let lines = MENU_LINES.swap(0, Ordering::SeqCst);
    if lines > 0 {
        let _ = term.clear_last_lines(lines);
    }
    let _ = term.show_cursor();
    crate::output::to_stderr("interrupted");
    std::process::exit(130);
}

/// Whether a prompt ended because of Ctrl-C.
fn is_interrupt(err: &dialoguer::Error) -> bool {
    let dialoguer::Error::IO(io) = err;
    io.kind() == std::io::ErrorKind::Interrupted
}

/// Offers the catalogue as a list; Esc (or q) cancels.
pub fn choose_event() -> Result<EventType> {
    restore_terminal_on_interrupt();
    let labels: Vec<String> = CATALOGUE
        .iter()
        .map(|e| format!("{:<16} {:<9} {}", e.name, e.profile.name(), e.fires))
        .collect();
    MENU_LINES.store(labels.len() + 1, Ordering::SeqCst);
    let chosen = dialoguer::Select::new()
        .with_prompt("Event to send (Esc cancels)")
        .items(&labels)
        .default(0)
        .interact_opt();
    if let Err(err) = &chosen
        && is_interrupt(err)
    {
        interrupted();
    }
    MENU_LINES.store(0, Ordering::SeqCst);
    let _ = console::Term::stderr().show_cursor();
    match chosen {
        Ok(Some(index)) => Ok(CATALOGUE[index]),
        Ok(None) => Err(Error::usage("no event chosen (cancelled)")),
        Err(err) => Err(Error::usage(format!("no event chosen: {err}"))),
    }
}

/// Asks for the endpoint, offering the listener's default address; a URL without
/// http:// or https:// is asked for again.
pub fn ask_url() -> Result<String> {
    restore_terminal_on_interrupt();
    dialoguer::Input::<String>::new()
        .with_prompt("Endpoint URL")
        .default("http://127.0.0.1:3001/webhooks".to_string())
        .validate_with(|text: &String| url_problem(text).map_or(Ok(()), Err))
        .interact_text()
        .map_err(|err| match is_interrupt(&err) {
            true => interrupted(),
            false => Error::usage(format!("no URL given: {err}")),
        })
}

/// Why a typed URL will not do, if it will not.
fn url_problem(text: &str) -> Option<&'static str> {
    let lower = text.trim().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"));
    match rest {
        None => Some("start with http:// or https://, e.g. http://127.0.0.1:3001/webhooks"),
        Some("") => Some("add a host after the scheme, e.g. http://127.0.0.1:3001/webhooks"),
        Some(_) => None,
    }
}

/// Asks for the secret (typed hidden); empty sends unsigned.
pub fn ask_secret() -> Result<Option<Secret>> {
    restore_terminal_on_interrupt();
    let typed = dialoguer::Password::new()
        .with_prompt("Secret to sign with (hidden; empty sends unsigned)")
        .allow_empty_password(true)
        .interact()
        .map_err(|err| match is_interrupt(&err) {
            true => interrupted(),
            false => Error::usage(format!("no secret given: {err}")),
        })?;
    Ok((!typed.is_empty()).then(|| Secret::new(typed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_urls_need_a_scheme_and_a_host() {
        assert!(url_problem("127.0.0.1:3001/hooks").is_some());
        assert!(url_problem("http://").is_some());
        assert!(url_problem("ftp://x").is_some());
        assert!(url_problem("http://127.0.0.1:3001/hooks").is_none());
        assert!(url_problem("HTTPS://example.test").is_none());
    }
}
