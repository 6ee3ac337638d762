//! The world-touching standard library (`file`, `path`, `csv`, `crypto`,
//! `log`) in mocked and real worlds, and the capability gate in front of
//! every function that touches the file system.

mod common;

use common::*;
use mlpy_lang::host::{FileSystem, FixedClock, Host, MemoryFs, RealFs};
use std::path::Path;
use std::sync::Arc;

// ---- worlds ----

const BASES: &[&str] = &["/data", "/data2", "/data/sub", "/secret"];

/// An in-memory tree: under each base a file `f.txt` (CSV text), a file
/// `g.txt`, an empty directory `d` and a directory `tree` with a file.
fn mem_world() -> (Host, Arc<MemoryFs>) {
    let fs = MemoryFs::new();
    for b in BASES {
        fs.write(
            &format!("{b}/f.txt"),
            b"name,age\r\nann,30\r\nbob,25\r\n",
            false,
        )
        .unwrap();
        fs.write(&format!("{b}/g.txt"), b"hello\n", false).unwrap();
        fs.create_dir(&format!("{b}/d")).unwrap();
        fs.write(&format!("{b}/tree/x.txt"), b"x", false).unwrap();
    }
    let fs = Arc::new(fs);
    let mut host = Host::captured();
    host.fs = fs.clone();
    (host, fs)
}

fn mem_host_with(files: &[(&str, &[u8])]) -> (Host, Arc<MemoryFs>) {
    let fs = Arc::new(MemoryFs::with_files(files.iter().copied()));
    let mut host = Host::captured();
    host.fs = fs.clone();
    (host, fs)
}

// ---- the gate in front of every file-touching function ----

struct Gate {
    src: &'static str,
    cap: &'static str,
    target: &'static str,
}

const fn g(src: &'static str, cap: &'static str, target: &'static str) -> Gate {
    Gate { src, cap, target }
}

