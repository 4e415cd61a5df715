//! `whk completions SHELL`: a completion script generated from the one clap model.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::error::{Error, Result};

pub fn run(args: CompletionsArgs) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "whk", &mut script);
    std::io::Write::write_all(&mut std::io::stdout().lock(), &script)?;
    Ok(())
}

/// `whk man DIR`: one man page for whk and one per command, from the same clap model.
pub fn man(args: ManArgs) -> Result<()> {
    let cannot = |err: std::io::Error| {
        Error::usage(format!(
            "cannot write man pages to {}: {err}",
            args.dir.display()
        ))
    };
    std::fs::create_dir_all(&args.dir).map_err(cannot)?;
    let mut root = Cli::command();
    root.build();
    let mut pages = vec![("whk".to_string(), root.clone())];
    let documented = |s: &&clap::Command| !s.is_hide_set() && s.get_name() != "help";
    for sub in root.get_subcommands().filter(documented) {
        let command = sub
            .clone()
            .display_name(format!("whk-{}", sub.get_name()))
            .bin_name(format!("whk {}", sub.get_name()));
        pages.push((format!("whk-{}", sub.get_name()), command));
    }
    for (name, command) in pages {
        let mut page = Vec::new();
        clap_mangen::Man::new(command)
            .title(name.clone())
            .render(&mut page)
            .map_err(cannot)?;
        let mut temp = tempfile::NamedTempFile::new_in(&args.dir).map_err(cannot)?;
        std::io::Write::write_all(&mut temp, &page).map_err(cannot)?;
        temp.persist(args.dir.join(format!("{name}.1")))
            .map_err(|err| cannot(err.error))?;
    }
    Ok(())
}
