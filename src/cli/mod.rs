//! Command-line parsing and dispatch. SKELETON.

/// Parse the command line and run it; returns the process exit code.
pub fn main() -> i32 {
    0
}
