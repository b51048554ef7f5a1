//! The `qalam` binary: see [`qalam::cli`].

fn main() -> std::process::ExitCode {
    qalam::cli::main()
}
