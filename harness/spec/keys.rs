//! Every `.mltest` key, declared once.
//!
//! A key is one entry in one of three lists: [`case_keys!`] (the top level
//! of a file and `[[case]]` tables), [`row_keys!`] (`each` rows) and
//! [`expect_keys!`] (`expect.*`). An entry is the key's doc comment, its
//! name, the type it is written as, and how a more specific level combines
//! with it. Everything else follows from the lists:
//!
//! - the serde model ([`SpecFile`], [`CaseTable`], [`RowTable`],
//!   [`ExpectTable`]), which rejects unknown keys, and from it the JSON
//!   schema (`mltest.schema.json`), whose descriptions are the doc comments;
//! - the overlays, file defaults → case → row ([`Fields::overlay`],
//!   [`RowTable::split`], [`ExpectTable::overlay`]);
//! - the key lists ([`Fields::KEYS`], [`RowTable::KEYS`],
//!   [`ExpectTable::KEYS`]): did-you-mean hints and the docs' key index
//!   ([`super::key_index`]);
//! - [`Expect`], the expectations resolved for `crate::expect::check`,
//!   through each type's [`Resolve`].
//!
//! How a level combines with the one below it:
//! - `replace`: a value set here replaces the less specific one;
//! - `merge`: tables merge key by key, lists accumulate without repeats,
//!   `expect` merges key by key ([`Merge`]);
//! - `instead_of(other)`: this key and `other` are one setting written two
//!   ways: a level that sets either replaces both, and one level may not
//!   set both.
//!
//! Adding an `expect.*` key: its entry in [`expect_keys!`] (with a
//! [`Resolve`] impl if its type is new) and its check in `crate::expect`;
//! then `MLTEST_UPDATE_SCHEMA=1 cargo test -p mlpy-harness --test schema`
//! regenerates the schema and the key index in `docs/mltest-format.md`.

use super::model::{
    BenchSpec, CallExpect, CallTable, CallbackTable, ClockSpec, DurationText, ErrorSpec, FilesDir,
    HttpMockTable, ModuleSpec, OneOrMany, Reason, RegexText, SizeText, Sp, Value, ViolationExpect,
    ViolationTable,
};
use indexmap::IndexMap;
use mlpy_lang::Data;
use schemars::gen::SchemaGenerator;
use schemars::schema::Schema;
use schemars::JsonSchema;
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

// ---------------------------------------------------------------------------
// How levels combine

/// How a key set at two levels combines (`merge` keys): `self` is the less
/// specific value, `over` the more specific one.
pub trait Merge {
    /// The two combined.
    fn merge(self, over: Self) -> Self;
}

/// Tables merge key by key; the more specific value wins per key (in the
/// less specific one's place).
impl<V> Merge for IndexMap<String, V> {
    fn merge(mut self, over: Self) -> Self {
        self.extend(over);
        self
    }
}

/// Lists (tags) accumulate without repeats, in first-seen order.
impl Merge for Vec<String> {
    fn merge(self, over: Self) -> Self {
        unique(self.into_iter().chain(over))
    }
}

impl Merge for ExpectTable {
    fn merge(self, over: Self) -> Self {
        self.overlay(over)
    }
}

/// The strings without repeats, in first-seen order (linear: a file may
/// carry 100,000 tags).
pub(crate) fn unique(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = ahash::AHashSet::new();
    items
        .into_iter()
        .filter(|t| seen.insert(t.clone()))
        .collect()
}

