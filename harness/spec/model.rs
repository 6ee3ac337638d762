//! The `.mltest` file as written: serde structures read straight from the
//! TOML, with source spans where later validation needs them.
//!
//! Nothing here touches the file system. `load.rs` merges the file-level
//! defaults into each case, resolves paths and expands `each` rows into
//! runnable [`super::Case`]s.
//!
//! The keys of the top-level tables (file, case, row, `expect`) are
//! declared in `keys.rs`; here are the types their values are written in
//! and the smaller tables inside them. Every table denies unknown keys.

use indexmap::IndexMap;
use mlpy_lang::Data;
use schemars::gen::SchemaGenerator;
use schemars::schema::{InstanceType, Schema, SchemaObject, StringValidation};
use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::ops::Range;
use std::time::Duration;

/// The key under which toml hands a datetime to serde.
pub(crate) const TOML_DATETIME_FIELD: &str = "$__toml_private_datetime";

// ---------------------------------------------------------------------------
// Small building blocks

/// A value with the byte range it came from in the spec file.
#[derive(Clone, Debug)]
pub struct Sp<T>(pub toml::Spanned<T>);

impl<T> Sp<T> {
    /// The value.
    pub fn get(&self) -> &T {
        self.0.get_ref()
    }
    /// Its byte range in the spec file.
    pub fn span(&self) -> Range<usize> {
        self.0.span()
    }
    /// The byte offset where it starts.
    pub fn start(&self) -> usize {
        self.0.span().start
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        toml::Spanned::<T>::deserialize(d).map(Sp)
    }
}

impl<T: JsonSchema> JsonSchema for Sp<T> {
    fn is_referenceable() -> bool {
        false
    }
    fn schema_name() -> String {
        T::schema_name()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        gen.subschema_for::<T>()
    }
}

/// An ML value written in TOML (any TOML value; a TOML date-time becomes
/// its text).
#[derive(Clone, Debug, PartialEq)]
pub struct Value(pub Data);

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Data::deserialize(d).map(|v| Value(fix(v)))
    }
}

schema_as!(Value, "Value", serde_json::Value);

/// TOML datetimes inside values arrive as `{ "$__toml_private_datetime" =
/// "..." }`; they become their text.
pub(crate) fn fix(mut d: Data) -> Data {
    fix_in_place(&mut d);
    d
}

fn fix_in_place(d: &mut Data) {
    match d {
        Data::Array(items) => items.iter_mut().for_each(fix_in_place),
        Data::Object(map) => {
            if map.len() == 1 {
                if let Some(Data::Str(s)) = map.get(TOML_DATETIME_FIELD) {
                    *d = Data::Str(s.clone());
                    return;
                }
            }
            map.values_mut().for_each(fix_in_place);
        }
        _ => {}
    }
}

fn described(mut s: SchemaObject, description: &str) -> Schema {
    s.metadata().description = Some(description.to_string());
    Schema::Object(s)
}

fn string_schema(pattern: Option<&str>) -> SchemaObject {
    SchemaObject {
        instance_type: Some(InstanceType::String.into()),
        string: pattern.map(|p| {
            Box::new(StringValidation {
                pattern: Some(p.to_string()),
                ..Default::default()
            })
        }),
        ..Default::default()
    }
}

fn any_of(options: Vec<Schema>, description: &str) -> Schema {
    let mut s = SchemaObject::default();
    s.subschemas().any_of = Some(options);
    described(s, description)
}

