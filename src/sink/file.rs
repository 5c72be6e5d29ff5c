//! A file sink: the secret is written, alone, to the path its template names (`~/` is the home
//! directory), readable by its owner only (0600), via a temporary file in the same directory and
//! a rename, so the file is whole or untouched. A symbolic link at the path is refused, never
//! followed (`inventory::write_private`, which the export uses too).

use secrecy::{ExposeSecret, SecretString};

use super::Failure;
use super::placeholder::{Subject, Template, Use};
use crate::inventory::{WriteError, expand_home, write_private};
use crate::text::sanitize;

pub fn deliver(
    path: &Template,
    subject: &Subject,
    secret: &SecretString,
) -> Result<String, Failure> {
    let filled = path.fill(subject, Use::Path).map_err(Failure::new)?;
    let path = expand_home(&filled);
    match write_private(&path, secret.expose_secret().as_bytes(), true) {
        Ok(written) => Ok(format!(
            "wrote {}",
            sanitize(&written.display().to_string())
        )),
        Err(WriteError::Failed(why)) => Err(Failure::new(sanitize(&why))),
        Err(WriteError::Exists(p)) => Err(Failure::new(format!(
            "{} exists",
            sanitize(&p.display().to_string())
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn subject(name: &str) -> Subject {
        Subject {
            account: "prod".into(),
            provider: "fluid".into(),
            name: name.into(),
            id: "42".into(),
        }
    }

    fn secret() -> SecretString {
        SecretString::from("s3cret-value-xyz".to_owned())
    }

    #[test]
    fn the_file_is_private_and_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let t = Template::parse(&format!(
            "{}/{{account}}-{{name}}.token",
            dir.path().display()
        ))
        .unwrap();
        let file = dir.path().join("prod-ci.token");
        std::fs::write(&file, "old").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        deliver(&t, &subject("ci"), &secret()).unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "s3cret-value-xyz");
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // Nothing else was left in the directory.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_link_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        std::fs::write(&target, "keep").unwrap();
        let link = dir.path().join("prod-ci.token");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let t = Template::parse(&format!(
            "{}/{{account}}-{{name}}.token",
            dir.path().display()
        ))
        .unwrap();
        let err = deliver(&t, &subject("ci"), &secret()).unwrap_err();
        assert!(err.reason.contains("symbolic link"), "{err:?}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_whole_and_no_partial_one() {
        let dir = tempfile::tempdir().unwrap();
        let locked = dir.path().join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::write(locked.join("ci.token"), "old").unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).unwrap();
        let t = Template::parse(&format!("{}/{{name}}.token", locked.display())).unwrap();
        let result = deliver(&t, &subject("ci"), &secret());
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).unwrap();
        if rustix::process::geteuid().is_root() {
            // Root writes into a read-only directory anyway: fail the write another way.
            return a_failed_write_as_root_leaves_the_old_file_whole();
        }
        let err = result.unwrap_err();
        assert!(err.reason.contains("cannot write it"), "{err:?}");
        assert!(!err.reason.contains("s3cret"), "{err:?}");
        assert_eq!(
            std::fs::read_to_string(locked.join("ci.token")).unwrap(),
            "old"
        );
        assert_eq!(std::fs::read_dir(&locked).unwrap().count(), 1);
    }

    /// A failure even root meets: a file name so long (240 bytes) that it is valid, but the
    /// temporary file's name beside it (`.NAME.tokdash-PID-N.tmp`) is longer than a directory
    /// entry may be. The old file stays whole and nothing else is left behind.
    fn a_failed_write_as_root_leaves_the_old_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let name = "n".repeat(234);
        std::fs::write(dir.path().join(format!("{name}.token")), "old").unwrap();
        let t = Template::parse(&format!("{}/{{name}}.token", dir.path().display())).unwrap();
        let err = deliver(&t, &subject(&name), &secret()).unwrap_err();
        assert!(err.reason.contains("cannot write it"), "{err:?}");
        assert!(!err.reason.contains("s3cret"), "{err:?}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join(format!("{name}.token"))).unwrap(),
            "old"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_name_cannot_leave_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let t = Template::parse(&format!("{}/{{name}}.token", dir.path().display())).unwrap();
        let err = deliver(&t, &subject("../escape"), &secret()).unwrap_err();
        assert!(err.reason.contains("path component"), "{err:?}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
