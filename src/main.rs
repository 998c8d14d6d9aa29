//! The `monocle` command: parse arguments, run the library, exit with its code.

use std::process::ExitCode;

/// A fleet compile allocates millions of small strings and buffers from
/// two threads at once; mimalloc serves them in a fraction of the time
/// the system allocator takes (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    monocle::cli::main()
}