fn merge_option<T: Merge>(under: Option<T>, over: Option<T>) -> Option<T> {
    match (under, over) {
        (Some(a), Some(b)) => Some(a.merge(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// A key written two ways set both ways at one level: the byte offset of
/// the second spelling and the message.
pub type BothSet = (usize, String);

/// A declared key: its name and how a more specific level combines with
/// it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    /// The key as written.
    pub name: &'static str,
    /// How it combines.
    pub rule: Rule,
}

/// How a key at a more specific level combines with the same key below it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// The more specific value replaces the other.
    Replace,
    /// Tables merge key by key, lists accumulate ([`Merge`]).
    Merge,
    /// One setting with the named key, written another way.
    InsteadOf(&'static str),
    /// A row key that overrides the case key of the same name by that
    /// key's rule.
    AsCase,
    /// A row's own key.
    Own,
}

/// The [`Rule`] written in a key's entry.
macro_rules! rule {
    () => {
        Rule::Replace
    };
    (replace) => {
        Rule::Replace
    };
    (merge) => {
        Rule::Merge
    };
    (instead_of($other:ident)) => {
        Rule::InsteadOf(stringify!($other))
    };
    (case) => {
        Rule::AsCase
    };
    (own) => {
        Rule::Own
    };
}

/// One step of an overlay, by the key's combining rule.
macro_rules! overlay_key {
    ($out:ident, $over:ident, $k:ident, merge) => {
        $out.$k = merge_option($out.$k.take(), $over.$k)
    };
    ($out:ident, $over:ident, $k:ident, $how:ident $(($other:ident))?) => {
        if $over.$k.is_some() {
            $out.$k = $over.$k;
        }
    };
}

/// Before an overlay: a level that sets either spelling of a key replaces
/// both.
macro_rules! clear_spellings {
    ($out:ident, $over:ident, $k:ident, instead_of($other:ident)) => {
        if $over.$k.is_some() || $over.$other.is_some() {
            $out.$k = None;
            $out.$other = None;
        }
    };
    ($out:ident, $over:ident, $k:ident, $($how:ident)?) => {};
}

/// Both spellings of a key set at one level.
macro_rules! check_spelling {
    ($t:ident, $k:ident, instead_of($other:ident)) => {
        if let (Some(_), Some(second)) = (&$t.$other, &$t.$k) {
            return Err((
                second.start(),
                format!(
                    "`{}` and `{}` are both set; use one",
                    stringify!($other),
                    stringify!($k)
                ),
            ));
        }
    };
    ($t:ident, $k:ident, $($how:ident)?) => {};
}

// ---------------------------------------------------------------------------
// File and case keys

/// The `case` array: `[[case]]` tables.
#[derive(Clone, Debug, Default)]
pub struct CaseList(pub Vec<Sp<CaseTable>>);

impl<'de> Deserialize<'de> for CaseList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CaseList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of [[case]] tables (write [[case]], not [case])")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<CaseList, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(CaseList(items))
            }
        }
        d.deserialize_seq(V)
    }
}

schema_as!(CaseList, "CaseList", Vec<CaseTable>);