/// Implements `Deserialize` and `JsonSchema` for a type written in one of
/// several TOML forms: a boolean, a string, or a table (whose own struct
/// denies unknown keys). Each form's expression gives `Result<$ty,
/// String>`; `$expecting` names the forms in errors, the schema is any of
/// them (in that order) with `$description`.
macro_rules! forms {
    ($ty:ident, $name:expr, $expecting:expr, $description:expr,
     $(bool |$b:ident| $from_bool:expr,)?
     $(str |$s:ident| $from_str:expr,)?
     $(table $table:ty, |$t:ident| $from_table:expr,)?) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    $(fn visit_bool<E: de::Error>(self, $b: bool) -> Result<$ty, E> {
                        let r: Result<$ty, String> = $from_bool;
                        r.map_err(E::custom)
                    })?
                    $(fn visit_str<E: de::Error>(self, $s: &str) -> Result<$ty, E> {
                        let r: Result<$ty, String> = $from_str;
                        r.map_err(E::custom)
                    })?
                    $(fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<$ty, A::Error> {
                        let $t = <$table>::deserialize(de::value::MapAccessDeserializer::new(map))?;
                        let r: Result<$ty, String> = $from_table;
                        r.map_err(de::Error::custom)
                    })?
                }
                d.deserialize_any(V)
            }
        }
        impl JsonSchema for $ty {
            fn schema_name() -> String {
                $name.into()
            }
            fn json_schema(gen: &mut SchemaGenerator) -> Schema {
                any_of(
                    vec![
                        $(forms!(@schema gen, bool, $b),)?
                        $(forms!(@schema gen, String, $s),)?
                        $(forms!(@schema gen, $table, $t),)?
                    ],
                    $description,
                )
            }
        }
    };
    (@schema $gen:ident, $form:ty, $_binding:ident) => {
        $gen.subschema_for::<$form>()
    };
}

/// [`forms!`] for a type written as a string or a table.
macro_rules! string_or_table {
    ($ty:ident, $table:ty, $expecting:expr, |$s:ident| $from_str:expr, |$t:ident| $from_table:expr) => {
        forms!(
            $ty,
            stringify!($ty),
            $expecting,
            $expecting,
            str |$s| $from_str,
            table $table, |$t| $from_table,
        );
    };
}

/// Implements `Deserialize` (from a string, through `parse`, whose error
/// is the message) and `JsonSchema` (a described string, with a pattern
/// where one fits) for a newtype over what `parse` returns.
macro_rules! parsed_text {
    ($ty:ident, $name:literal, $expecting:literal, $pattern:expr, $description:literal,
     |$s:ident| $parse:expr) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_str<E: de::Error>(self, $s: &str) -> Result<$ty, E> {
                        $parse.map($ty).map_err(E::custom)
                    }
                }
                d.deserialize_str(V)
            }
        }

        impl JsonSchema for $ty {
            fn schema_name() -> String {
                $name.into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                described(string_schema($pattern), $description)
            }
        }
    };
}

/// A duration written as text: `"200ms"`, `"2s"`, `"1.5m"` (units `us`,
/// `ms`, `s`, `m`, `h`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DurationText(pub Duration);

parsed_text!(
    DurationText,
    "Duration",
    "a duration such as \"200ms\" or \"2s\"",
    Some(r"^\s*[0-9]+(\.[0-9]+)?\s*(us|µs|ms|s|sec|m|min|h)\s*$"),
    "A duration: a number and a unit (us, ms, s, m, h), e.g. \"200ms\", \"2s\".",
    |s| crate::duration::parse_duration(s)
);

/// A size written as text: `"256MiB"`, `"1GiB"`, `"64MB"` or bytes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SizeText(pub usize);

parsed_text!(
    SizeText,
    "Size",
    "a size such as \"256MiB\" or \"1GiB\"",
    Some(r"^\s*[0-9_]+(\.[0-9]+)?\s*([kKmMgGtT]i?[bB]?|[bB])?\s*$"),
    "A size: a number and a unit (B, KiB, MiB, GiB, kB, MB, GB), e.g. \"256MiB\".",
    |s| mlpy_lang::memory::parse_size(s)
);

/// `ignore` / `skip`: `true`, `false` or a reason (which also means true).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Not ignored (`false`).
    No,
    /// Ignored, with a reason (empty for `true`).
    Yes(String),
}

impl Reason {
    /// The reason, when set.
    pub fn reason(&self) -> Option<String> {
        match self {
            Reason::No => None,
            Reason::Yes(r) => Some(r.clone()),
        }
    }
}

