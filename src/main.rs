//! The binary: a tokio runtime around [`tokdash::cli::run`].

fn main() {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tokdash: could not start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    let code = runtime.block_on(tokdash::cli::run(std::env::args_os()));
    // Drop the runtime first so background tasks (the sandbox server) stop before exiting.
    drop(runtime);
    std::process::exit(code);
}
