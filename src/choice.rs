//! Enums the user picks by name on the command line (schemes, encodings, profiles, check
//! scenarios, colour), described once here for parsing, help and completions. The domain
//! modules implement `Choice`; `cli` adapts it to clap, so they never depend on clap.

pub trait Choice: Copy + Sized + 'static {
    /// Every value, in the order help and completions list them.
    const ALL: &'static [Self];
    /// The name the user types.
    fn name(self) -> &'static str;
    /// One line for help and completions.
    fn help(self) -> Option<&'static str>;
}
