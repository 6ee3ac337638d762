//! The process protocol, version 1 (documented in
//! `docs/process-protocol.md`): how the harness drives an ML implementation
//! in another process. Messages are JSON objects, one per line, with a
//! `type`: a handshake (`hello`) in which the backend declares the
//! [`Feature`]s it honours, then `run` requests answered by `outcome`s.
//!
//! [`WorldSpec`] is the mocked world of a run as plain data: the spec
//! runner describes a case's world with it, the native side builds its
//! in-memory host from it, and the wire carries it to other backends.

use crate::spec::{Case, HttpFailure};
use base64::Engine as _;
use indexmap::IndexMap;
use mlpy_lang::host::http::{Route, ScriptedHttp};
use mlpy_lang::host::{
    CapturedConsole, DirModules, Extensions, FixedClock, Host, HttpError, MemoryEnv, MemoryFs,
    MemoryModules, ModuleSource, SeededRandom,
};
use mlpy_lang::Data;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

/// The protocol version this harness speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// Something a case may need beyond running code with grants and a
/// timeout. A backend declares the ones it honours in its handshake; a case
/// that needs another one is skipped on that backend, never run without it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// A mocked file tree (`files`, `files_dir`).
    Files,
    /// Mocked http responses, and the requests seen (`http`, `expect.calls`).
    Http,
    /// Environment variables (`env`).
    Env,
    /// A fixed or stepping clock (`clock`).
    Clock,
    /// Seeded randomness (`seed`).
    Seed,
    /// Scripted standard input (`stdin`).
    Stdin,
    /// Program arguments (`argv`).
    Argv,
    /// User ML modules (`modules`, `module_paths`).
    Modules,
    /// Injected variables and the variables reported after the run
    /// (`globals`, `expect.globals`).
    Globals,
    /// Calling an ML function after the code ran (`callback`).
    Callbacks,
    /// Several runs of a case at once, each isolated (`concurrency`).
    Concurrency,
    /// Stopping code at its deadline and reporting `timeout`
    /// (`expect.timeout`).
    Timeouts,
    /// What the code wrote to stderr (`expect.stderr`).
    Stderr,
}

impl Feature {
    /// Every feature, in wire order.
    pub const ALL: [Feature; 13] = [
        Feature::Files,
        Feature::Http,
        Feature::Env,
        Feature::Clock,
        Feature::Seed,
        Feature::Stdin,
        Feature::Argv,
        Feature::Modules,
        Feature::Globals,
        Feature::Callbacks,
        Feature::Concurrency,
        Feature::Timeouts,
        Feature::Stderr,
    ];

    /// The wire name, e.g. `files`.
    pub fn name(self) -> &'static str {
        match self {
            Feature::Files => "files",
            Feature::Http => "http",
            Feature::Env => "env",
            Feature::Clock => "clock",
            Feature::Seed => "seed",
            Feature::Stdin => "stdin",
            Feature::Argv => "argv",
            Feature::Modules => "modules",
            Feature::Globals => "globals",
            Feature::Callbacks => "callbacks",
            Feature::Concurrency => "concurrency",
            Feature::Timeouts => "timeouts",
            Feature::Stderr => "stderr",
        }
    }

    /// The feature with this wire name.
    pub fn from_name(name: &str) -> Option<Feature> {
        Feature::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// What a backend is and what it honours.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendInfo {
    /// `native`, or the implementation named in the handshake.
    pub name: String,
    /// The implementation's version, when it says.
    pub version: Option<String>,
    /// The features it honours.
    pub features: BTreeSet<Feature>,
    /// Why a feature is not supported, when the backend said so.
    pub unsupported: BTreeMap<Feature, String>,
    /// Whether requests must carry their world as a [`WorldSpec`] (the
    /// backend cannot take an in-memory [`Host`]).
    pub needs_world_spec: bool,
}

impl BackendInfo {
    /// The native VM: everything, in process.
    pub fn native() -> BackendInfo {
        BackendInfo {
            name: "native".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
            features: Feature::ALL.into_iter().collect(),
            unsupported: BTreeMap::new(),
            needs_world_spec: false,
        }
    }

