//! `cargo test` runs every `.mltest` spec under `specs/` through the same
//! runner as `mlpy-test`. New spec files are picked up without
//! recompiling.

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    // MLTEST_SPECS_DIR points the target at another spec tree.
    let root = std::env::var_os("MLTEST_SPECS_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs"));
    let trials = mlpy_test::specs_glue::trials(&args, &root);
    libtest_mimic::run(&args, trials).exit();
}
