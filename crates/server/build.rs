//! Embeds the built web UI (`ui/dist`, made by `scripts/build-ui.sh`) when it exists; without it
//! the server still runs the API and says how to build the UI.

use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui");
    let dist = std::env::var_os("BORDERWATCH_UI_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("dist"));
    println!("cargo:rerun-if-env-changed=BORDERWATCH_UI_DIST");
    println!("cargo:rerun-if-changed={}", watched(&dist).display());
    let mut files = Vec::new();
    if dist.join("index.html").is_file() {
        walk(&dist, &dist, &mut files);
    }
    files.sort();
    let mut out = String::from("pub static ASSETS: &[(&str, &[u8])] = &[\n");
    for (url, path) in &files {
        out.push_str(&format!(
            "    ({url:?}, include_bytes!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("assets.rs");
    std::fs::write(dest, out).expect("write assets.rs");
}

/// What to watch so that the bundle is embedded again whenever it changes, and once it is
/// built: the bundle itself when it exists (Cargo scans a watched folder recursively, so a file
/// added, changed or removed is seen; the bundle removed is a missing path, which reruns this
/// too); else the nearest folder on the way to it that exists, whose contents change when the
/// bundle is made there. Never a path that does not exist: Cargo would rerun this script, and
/// rebuild the server, on every build.
fn watched(dist: &Path) -> PathBuf {
    if dist.is_dir() {
        return dist.to_path_buf();
    }
    let mut at = dist.parent();
    while let Some(dir) = at {
        if dir.is_dir() {
            return dir.to_path_buf();
        }
        at = dir.parent();
    }
    PathBuf::from(".")
}

fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(base, &p, out);
        } else if let Ok(rel) = p.strip_prefix(base) {
            let url = format!("/{}", rel.to_string_lossy().replace('\\', "/"));
            let abs = std::fs::canonicalize(&p).unwrap_or(p);
            out.push((url, abs));
        }
    }
}