    /// Why this backend cannot run the case (`None` when it can).
    pub fn cannot_run(&self, case: &Case) -> Option<String> {
        if self.features.len() == Feature::ALL.len() {
            return None;
        }
        let missing: Vec<String> = case_needs(case)
            .into_iter()
            .filter(|f| !self.features.contains(f))
            .map(|f| match self.unsupported.get(&f) {
                Some(why) => format!("{} ({why})", f.name()),
                None => f.name().to_string(),
            })
            .collect();
        if missing.is_empty() {
            None
        } else {
            Some(format!(
                "backend '{}' does not support {}",
                self.name,
                missing.join(", ")
            ))
        }
    }
}

/// The features a case needs: its world's, and what it expects.
pub fn case_needs(case: &Case) -> BTreeSet<Feature> {
    let e = &case.expect;
    let mut needs = WorldSpec::from_case(case).needs();
    needs.extend(
        [
            (Feature::Http, e.calls.is_some()),
            (
                Feature::Globals,
                !case.globals.is_empty() || !e.globals.is_empty(),
            ),
            (Feature::Callbacks, case.callback.is_some()),
            (Feature::Concurrency, case.concurrency > 1),
            (Feature::Timeouts, e.timeout),
            (Feature::Stderr, crate::expect::reads_stderr(e)),
        ]
        .into_iter()
        .filter_map(|(f, needed)| needed.then_some(f)),
    );
    needs
}

// ---- the world as data ----

/// File or body content: text on the wire when it is UTF-8, else
/// `{"base64": "..."}`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Bytes(pub Arc<[u8]>);

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(&self.0) {
            Ok(text) => s.serialize_str(text),
            Err(_) => {
                let mut m = IndexMap::new();
                m.insert(
                    "base64",
                    base64::engine::general_purpose::STANDARD.encode(&self.0),
                );
                m.serialize(s)
            }
        }
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Text(String),
            Encoded { base64: String },
        }
        match Wire::deserialize(d)? {
            Wire::Text(t) => Ok(Bytes(t.into_bytes().into())),
            Wire::Encoded { base64 } => base64::engine::general_purpose::STANDARD
                .decode(base64.as_bytes())
                .map(|b| Bytes(b.into()))
                .map_err(serde::de::Error::custom),
        }
    }
}

/// One mocked http response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HttpMockSpec {
    /// Upper-case method to match; absent matches any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Exact URL, or `*` matching any run of characters.
    pub url: String,
    /// The response status code.
    pub status: u16,
    /// Response headers, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    /// The response body.
    #[serde(default)]
    pub body: Bytes,
    /// Answer after this long, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// `network` or `timeout`: fail instead of answering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A fixed or stepping clock.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClockSpec {
    /// Seconds since the Unix epoch (UTC).
    pub at: f64,
    /// Local time's offset from UTC, in seconds.
    #[serde(default)]
    pub offset: i32,
    /// Added after every reading, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_ms: Option<f64>,
}

/// The mocked world of one run. Everything absent means the closed
/// default: no files, no network, empty environment, the clock at
/// 2024-01-01T00:00:00Z, seed 0, empty stdin, no arguments.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct WorldSpec {
    /// The file system: absolute path -> content.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub files: BTreeMap<String, Bytes>,
    /// Mocked http responses, in matching order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub http: Vec<HttpMockSpec>,
    /// Environment variables.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub env: IndexMap<String, String>,
    /// The clock (default: fixed at 2024-01-01T00:00:00Z).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<ClockSpec>,
    /// Seed of the random source (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Standard input (default: empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdin: Option<String>,
    /// The script name, reported as the first program argument.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
    /// Program arguments after the script name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub argv: Vec<String>,
    /// User ML modules by dotted import name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub modules: IndexMap<String, String>,
    /// Directories searched for `import a.b` (`a/b.ml`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub module_paths: Vec<String>,
}