/// `{P}` is replaced by the path under test.
const GATES: &[Gate] = &[
    g(r#"file.read("{P}")"#, "file:read", "f.txt"),
    g(r#"file.read_file("{P}")"#, "file:read", "f.txt"),
    g(r#"file.readLines("{P}")"#, "file:read", "f.txt"),
    g(r#"file.read_lines("{P}")"#, "file:read", "f.txt"),
    g(r#"len(file.readBytes("{P}"))"#, "file:read", "f.txt"),
    g(r#"file.write("{P}", "x")"#, "file:write", "f.txt"),
    g(r#"file.writeLines("{P}", ["a", 1])"#, "file:write", "f.txt"),
    g(r#"file.writeBytes("{P}", [1, 2])"#, "file:write", "f.txt"),
    g(r#"file.append("{P}", "x")"#, "file:append", "f.txt"),
    g(r#"file.delete("{P}")"#, "file:delete", "f.txt"),
    g(r#"file.exists("{P}")"#, "file:read", "f.txt"),
    g(r#"file.isFile("{P}")"#, "file:read", "f.txt"),
    g(r#"file.isDirectory("{P}")"#, "file:read", "d"),
    g(r#"file.size("{P}")"#, "file:read", "f.txt"),
    g(r#"file.modifiedTime("{P}")"#, "file:read", "f.txt"),
    g(r#"path.exists("{P}")"#, "file:read", "f.txt"),
    g(r#"path.isFile("{P}")"#, "file:read", "f.txt"),
    g(r#"path.isDirectory("{P}")"#, "file:read", "d"),
    g(r#"path.listDir("{P}")"#, "file:read", "d"),
    g(r#"path.glob("{P}/*")"#, "file:read", "d"),
    g(r#"path.walk("{P}")"#, "file:read", "d"),
    g(r#"path.createDir("{P}")"#, "file:write", "newdir"),
    g(r#"path.removeDir("{P}")"#, "file:delete", "d"),
    g(r#"path.removeDirRecursive("{P}")"#, "file:delete", "d"),
    g(r#"csv.read("{P}")"#, "file:read", "f.txt"),
    g(r#"csv.get_headers("{P}")"#, "file:read", "f.txt"),
    g(r#"csv.count_rows("{P}")"#, "file:read", "f.txt"),
    g(r#"csv.write("{P}", [{a: 1}])"#, "file:write", "f.txt"),
    g(r#"crypto.hash_file("{P}")"#, "file:read", "f.txt"),
    g(r#"log.add_file("{P}")"#, "file:append", "f.txt"),
];

fn program(gate: &Gate, path: &str) -> String {
    format!(
        "import file; import path; import csv; import crypto; import log;\nresult = {};",
        gate.src.replace("{P}", path)
    )
}

#[test]
fn every_gated_function_is_allowed_with_a_matching_grant() {
    for gate in GATES {
        let (host, _) = mem_world();
        let grant = format!("{}:/data/*", gate.cap);
        expect_ok(
            &program(gate, &format!("/data/{}", gate.target)),
            &[&grant],
            host,
        );
    }
}

#[test]
fn every_gated_function_is_denied_without_a_grant() {
    for gate in GATES {
        let (host, fs) = mem_world();
        let before = fs.snapshot();
        let path = format!("/data/{}", gate.target);
        expect_denied(&program(gate, &path), &[], host, gate.cap, &path);
        assert_eq!(fs.snapshot(), before, "{} changed the world", gate.src);
        // Grants for other kinds and mlpy's harmless names change nothing.
        let (host, _) = mem_world();
        expect_denied(
            &program(gate, &path),
            &[
                "env:read",
                "network:http",
                "args:read",
                "math.compute",
                "console.write",
            ],
            host,
            gate.cap,
            &path,
        );
    }
}

#[test]
fn every_gated_function_is_denied_under_near_miss_grants() {
    for gate in GATES {
        let t = gate.target;
        let grant = format!("{}:/data/*", gate.cap);
        let cases = [
            // `..` is resolved before matching.
            (format!("/data/../secret/{t}"), format!("/secret/{t}")),
            (
                format!("/data/sub/../../secret/{t}"),
                format!("/secret/{t}"),
            ),
            // A sibling with the same prefix.
            (format!("/data2/{t}"), format!("/data2/{t}")),
            // `*` does not cross `/`.
            (format!("/data/sub/{t}"), format!("/data/sub/{t}")),
        ];
        for (path, resolved) in cases {
            let (host, fs) = mem_world();
            let before = fs.snapshot();
            expect_denied(&program(gate, &path), &[&grant], host, gate.cap, &resolved);
            assert_eq!(fs.snapshot(), before, "{} changed the world", gate.src);
        }
        // The right path, but another action.
        let other = if gate.cap == "file:read" {
            "file:write"
        } else {
            "file:read"
        };
        let (host, _) = mem_world();
        let path = format!("/data/{t}");
        expect_denied(
            &program(gate, &path),
            &[&format!("{other}:/data/**")],
            host,
            gate.cap,
            &path,
        );
    }
}

#[test]
fn relative_paths_are_resolved_against_the_working_directory() {
    // MemoryFs works in /work.
    let (host, _) = mem_host_with(&[("/work/in.txt", b"hi")]);
    assert_eq!(
        expect_ok(
            r#"import file; file.read("in.txt")"#,
            &["file:read:/work/*"],
            host
        ),
        "hi"
    );
    let (host, _) = mem_host_with(&[("/work/in.txt", b"hi")]);
    expect_denied(
        r#"import file; file.read("../etc/passwd")"#,
        &["file:read:/work/**"],
        host,
        "file:read",
        "/etc/passwd",
    );
    let (host, _) = mem_host_with(&[("/home/user/notes", b"n")]);
    assert_eq!(
        expect_ok(
            r#"import file; file.read("~/notes")"#,
            &["file:read:/home/user/*"],
            host
        ),
        "n"
    );
}

#[test]
fn multi_capability_functions_need_every_part() {
    let src = r#"import file; file.copy("/data/f.txt", "/out/f.txt"); file.read("/out/f.txt")"#;
    let (host, _) = mem_world();
    expect_ok(
        src,
        &["file:read:/data/*", "file:write:/out/*", "file:read:/out/*"],
        host,
    );
    let (host, _) = mem_world();
    expect_denied(
        src,
        &["file:read:/data/*"],
        host,
        "file:write",
        "/out/f.txt",
    );
    let (host, _) = mem_world();
    expect_denied(
        src,
        &["file:write:/out/*"],
        host,
        "file:read",
        "/data/f.txt",
    );

    let mv = r#"import file; file.move("/data/f.txt", "/out/f.txt")"#;
    let (host, fs) = mem_world();
    expect_ok(
        mv,
        &[
            "file:read:/data/*",
            "file:delete:/data/*",
            "file:write:/out/*",
        ],
        host,
    );
    assert!(fs.snapshot().contains_key("/out/f.txt"));
    assert!(!fs.snapshot().contains_key("/data/f.txt"));
    let (host, fs) = mem_world();
    expect_denied(
        mv,
        &["file:read:/data/*", "file:write:/out/*"],
        host,
        "file:delete",
        "/data/f.txt",
    );
    assert!(fs.snapshot().contains_key("/data/f.txt"));

    let app = r#"import csv; csv.append("/data/f.txt", {age: 1, name: "cy"})"#;
    let (host, _) = mem_world();
    expect_denied(
        app,
        &["file:append:/data/*"],
        host,
        "file:read",
        "/data/f.txt",
    );
    let (host, _) = mem_world();
    expect_denied(
        app,
        &["file:read:/data/*"],
        host,
        "file:append",
        "/data/f.txt",
    );
    let (host, fs) = mem_world();
    expect_ok(app, &["file:read:/data/*", "file:write:/data/*"], host);
    assert_eq!(
        fs.snapshot()["/data/f.txt"],
        b"name,age\r\nann,30\r\nbob,25\r\ncy,1\r\n".to_vec()
    );
}

#[test]
fn recursive_removal_checks_the_whole_tree_before_removing_anything() {
    let src = r#"import path; path.removeDirRecursive("/data/tree")"#;
    let (host, fs) = mem_world();
    let before = fs.snapshot();
    // `/data/*` covers /data/tree but not /data/tree/x.txt.
    expect_denied(
        src,
        &["file:delete:/data/*"],
        host,
        "file:delete",
        "/data/tree/x.txt",
    );
    assert_eq!(fs.snapshot(), before);
    let (host, fs) = mem_world();
    expect_ok(src, &["file:delete:/data/**"], host);
    assert!(!fs.snapshot().contains_key("/data/tree/x.txt"));
    assert!(fs.snapshot().contains_key("/data/f.txt"));
}

#[test]
fn write_grants_allow_append_but_not_the_reverse() {
    let (host, fs) = mem_world();
    expect_ok(
        r#"import file; file.append("/data/g.txt", "more")"#,
        &["file:write:/data/*"],
        host,
    );
    assert_eq!(fs.snapshot()["/data/g.txt"], b"hello\nmore".to_vec());
    let (host, _) = mem_world();
    expect_denied(
        r#"import file; file.write("/data/g.txt", "x")"#,
        &["file:append:/data/*"],
        host,
        "file:write",
        "/data/g.txt",
    );
}

#[test]
fn mlpy_dotted_names_work_as_grants() {
    let src = r#"import file; import path; [file.read("/data/g.txt"), path.listDir("/data/d"), path.createDir("/data/new")]"#;
    let (host, _) = mem_world();
    expect_ok(src, &["file.read", "path.read", "path.write"], host);
    let (host, _) = mem_world();
    expect_ok(src, &["file.read=/data/**", "path.write:/data/*"], host);
    let (host, _) = mem_world();
    expect_denied(src, &["path.read"], host, "file:write", "/data/new");
}

// ---- file ----

#[test]
fn file_reading() {
    let (host, _) = mem_host_with(&[
        ("/d/crlf.txt", b"a\r\nb\rc\n"),
        ("/d/latin.txt", &[b'c', b'a', b'f', 0xe9]),
        ("/d/empty.txt", b""),
        ("/d/utf.txt", "h\u{e9}llo\n\u{1f600}".as_bytes()),
    ]);
    let src = r#"
        import file;
        [file.read("/d/crlf.txt"), file.readLines("/d/crlf.txt"), file.readLines("/d/empty.txt"),
         file.read("/d/latin.txt", "latin-1"), file.read("/d/utf.txt"), len(file.read("/d/utf.txt")),
         file.read_lines("/d/utf.txt"), len(file.readBytes("/d/latin.txt")), typeof(file.readBytes("/d/empty.txt"))]
    "#;
    assert_eq!(
        expect_ok(src, &["file:read:/d/*"], host),
        "['a\\nb\\nc\\n', ['a', 'b', 'c'], [], 'café', 'héllo\\n😀', 7, ['héllo', '😀'], 4, 'unknown']"
    );
}

#[test]
fn file_reading_errors() {
    let files: &[(&str, &[u8])] = &[("/d/bin", &[b'o', b'k', 0xff, 0xfe]), ("/d/sub/x", b"x")];
    let grants = &["file:read:/d/**"];
    let (host, _) = mem_host_with(files);
    let msg = expect_err(
        r#"import file; file.read("/d/bin")"#,
        grants,
        host,
        "ValueError",
    );
    assert!(
        msg.contains("'utf-8' codec can't decode byte 0xff in position 2"),
        "{msg}"
    );
    let (host, _) = mem_host_with(files);
    expect_err(
        r#"import file; file.read("/d/bin", "ascii")"#,
        grants,
        host,
        "ValueError",
    );
    let (host, _) = mem_host_with(files);
    let msg = expect_err(
        r#"import file; file.read("/d/bin", "klingon")"#,
        grants,
        host,
        "ValueError",
    );
    assert!(msg.contains("unknown encoding"), "{msg}");
    let (host, _) = mem_host_with(files);
    expect_err(
        r#"import file; file.read("/d/missing")"#,
        grants,
        host,
        "FileNotFoundError",
    );
    let (host, _) = mem_host_with(files);
    expect_err(
        r#"import file; file.size("/d/missing")"#,
        grants,
        host,
        "FileNotFoundError",
    );
    let (host, _) = mem_host_with(files);
    expect_err(
        r#"import file; file.read("/d/sub")"#,
        grants,
        host,
        "OSError",
    );
    let (host, _) = mem_host_with(files);
    expect_err(r#"import file; file.read(42)"#, grants, host, "TypeError");
    let (host, _) = mem_host_with(files);
    expect_err(r#"import file; file.read()"#, grants, host, "TypeError");
    let (host, _) = mem_host_with(files);
    expect_err(
        r#"import file; file.read("/d/a\0b")"#,
        grants,
        host,
        "ValueError",
    );
    // Reads beyond the size cap fail cleanly.
    let mut fs = MemoryFs::with_files([("/d/big", &[b'x'; 100][..])]);
    fs.max_read = 10;
    let mut host = Host::captured();
    host.fs = Arc::new(fs);
    let msg = expect_err(
        r#"import file; file.read("/d/big")"#,
        grants,
        host,
        "OSError",
    );
    assert!(msg.contains("too large"), "{msg}");
}

#[test]
fn file_writing() {
    let (host, fs) = mem_host_with(&[("/o/old.txt", b"old")]);
    let src = r#"
        import file;
        file.write("/o/a.txt", "héllo");
        file.write("/o/old.txt", "new");
        file.writeLines("/o/lines.txt", ["x", 1, true, null, [1, "a"]]);
        file.write_lines("/o/t.txt", []);
        file.writeBytes("/o/b.bin", file.readBytes("/o/a.txt"));
        file.write_bytes("/o/c.bin", [0, 255]);
        file.append("/o/a.txt", "!");
        file.append("/o/new/deep.txt", "made");
        file.write("/o/l1.txt", "café", "latin-1");
        [file.delete("/o/old.txt"), file.delete("/o/old.txt"), file.read("/o/a.txt")]
    "#;
    let r = expect_ok(
        src,
        &["file:write:/o/**", "file:read:/o/**", "file:delete:/o/*"],
        host,
    );
    assert_eq!(r, "[True, False, 'héllo!']");
    let snap = fs.snapshot();
    assert_eq!(
        snap["/o/lines.txt"],
        b"x\n1\nTrue\nNone\n[1, 'a']\n".to_vec()
    );
    assert_eq!(snap["/o/t.txt"], b"".to_vec());
    assert_eq!(snap["/o/b.bin"], "héllo".as_bytes().to_vec());
    assert_eq!(snap["/o/c.bin"], vec![0, 255]);
    assert_eq!(snap["/o/new/deep.txt"], b"made".to_vec());
    assert_eq!(snap["/o/l1.txt"], vec![b'c', b'a', b'f', 0xe9]);
    assert!(!snap.contains_key("/o/old.txt"));
}

#[test]
fn file_writing_errors_write_nothing() {
    let grants = &["file:write:/o/**", "file:delete:/o/**", "file:read:/o/**"];
    for (src, kind) in [
        (r#"file.write("/o/x.txt", 5)"#, "TypeError"),
        (r#"file.write("/o/x.txt", "café", "ascii")"#, "ValueError"),
        (
            r#"file.writeLines("/o/x.txt", ["ok", "é"], "ascii")"#,
            "ValueError",
        ),
        (r#"file.writeLines("/o/x.txt", "abc")"#, "TypeError"),
        (r#"file.writeBytes("/o/x.txt", [1, 256])"#, "ValueError"),
        (r#"file.writeBytes("/o/x.txt", "abc")"#, "TypeError"),
        (r#"file.append("/o/x.txt", null)"#, "TypeError"),
        (r#"file.delete("/o/dir")"#, "ValueError"),
        (
            r#"file.copy("/o/missing", "/o/x.txt")"#,
            "FileNotFoundError",
        ),
        (
            r#"file.move("/o/missing", "/o/x.txt")"#,
            "FileNotFoundError",
        ),
        (r#"file.write("/o/dir", "x")"#, "OSError"),
    ] {
        let (host, fs) = mem_host_with(&[("/o/dir/keep", b"k")]);
        expect_err(&format!("import file; {src}"), grants, host, kind);
        assert!(
            !fs.snapshot().contains_key("/o/x.txt"),
            "{src} wrote something"
        );
        assert_eq!(fs.snapshot()["/o/dir/keep"], b"k".to_vec());
    }
}

#[test]
fn file_copy_move_and_probes() {
    let (host, fs) = mem_host_with(&[("/w/a.txt", b"A"), ("/w/dir/keep", b"k")]);
    let src = r#"
        import file;
        file.copy("/w/a.txt", "/w/b.txt");
        file.copy("/w/a.txt", "/w/dir");
        file.move("/w/b.txt", "/w/c.txt");
        [file.exists("/w/a.txt"), file.exists("/w/b.txt"), file.isFile("/w/c.txt"),
         file.isFile("/w/dir"), file.isDirectory("/w/dir"), file.is_directory("/w/a.txt"),
         file.is_file("/w/nope"), file.size("/w/a.txt"), file.modifiedTime("/w/a.txt") > 0,
         file.modified_time("/w/a.txt") == file.modifiedTime("/w/a.txt")]
    "#;
    let r = expect_ok(
        src,
        &["file:read:/w/**", "file:write:/w/**", "file:delete:/w/**"],
        host,
    );
    assert_eq!(
        r,
        "[True, False, True, False, True, False, False, 1, True, True]"
    );
    let snap = fs.snapshot();
    assert_eq!(snap["/w/dir/a.txt"], b"A".to_vec());
    assert_eq!(snap["/w/c.txt"], b"A".to_vec());
    // Moving a directory checks everything in it.
    let (host, fs) = mem_host_with(&[("/w/src/a", b"1"), ("/w/src/sub/b", b"2")]);
    expect_ok(
        r#"import file; file.move("/w/src", "/w/dst")"#,
        &["file:read:/w/**", "file:write:/w/**", "file:delete:/w/**"],
        host,
    );
    assert_eq!(fs.snapshot()["/w/dst/sub/b"], b"2".to_vec());
    let (host, fs) = mem_host_with(&[("/w/src/a", b"1"), ("/w/src/sub/b", b"2")]);
    expect_denied(
        r#"import file; file.move("/w/src", "/w/dst")"#,
        &[
            "file:read:/w/**",
            "file:write:/w/**",
            "file:delete:/w/src",
            "file:delete:/w/src/a",
        ],
        host,
        "file:delete",
        "/w/src/sub",
    );
    assert!(fs.snapshot().contains_key("/w/src/sub/b"));
}

// ---- path ----

#[test]
fn path_pure_functions() {
    let src = r#"
        import path;
        [path.join("a", "b", "c.txt"), path.join("/a", "/b", "c"), path.join("a/", "b"),
         path.dirname("/p/to/f.txt"), path.dirname("f.txt"), path.basename("/p/to/f.txt"),
         path.basename("/p/dir/"), path.extname("a.tar.gz"), path.extname("README"),
         path.extname(".bashrc"), path.split("/p/to/f.txt"), path.normalize("/p/./to/../f"),
         path.normalize("a//b/../../.."), path.relative("/a/b/c", "/a/b/d/e"),
         path.relative("/a/b", "/a/b"), path.isAbsolute("/x"), path.is_absolute("x"),
         path.absolute("x/../y"), path.absolute("~/z"), path.cwd(), path.home(),
         path.tempDir(), path.temp_dir(), path.separator(), path.delimiter()]
    "#;
    assert_eq!(
        expect_ok(src, &[], Host::captured()),
        "['a/b/c.txt', '/b/c', 'a/b', '/p/to', '', 'f.txt', '', '.gz', '', '', ['/p/to', 'f.txt'], \
         '/p/f', '..', '../d/e', '.', True, False, '/work/y', '/home/user/z', '/work', '/home/user', \
         '/tmp', '/tmp', '/', ':']"
    );
    expect_err(
        "import path; path.join()",
        &[],
        Host::captured(),
        "TypeError",
    );
    expect_err(
        "import path; path.join(\"a\", 1)",
        &[],
        Host::captured(),
        "TypeError",
    );
}

#[test]
fn path_listing_shows_only_what_is_granted() {
    let files: &[(&str, &[u8])] = &[
        ("/r/a.txt", b""),
        ("/r/b.csv", b""),
        ("/r/.hidden", b""),
        ("/r/sub/c.txt", b""),
        ("/r/sub/deep/d.txt", b""),
        ("/r/secret/key", b""),
    ];
    // The directory itself is readable: every entry.
    let (host, _) = mem_host_with(files);
    assert_eq!(
        expect_ok(
            r#"import path; path.listDir("/r")"#,
            &["file:read:/r/**"],
            host
        ),
        "['.hidden', 'a.txt', 'b.csv', 'secret', 'sub']"
    );
    // Only some files below are: only those, and the way to them.
    let (host, _) = mem_host_with(files);
    assert_eq!(
        expect_ok(
            r#"import path; [path.listDir("/r"), path.list_dir("/"), path.walk("/r"), path.glob("/r/**/*.txt")]"#,
            &["file:read:/r/*.txt", "file:read:/r/sub/deep/*"],
            host
        ),
        "[['a.txt', 'sub'], ['r'], ['a.txt', 'sub/deep/d.txt'], ['/r/a.txt', '/r/sub/deep/d.txt']]"
    );
    let (host, _) = mem_host_with(files);
    assert_eq!(
        expect_ok(
            r#"import path; [path.walk("/r"), path.walk("/r", 0), path.walk("/r", 1), path.glob("/r/*"),
               path.glob("/r/**"), path.glob("/r/s*/*.txt"), path.glob("/r/.h*"), path.glob("/r/none/*")]"#,
            &["file:read:/r/**"],
            host
        ),
        "[['.hidden', 'a.txt', 'b.csv', 'secret/key', 'sub/c.txt', 'sub/deep/d.txt'], ['.hidden', 'a.txt', 'b.csv'], \
         ['.hidden', 'a.txt', 'b.csv', 'secret/key', 'sub/c.txt'], ['/r/a.txt', '/r/b.csv', '/r/secret', '/r/sub'], \
         ['/r/a.txt', '/r/b.csv', '/r/secret', '/r/secret/key', '/r/sub', '/r/sub/c.txt', '/r/sub/deep', \
         '/r/sub/deep/d.txt'], ['/r/sub/c.txt'], ['/r/.hidden'], []]"
    );
    // Relative glob patterns are resolved against the working directory.
    let (host, _) = mem_host_with(&[("/work/x.ml", b""), ("/work/y.txt", b"")]);
    assert_eq!(
        expect_ok(
            r#"import path; path.glob("*.ml")"#,
            &["file:read:/work/**"],
            host
        ),
        "['/work/x.ml']"
    );
    let (host, _) = mem_host_with(files);
    expect_err(
        r#"import path; path.listDir("/r/a.txt")"#,
        &["file:read"],
        host,
        "OSError",
    );
    let (host, _) = mem_host_with(files);
    expect_err(
        r#"import path; path.listDir("/nope")"#,
        &["file:read"],
        host,
        "FileNotFoundError",
    );
    let (host, _) = mem_host_with(files);
    assert_eq!(
        expect_ok(r#"import path; path.walk("/nope")"#, &["file:read"], host),
        "[]"
    );
}

#[test]
fn path_directory_changes() {
    let (host, fs) = mem_host_with(&[("/t/full/x", b"x"), ("/t/file", b"f")]);
    let src = r#"
        import path;
        path.createDir("/t/a/b/c");
        path.create_dir("/t/a/b/c");
        path.removeDir("/t/a/b/c");
        path.remove_dir_recursive("/t/a");
        [path.exists("/t/a"), path.isDirectory("/t/full")]
    "#;
    let grants = &["file:write:/t/**", "file:delete:/t/**", "file:read:/t/**"];
    assert_eq!(expect_ok(src, grants, host), "[False, True]");
    assert!(fs.snapshot().contains_key("/t/full/x"));
    for (src, kind) in [
        (r#"path.removeDir("/t/full")"#, "OSError"),
        (r#"path.removeDir("/t/none")"#, "FileNotFoundError"),
        (r#"path.removeDirRecursive("/t/none")"#, "FileNotFoundError"),
        (r#"path.removeDir("/t/file")"#, "OSError"),
        (r#"path.createDir("/t/file")"#, "OSError"),
        (r#"path.walk("/t", "deep")"#, "TypeError"),
    ] {
        let (host, _) = mem_host_with(&[("/t/full/x", b"x"), ("/t/file", b"f")]);
        expect_err(&format!("import path; {src}"), grants, host, kind);
    }
}

// ---- symlinks on the real file system ----

#[cfg(unix)]
#[test]
fn symlinks_leaving_the_granted_tree_are_denied() {
    let t = TempDir::new("symlink");
    std::fs::create_dir_all(t.0.join("granted/inner")).unwrap();
    std::fs::create_dir_all(t.0.join("outside")).unwrap();
    std::fs::write(t.0.join("granted/ok.txt"), "fine").unwrap();
    std::fs::write(t.0.join("outside/secret.txt"), "secret").unwrap();
    std::os::unix::fs::symlink(t.0.join("outside/secret.txt"), t.0.join("granted/link.txt"))
        .unwrap();
    std::os::unix::fs::symlink(t.0.join("outside"), t.0.join("granted/dirlink")).unwrap();
    std::os::unix::fs::symlink(t.0.join("granted/ok.txt"), t.0.join("granted/inner/local"))
        .unwrap();
    let read = format!("file:read:{}/**", t.path("granted"));
    let write = format!("file:write:{}/**", t.path("granted"));
    let grants = [read.as_str(), write.as_str()];

    // Inside the tree, links work.
    let src = format!(
        r#"import file; import path; [file.read("{}"), path.listDir("{}"), path.walk("{}")]"#,
        t.path("granted/inner/local"),
        t.path("granted"),
        t.path("granted")
    );
    assert_eq!(
        expect_ok(&src, &grants, real_host()),
        "['fine', ['dirlink', 'inner', 'link.txt', 'ok.txt'], ['inner/local', 'link.txt', 'ok.txt']]"
    );
    // Reading or writing through a link that leaves the tree is checked
    // against where it really points.
    let secret = t.path("outside/secret.txt");
    for src in [
        format!(
            r#"import file; file.read("{}")"#,
            t.path("granted/link.txt")
        ),
        format!(
            r#"import file; file.exists("{}")"#,
            t.path("granted/link.txt")
        ),
        format!(
            r#"import file; file.read("{}")"#,
            t.path("granted/dirlink/secret.txt")
        ),
        format!(
            r#"import crypto; crypto.hash_file("{}")"#,
            t.path("granted/link.txt")
        ),
    ] {
        expect_denied(&src, &grants, real_host(), "file:read", &secret);
    }
    expect_denied(
        &format!(
            r#"import file; file.write("{}", "pwned")"#,
            t.path("granted/link.txt")
        ),
        &grants,
        real_host(),
        "file:write",
        &secret,
    );
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "secret");
    expect_denied(
        &format!(
            r#"import path; path.listDir("{}")"#,
            t.path("granted/dirlink")
        ),
        &grants,
        real_host(),
        "file:read",
        &t.path("outside"),
    );
    // A new file through a linked directory lands outside: denied.
    expect_denied(
        &format!(
            r#"import file; file.write("{}", "x")"#,
            t.path("granted/dirlink/new.txt")
        ),
        &grants,
        real_host(),
        "file:write",
        &t.path("outside/new.txt"),
    );
    assert!(!Path::new(&t.path("outside/new.txt")).exists());
}

/// A dangling symlink inside the granted tree that points outside: every
/// way of writing or appending is judged by where the write would land.
#[cfg(unix)]
#[test]
fn dangling_links_are_judged_by_their_target() {
    let t = TempDir::new("dangling");
    std::fs::create_dir_all(t.0.join("data")).unwrap();
    std::fs::create_dir_all(t.0.join("outside")).unwrap();
    std::os::unix::fs::symlink(t.0.join("outside/new.txt"), t.0.join("data/link")).unwrap();
    // A dangling link to a directory that does not exist yet, and a chain.
    std::os::unix::fs::symlink(t.0.join("outside/sub"), t.0.join("data/dirlink")).unwrap();
    std::os::unix::fs::symlink(t.0.join("data/link"), t.0.join("data/chain")).unwrap();
    let data = t.path("data");
    let grants = common::all_file_grants(&data);
    let grants: Vec<&str> = grants.iter().map(String::as_str).collect();
    let target = t.path("outside/new.txt");
    for (src, cap) in [
        (r#"import file; file.append("LINK", "x");"#, "file:append"),
        (r#"import file; file.write("LINK", "x");"#, "file:write"),
        (r#"import file; file.append("CHAIN", "x");"#, "file:append"),
        (r#"import log; log.add_file("LINK");"#, "file:append"),
        (
            r#"import log; l = log.create_logger("x"); l.add_file("LINK");"#,
            "file:append",
        ),
        (
            r#"import csv; csv.append("LINK", ["a", "b"]);"#,
            "file:read",
        ),
        (r#"import file; file.copy("DATA/x", "LINK");"#, "file:read"),
    ] {
        let src = src
            .replace("LINK", &t.path("data/link"))
            .replace("CHAIN", &t.path("data/chain"))
            .replace("DATA", &data);
        let (ran, v) = run_w(&src, &grants, real_host());
        assert!(ran.result.is_err(), "{src}: {:?}", ran.result);
        assert!(
            v.iter().any(|v| v.resource == target) || cap == "file:read",
            "{src}: {v:?} {:?}",
            ran.result
        );
        assert!(!Path::new(&target).exists(), "{src} wrote outside");
    }
    expect_denied(
        &format!(
            r#"import file; file.write("{}/f.txt", "x");"#,
            t.path("data/dirlink")
        ),
        &grants,
        real_host(),
        "file:write",
        &t.path("outside/sub/f.txt"),
    );
    assert!(!Path::new(&t.path("outside/sub")).exists());
}

/// Reading a FIFO, a device or a directory is an error at once, never a
/// hang or an endless read.
#[cfg(unix)]
#[test]
fn only_regular_files_are_read() {
    let t = TempDir::new("fifo");
    let fifo = t.path("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let grants = ["file:read:/**", "file:append:/**"];
    for src in [
        format!(r#"import file; file.read("{fifo}");"#),
        format!(r#"import crypto; crypto.hash_file("{fifo}");"#),
        format!(r#"import csv; csv.read("{fifo}");"#),
        format!(r#"import file; file.append("{fifo}", "x");"#),
        r#"import file; file.read("/dev/zero");"#.to_string(),
        r#"import file; file.read("/dev/urandom");"#.to_string(),
    ] {
        let (ran, _) = run_w(&src, &grants, real_host());
        match &ran.result {
            Err((kind, _, msg)) => assert!(
                kind == "OSError" && msg.contains("Not a regular file"),
                "{src}: {kind}: {msg}"
            ),
            Ok(v) => panic!("{src}: read {v}"),
        }
    }
}

/// Recursive removal and moves check every entry, whatever bytes its name
/// holds.
#[cfg(unix)]
#[test]
fn recursive_operations_check_entries_with_any_name() {
    use std::os::unix::ffi::OsStrExt;
    let t = TempDir::new("names");
    let odd = t.0.join("d").join(std::ffi::OsStr::from_bytes(b"odd\xff"));
    std::fs::create_dir_all(&odd).unwrap();
    std::fs::write(odd.join("secret.txt"), "s").unwrap();
    std::fs::create_dir_all(t.0.join("dest")).unwrap();
    // Allowed: the directory and its direct entries, not what lies deeper.
    let d = t.path("d");
    let dest = t.path("dest");
    let grants: Vec<String> = vec![
        format!("file:delete:{d}"),
        format!("file:delete:{d}/*"),
        format!("file:read:{d}"),
        format!("file:read:{d}/*"),
        format!("file:write:{dest}/**"),
    ];
    let grants: Vec<&str> = grants.iter().map(String::as_str).collect();
    for src in [
        format!(r#"import path; path.removeDirRecursive("{d}");"#),
        format!(r#"import file; file.move("{d}", "{dest}/moved");"#),
    ] {
        let (ran, v) = run_w(&src, &grants, real_host());
        assert!(ran.result.is_err(), "{src}: {:?}", ran.result);
        assert!(
            v.iter().any(|v| v.resource.ends_with("/secret.txt")),
            "{src}: {v:?}"
        );
        assert!(odd.join("secret.txt").exists(), "{src} touched the file");
    }
}

#[test]
fn real_file_system_round_trip() {
    let t = TempDir::new("real");
    let grant = format!("file:*:{}/**", t.path("").trim_end_matches('/'));
    let src = format!(
        r#"
        import file; import path; import csv;
        base = "{base}";
        file.write(base + "/a/b.txt", "one");
        file.append(base + "/a/b.txt", "+two");
        csv.write(base + "/t.csv", [{{k: 1, v: "x,y"}}]);
        path.createDir(base + "/empty");
        [file.read(base + "/a/b.txt"), csv.read(base + "/t.csv"), path.walk(base),
         file.size(base + "/a/b.txt"), path.isDirectory(base + "/empty")]
        "#,
        base = t.path("").trim_end_matches('/')
    );
    assert_eq!(
        expect_ok(&src, &[&grant], real_host()),
        "['one+two', [{'k': '1', 'v': 'x,y'}], ['a/b.txt', 't.csv'], 7, True]"
    );
    // No temporary files are left behind by whole-file writes.
    let names: Vec<String> = std::fs::read_dir(&t.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains("mlpy-tmp")), "{names:?}");
    let mut host = real_host();
    host.fs = Arc::new(RealFs { max_read: 3 });
    let msg = expect_err(
        &format!(r#"import file; file.read("{}")"#, t.path("a/b.txt")),
        &[&grant],
        host,
        "OSError",
    );
    assert!(msg.contains("too large"), "{msg}");
}

// ---- csv ----

#[test]
fn csv_module() {
    let (host, fs) = mem_host_with(&[
        ("/c/people.csv", b"name,age\r\nann,30\r\n\r\nbob,25\n"),
        ("/c/semi.csv", b"a;b\n1;2\n"),
        ("/c/quoted.csv", b"q,r\n\"x,\"\"y\"\"\",\"multi\nline\"\n"),
        ("/c/empty.csv", b""),
    ]);
    let src = r#"
        import csv;
        csv.write("/c/out.csv", [{name: "ann", n: 1, ok: true, none: null}, {n: 2, name: "b,c"}]);
        csv.write("/c/rows.csv", [["a", "b"], [1, 2.5], "solo"], ",", false);
        csv.write("/c/nohead.csv", [{a: 1, b: 2}], ";", false);
        csv.write("/c/empty_out.csv", []);
        csv.append("/c/out.csv", {n: 3, name: "cy"});
        csv.append("/c/rows.csv", ["z", null]);
        [csv.read("/c/people.csv"), csv.read("/c/people.csv", ",", false), csv.read("/c/semi.csv", ";"),
         csv.read("/c/quoted.csv"), csv.read("/c/empty.csv"), csv.get_headers("/c/people.csv"),
         csv.get_headers("/c/empty.csv"), csv.count_rows("/c/people.csv"), csv.count_rows("/c/empty.csv"),
         csv.read_string("x,y\n1,2"), csv.read_string("x|y\n1|2", "|", false),
         csv.write_string([{a: "1", b: "q\"uote"}]), csv.write_string([]), csv.write_string([[1, 2]], "\t")]
    "#;
    let r = expect_ok(src, &["file:read:/c/*", "file:write:/c/*"], host);
    assert_eq!(
        r,
        "[[{'name': 'ann', 'age': '30'}, {'name': 'bob', 'age': '25'}], \
         [['name', 'age'], ['ann', '30'], ['bob', '25']], [{'a': '1', 'b': '2'}], \
         [{'q': 'x,\"y\"', 'r': 'multi\\nline'}], [], ['name', 'age'], [], 2, 0, \
         [{'x': '1', 'y': '2'}], [['x', 'y'], ['1', '2']], 'a,b\\r\\n1,\"q\"\"uote\"\\r\\n', '', '1\\t2\\r\\n']"
    );
    let snap = fs.snapshot();
    let text = |p: &str| String::from_utf8(snap[p].clone()).unwrap();
    for (path, want) in [
        (
            "/c/out.csv",
            "name,n,ok,none\r\nann,1,True,\r\n\"b,c\",2,,\r\ncy,3,,\r\n",
        ),
        ("/c/rows.csv", "a,b\r\n1,2.5\r\nsolo\r\nz,\r\n"),
        ("/c/nohead.csv", "1;2\r\n"),
        ("/c/empty_out.csv", ""),
    ] {
        assert_eq!(text(path), want, "{path}");
    }
    for (src, kind) in [
        (r#"csv.read("/c/people.csv", ";;")"#, "TypeError"),
        (r#"csv.write("/c/x.csv", "nope")"#, "TypeError"),
        (r#"csv.read("/c/missing.csv")"#, "FileNotFoundError"),
        (r#"csv.read_string(5)"#, "TypeError"),
    ] {
        let (host, fs) = mem_host_with(&[("/c/people.csv", b"a\n")]);
        expect_err(
            &format!("import csv; {src}"),
            &["file:read:/c/*", "file:write:/c/*"],
            host,
            kind,
        );
        assert!(!fs.snapshot().contains_key("/c/x.csv"));
    }
}

// ---- crypto ----

#[test]
fn crypto_module() {
    let (host, _) = mem_host_with(&[("/k/f", b"abc")]);
    let src = r#"
        import crypto;
        sig = crypto.hmac("msg", "key");
        [crypto.sha256("abc"), crypto.sha256("c", "ab"), crypto.sha1("abc"), crypto.md5("abc"),
         crypto.hmac("The quick brown fox jumps over the lazy dog", "key"),
         crypto.hmac("m", "k", "md5"), crypto.verify_hmac("msg", sig, "key"),
         crypto.verify_hmac("msg", sig, "other"), crypto.compare_hash("ab", "ab"),
         crypto.compare_hash("ab", "abc"), crypto.uuid_from_string("python.org"),
         crypto.uuid_from_string("x", "6ba7b811-9dad-11d1-80b4-00c04fd430c8"),
         crypto.hash_file("/k/f"), crypto.hash_file("/k/f", "md5")]
    "#;
    assert_eq!(
        expect_ok(src, &["file:read:/k/*"], host),
        "['ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', \
         'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', \
         'a9993e364706816aba3e25717850c26c9cd0d89d', '900150983cd24fb0d6963f7d28e17f72', \
         'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8', \
         'ed7e724d3a91554aaa2043041d9c5305', True, False, True, False, \
         '886313e1-3b8a-5372-9b90-0c9aee199e5d', '4cd605e7-afa2-5360-b5b9-c5e9fb5c76f4', \
         'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', \
         '900150983cd24fb0d6963f7d28e17f72']"
    );
    let src = r#"
        import crypto; import regex;
        u = crypto.uuid();
        ints = [];
        for (i in range(200)) { ints.append(crypto.random_int(1, 3)); }
        s = crypto.random_string(40);
        [len(u), u[14], u[8], len(crypto.random_hex(4)), len(crypto.random_bytes(5)),
         len(s), s.isalnum(), min(ints), max(ints),
         crypto.random_int(7, 7), crypto.random_float() < 1, crypto.random_hex(0), u != crypto.uuid()]
    "#;
    assert_eq!(
        expect_ok(src, &[], Host::captured()),
        "[36, '4', '-', 8, 5, 40, True, 1, 3, 7, True, '', True]"
    );
    // A seeded host gives the same tokens.
    let a = expect_ok("import crypto; crypto.random_hex(8)", &[], Host::captured());
    let b = expect_ok("import crypto; crypto.random_hex(8)", &[], Host::captured());
    assert_eq!(a, b);
    for (src, kind) in [
        (r#"crypto.sha256(5)"#, "TypeError"),
        (r#"crypto.hmac("m", "k", "sha3")"#, "ValueError"),
        (r#"crypto.random_int(5, 1)"#, "ValueError"),
        (r#"crypto.random_hex(-1)"#, "ValueError"),
        (r#"crypto.random_bytes(1e3)"#, "TypeError"),
        (
            r#"crypto.uuid_from_string("x", "not-a-uuid")"#,
            "ValueError",
        ),
        (r#"crypto.hash_file("/k/f", "whirlpool")"#, "ValueError"),
        (r#"crypto.hash_file("/k/none")"#, "FileNotFoundError"),
        (r#"crypto.random_string(100000000000)"#, "MemoryError"),
    ] {
        expect_err(
            &format!("import crypto; {src}"),
            &["file:read"],
            Host::captured(),
            kind,
        );
    }
}

// ---- log ----

fn clock_host() -> Host {
    let mut host = Host::captured();
    // 2024-03-05 06:07:08 UTC
    host.clock = Arc::new(FixedClock::at(1_709_618_828.0));
    host
}

#[test]
fn log_text_lines() {
    let src = r#"
        import log;
        log.debug("hidden");
        log.info("started", {port: 80, ok: true, name: "x"});
        log.warn("careful");
        log.warning("also");
        log.error("bad", {});
        log.critical("worse", [1]);
        d1 = log.is_debug();
        log.set_level("debug");
        log.debug("shown");
        d2 = log.is_debug();
        log.setLevel("ERROR");
        log.info("dropped");
        [d1, d2, log.isDebug()]
    "#;
    let (ran, v, _) = run_world_full(&norm(src), &[], clock_host());
    assert!(v.is_empty());
    assert_eq!(ran.result, Ok("[False, True, False]".into()));
    assert_eq!(
        ran.stdout,
        "[2024-03-05 06:07:08] INFO: started | port=80, ok=True, name=x\n\
         [2024-03-05 06:07:08] WARNING: careful\n\
         [2024-03-05 06:07:08] WARNING: also\n\
         [2024-03-05 06:07:08] ERROR: bad\n\
         [2024-03-05 06:07:08] CRITICAL: worse | [1]\n\
         [2024-03-05 06:07:08] DEBUG: shown\n"
    );
    // Local time comes from the host clock's offset.
    let mut host = Host::captured();
    let mut clock = FixedClock::at(1_709_618_828.0);
    clock.offset = 3600;
    host.clock = Arc::new(clock);
    let (ran, _) = run_w(r#"import log; log.info("x")"#, &[], host);
    assert_eq!(ran.stdout, "[2024-03-05 07:07:08] INFO: x\n");
}

#[test]
fn log_json_loggers_and_files() {
    let src = r#"
        import log;
        log.set_format("json");
        log.info("hi", {n: 1});
        log.set_timestamp(false);
        log.warn("w");
        app = log.create_logger("app");
        app.info("plain");
        app.setFormat("json");
        app.error("e", {k: "é"});
        app.add_file("/logs/app.log");
        app.set_level("WARN");
        app.info("not shown");
        app.critical("to file");
        log.set_format("text");
        log.addFile("/logs/main.log");
        log.info("both");
        [app.name, typeof(app), app.is_debug()]
    "#;
    let (host, fs) = mem_host_with(&[]);
    let mut host = host;
    host.clock = Arc::new(FixedClock::at(1_709_618_828.5));
    let (ran, v, _) = run_world_full(&norm(src), &["file:append:/logs/*"], host);
    assert!(v.is_empty(), "{v:?}");
    assert_eq!(ran.result, Ok("['app', 'Logger', False]".into()));
    assert_eq!(
        ran.stdout,
        "{\"message\": \"hi\", \"level\": \"INFO\", \"logger\": \"default\", \"timestamp\": \"2024-03-05T06:07:08.500000Z\", \"data\": {\"n\": 1}}\n\
         {\"message\": \"w\", \"level\": \"WARN\", \"logger\": \"default\"}\n\
         [2024-03-05 06:07:08] INFO: plain\n\
         {\"message\": \"e\", \"level\": \"ERROR\", \"logger\": \"app\", \"timestamp\": \"2024-03-05T06:07:08.500000Z\", \"data\": {\"k\": \"\\u00e9\"}}\n\
         {\"message\": \"to file\", \"level\": \"CRITICAL\", \"logger\": \"app\", \"timestamp\": \"2024-03-05T06:07:08.500000Z\"}\n\
         [2024-03-05 06:07:08] INFO: both\n"
    );
    let snap = fs.snapshot();
    assert_eq!(
        String::from_utf8(snap["/logs/app.log"].clone()).unwrap(),
        "{\"message\": \"to file\", \"level\": \"CRITICAL\", \"logger\": \"app\", \"timestamp\": \"2024-03-05T06:07:08.500000Z\"}\n"
    );
    assert_eq!(
        String::from_utf8(snap["/logs/main.log"].clone()).unwrap(),
        "[2024-03-05 06:07:08] INFO: both\n"
    );
    // Loggers check the file capability too.
    expect_denied(
        r#"import log; l = log.create_logger("x"); l.add_file("/etc/x.log")"#,
        &["file:append:/logs/*"],
        Host::captured(),
        "file:append",
        "/etc/x.log",
    );
    for (src, kind) in [
        (r#"log.set_level(1)"#, "TypeError"),
        (r#"log.info()"#, "TypeError"),
        (r#"log.create_logger(5)"#, "TypeError"),
        (
            r#"log.set_format("json"); log.info("f", {f: print})"#,
            "TypeError",
        ),
    ] {
        let msg = format!("import log; {src}");
        let (ran, _) = run_w(&msg, &[], Host::captured());
        match ran.result {
            Err((k, _, m)) => assert!(
                k == kind || (kind == "TypeError" && k == "ValueError"),
                "{src}: {k}: {m}"
            ),
            Ok(r) => panic!("{src} gave {r}"),
        }
    }
    // Unknown level and format names fall back to INFO and text (mlpy).
    let (ran, _, _) = run_world_full(
        &norm(
            r#"import log; log.set_level("DEBUG"); log.set_level("LOUD"); log.set_format("xml");
               log.debug("hidden"); log.info("shown"); log.is_debug()"#,
        ),
        &[],
        clock_host(),
    );
    assert_eq!(ran.result, Ok("false".into()));
    assert_eq!(ran.stdout, "[2024-03-05 06:07:08] INFO: shown\n");
    // Each execution has its own default logger.
    let (ran, _) = run_w(r#"import log; log.debug("d")"#, &[], Host::captured());
    assert_eq!(ran.stdout, "");
}
