//! Setting tokdash up: `init` writes a commented starter configuration, `completions` prints a
//! shell's completion script and `man` the manual page, both generated from the same clap
//! definition as the parser, so they never drift from it.

use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory, ValueEnum};
use clap_complete::Shell;

use super::{Cli, EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use crate::config::ConfigEnv;

/// The example configuration, every key commented, shipped inside the binary: `cargo install`
/// installs no other file.
pub const STARTER_CONFIG: &str = include_str!("../../config.example.toml");

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Replace a configuration file that is already there
    #[arg(long)]
    pub force: bool,
    /// Print the starter configuration on standard output instead of writing a file
    #[arg(long, conflicts_with = "force")]
    pub stdout: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

/// The shells clap_complete writes scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

impl From<CompletionShell> for Shell {
    fn from(shell: CompletionShell) -> Shell {
        match shell {
            CompletionShell::Bash => Shell::Bash,
            CompletionShell::Zsh => Shell::Zsh,
            CompletionShell::Fish => Shell::Fish,
            CompletionShell::Elvish => Shell::Elvish,
            CompletionShell::Powershell => Shell::PowerShell,
        }
    }
}

/// `tokdash init`: write the starter to `--config PATH`, else `$TOKDASH_CONFIG`, else the XDG
/// location the dashboard reads, private (0600), never over an existing file without `--force`.
pub fn init(args: &InitArgs, explicit: Option<&Path>) -> i32 {
    if args.stdout {
        super::output::print(STARTER_CONFIG);
        return EXIT_OK;
    }
    let env = ConfigEnv::from_process();
    let Some(path) = target(explicit, &env) else {
        eprintln!(
            "tokdash: no home directory to put the configuration in; pass --config PATH or \
             set $TOKDASH_CONFIG"
        );
        return EXIT_USAGE;
    };
    let shown = crate::text::sanitize(&path.display().to_string());
    match write_starter(&path, args.force) {
        Ok(()) => {
            println!(
                "tokdash: wrote a starter configuration to {shown} (readable by you only).\n\
                 Edit its [[accounts]]: keep one entry per account you have, with its name, \
                 provider and where its credential comes from (an environment variable or a \
                 command, e.g. your password manager's CLI), and delete the example ones. Then \
                 run `tokdash` for the dashboard or `tokdash list`."
            );
            EXIT_OK
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            eprintln!(
                "tokdash: {shown} already exists; left as it is. Edit it, or run `tokdash init \
                 --force` to replace it with the starter"
            );
            EXIT_USAGE
        }
        Err(e) => {
            eprintln!("tokdash: could not write {shown}: {e}");
            EXIT_FAILED
        }
    }
}

/// Where `init` writes: where the dashboard will look first.
fn target(explicit: Option<&Path>, env: &ConfigEnv) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_owned());
    }
    if let Some(var) = env.tokdash_config.as_ref().filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(var));
    }
    env.default_path()
}

/// Write the starter to `path` with mode 0600, its directory created private. Without `force`
/// an existing file (or link) is an `AlreadyExists` error. With it, the file is written beside
/// and renamed over, so a link in its place is replaced, never written through.
fn write_starter(path: &Path, force: bool) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            crate::paths::private_dir(dir)?;
        }
    }
    if !force {
        return write_new(path);
    }
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(format!(".tokdash-init-{}", std::process::id()));
    let temp = path.with_file_name(name);
    let _ = std::fs::remove_file(&temp);
    write_new(&temp)?;
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

/// Create `path` (refusing one that exists, a link included) with mode 0600 and the starter in
/// it.
fn write_new(path: &Path) -> io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(STARTER_CONFIG.as_bytes())?;
    file.sync_all()
}

/// `tokdash completions SHELL`: the script on standard output.
pub fn completions(args: &CompletionsArgs) -> i32 {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(Shell::from(args.shell), &mut command, "tokdash", &mut out);
    emit(&out)
}

/// `tokdash man`: the manual page, in roff, on standard output.
pub fn man() -> i32 {
    let mut out = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut out) {
        Ok(()) => emit(&out),
        Err(e) => {
            eprintln!("tokdash: could not write the manual page: {e}");
            EXIT_FAILED
        }
    }
}

fn emit(bytes: &[u8]) -> i32 {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => EXIT_OK,
        // A closed pipe (`| head`) is the reader's choice, not a failure worth a message.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            eprintln!("tokdash: could not write to standard output: {e}");
            EXIT_FAILED
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_starter_is_written_private_and_never_over_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new").join("config.toml");
        write_starter(&path, false).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), STARTER_CONFIG);

        std::fs::write(&path, "# mine\n").unwrap();
        let e = write_starter(&path, false).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");

        write_starter(&path, true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), STARTER_CONFIG);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn a_link_in_the_way_is_neither_followed_nor_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::write(&elsewhere, "keep").unwrap();
        let path = dir.path().join("config.toml");
        std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
        assert!(write_starter(&path, false).is_err());
        write_starter(&path, true).unwrap();
        assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "keep");
        assert!(!std::fs::symlink_metadata(&path).unwrap().is_symlink());
    }

    #[test]
    fn the_target_follows_the_dashboards_lookup() {
        let env = ConfigEnv {
            tokdash_config: None,
            config_home: Some("/x/conf".into()),
        };
        assert_eq!(
            target(None, &env),
            Some(PathBuf::from("/x/conf/tokdash/config.toml"))
        );
        assert_eq!(
            target(Some(Path::new("/y.toml")), &env),
            Some(PathBuf::from("/y.toml"))
        );
    }
}