forms!(
    Reason,
    "BoolOrReason",
    "true, false or a reason string",
    "true, false, or a reason (a reason means true).",
    bool | b
        | Ok(if b {
            Reason::Yes(String::new())
        } else {
            Reason::No
        }),
    str | s | Ok(Reason::Yes(s.to_string())),
);

/// One item or an array of them (`stdout_contains = "x"` or `["x", "y"]`).
#[derive(Clone, Debug)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("one item or an array of them")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                T::deserialize(de::value::StrDeserializer::<E>::new(s)).map(|t| OneOrMany(vec![t]))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|t| OneOrMany(vec![t]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(OneOrMany(items))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl<T: JsonSchema> JsonSchema for OneOrMany<T> {
    fn is_referenceable() -> bool {
        false
    }
    fn schema_name() -> String {
        format!("OneOrMany_{}", T::schema_name())
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        any_of(
            vec![gen.subschema_for::<T>(), gen.subschema_for::<Vec<T>>()],
            "One item or an array of them.",
        )
    }
}

/// A regular expression, compiled when the spec is read. `^` and `$`
/// match at line boundaries.
#[derive(Clone, Debug)]
pub struct RegexText(pub regex::Regex);

parsed_text!(
    RegexText,
    "Regex",
    "a regular expression string",
    None,
    "A regular expression (Rust regex syntax); ^ and $ match at line boundaries.",
    |s| regex::RegexBuilder::new(s)
        .multi_line(true)
        .build()
        .map_err(|e| format!("invalid regex '{s}': {}", regex_reason(&e)))
);

/// The last line of a regex error ("unclosed group"), without its
/// multi-line caret picture.
fn regex_reason(e: &regex::Error) -> String {
    let text = e.to_string();
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    last.trim().trim_start_matches("error: ").to_string()
}

// ---------------------------------------------------------------------------
// Mocked world

/// `files_dir`: a directory loaded into the in-memory file system.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilesDir {
    /// The directory, relative to the spec file, then `fixtures/`.
    pub dir: String,
    /// Where its contents appear in the in-memory file system (default `/`).
    pub at: String,
}

/// `files_dir = { dir = "tree", at = "/data" }`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FilesDirTable {
    /// The directory, relative to the spec file, then `fixtures/`.
    pub dir: String,
    /// Where its contents appear in the in-memory file system (default "/").
    pub at: Option<String>,
}

string_or_table!(
    FilesDir,
    FilesDirTable,
    "a directory path, or a table { dir = \"tree\", at = \"/data\" }",
    |s| Ok(FilesDir {
        dir: s.to_string(),
        at: "/".into()
    }),
    |t| Ok(FilesDir {
        dir: t.dir,
        at: t.at.unwrap_or_else(|| "/".into())
    })
);

/// One mocked http response. Requests are matched against the mocks in
/// order; the first match answers.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpMockTable {
    /// The request method to match (any when absent), e.g. "GET".
    pub method: Option<String>,
    /// The URL to match: exact, or with `*` matching any run of characters.
    pub url: String,
    /// Response status (default 200).
    pub status: Option<u16>,
    /// Response body as text.
    pub body: Option<String>,
    /// Response body as JSON (also sets content-type: application/json).
    #[schemars(with = "Option<serde_json::Value>")]
    pub json: Option<Data>,
    /// Response body read from a file (relative to the spec file, then `fixtures/`).
    pub body_file: Option<Sp<String>>,
    /// Response headers.
    pub headers: Option<IndexMap<String, String>>,
    /// Delay before the response arrives, e.g. "50ms".
    pub delay: Option<DurationText>,
    /// Fail the request instead of answering: "network" or "timeout".
    pub error: Option<HttpFailure>,
}

/// A simulated transport failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum HttpFailure {
    /// The connection fails (DNS, refused, reset).
    Network,
    /// The request times out.
    Timeout,
}

