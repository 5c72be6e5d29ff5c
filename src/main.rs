fn main() {
    // TEMPORARY (branch h4): `--demo` opens the dashboard until the CLI helper's dispatch lands;
    // the integrator keeps the CLI's version of this file.
    if std::env::args().skip(1).any(|a| a == "--demo") {
        std::process::exit(tokdash::dashboard::run(tokdash::dashboard::Launch {
            config: tokdash::config::Config::default(),
            demo: true,
            read_only: std::env::args().any(|a| a == "--read-only"),
        }));
    }
    std::process::exit(tokdash::cli::main());
}
