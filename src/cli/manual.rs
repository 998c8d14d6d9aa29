//! `completions` and `man`: generated from the clap definitions, so they
//! never disagree with `--help`.

use clap::CommandFactory;

use super::{Cli, OK, USAGE};

pub fn completions(shell: clap_complete::Shell) -> u8 {
    let mut command = Cli::command();
    // Rendered first: clap_complete panics when its writer fails.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "monocle", &mut script);
    super::output::stdout_written(std::io::Write::write_all(&mut std::io::stdout(), &script));
    OK
}

/// monocle(1), or `monocle-<command>`(1) for one command.
pub fn man(name: Option<&str>) -> u8 {
    let command = Cli::command();
    let page = if let Some(name) = name {
        let Some(sub) = command.find_subcommand(name) else {
            let names: Vec<&str> = command
                .get_subcommands()
                .map(clap::Command::get_name)
                .collect();
            eprintln!(
                "error: no command `{name}`; the commands are {}",
                names.join(", ")
            );
            return USAGE;
        };
        // The page is named after the whole command line.
        sub.clone()
            .display_name(format!("monocle-{name}"))
            .bin_name(format!("monocle {name}"))
    } else {
        command
    };
    let mut text = Vec::new();
    if let Err(err) = clap_mangen::Man::new(page).render(&mut text) {
        eprintln!("error: cannot render the man page: {err}");
        return USAGE;
    }
    super::output::stdout_written(std::io::Write::write_all(&mut std::io::stdout(), &text));
    OK
}