/// `clock`: a fixed time, optionally advancing on every reading.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClockSpec {
    /// Seconds since the Unix epoch (UTC).
    pub at: f64,
    /// Local time's offset from UTC in seconds (from the timestamp's offset).
    pub offset: i32,
    /// Added to the clock after every reading.
    pub step: Option<Duration>,
}

/// Parses the time forms a spec may use: RFC 3339 with an offset,
/// a local date-time (taken as UTC) or a bare date (midnight UTC).
pub(crate) fn parse_time(text: &str) -> Result<(f64, i32), String> {
    let t = text.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
        let secs = dt.timestamp() as f64 + f64::from(dt.timestamp_subsec_nanos()) / 1e9;
        return Ok((secs, dt.offset().local_minus_utc()));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(t, fmt) {
            let utc = dt.and_utc();
            let secs = utc.timestamp() as f64 + f64::from(utc.timestamp_subsec_nanos()) / 1e9;
            return Ok((secs, 0));
        }
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let utc = d.and_hms_opt(0, 0, 0).map(|x| x.and_utc());
        if let Some(utc) = utc {
            return Ok((utc.timestamp() as f64, 0));
        }
    }
    Err(format!(
        "invalid time '{text}': expected RFC 3339 such as \"2024-01-01T00:00:00Z\""
    ))
}

/// A point in time: RFC 3339 text, a TOML datetime or unix seconds.
struct TimeVisitor;

impl<'de> Visitor<'de> for TimeVisitor {
    type Value = (f64, i32);
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a time such as \"2024-01-01T00:00:00Z\" or unix seconds")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        parse_time(s).map_err(E::custom)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok((v as f64, 0))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok((v as f64, 0))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.is_finite() {
            Ok((v, 0))
        } else {
            Err(E::custom("the clock needs a finite number of seconds"))
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        match map.next_key::<String>()? {
            Some(k) if k == TOML_DATETIME_FIELD => {
                let text: String = map.next_value()?;
                parse_time(&text).map_err(de::Error::custom)
            }
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

struct TimeAt((f64, i32));

impl<'de> Deserialize<'de> for TimeAt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TimeVisitor).map(TimeAt)
    }
}

impl<'de> Deserialize<'de> for ClockSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ClockSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a time such as \"2024-01-01T00:00:00Z\", unix seconds, or a table { at = ..., step = \"1s\" }",
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ClockSpec, E> {
                TimeVisitor.visit_str(s).map(at)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ClockSpec, E> {
                TimeVisitor.visit_i64(v).map(at)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ClockSpec, E> {
                TimeVisitor.visit_u64(v).map(at)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ClockSpec, E> {
                TimeVisitor.visit_f64(v).map(at)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ClockSpec, A::Error> {
                let mut when: Option<(f64, i32)> = None;
                let mut step: Option<Duration> = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        TOML_DATETIME_FIELD => {
                            let text: String = map.next_value()?;
                            return parse_time(&text).map(at).map_err(de::Error::custom);
                        }
                        "at" => when = Some(map.next_value::<TimeAt>()?.0),
                        "step" => step = Some(map.next_value::<DurationText>()?.0),
                        other => return Err(de::Error::unknown_field(other, &["at", "step"])),
                    }
                }
                let (secs, offset) = when.ok_or_else(|| de::Error::missing_field("at"))?;
                Ok(ClockSpec {
                    at: secs,
                    offset,
                    step,
                })
            }
        }
        fn at((secs, offset): (f64, i32)) -> ClockSpec {
            ClockSpec {
                at: secs,
                offset,
                step: None,
            }
        }
        d.deserialize_any(V)
    }
}

/// Schema-only shape of the `clock` table.
#[derive(JsonSchema)]
#[allow(dead_code)]
#[serde(deny_unknown_fields)]
struct ClockTable {
    /// The start time: RFC 3339 (its offset is the local time zone) or unix seconds.
    at: serde_json::Value,
    /// Advance the clock by this much after every reading, e.g. "1s".
    step: Option<DurationText>,
}

