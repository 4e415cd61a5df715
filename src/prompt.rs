//! Interactive prompts (dialoguer), offered only when stdin and stderr are terminals, so a
//! script or CI job never waits on a question.

use std::io::IsTerminal;

use crate::error::{Error, Result};
use crate::events::{CATALOGUE, EventType};

/// Whether a person is there to answer.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Offers the catalogue as a list.
pub fn choose_event() -> Result<EventType> {
    let labels: Vec<String> = CATALOGUE
        .iter()
        .map(|e| format!("{:<16} {:<9} {}", e.name, e.profile.name(), e.fires))
        .collect();
    let index = dialoguer::Select::new()
        .with_prompt("Event to send")
        .items(&labels)
        .default(0)
        .interact()
        .map_err(|err| Error::usage(format!("no event chosen: {err}")))?;
    Ok(CATALOGUE[index])
}

/// Asks for the endpoint, offering the listener's default address.
pub fn ask_url() -> Result<String> {
    dialoguer::Input::<String>::new()
        .with_prompt("Endpoint URL")
        .default("http://127.0.0.1:3001/webhooks".to_string())
        .interact_text()
        .map_err(|err| Error::usage(format!("no URL given: {err}")))
}