/// The clock of a world that sets none.
pub const DEFAULT_CLOCK: f64 = 1_704_067_200.0;

impl WorldSpec {
    /// Whether this is the closed default world (nothing declared).
    pub fn is_closed(&self) -> bool {
        *self == WorldSpec::default()
    }

    /// The world a spec case declares.
    pub fn from_case(case: &Case) -> WorldSpec {
        WorldSpec {
            files: case
                .files
                .iter()
                .map(|(p, c)| (p.clone(), Bytes(c.clone())))
                .collect(),
            http: case
                .http
                .iter()
                .map(|m| HttpMockSpec {
                    method: m.method.clone(),
                    url: m.url.clone(),
                    status: m.status,
                    headers: m.headers.clone(),
                    body: Bytes(m.body.clone()),
                    delay_ms: m.delay.map(|d| d.as_millis() as u64),
                    error: m.error.map(|e| {
                        match e {
                            HttpFailure::Network => "network",
                            HttpFailure::Timeout => "timeout",
                        }
                        .to_string()
                    }),
                })
                .collect(),
            env: case.env.clone(),
            clock: case.clock.map(|c| ClockSpec {
                at: c.at,
                offset: c.offset,
                step_ms: c.step.map(|s| s.as_secs_f64() * 1000.0),
            }),
            seed: case.seed,
            stdin: case.stdin.clone(),
            script: Some(
                case.file
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "main.ml".into()),
            ),
            argv: case.argv.clone(),
            modules: case
                .modules
                .iter()
                .map(|(k, m)| (k.clone(), m.source.to_string()))
                .collect(),
            // Absolute: another process has another working directory.
            module_paths: case
                .module_paths
                .iter()
                .map(|p| {
                    std::path::absolute(p)
                        .unwrap_or_else(|_| p.clone())
                        .to_string_lossy()
                        .into_owned()
                })
                .collect(),
        }
    }

    /// The features this world needs from a backend.
    pub fn needs(&self) -> BTreeSet<Feature> {
        [
            (Feature::Files, !self.files.is_empty()),
            (Feature::Http, !self.http.is_empty()),
            (Feature::Env, !self.env.is_empty()),
            (Feature::Clock, self.clock.is_some()),
            (Feature::Seed, self.seed.is_some()),
            (Feature::Stdin, self.stdin.is_some()),
            (Feature::Argv, !self.argv.is_empty()),
            (
                Feature::Modules,
                !self.modules.is_empty() || !self.module_paths.is_empty(),
            ),
        ]
        .into_iter()
        .filter_map(|(f, needed)| needed.then_some(f))
        .collect()
    }

    /// The in-memory host for this world, with a handle on its mocked
    /// http client (which records the requests it saw).
    pub fn build(&self) -> (Host, Arc<ScriptedHttp>) {
        let fs = MemoryFs::with_files(self.files.iter().map(|(p, c)| (p.as_str(), &c.0[..])));
        let http = Arc::new(ScriptedHttp::new());
        for m in &self.http {
            let mut route = Route::new(m.method.as_deref().unwrap_or("*"), &m.url).status(m.status);
            for (k, v) in &m.headers {
                route = route.header(k, v);
            }
            route = route.body(m.body.0.to_vec());
            if let Some(ms) = m.delay_ms {
                route = route.delay(Duration::from_millis(ms));
            }
            match m.error.as_deref() {
                Some("timeout") => route = route.fail(HttpError::Timeout),
                Some(_) => {
                    route = route.fail(HttpError::Network("connection refused (mocked)".into()))
                }
                None => {}
            }
            http.add(route);
        }
        // A request no mock matches fails like an unreachable host.
        http.add(Route::new("*", "*").fail(HttpError::Network(
            "no mocked response matches this request".into(),
        )));
        let mut clock = match self.clock {
            Some(ClockSpec {
                at,
                step_ms: Some(step),
                ..
            }) => FixedClock::stepping(at, step / 1000.0),
            Some(c) => FixedClock::at(c.at),
            None => FixedClock::at(DEFAULT_CLOCK),
        };
        clock.offset = self.clock.map_or(0, |c| c.offset);
        let modules = WorldModules {
            inline: MemoryModules {
                modules: self.modules.clone().into_iter().collect(),
            },
            dirs: DirModules {
                search_paths: self.module_paths.clone(),
            },
        };
        let console = match &self.stdin {
            Some(text) => CapturedConsole::with_stdin(text),
            None => CapturedConsole::default(),
        };
        // Every part given (not `Host::captured()` with its parts replaced:
        // building and dropping a default world per case is measurable).
        let host = Host {
            console: Box::new(console),
            fs: Arc::new(fs),
            http: http.clone(),
            env: Box::new(MemoryEnv::new(self.env.clone())),
            clock: Arc::new(clock),
            random: Box::new(SeededRandom::new(self.seed.unwrap_or(0))),
            modules: Arc::new(modules),
            args: std::iter::once(self.script.clone().unwrap_or_else(|| "main.ml".into()))
                .chain(self.argv.iter().cloned())
                .collect(),
            state: Extensions::default(),
        };
        (host, http)
    }
}

