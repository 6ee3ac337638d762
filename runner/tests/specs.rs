//! `cargo test` runs every `.mltest` spec under `specs/` through the same
//! runner as `mlpy-test`. New spec files are picked up without
//! recompiling.

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
    let trials = mlpy_test::specs_glue::trials(&args, &root);
    libtest_mimic::run(&args, trials).exit();
}
