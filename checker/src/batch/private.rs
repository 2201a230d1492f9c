//! Files and folders a batch writes for the instructor alone: grades, explanations, students'
//! sources. Folders are made `0700` and files `0600` whatever the umask, so that neither
//! another account on the machine nor student code running as a sandbox user can read them,
//! even where the kernel refuses the namespaces that hide them (see `batch::isolation`).

use std::fs::{DirBuilder, OpenOptions, Permissions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

pub const FOLDER_MODE: u32 = 0o700;
pub const FILE_MODE: u32 = 0o600;

/// Makes `dir` (and any missing folder above it) readable by its owner only. A folder that
/// exists keeps its other permissions only if it is not `dir` itself.
pub fn folder(dir: &Path) -> std::io::Result<()> {
    DirBuilder::new().recursive(true).mode(FOLDER_MODE).create(dir)?;
    std::fs::set_permissions(dir, Permissions::from_mode(FOLDER_MODE))
}

/// Writes `bytes` to `path`, readable by its owner only (also when the file existed).
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = OpenOptions::new().write(true).create(true).truncate(true).mode(FILE_MODE).open(path)?;
    file.set_permissions(Permissions::from_mode(FILE_MODE))?;
    file.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn folders_and_files_are_the_owners_alone_whatever_was_there() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        folder(&nested).unwrap();
        assert_eq!(std::fs::metadata(&nested).unwrap().mode() & 0o777, FOLDER_MODE);
        let file = nested.join("grade.json");
        std::fs::write(&file, "old").unwrap();
        std::fs::set_permissions(&file, Permissions::from_mode(0o644)).unwrap();
        write(&file, b"new").unwrap();
        assert_eq!(std::fs::metadata(&file).unwrap().mode() & 0o777, FILE_MODE);
        assert_eq!(std::fs::read(&file).unwrap(), b"new");
    }
}