/// User modules from the world first, then the module search paths.
struct WorldModules {
    inline: MemoryModules,
    dirs: DirModules,
}

impl ModuleSource for WorldModules {
    fn find(&self, dotted: &str, importer_dir: Option<&str>) -> Option<(String, String)> {
        self.inline
            .find(dotted, None)
            .or_else(|| self.dirs.find(dotted, importer_dir))
    }
}

// ---- plain data on the wire ----

/// Plain data travels as JSON, except that a non-finite float travels as
/// `{"$float": "nan" | "inf" | "-inf"}` (JSON has no such numbers, and the
/// strings `"nan"`, `"inf"` would read back as strings).
pub mod wire {
    use mlpy_lang::Data;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_json::Value;

    /// A value as JSON (a float that is not finite as `{"$float": "nan"}`, `"inf"`, `"-inf"`).
    pub fn to_json(d: &Data) -> Value {
        match d {
            Data::Float(f) if !f.is_finite() => {
                let text = if f.is_nan() {
                    "nan"
                } else if *f > 0.0 {
                    "inf"
                } else {
                    "-inf"
                };
                serde_json::json!({ "$float": text })
            }
            Data::Array(items) => Value::Array(items.iter().map(to_json).collect()),
            Data::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
            }
            other => serde_json::to_value(other).unwrap_or(Value::Null),
        }
    }

    /// A value from JSON, or why it cannot be one.
    pub fn from_json(v: Value) -> Result<Data, String> {
        match v {
            Value::Object(m) if m.len() == 1 && m.contains_key("$float") => {
                match m.get("$float").and_then(Value::as_str) {
                    Some("nan") => Ok(Data::Float(f64::NAN)),
                    Some("inf") => Ok(Data::Float(f64::INFINITY)),
                    Some("-inf") => Ok(Data::Float(f64::NEG_INFINITY)),
                    _ => Err(format!("bad $float value: {}", Value::Object(m))),
                }
            }
            Value::Object(m) => Ok(Data::Object(
                m.into_iter()
                    .map(|(k, v)| Ok((k, from_json(v)?)))
                    .collect::<Result<_, String>>()?,
            )),
            Value::Array(items) => Ok(Data::Array(
                items.into_iter().map(from_json).collect::<Result<_, _>>()?,
            )),
            other => serde_json::from_value(other).map_err(|e| e.to_string()),
        }
    }

    /// One value in wire form.
    pub struct W(pub Data);

    impl Serialize for W {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            to_json(&self.0).serialize(s)
        }
    }

    impl<'de> Deserialize<'de> for W {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<W, D::Error> {
            from_json(Value::deserialize(d)?)
                .map(W)
                .map_err(serde::de::Error::custom)
        }
    }

    /// `#[serde(with = "wire::opt")]` for `Option<Data>`.
    pub mod opt {
        use super::W;
        use mlpy_lang::Data;
        use serde::{Deserialize, Deserializer, Serialize, Serializer};
        /// Serializes.
        pub fn serialize<S: Serializer>(v: &Option<Data>, s: S) -> Result<S::Ok, S::Error> {
            v.as_ref().map(|d| W(d.clone())).serialize(s)
        }
        /// Deserializes.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Data>, D::Error> {
            Ok(Option::<W>::deserialize(d)?.map(|w| w.0))
        }
    }

    /// `#[serde(with = "wire::list")]` for `Vec<Data>`.
    pub mod list {
        use super::W;
        use mlpy_lang::Data;
        use serde::{Deserialize, Deserializer, Serializer};
        /// Serializes.
        pub fn serialize<S: Serializer>(v: &[Data], s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(v.iter().map(super::to_json))
        }
        /// Deserializes.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Data>, D::Error> {
            Ok(Vec::<W>::deserialize(d)?.into_iter().map(|w| w.0).collect())
        }
    }

    /// `#[serde(with = "wire::map")]` for `IndexMap<String, Data>`.
    pub mod map {
        use super::W;
        use indexmap::IndexMap;
        use mlpy_lang::Data;
        use serde::{Deserialize, Deserializer, Serializer};
        /// Serializes.
        pub fn serialize<S: Serializer>(
            v: &IndexMap<String, Data>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            s.collect_map(v.iter().map(|(k, d)| (k, super::to_json(d))))
        }
        /// Deserializes.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<IndexMap<String, Data>, D::Error> {
            Ok(IndexMap::<String, W>::deserialize(d)?
                .into_iter()
                .map(|(k, w)| (k, w.0))
                .collect())
        }
    }
}