impl JsonSchema for ClockSpec {
    fn schema_name() -> String {
        "Clock".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        any_of(
            vec![
                described(
                    string_schema(None),
                    "RFC 3339 time, e.g. \"2024-01-01T00:00:00Z\"",
                ),
                gen.subschema_for::<f64>(),
                gen.subschema_for::<ClockTable>(),
            ],
            "A fixed clock: RFC 3339 time (its offset is the local time zone), unix seconds, or { at, step }.",
        )
    }
}

/// A user module: a path to its `.ml` file, or inline source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModuleSpec {
    /// Path of the `.ml` file (relative to the spec file).
    File(String),
    /// Inline source.
    Code(String),
}

/// `modules.NAME = { code = "..." }` or `{ file = "..." }`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModuleTable {
    /// Inline ML source of the module.
    pub code: Option<String>,
    /// Path of the module's `.ml` file (relative to the spec file, then `fixtures/`).
    pub file: Option<String>,
}

string_or_table!(
    ModuleSpec,
    ModuleTable,
    "a path to an .ml file, or a table { code = \"...\" } / { file = \"...\" }",
    |s| Ok(ModuleSpec::File(s.to_string())),
    |t| match (t.code, t.file) {
        (Some(c), None) => Ok(ModuleSpec::Code(c)),
        (None, Some(f)) => Ok(ModuleSpec::File(f)),
        _ => Err("a module table needs exactly one of `code` or `file`".to_string()),
    }
);

/// `callback = { function = "add", args = [3, 7] }`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallbackTable {
    /// The ML function to call after `code` has run.
    pub function: String,
    /// Its arguments (default none).
    #[schemars(with = "Option<Vec<serde_json::Value>>")]
    pub args: Option<Vec<Data>>,
}

/// `bench = true` or `{ iterations, concurrency, warmup }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BenchSpec {
    /// Whether the case is benchmarked.
    pub enabled: bool,
    /// The settings the table gives (none for `true`).
    pub settings: BenchTable,
}

/// `bench = { iterations = 100, concurrency = 10 }`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BenchTable {
    /// Measured runs (default 100).
    pub iterations: Option<u32>,
    /// Runs in flight at once (default 1).
    pub concurrency: Option<u32>,
    /// Unmeasured runs first (default 10).
    pub warmup: Option<u32>,
}

forms!(
    BenchSpec,
    "Bench",
    "true, false or a table { iterations = 100, concurrency = 10 }",
    "Include the case in `mlpy-test bench`: true, or { iterations, concurrency, warmup }.",
    bool |enabled| Ok(BenchSpec {
        enabled,
        settings: BenchTable::default(),
    }),
    table BenchTable, |settings| Ok(BenchSpec {
        enabled: true,
        settings,
    }),
);

// ---------------------------------------------------------------------------
// Expectations

/// `expect.error = "ZeroDivisionError"` (the kind alone) or a table; the
/// parts it holds are in [`ErrorTable`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorSpec(pub ErrorTable);

impl std::ops::Deref for ErrorSpec {
    type Target = ErrorTable;
    fn deref(&self) -> &ErrorTable {
        &self.0
    }
}

/// `expect.error = { kind = "ZeroDivisionError", message_contains = "zero", line = 3 }`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorTable {
    /// The error kind, e.g. "ZeroDivisionError", "SyntaxError", "CapabilityError".
    pub kind: Option<String>,
    /// The whole message, exactly.
    pub message: Option<String>,
    /// A substring of the message.
    pub message_contains: Option<String>,
    /// The line the error points at (1 = first line of the code).
    pub line: Option<u32>,
    /// The column the error points at (1-based).
    pub column: Option<u32>,
}

string_or_table!(
    ErrorSpec,
    ErrorTable,
    "an error kind such as \"ZeroDivisionError\", or a table { kind, message, message_contains, line, column }",
    |s| Ok(ErrorSpec(ErrorTable {
        kind: Some(s.to_string()),
        ..ErrorTable::default()
    })),
    |t| Ok(ErrorSpec(t))
);

