//! The event catalogue as the documentation lists it, in order: what whk must offer.

pub const GEOREDIR_EVENTS: &[&str] = &[
    "click",
    "conversion",
    "link.created",
    "link.updated",
    "link.deleted",
    "alert.triggered",
];

pub const RELURL_EVENTS: &[&str] = &[
    "link.clicked",
    "link.created",
    "link.updated",
    "link.expired",
];