// ---- messages ----

/// Call an ML function after the code ran; its return is the result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallSpec {
    /// The global function's name.
    pub function: String,
    /// Its arguments.
    #[serde(default, with = "wire::list")]
    pub args: Vec<Data>,
}

pub use crate::outcome::HttpCall;

/// What the harness sends.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HostMessage {
    /// Opens the session.
    Hello {
        /// The protocol version the harness speaks.
        protocol: u32,
        /// Who is asking, for logs.
        #[serde(default)]
        client: String,
    },
    /// Run this.
    Run(Box<RunRequest>),
    /// The session is over: exit.
    Bye,
}

/// One execution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunRequest {
    /// Echoed in the outcome.
    #[serde(default)]
    pub id: u64,
    /// The ML source.
    pub code: String,
    /// The file the code came from, for messages.
    #[serde(default = "default_name")]
    pub name: String,
    /// The line of `name` on which `code` starts: reported lines are lines
    /// of that file.
    #[serde(default = "one")]
    pub first_line: u32,
    /// Capability tokens as written (`file:read:/data/*`, `env.read`).
    #[serde(default)]
    pub grants: Vec<String>,
    /// The time limit, in milliseconds (default: none).
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Variables defined before the run.
    #[serde(
        default,
        skip_serializing_if = "IndexMap::is_empty",
        with = "wire::map"
    )]
    pub globals: IndexMap<String, Data>,
    /// Call this function after the code ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<CallSpec>,
    /// The mocked world (its own object: serde's `flatten` would lose
    /// exact numbers).
    #[serde(default, skip_serializing_if = "WorldSpec::is_closed")]
    pub world: WorldSpec,
}

fn default_name() -> String {
    "main.ml".into()
}

fn one() -> u32 {
    1
}

impl RunRequest {
    /// The features this request needs.
    pub fn needs(&self) -> BTreeSet<Feature> {
        let mut needs = self.world.needs();
        if !self.globals.is_empty() {
            needs.insert(Feature::Globals);
        }
        if self.callback.is_some() {
            needs.insert(Feature::Callbacks);
        }
        needs
    }
}

/// What a backend sends.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BackendMessage {
    /// The handshake.
    Hello(Handshake),
    /// The outcome of a `run`.
    Outcome(Box<WireOutcome>),
    /// The backend cannot go on (e.g. an unsupported protocol version).
    Error {
        /// Why.
        message: String,
    },
}