/// `expect.violation = { capability = "file:read", resource = "/etc/*" }`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ViolationTable {
    /// The capability that was denied, e.g. "file:read" (or just "file").
    pub capability: String,
    /// The resource it was denied for; `*` matches any run of characters. Any when absent.
    pub resource: Option<String>,
}

/// One expected capability violation, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViolationExpect {
    /// `file:read`, `file.read` or just `file`.
    pub capability: String,
    /// A `*` wildcard pattern; `None` = any resource.
    pub resource: Option<String>,
}

/// One entry of `expect.calls`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallTable {
    /// The request method (any when absent).
    pub method: Option<String>,
    /// The URL; `*` matches any run of characters.
    pub url: String,
}

/// One expected http request, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallExpect {
    /// Upper-case; `None` = any method.
    pub method: Option<String>,
    /// A `*` wildcard pattern.
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
        let de = toml::de::Deserializer::parse(text).map_err(|e| e.to_string())?;
        T::deserialize(de).map_err(|e| e.message().to_string())
    }

    #[derive(Deserialize, Debug)]
    struct W<T> {
        v: T,
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("1970-01-01T00:00:10Z"), Ok((10.0, 0)));
        assert_eq!(parse_time("1970-01-01T02:00:00+02:00"), Ok((0.0, 7200)));
        assert_eq!(parse_time("1970-01-01T00:00:00.5"), Ok((0.5, 0)));
        assert_eq!(parse_time("1970-01-02"), Ok((86400.0, 0)));
        assert!(parse_time("soon").is_err());
    }

    #[test]
    fn reasons_and_lists() {
        assert_eq!(
            parse::<W<Reason>>("v = true").unwrap().v,
            Reason::Yes(String::new())
        );
        assert_eq!(parse::<W<Reason>>("v = false").unwrap().v, Reason::No);
        assert_eq!(
            parse::<W<Reason>>("v = 'x'").unwrap().v,
            Reason::Yes("x".into())
        );
        assert!(parse::<W<Reason>>("v = 1").is_err());
        assert_eq!(parse::<W<OneOrMany<String>>>("v = 'a'").unwrap().v.0, ["a"]);
        assert_eq!(
            parse::<W<OneOrMany<String>>>("v = ['a', 'b']").unwrap().v.0,
            ["a", "b"]
        );
        let one = parse::<W<OneOrMany<ViolationTable>>>("v = { capability = 'env' }").unwrap();
        assert_eq!(one.v.0[0].capability, "env");
        let bad = parse::<W<OneOrMany<ViolationTable>>>("v = { capability = 'env', x = 1 }");
        assert!(bad.unwrap_err().contains("unknown field `x`"));
    }

    #[test]
    fn string_or_table_forms() {
        let e = parse::<W<ErrorSpec>>("v = 'KeyError'").unwrap().v;
        assert_eq!(e.kind.as_deref(), Some("KeyError"));
        let e = parse::<W<ErrorSpec>>("v = { message_contains = 'x', line = 2 }")
            .unwrap()
            .v;
        assert_eq!((e.kind.as_deref(), e.line), (None, Some(2)));
        let m = parse::<W<ModuleSpec>>("v = { code = 'x = 1;' }").unwrap().v;
        assert_eq!(m, ModuleSpec::Code("x = 1;".into()));
        let m = parse::<W<ModuleSpec>>("v = { code = 'a', file = 'b' }").unwrap_err();
        assert_eq!(m, "a module table needs exactly one of `code` or `file`");
        let f = parse::<W<FilesDir>>("v = 'tree'").unwrap().v;
        assert_eq!((f.dir.as_str(), f.at.as_str()), ("tree", "/"));
        let b = parse::<W<BenchSpec>>("v = { iterations = 5 }").unwrap().v;
        assert!(b.enabled);
        assert_eq!(b.settings.iterations, Some(5));
        assert!(!parse::<W<BenchSpec>>("v = false").unwrap().v.enabled);
    }
}
