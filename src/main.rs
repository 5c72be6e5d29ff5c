fn main() {
    std::process::exit(tokdash::cli::main());
}