/// Reads a message line: the `type` picks the struct, which is read from
/// the parsed JSON (serde's tagged enums would buffer the fields and lose
/// exact numbers on the way).
fn parse_tagged<T>(
    line: &str,
    pick: impl FnOnce(&str, serde_json::Value) -> Result<T, String>,
) -> Result<T, String> {
    let v: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let kind = v
        .get("type")
        .and_then(serde_json::Value::as_str)
        .ok_or("a message needs a string `type`")?
        .to_string();
    pick(&kind, v)
}

fn field<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, String> {
    serde_json::from_value(v).map_err(|e| e.to_string())
}

impl HostMessage {
    /// A message line as the harness sends it.
    pub fn parse(line: &str) -> Result<HostMessage, String> {
        parse_tagged(line, |kind, v| match kind {
            "hello" => Ok(HostMessage::Hello {
                protocol: field(v.get("protocol").cloned().unwrap_or_default())?,
                client: field(v.get("client").cloned().unwrap_or_else(|| "".into()))?,
            }),
            "run" => Ok(HostMessage::Run(Box::new(field(v)?))),
            "bye" => Ok(HostMessage::Bye),
            other => Err(format!("unknown message type '{other}'")),
        })
    }
}

impl BackendMessage {
    /// A message line as a backend sends it.
    pub fn parse(line: &str) -> Result<BackendMessage, String> {
        parse_tagged(line, |kind, v| match kind {
            "hello" => Ok(BackendMessage::Hello(field(v)?)),
            "outcome" => Ok(BackendMessage::Outcome(Box::new(field(v)?))),
            "error" => Ok(BackendMessage::Error {
                message: field(v.get("message").cloned().unwrap_or_default())?,
            }),
            other => Err(format!("unknown message type '{other}'")),
        })
    }
}

/// The backend's side of the handshake.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Handshake {
    /// The protocol version the backend speaks.
    pub protocol: u32,
    /// Which implementation answers.
    pub implementation: Implementation,
    /// Feature names (unknown names from newer backends are ignored).
    #[serde(default)]
    pub features: Vec<String>,
    /// Why features are not supported, by name.
    #[serde(default)]
    pub unsupported: IndexMap<String, String>,
}

/// An implementation's name and version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Implementation {
    /// e.g. `mlpy`.
    pub name: String,
    /// Its version, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl Handshake {
    /// What the handshake declares, as the harness keeps it.
    pub fn info(&self) -> BackendInfo {
        BackendInfo {
            name: self.implementation.name.clone(),
            version: self.implementation.version.clone(),
            features: self
                .features
                .iter()
                .filter_map(|f| Feature::from_name(f))
                .collect(),
            unsupported: self
                .unsupported
                .iter()
                .filter_map(|(f, why)| Some((Feature::from_name(f)?, why.clone())))
                .collect(),
            needs_world_spec: true,
        }
    }
}

/// An error as the wire carries it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WireError {
    /// The error kind, e.g. `ZeroDivisionError`.
    pub kind: String,
    /// The message.
    pub message: String,
    /// 1-based line, when known.
    #[serde(default)]
    pub line: Option<u32>,
    /// 1-based column, when known.
    #[serde(default)]
    pub column: Option<u32>,
}

/// A violation as the wire carries it; an implementation that cannot tell
/// the resource leaves it out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WireViolation {
    /// The capability checked, e.g. `file:read`.
    pub capability: String,
    /// The resource it was checked on.
    #[serde(default)]
    pub resource: Option<String>,
}