/// Declares the keys of the file level (defaults) and `[[case]]` tables,
/// and generates [`SpecFile`], [`CaseTable`] and [`Fields`] from them.
macro_rules! case_keys {
    ($($(#[doc = $doc:expr])* $k:ident: $t:ty = $how:ident $(($other:ident))?,)*) => {
        /// A `.mltest` file. Keys at the top level are defaults for every
        /// `[[case]]`; a file without `[[case]]` tables is one case.
        #[derive(Clone, Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        #[schemars(rename = "MltestFile")]
        pub struct SpecFile {
            $($(#[doc = $doc])* pub $k: Option<$t>,)*
            /// The cases of the file; the top-level keys are their defaults.
            pub case: Option<CaseList>,
        }

        /// One `[[case]]` table.
        #[derive(Clone, Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct CaseTable {
            $($(#[doc = $doc])* pub $k: Option<$t>,)*
        }

        /// The keys of a case, from any level (file, case, row).
        #[derive(Clone, Debug, Default)]
        pub struct Fields {
            $($(#[doc = $doc])* pub $k: Option<$t>,)*
        }

        impl Fields {
            /// Every key, in declaration order.
            pub const KEYS: &[Key] = &[$(Key { name: stringify!($k), rule: rule!($how $(($other))?) }),*];

            /// `self` with the more specific level `over` laid on it.
            pub fn overlay(mut self, over: Fields) -> Fields {
                $(clear_spellings!(self, over, $k, $how $(($other))?);)*
                $(overlay_key!(self, over, $k, $how $(($other))?);)*
                self
            }

            /// A key written two ways that is set both ways.
            pub fn check_spellings(&self) -> Result<(), BothSet> {
                $(check_spelling!(self, $k, $how $(($other))?);)*
                Ok(())
            }
        }

        impl SpecFile {
            /// The file-level keys and the `[[case]]` tables.
            pub fn split(self) -> (Fields, Option<CaseList>) {
                (Fields { $($k: self.$k,)* }, self.case)
            }
        }

        impl From<CaseTable> for Fields {
            fn from(c: CaseTable) -> Fields {
                Fields { $($k: c.$k,)* }
            }
        }
    };
}

case_keys! {
    /// Case name, required in `[[case]]` tables and not allowed at the top
    /// level. The test is `<path under specs/ without extension>::<name>`.
    name: Sp<String> = replace,
    /// Inline ML source code. One of `code` and `code_file` is required.
    code: Sp<String> = replace,
    /// Path of a file holding the ML source (relative to the spec file, then `fixtures/`).
    code_file: Sp<String> = instead_of(code),
    /// Capability tokens granted to the run, e.g. "file:read:/data/*",
    /// "network:http:api.example.com". Default: nothing granted.
    grant: Vec<Sp<String>> = replace,
    /// Time limit of one run, e.g. "200ms", "2s" (default: the runner's
    /// `--timeout`). Exceeding it fails the case unless `expect.timeout = true`.
    timeout: DurationText = replace,
    /// Memory budget of one run, e.g. "64MiB" (default 1 GiB). Going past it is a catchable MemoryError.
    memory: SizeText = replace,
    /// Tags for filtering; file, case and row tags add up (no repeats).
    tags: Vec<String> = merge,
    /// Ignored unless the runner is asked for ignored tests: true or a reason.
    ignore: Reason = replace,
    /// Never run, reported as skipped: true or a reason.
    skip: Reason = replace,
    /// In-memory file system: absolute path -> text content (default: empty).
    files: IndexMap<String, String> = merge,
    /// A directory loaded into the in-memory file system: "tree" or { dir = "tree", at = "/data" }.
    files_dir: Sp<FilesDir> = replace,
    /// Mocked http responses; the first mock matching a request answers it.
    /// Without mocks every request fails.
    http: Vec<Sp<HttpMockTable>> = replace,
    /// Environment variables visible to the code (no others are).
    env: IndexMap<String, String> = merge,
    /// A fixed clock: RFC 3339 time, unix seconds, or { at, step } (default: the runner's).
    clock: ClockSpec = replace,
    /// Seed of the random source (default: the runner's; runs are deterministic).
    seed: u64 = replace,
    /// Text available as standard input (default: empty).
    stdin: String = replace,
    /// Program arguments after the script name (what `args.all()` returns
    /// after it).
    argv: Vec<String> = replace,
    /// User ML modules: import name -> path of a .ml file, or { code = "..." } / { file = "..." }.
    modules: IndexMap<String, Sp<ModuleSpec>> = merge,
    /// Directories searched by `import a.b` (for a/b.ml).
    module_paths: Vec<Sp<String>> = replace,
    /// Variables injected before the code runs.
    globals: IndexMap<String, Value> = merge,
    /// After `code` has run in a session, call this ML function from the
    /// host: { function = "name", args = [...] }; its return value is the result.
    callback: Sp<CallbackTable> = replace,
    /// Table-driven variants, one test per row.
    each: Sp<Vec<Sp<RowTable>>> = replace,
    /// Run the case this many times at once (1 to 1000, default 1); every run must meet the expectations.
    concurrency: Sp<u32> = replace,
    /// Include the case in `mlpy-test bench`: true or { iterations, concurrency, warmup }.
    bench: Sp<BenchSpec> = replace,
    /// Known, documented differences from another implementation: backend
    /// name -> why (e.g. `differs_on.mlpy = "mlpy keeps escapes raw"`). On
    /// that backend, and when comparing with it, the case is expected to
    /// differ; a case that no longer differs is reported.
    differs_on: IndexMap<String, String> = merge,
    /// What must come out of the run (required at some level).
    expect: ExpectTable = merge,
}

// ---------------------------------------------------------------------------
// Row keys

/// Declares the keys of an `each` row and generates [`RowTable`]. A `case`
/// key overrides the case's key of that name, combining with it by that
/// key's rule (it must have the same type); an `own` key is the row's own.
macro_rules! row_keys {
    ($($(#[doc = $doc:expr])* $kind:ident $k:ident: $t:ty,)*) => {
        /// One row of `each`: a variant of the case, run as its own test.
        #[derive(Clone, Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct RowTable {
            $($(#[doc = $doc])* pub $k: Option<$t>,)*
        }

        impl RowTable {
            /// Every key, in declaration order.
            pub const KEYS: &[Key] = &[$(Key { name: stringify!($k), rule: rule!($kind) }),*];

            /// The case keys the row overrides (lay them on the case's with
            /// [`Fields::overlay`]), and the row with only its own keys left.
            pub fn split(mut self) -> (Fields, RowTable) {
                let mut fields = Fields::default();
                $(row_key!($kind, fields, self, $k);)*
                (fields, self)
            }
        }
    };
}

macro_rules! row_key {
    (case, $fields:ident, $row:ident, $k:ident) => {
        $fields.$k = $row.$k.take()
    };
    (own, $fields:ident, $row:ident, $k:ident) => {};
}

row_keys! {
    /// Row name (default: its index, 0-based); the test is `<case>::<name>`.
    own name: Sp<String>,
    /// Arguments for the case's `callback` function (needs a `callback`).
    own args: Sp<Vec<Value>>,
    /// Variables injected before the code runs, for this row.
    case globals: IndexMap<String, Value>,
    /// Environment variables for this row.
    case env: IndexMap<String, String>,
    /// Standard input for this row.
    case stdin: String,
    /// Random seed for this row.
    case seed: u64,
    /// Capability tokens for this row.
    case grant: Vec<Sp<String>>,
    /// Shorthand for `expect.result`.
    own result: Value,
    /// Shorthand for `expect.result_json`.
    own result_json: Sp<JsonText>,
    /// Shorthand for `expect.stdout`.
    own stdout: String,
    /// Expectations for this row.
    case expect: ExpectTable,
    /// Ignore this row (true or a reason).
    case ignore: Reason,
    /// Skip this row (true or a reason).
    case skip: Reason,
    /// Extra tags for this row.
    case tags: Vec<String>,
}

// ---------------------------------------------------------------------------
// Expectations

/// A key's value that is not valid: where (when the value knows its span)
/// and why, as words that follow the key's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// Byte offset of the value in the spec file.
    pub at: Option<usize>,
    /// "is not valid JSON: ...", "must be ...".
    pub message: String,
}

impl Invalid {
    /// An invalid value, without a place.
    pub fn new(message: impl Into<String>) -> Invalid {
        Invalid {
            at: None,
            message: message.into(),
        }
    }
}

/// How an `expect.*` value as written becomes what the check reads.
pub trait Resolve {
    /// The resolved form; its `Default` is what an unset key means.
    type Out: Clone + fmt::Debug + Default;
    /// The resolved value, or why the value is invalid.
    fn resolve(&self) -> Result<Self::Out, Invalid>;
    /// Whether the value expects anything at all (`timeout = false` does
    /// not).
    fn is_set(&self) -> bool {
        true
    }
}

/// One element of a list-valued expectation, resolved.
pub trait Item {
    /// The resolved element.
    type Out: Clone + fmt::Debug;
    /// The element resolved.
    fn item(&self) -> Self::Out;
}

impl<T: Resolve> Resolve for Sp<T> {
    type Out = T::Out;
    fn resolve(&self) -> Result<T::Out, Invalid> {
        self.get().resolve().map_err(|e| Invalid {
            at: e.at.or(Some(self.start())),
            ..e
        })
    }
    fn is_set(&self) -> bool {
        self.get().is_set()
    }
}

impl Resolve for Value {
    type Out = Option<Data>;
    fn resolve(&self) -> Result<Option<Data>, Invalid> {
        Ok(Some(self.0.clone()))
    }
}

impl Resolve for String {
    type Out = Option<String>;
    fn resolve(&self) -> Result<Option<String>, Invalid> {
        Ok(Some(self.clone()))
    }
}

impl Resolve for bool {
    type Out = bool;
    fn resolve(&self) -> Result<bool, Invalid> {
        Ok(*self)
    }
    fn is_set(&self) -> bool {
        *self
    }
}

impl Resolve for ErrorSpec {
    type Out = Option<ErrorSpec>;
    fn resolve(&self) -> Result<Option<ErrorSpec>, Invalid> {
        Ok(Some(self.clone()))
    }
}

impl Resolve for IndexMap<String, Value> {
    type Out = IndexMap<String, Data>;
    fn resolve(&self) -> Result<IndexMap<String, Data>, Invalid> {
        Ok(self.iter().map(|(k, v)| (k.clone(), v.0.clone())).collect())
    }
}

/// One item or many: each must hold.
impl<T: Item> Resolve for OneOrMany<T> {
    type Out = Vec<T::Out>;
    fn resolve(&self) -> Result<Vec<T::Out>, Invalid> {
        Ok(self.0.iter().map(Item::item).collect())
    }
}

/// A list that is itself the expectation (`calls = []`: no requests).
impl<T: Item> Resolve for Vec<T> {
    type Out = Option<Vec<T::Out>>;
    fn resolve(&self) -> Result<Self::Out, Invalid> {
        Ok(Some(self.iter().map(Item::item).collect()))
    }
}

impl Item for String {
    type Out = String;
    fn item(&self) -> String {
        self.clone()
    }
}

impl Item for RegexText {
    type Out = regex::Regex;
    fn item(&self) -> regex::Regex {
        self.0.clone()
    }
}

impl Item for ViolationTable {
    type Out = ViolationExpect;
    fn item(&self) -> ViolationExpect {
        ViolationExpect {
            capability: self.capability.clone(),
            resource: self.resource.clone(),
        }
    }
}

impl Item for CallTable {
    type Out = CallExpect;
    fn item(&self) -> CallExpect {
        CallExpect {
            method: self.method.as_ref().map(|m| m.to_ascii_uppercase()),
            url: self.url.clone(),
        }
    }
}

/// The expected result as JSON text (`result_json = "null"`).
#[derive(Clone, Debug, Deserialize)]
#[serde(transparent)]
pub struct JsonText(pub String);

impl Resolve for JsonText {
    type Out = Option<Data>;
    fn resolve(&self) -> Result<Option<Data>, Invalid> {
        Data::from_json(&self.0)
            .map(Some)
            .map_err(|e| Invalid::new(format!("is not valid JSON: {e}")))
    }
}

schema_as!(JsonText, String::schema_name(), String);

/// A float tolerance: finite and not negative.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(transparent)]
pub struct Tolerance(pub f64);

impl Resolve for Tolerance {
    type Out = f64;
    fn resolve(&self) -> Result<f64, Invalid> {
        if self.0.is_finite() && self.0 >= 0.0 {
            Ok(self.0)
        } else {
            Err(Invalid::new("must be a finite number >= 0"))
        }
    }
    /// A modifier: it expects nothing by itself.
    fn is_set(&self) -> bool {
        false
    }
}

schema_as!(Tolerance, f64::schema_name(), f64);

/// Declares the `expect.*` keys and generates [`ExpectTable`] (as written)
/// and [`Expect`] (resolved: one field a key, typed by the key's
/// [`Resolve::Out`], named by `as` when given; a key `instead_of` another
/// resolves into the other's field).
macro_rules! expect_keys {
    ($($(#[doc = $doc:expr])* $k:ident: $t:ty $(= $how:ident($other:ident))? $(as $field:ident)?,)*) => {
        /// `expect.*`: what must come out of the run, as written.
        #[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct ExpectTable {
            $($(#[doc = $doc])* pub $k: Option<$t>,)*
        }

        impl ExpectTable {
            /// Every key, in declaration order.
            pub const KEYS: &[Key] = &[$(Key { name: stringify!($k), rule: rule!($($how($other))?) }),*];

            /// `self` with every key that `over` sets replaced (both
            /// spellings of a key count as one key).
            pub fn overlay(mut self, over: ExpectTable) -> ExpectTable {
                $(clear_spellings!(self, over, $k, $($how($other))?);)*
                $(overlay_key!(self, over, $k, replace);)*
                self
            }

            /// Whether no key expects anything.
            pub fn is_empty(&self) -> bool {
                !($(self.$k.as_ref().is_some_and(Resolve::is_set))||*)
            }

            /// A key written two ways that is set both ways.
            pub fn check_spellings(&self) -> Result<(), BothSet> {
                $(check_spelling!(self, $k, $($how($other))?);)*
                Ok(())
            }

            /// Every key resolved, in declaration order; the first invalid
            /// value stops it, its message led by the key's name.
            pub fn resolve(&self) -> Result<Expect, Invalid> {
                let mut e = Expect::default();
                $(if let Some(v) = &self.$k {
                    expect_field!(e, $k $(, $other)? $(, $field)?) = v.resolve().map_err(|err| Invalid {
                        message: format!("`{}` {}", stringify!($k), err.message),
                        ..err
                    })?;
                })*
                Ok(e)
            }
        }

        expect_struct!([] $($(#[doc = $doc])* $k $(= $how($other))? $(as $field)?: $t,)*);
    };
}

/// The field of [`Expect`] a key resolves into.
macro_rules! expect_field {
    ($e:ident, $k:ident) => {
        $e.$k
    };
    ($e:ident, $k:ident, $field:ident) => {
        $e.$field
    };
}

/// [`Expect`]: a field for every key that is not another's second
/// spelling.
macro_rules! expect_struct {
    ([$($out:tt)*]) => {
        /// What a case expects, resolved. See `crate::expect::check`.
        #[derive(Clone, Debug, Default)]
        pub struct Expect { $($out)* }
    };
    ([$($out:tt)*] $(#[doc = $doc:expr])* $k:ident = $how:ident($other:ident): $t:ty, $($rest:tt)*) => {
        expect_struct!([$($out)*] $($rest)*);
    };
    ([$($out:tt)*] $(#[doc = $doc:expr])* $k:ident as $field:ident: $t:ty, $($rest:tt)*) => {
        expect_struct!([$($out)* $(#[doc = $doc])* pub $field: <$t as Resolve>::Out,] $($rest)*);
    };
    ([$($out:tt)*] $(#[doc = $doc:expr])* $k:ident: $t:ty, $($rest:tt)*) => {
        expect_struct!([$($out)* $(#[doc = $doc])* pub $k: <$t as Resolve>::Out,] $($rest)*);
    };
}

expect_keys! {
    /// The program result (value of the last expression statement, or the callback's return).
    result: Value,
    /// The program result as JSON text; the way to expect null (`result_json = "null"`) or values holding null.
    result_json: Sp<JsonText> = instead_of(result),
    /// Floats compare equal when |a - b| <= tolerance * max(1, |a|, |b|). Default 0 (exact).
    tolerance: Sp<Tolerance>,
    /// Exactly what the code printed.
    stdout: String,
    /// Substring(s) the output must contain.
    stdout_contains: OneOrMany<String>,
    /// Regular expression(s) the output must match (^ and $ match at line boundaries).
    stdout_matches: OneOrMany<RegexText>,
    /// Exactly what the code wrote to stderr (`console.error`, `console.warn`).
    stderr: String,
    /// Substring(s) stderr must contain.
    stderr_contains: OneOrMany<String>,
    /// Regular expression(s) stderr must match (^ and $ match at line boundaries).
    stderr_matches: OneOrMany<RegexText>,
    /// Variables that must exist after the run with these values (other variables are ignored).
    globals: IndexMap<String, Value>,
    /// The run must end in this ML error.
    error: ErrorSpec,
    /// The run must record this capability violation (or all of these), caught or not.
    violation: OneOrMany<ViolationTable> as violations,
    /// The run must be stopped by its timeout.
    timeout: bool,
    /// The mocked http backend must have seen exactly these requests, in order.
    calls: Vec<CallTable>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<T: serde::de::DeserializeOwned>(text: &str) -> T {
        let de = toml::de::Deserializer::parse(text).unwrap();
        T::deserialize(de).unwrap()
    }

    fn fields(text: &str) -> Fields {
        parse::<CaseTable>(text).into()
    }

    #[test]
    fn overlay_treats_result_and_result_json_as_one() {
        let base: ExpectTable = parse("result = 1\nstdout = 'a'");
        let over: ExpectTable = parse("result_json = 'null'");
        let both = base.overlay(over);
        assert!(both.result.is_none());
        assert!(both.result_json.is_some());
        assert_eq!(both.stdout.as_deref(), Some("a"));
    }

    #[test]
    fn case_keys_replace_merge_or_count_as_one() {
        let file = fields(
            "code_file = 'a.ml'\ntags = ['x', 'y']\nenv = { A = '1', B = '2' }\n\
             grant = ['env:read:A']\nexpect.stdout = 'out'",
        );
        let case = fields(
            "code = 'x'\ntags = ['y', 'z']\nenv = { B = '3' }\ngrant = []\nexpect.result = 1",
        );
        let f = file.overlay(case);
        assert!(f.code_file.is_none(), "code replaces code_file");
        assert_eq!(f.code.as_ref().map(|c| c.get().as_str()), Some("x"));
        assert_eq!(
            f.tags.as_deref(),
            Some(&["x", "y", "z"].map(String::from)[..])
        );
        let env: Vec<(&str, &str)> = f
            .env
            .iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(env, [("A", "1"), ("B", "3")]);
        assert_eq!(f.grant.map(|g| g.len()), Some(0), "an empty grant replaces");
        let e = f.expect.unwrap();
        assert!(e.result.is_some() && e.stdout.is_some(), "expect merges");
    }

    #[test]
    fn both_spellings_at_one_level_are_an_error() {
        let f = fields("code = 'x'\ncode_file = 'a.ml'");
        let (at, message) = f.check_spellings().unwrap_err();
        assert_eq!(message, "`code` and `code_file` are both set; use one");
        assert_eq!(at, "code = 'x'\ncode_file = ".len());
        let e: ExpectTable = parse("result = 1\nresult_json = '2'");
        let (_, message) = e.check_spellings().unwrap_err();
        assert_eq!(message, "`result` and `result_json` are both set; use one");
    }

    #[test]
    fn rows_split_into_case_overrides_and_their_own_keys() {
        let row: RowTable = parse("name = 'r'\nresult = 2\nseed = 7\ntags = ['t']");
        let (over, own) = row.split();
        assert_eq!((over.seed, over.tags.map(|t| t.len())), (Some(7), Some(1)));
        assert!(own.seed.is_none() && own.tags.is_none());
        assert!(own.name.is_some() && own.result.is_some());
        let case_keys: Vec<&str> = Fields::KEYS.iter().map(|k| k.name).collect();
        for k in RowTable::KEYS {
            let is_case_key = case_keys.contains(&k.name);
            assert_eq!(k.rule == Rule::AsCase, is_case_key && k.name != "name");
        }
    }

    #[test]
    fn expectations_resolve_with_the_key_named_in_errors() {
        let e: ExpectTable = parse(
            "result_json = '[1, null]'\nviolation = { capability = 'env' }\n\
             calls = []\ntimeout = false",
        );
        let r = e.resolve().unwrap();
        assert_eq!(r.result, Some(Data::Array(vec![Data::Int(1), Data::Null])));
        assert_eq!(r.violations.len(), 1);
        assert_eq!(r.calls, Some(vec![]));
        assert!(!r.timeout);
        let bad: ExpectTable = parse("tolerance = -1.0");
        let err = bad.resolve().unwrap_err();
        assert_eq!(err.message, "`tolerance` must be a finite number >= 0");
        assert_eq!(err.at, Some("tolerance = ".len()));
        assert!(parse::<ExpectTable>("timeout = false").is_empty());
        assert!(parse::<ExpectTable>("tolerance = 0.1").is_empty());
        assert!(!parse::<ExpectTable>("stdout_contains = []").is_empty());
    }
}
