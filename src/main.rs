//! The `monocle` command: parse arguments, run the library, exit with its code.

use std::process::ExitCode;

fn main() -> ExitCode {
    monocle::cli::main()
}
