//! Walking the folders an ingest is given, and reading the files found: the one place the
//! pipeline touches the file system.
//!
//! Owns: which files a walk yields (regular files under the paths given, folders in name order,
//! each folder once), symbolic links (followed only while they stay inside the folder given),
//! and reading a file whole while making sure it did not change under the reader.
//!
//! Refuses: anything that is not a regular file or a folder (a FIFO, socket or device would
//! block the read for ever: skipped with an issue), links out of the tree (a link to
//! `/etc/passwd` is never archived), and a folder reached a second time (a link loop, or two
//! links to one folder).

use std::collections::HashSet;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

use borderwatch_model::{Issue, IssueCode};

/// What a walk found: the files to take, in order, and what it left out, each with why.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<PathBuf>,
    /// Entries skipped on purpose (not regular files, links out of the tree).
    pub skipped: Vec<Issue>,
    /// Paths that could not be read at all (a path given that does not exist, a folder that
    /// cannot be listed).
    pub failed: Vec<Issue>,
}

fn issue(code: IssueCode, path: &Path, message: String) -> Issue {
    let name = path.display().to_string();
    let mut i = Issue::new(code, message).value(name.clone());
    i.file = Some(name);
    i
}

/// A file's identity, so a folder or file reached by two paths is taken once.
#[cfg(unix)]
fn identity(m: &Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn identity(_: &Metadata) -> (u64, u64) {
    (0, 0)
}

fn kind_name(m: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = m;
    "not a regular file"
}

/// The files under `paths`: a file given is taken as it is (a link given is the user's own
/// choice, and is followed), a folder is walked recursively in name order.
pub fn walk(paths: &[PathBuf]) -> Walk {
    let mut w = Walk::default();
    let mut dirs_seen: HashSet<(u64, u64)> = HashSet::new();
    let mut files_seen: HashSet<(u64, u64)> = HashSet::new();
    for given in paths {
        let meta = match std::fs::metadata(given) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                w.failed.push(issue(
                    IssueCode::Unreadable,
                    given,
                    "no such file or directory".into(),
                ));
                continue;
            }
            Err(e) => {
                w.failed.push(issue(
                    IssueCode::Unreadable,
                    given,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        if meta.is_file() {
            if files_seen.insert(identity(&meta)) {
                w.files.push(given.clone());
            }
            continue;
        }
        if !meta.is_dir() {
            w.skipped.push(issue(
                IssueCode::NotRegularFile,
                given,
                format!("{}; skipped", kind_name(&meta)),
            ));
            continue;
        }
        let root = match std::fs::canonicalize(given) {
            Ok(r) => r,
            Err(e) => {
                w.failed.push(issue(
                    IssueCode::Unreadable,
                    given,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        if !dirs_seen.insert(identity(&meta)) {
            continue;
        }
        let mut linked = Vec::new();
        walk_dir(
            given,
            &root,
            &mut dirs_seen,
            &mut files_seen,
            &mut linked,
            &mut w,
        );
        // A link to a file the walk also reached by its own path is that file, under its name.
        for (p, id) in linked {
            if files_seen.insert(id) {
                w.files.push(p);
            }
        }
    }
    w
}

/// Walks one folder depth first in name order, with an explicit stack (a deep tree cannot
/// overflow the thread's stack).
fn walk_dir(
    start: &Path,
    root: &Path,
    dirs_seen: &mut HashSet<(u64, u64)>,
    files_seen: &mut HashSet<(u64, u64)>,
    linked: &mut Vec<(PathBuf, (u64, u64))>,
    w: &mut Walk,
) {
    let mut stack = vec![start.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let rd = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) => {
                w.failed.push(issue(
                    IssueCode::Unreadable,
                    &dir,
                    format!("cannot read directory: {e}"),
                ));
                continue;
            }
        };
        let mut kids: Vec<PathBuf> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
        kids.sort();
        let mut subdirs = Vec::new();
        for p in kids {
            let Ok(lmeta) = std::fs::symlink_metadata(&p) else {
                continue; // gone since the listing
            };
            let is_link = lmeta.file_type().is_symlink();
            let meta = if is_link {
                let target = std::fs::canonicalize(&p);
                match target {
                    Ok(t) if t.starts_with(root) => match std::fs::metadata(&t) {
                        Ok(m) => m,
                        Err(_) => continue,
                    },
                    Ok(t) => {
                        w.skipped.push(issue(
                            IssueCode::LinkOutside,
                            &p,
                            format!(
                                "a symbolic link to {}, outside {}; not followed",
                                t.display(),
                                start.display()
                            ),
                        ));
                        continue;
                    }
                    Err(e) => {
                        w.skipped.push(issue(
                            IssueCode::LinkOutside,
                            &p,
                            format!("a symbolic link that leads nowhere ({e}); not followed"),
                        ));
                        continue;
                    }
                }
            } else {
                lmeta
            };
            if meta.is_dir() {
                if dirs_seen.insert(identity(&meta)) {
                    subdirs.push(p);
                }
            } else if meta.is_file() && is_link {
                linked.push((p, identity(&meta)));
            } else if meta.is_file() {
                if files_seen.insert(identity(&meta)) {
                    w.files.push(p);
                }
            } else {
                w.skipped.push(issue(
                    IssueCode::NotRegularFile,
                    &p,
                    format!("{}; skipped", kind_name(&meta)),
                ));
            }
        }
        // Folders after the files of their parent, in name order (the stack pops the first).
        stack.extend(subdirs.into_iter().rev());
    }
}

/// Size and modification time: what says a file changed while it was read.
fn stamp(m: &Metadata) -> (u64, Option<std::time::SystemTime>) {
    (m.len(), m.modified().ok())
}

/// Opens a file for reading without blocking on a FIFO put in its place since the walk, and
/// refuses anything that is not a regular file.
pub fn open_regular(path: &Path) -> Result<(File, Metadata), Issue> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK);
    }
    let f = o
        .open(path)
        .map_err(|e| issue(IssueCode::Unreadable, path, format!("cannot read: {e}")))?;
    let m = f
        .metadata()
        .map_err(|e| issue(IssueCode::Unreadable, path, format!("cannot read: {e}")))?;
    if !m.is_file() {
        return Err(issue(
            IssueCode::NotRegularFile,
            path,
            format!("{}; skipped", kind_name(&m)),
        ));
    }
    if m.len() > borderwatch_store::MAX_SOURCE_BYTES {
        return Err(issue(
            IssueCode::TooLarge,
            path,
            format!(
                "{} bytes: the store archives a source of at most {} bytes; split the file \
                 (a vessel-track feed by day or by area)",
                m.len(),
                borderwatch_store::MAX_SOURCE_BYTES
            ),
        ));
    }
    Ok((f, m))
}

/// Checks that a file read from `before` on still has the same size and modification time,
/// both through the open handle and at its path (it may have been replaced).
pub fn unchanged(path: &Path, file: &File, before: &Metadata, read: u64) -> Result<(), Issue> {
    let was = stamp(before);
    let now = file.metadata().map(|m| stamp(&m)).ok();
    let at_path = std::fs::metadata(path).map(|m| stamp(&m)).ok();
    if now != Some(was) || at_path != Some(was) || read != was.0 {
        return Err(issue(
            IssueCode::ChangedWhileRead,
            path,
            format!(
                "changed while it was read ({} bytes when opened, {} read); not stored — ingest it again once it is complete",
                was.0, read
            ),
        ));
    }
    Ok(())
}

/// Reads a regular file whole, tried again (up to three times) when it changes while read: a
/// file still being written is never stored with a torn last row.
pub fn read(path: &Path) -> Result<Vec<u8>, Issue> {
    let mut last = None;
    for _ in 0..3 {
        let (mut f, before) = open_regular(path)?;
        let mut bytes = Vec::with_capacity(before.len() as usize);
        f.read_to_end(&mut bytes)
            .map_err(|e| issue(IssueCode::Unreadable, path, format!("cannot read: {e}")))?;
        match unchanged(path, &f, &before, bytes.len() as u64) {
            Ok(()) => return Ok(bytes),
            Err(i) => last = Some(i),
        }
    }
    Err(last.expect("three tries"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("bw-walk-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn names(w: &Walk, root: &Path) -> Vec<String> {
        w.files
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().display().to_string())
            .collect()
    }

    #[cfg(unix)]
    #[test]
    fn links_stay_inside_and_no_folder_is_walked_twice() {
        use std::os::unix::fs::symlink;
        let d = tmp("links");
        let root = d.join("reports");
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/one.txt"), "one").unwrap();
        std::fs::write(root.join("a/b/two.txt"), "two").unwrap();
        std::fs::write(d.join("secret.txt"), "outside").unwrap();
        // Loops back up, several times over: exponential if followed.
        for i in 0..4 {
            symlink("..", root.join(format!("a/b/up{i}"))).unwrap();
            symlink("../..", root.join(format!("a/b/top{i}"))).unwrap();
        }
        symlink(d.join("secret.txt"), root.join("a/leak.txt")).unwrap();
        symlink("/etc", root.join("etc")).unwrap();
        symlink("a/one.txt", root.join("same.txt")).unwrap();
        symlink("nowhere.txt", root.join("broken.txt")).unwrap();
        let w = walk(std::slice::from_ref(&root));
        assert_eq!(names(&w, &root), ["a/one.txt", "a/b/two.txt"]);
        let skipped: Vec<String> = w
            .skipped
            .iter()
            .map(|i| format!("{} {}", i.code, i.file.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(skipped.len(), 3, "{skipped:?}");
        assert!(
            skipped.iter().all(|s| s.starts_with("link-outside")),
            "{skipped:?}"
        );
        assert!(w.failed.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn fifos_are_skipped_with_an_issue_and_never_opened() {
        let d = tmp("fifo");
        std::fs::write(d.join("a.txt"), "a").unwrap();
        let fifo = d.join("pipe.txt");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let w = walk(std::slice::from_ref(&d));
        assert_eq!(names(&w, &d), ["a.txt"]);
        assert_eq!(w.skipped.len(), 1);
        assert_eq!(w.skipped[0].code, IssueCode::NotRegularFile);
        assert!(w.skipped[0].message.contains("FIFO"), "{:?}", w.skipped[0]);
        // Given by name, or read directly, it is refused without blocking.
        let w = walk(std::slice::from_ref(&fifo));
        assert!(w.files.is_empty() && w.skipped.len() == 1);
        let e = read(&fifo).unwrap_err();
        assert_eq!(e.code, IssueCode::NotRegularFile);
    }

    #[test]
    fn a_file_is_read_whole_and_a_missing_path_fails() {
        let d = tmp("read");
        std::fs::write(d.join("a.txt"), "abc").unwrap();
        assert_eq!(read(&d.join("a.txt")).unwrap(), b"abc");
        let w = walk(&[d.join("nope")]);
        assert_eq!(w.failed.len(), 1);
        assert!(w.failed[0].message.contains("no such file"));
    }

    #[test]
    fn a_file_larger_than_the_archive_takes_is_refused_before_it_is_read() {
        let d = tmp("huge");
        let p = d.join("month.nmea");
        // Sparse: a billion bytes that take no room on the disk.
        let f = std::fs::File::create(&p).unwrap();
        f.set_len(borderwatch_store::MAX_SOURCE_BYTES + 1).unwrap();
        let e = read(&p).unwrap_err();
        assert_eq!(e.code, IssueCode::TooLarge);
        assert!(
            e.message.starts_with(
                "1000000001 bytes: the store archives a source of at most 1000000000 bytes"
            ),
            "{}",
            e.message
        );
        f.set_len(3).unwrap();
        assert_eq!(read(&p).unwrap(), [0, 0, 0]);
    }

    #[test]
    fn a_file_that_grows_while_read_is_not_taken() {
        let d = tmp("grows");
        let p = d.join("rows.csv");
        std::fs::write(&p, "hs,direction\n8418,in\n").unwrap();
        let (f, before) = open_regular(&p).unwrap();
        use std::io::Write;
        std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .unwrap()
            .write_all(b"84")
            .unwrap();
        let e = unchanged(&p, &f, &before, before.len()).unwrap_err();
        assert_eq!(e.code, IssueCode::ChangedWhileRead);
        assert!(e.message.contains("changed while it was read"), "{e:?}");
    }
}