/// One execution's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WireOutcome {
    /// The request's id.
    pub id: u64,
    /// `ok`, `error`, `violation`, `timeout`, `cancelled`, or `unsupported`
    /// (the request needs something the backend does not do; `reason`).
    pub status: String,
    /// The result, for `ok`.
    #[serde(default, with = "wire::opt")]
    pub value: Option<Data>,
    /// The error, for `error` and `violation`.
    #[serde(default)]
    pub error: Option<WireError>,
    /// What the code printed.
    #[serde(default)]
    pub stdout: String,
    /// What the code wrote to stderr.
    #[serde(default)]
    pub stderr: String,
    /// Every capability violation, caught or not.
    #[serde(default)]
    pub violations: Vec<WireViolation>,
    /// Top-level variables after the run (data only).
    #[serde(default, with = "wire::map")]
    pub globals: IndexMap<String, Data>,
    /// The http requests the run made.
    #[serde(default)]
    pub http_calls: Vec<HttpCall>,
    /// Why, for `unsupported`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Where the backend's time went (microseconds), when it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timings: Option<crate::outcome::Timings>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_travel_as_text_or_base64() {
        let text = Bytes(b"id,name\n".to_vec().into());
        assert_eq!(serde_json::to_string(&text).unwrap(), r#""id,name\n""#);
        let binary = Bytes(vec![0xff, 0x00].into());
        let wire = serde_json::to_string(&binary).unwrap();
        assert_eq!(wire, r#"{"base64":"/wA="}"#);
        assert_eq!(serde_json::from_str::<Bytes>(&wire).unwrap(), binary);
    }

    #[test]
    fn run_requests_round_trip_with_their_world() {
        let mut world = WorldSpec::default();
        world
            .files
            .insert("/data/a.txt".into(), Bytes(b"A".to_vec().into()));
        world.env.insert("HOME".into(), "/home/x".into());
        // Floats inside the world survive (serde's buffering would not).
        world.clock = Some(ClockSpec {
            at: 1_704_067_200.5,
            offset: 3600,
            step_ms: Some(1000.0),
        });
        let req = HostMessage::Run(Box::new(RunRequest {
            id: 7,
            code: "x;".into(),
            name: "a.mltest".into(),
            first_line: 3,
            grants: vec!["file.read".into()],
            timeout_ms: Some(100),
            globals: IndexMap::new(),
            callback: None,
            world,
        }));
        let line = serde_json::to_string(&req).unwrap();
        assert!(line.starts_with(r#"{"type":"run","id":7,"#), "{line}");
        assert!(
            line.contains(r#""world":{"files":{"/data/a.txt":"A"}"#),
            "{line}"
        );
        let back = HostMessage::parse(&line).unwrap();
        assert_eq!(back, req);
        let HostMessage::Run(r) = back else {
            unreachable!()
        };
        assert_eq!(
            r.needs().into_iter().collect::<Vec<_>>(),
            [Feature::Files, Feature::Env, Feature::Clock]
        );
    }

    #[test]
    fn non_finite_floats_keep_their_type_on_the_wire() {
        let d = Data::Array(vec![
            Data::Float(f64::NAN),
            Data::Float(f64::NEG_INFINITY),
            Data::Str("nan".into()),
            Data::Float(0.5),
        ]);
        let json = wire::to_json(&d);
        assert_eq!(
            json.to_string(),
            r#"[{"$float":"nan"},{"$float":"-inf"},"nan",0.5]"#
        );
        let back = wire::from_json(json).unwrap();
        let Data::Array(items) = back else { panic!() };
        assert!(matches!(items[0], Data::Float(f) if f.is_nan()));
        assert_eq!(items[1], Data::Float(f64::NEG_INFINITY));
        assert_eq!(items[2], Data::Str("nan".into()));
    }

    #[test]
    fn handshakes_ignore_unknown_features() {
        let h = BackendMessage::parse(
            r#"{"type":"hello","protocol":1,"implementation":{"name":"x"},
                "features":["files","teleport"],"unsupported":{"http":"no network"}}"#,
        )
        .unwrap();
        let BackendMessage::Hello(h) = h else {
            panic!("{h:?}")
        };
        let info = h.info();
        assert_eq!(info.features, [Feature::Files].into_iter().collect());
        assert_eq!(info.unsupported[&Feature::Http], "no network");
    }
}
