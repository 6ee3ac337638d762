//! The capability check and the file operation see the same object: while
//! other threads swap a granted directory and a granted file for symlinks
//! to outside the tree, in a tight loop, ML code writes, appends, reads,
//! deletes, creates, moves and removes under the grant many times. Nothing
//! outside the tree is ever created, read or modified.
#![cfg(target_os = "linux")]

mod common;

use common::*;
use rustix::fs::{renameat_with, Mode, OFlags, RenameFlags, CWD};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// Every entry under `root` (not following links): relative path -> content
/// (`None` for a directory, the target for a link).
fn snapshot(root: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(d) = pending.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            let content = if meta.is_dir() {
                pending.push(p.clone());
                None
            } else if meta.is_symlink() {
                Some(
                    std::fs::read_link(&p)
                        .unwrap()
                        .into_os_string()
                        .into_encoded_bytes(),
                )
            } else {
                Some(std::fs::read(&p).unwrap())
            };
            out.insert(rel, content);
        }
    }
    out
}

/// Swaps `a` and `b` atomically (`renameat2(RENAME_EXCHANGE)`) until
/// `stop`, counting the swaps.
fn swapper(a: String, b: String, stop: Arc<AtomicBool>, swaps: Arc<AtomicUsize>) {
    while !stop.load(Ordering::Relaxed) {
        if renameat_with(CWD, a.as_str(), CWD, b.as_str(), RenameFlags::EXCHANGE).is_ok() {
            swaps.fetch_add(1, Ordering::Relaxed);
            // Leave the program's thread a share of a loaded machine.
            std::thread::yield_now();
        } else {
            // The program deleted the file for now: give it back.
            // (Never through a link: the test itself must not write outside.)
            let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::NOFOLLOW;
            let _ = rustix::fs::open(a.as_str(), flags, Mode::from_raw_mode(0o644));
            std::thread::yield_now();
        }
    }
}

#[test]
fn swapping_directories_and_files_for_links_never_escapes_the_grant() {
    let t = TempDir::new("race");
    let grant = t.0.join("grant");
    let outside = t.0.join("outside");
    std::fs::create_dir_all(grant.join("d")).unwrap();
    std::fs::create_dir_all(grant.join("e")).unwrap();
    std::fs::create_dir_all(outside.join("sub")).unwrap();
    std::fs::create_dir_all(outside.join("m1")).unwrap();
    std::fs::write(outside.join("f.txt"), "SECRET").unwrap();
    std::fs::write(outside.join("t.csv"), "SECRET,1\n").unwrap();
    std::fs::write(outside.join("sub/SECRET.txt"), "SECRET").unwrap();
    std::fs::write(outside.join("m1/x.txt"), "SECRET").unwrap();
    std::fs::write(grant.join("e/f.txt"), "inside").unwrap();
    // `d` (a directory) trades places with `dlink` (a link to outside), and
    // `e/f.txt` (a file) with `e/flink` (a link to the outside file).
    std::os::unix::fs::symlink(&outside, grant.join("dlink")).unwrap();
    std::os::unix::fs::symlink(outside.join("f.txt"), grant.join("e/flink")).unwrap();
    let before = snapshot(&outside);

    let stop = Arc::new(AtomicBool::new(false));
    let swaps = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = [("d", "dlink"), ("e/f.txt", "e/flink")]
        .into_iter()
        .map(|(a, b)| {
            let (a, b) = (t.path(&format!("grant/{a}")), t.path(&format!("grant/{b}")));
            let (stop, swaps) = (stop.clone(), swaps.clone());
            std::thread::spawn(move || swapper(a, b, stop, swaps))
        })
        .collect();

    let base = t.path("grant");
    let grants = common::all_file_grants(&base);
    let grants: Vec<&str> = grants.iter().map(String::as_str).collect();
    let src = r#"
        import file; import path; import csv; import log;
        base = "BASE";
        leaked = 0; done = 0;
        function bad(s) { if (s.contains("SECRET")) { return 1; } return 0; }
        try { log.add_file(base + "/d/app.log"); } except (e) {}
        for (i in range(200)) {
            for (p in [base + "/d/f.txt", base + "/e/f.txt", base + "/d/sub/new.txt"]) {
                try { file.write(p, "w"); done = done + 1; } except (e) {}
                try { file.append(p, "a"); done = done + 1; } except (e) {}
                try { leaked = leaked + bad(file.read(p)); done = done + 1; } except (e) {}
                try { leaked = leaked + bad(str(file.exists(p))); } except (e) {}
                try { file.delete(p); done = done + 1; } except (e) {}
            }
            try { leaked = leaked + bad(file.read(base + "/d/sub/SECRET.txt")); } except (e) {}
            try { leaked = leaked + bad(str(path.listDir(base + "/d/sub"))); } except (e) {}
            try { leaked = leaked + bad(str(path.walk(base + "/d"))); } except (e) {}
            try { path.createDir(base + "/d/sub/deep"); done = done + 1; } except (e) {}
            try { path.removeDirRecursive(base + "/d/sub"); done = done + 1; } except (e) {}
            try { path.removeDirRecursive(base + "/d/m1"); } except (e) {}
            try { csv.append(base + "/d/t.csv", ["a", "b"]); done = done + 1; } except (e) {}
            try { file.write(base + "/d/m0", "m"); file.move(base + "/d/m0", base + "/d/m1/x.txt"); } except (e) {}
            try { file.move(base + "/d/m1", base + "/e/moved"); } except (e) {}
            try { path.removeDirRecursive(base + "/e/moved"); } except (e) {}
            try { log.info("tick"); } except (e) {}
        }
        [leaked, done]
    "#
    .replace("BASE", &base);
    let (ran, _violations) = run_w(&src, &grants, real_host());
    stop.store(true, Ordering::Relaxed);
    for th in threads {
        th.join().unwrap();
    }

    let result = ran.result.expect("the program runs to its end");
    let (leaked, done) = result
        .trim_matches(['[', ']'])
        .split_once(", ")
        .map(|(l, d)| (l.parse::<u64>().unwrap(), d.parse::<u64>().unwrap()))
        .unwrap();
    assert_eq!(leaked, 0, "the program read outside the tree");
    assert_eq!(
        snapshot(&outside),
        before,
        "something outside the tree changed"
    );
    let top: Vec<String> = std::fs::read_dir(&t.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(top.len(), 2, "created next to the tree: {top:?}");
    // The test means something: operations succeeded and links came and went.
    let swaps = swaps.load(Ordering::Relaxed);
    assert!(
        done > 50,
        "only {done} operations succeeded ({swaps} swaps)"
    );
    assert!(
        swaps > 100,
        "only {swaps} swaps ({done} operations succeeded)"
    );
}
