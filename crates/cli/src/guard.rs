//! Where a command may write: never over the store or over one of its own input files.
//!
//! Owns the checks every output flag (`--out`, `--output`, `--rejects`, `--html`) goes through
//! before anything is created. Refuses nothing else: whether a file may be replaced at all is the
//! command's own choice.

use std::path::Path;

use borderwatch_store::same_file;

use crate::Failure;

/// Refuses `out` when it is the store (or one of its side files) or one of the inputs: a file
/// given, or a file inside a folder given.
pub fn output(
    flag: &str,
    out: &Path,
    store: Option<&Path>,
    inputs: &[&Path],
) -> Result<(), Failure> {
    let shown = out.display();
    if let Some(db) = store {
        for side in ["", "-wal", "-shm"] {
            let p = std::path::PathBuf::from(format!("{}{side}", db.display()));
            if same_file(out, &p) {
                return Err(Failure::input(format!(
                    "error: {flag} {shown}: is the store ({}); write to another file",
                    db.display()
                )));
            }
        }
    }
    for input in inputs {
        if input.as_os_str() == "-" {
            continue;
        }
        let inside = input.is_dir()
            && out.exists()
            && match (std::fs::canonicalize(input), std::fs::canonicalize(out)) {
                (Ok(dir), Ok(file)) => file.starts_with(dir),
                _ => false,
            };
        if same_file(out, input) || inside {
            return Err(Failure::input(format!(
                "error: {flag} {shown}: is an input file ({}); write to another file",
                input.display()
            )));
        }
    }
    Ok(())
}

/// Refuses two output flags that name one file (the second would overwrite the first).
pub fn distinct(a: (&str, &Path), b: (&str, &Path)) -> Result<(), Failure> {
    if same_file(a.1, b.1) {
        return Err(Failure::input(format!(
            "error: {} {}: is the same file as {}; give another",
            b.0,
            b.1.display(),
            a.0
        )));
    }
    Ok(())
}
