//! Embeds the built web UI (`ui/dist`, made by `scripts/build-ui.sh`) when it exists; without it
//! the server still runs the API and says how to build the UI.

use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui");
    let dist = std::env::var_os("BORDERWATCH_UI_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("dist"));
    println!("cargo:rerun-if-env-changed=BORDERWATCH_UI_DIST");
    // Cargo scans a watched directory recursively; watch the bundle when it exists, else the
    // file the build script writes last, so a first build of the UI is noticed.
    if dist.is_dir() {
        println!("cargo:rerun-if-changed={}", dist.display());
    } else {
        println!(
            "cargo:rerun-if-changed={}",
            root.join("package.json").display()
        );
        println!("cargo:rerun-if-changed={}", root.display());
    }
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
