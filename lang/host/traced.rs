//! Host backends that record each call in a [`Tracer`] and pass it on.
//! [`install`] wraps a host's files, http, environment and clock in place;
//! the VM and the stdlib see no difference.

use super::{
    Clock, Environment, FileSystem, FsError, Host, HttpClient, HttpError, HttpRequest,
    HttpResponse, MemoryEnv, Metadata,
};
use crate::trace::{EventKind, Tracer};
use std::sync::Arc;
use std::time::Instant;

/// Wraps `host`'s files, http, environment and clock so that every call
/// is recorded in `tracer` (while it is on).
pub fn install(host: &mut Host, tracer: &Arc<Tracer>) {
    host.fs = Arc::new(TracedFs {
        inner: host.fs.clone(),
        tracer: tracer.clone(),
    });
    host.http = Arc::new(TracedHttp {
        inner: host.http.clone(),
        tracer: tracer.clone(),
    });
    let env = std::mem::replace(&mut host.env, Box::new(MemoryEnv::default()));
    host.env = Box::new(TracedEnv {
        inner: env,
        tracer: tracer.clone(),
    });
    host.clock = Arc::new(TracedClock {
        inner: host.clock.clone(),
        tracer: tracer.clone(),
    });
}

fn record(tracer: &Tracer, host: &str, op: &str, target: &str, result: String, start: Instant) {
    tracer.record(EventKind::Host {
        host: host.into(),
        op: op.into(),
        target: target.into(),
        result,
        duration_us: start.elapsed().as_micros() as u64,
    });
}

fn fs_result<T>(r: &Result<T, FsError>, ok: impl FnOnce(&T) -> String) -> String {
    match r {
        Ok(v) => ok(v),
        Err(e) => format!("error: {}", e.message),
    }
}

struct TracedFs {
    inner: Arc<dyn FileSystem>,
    tracer: Arc<Tracer>,
}

impl TracedFs {
    fn call<T>(
        &self,
        op: &str,
        target: &str,
        f: impl FnOnce(&dyn FileSystem) -> Result<T, FsError>,
        ok: impl FnOnce(&T) -> String,
    ) -> Result<T, FsError> {
        if !self.tracer.is_on() {
            return f(&*self.inner);
        }
        let start = Instant::now();
        let r = f(&*self.inner);
        record(&self.tracer, "file", op, target, fs_result(&r, ok), start);
        r
    }
}

impl FileSystem for TracedFs {
    fn max_read(&self) -> u64 {
        self.inner.max_read()
    }
    fn resolve(&self, path: &str) -> String {
        self.inner.resolve(path)
    }
    fn read(&self, path: &str) -> Result<Vec<u8>, FsError> {
        self.call(
            "read",
            path,
            |fs| fs.read(path),
            |b| format!("{} bytes", b.len()),
        )
    }
    fn write(&self, path: &str, data: &[u8], append: bool) -> Result<(), FsError> {
        let op = if append { "append" } else { "write" };
        self.call(
            op,
            path,
            |fs| fs.write(path, data, append),
            |_| format!("{} bytes", data.len()),
        )
    }
    fn delete(&self, path: &str) -> Result<bool, FsError> {
        self.call(
            "delete",
            path,
            |fs| fs.delete(path),
            |existed| if *existed { "deleted" } else { "absent" }.into(),
        )
    }
    fn metadata(&self, path: &str) -> Option<Metadata> {
        let r = self.call(
            "stat",
            path,
            |fs| Ok(fs.metadata(path)),
            |m: &Option<Metadata>| match m {
                Some(m) if m.is_dir => "directory".into(),
                Some(m) => format!("file, {} bytes", m.size),
                None => "not found".into(),
            },
        );
        r.ok().flatten()
    }
    fn list_dir(&self, path: &str) -> Result<Vec<String>, FsError> {
        self.call(
            "list",
            path,
            |fs| fs.list_dir(path),
            |v| format!("{} entries", v.len()),
        )
    }
    fn create_dir(&self, path: &str) -> Result<(), FsError> {
        self.call("mkdir", path, |fs| fs.create_dir(path), |_| "ok".into())
    }
    fn remove_dir(&self, path: &str, recursive: bool) -> Result<(), FsError> {
        self.call(
            "rmdir",
            path,
            |fs| fs.remove_dir(path, recursive),
            |_| "ok".into(),
        )
    }
    fn rename(&self, from: &str, to: &str) -> Result<(), FsError> {
        let target = format!("{from} -> {to}");
        self.call("rename", &target, |fs| fs.rename(from, to), |_| "ok".into())
    }
    fn cwd(&self) -> String {
        self.inner.cwd()
    }
    fn home(&self) -> String {
        self.inner.home()
    }
    fn temp_dir(&self) -> String {
        self.inner.temp_dir()
    }
}

struct TracedHttp {
    inner: Arc<dyn HttpClient>,
    tracer: Arc<Tracer>,
}

impl HttpClient for TracedHttp {
    fn request(&self, req: &HttpRequest) -> Result<HttpResponse, HttpError> {
        if !self.tracer.is_on() {
            return self.inner.request(req);
        }
        let start = Instant::now();
        let r = self.inner.request(req);
        let result = match &r {
            Ok(resp) => format!("{} ({} bytes)", resp.status, resp.body.len()),
            Err(HttpError::Network(m)) => format!("network error: {m}"),
            Err(HttpError::Timeout) => "timed out".into(),
            Err(HttpError::InvalidUrl(m)) => format!("invalid url: {m}"),
            Err(HttpError::TooLarge) => "response too large".into(),
        };
        record(&self.tracer, "http", &req.method, &req.url, result, start);
        r
    }
}

struct TracedEnv {
    inner: Box<dyn Environment>,
    tracer: Arc<Tracer>,
}

impl Environment for TracedEnv {
    fn get(&self, key: &str) -> Option<String> {
        let start = Instant::now();
        let v = self.inner.get(key);
        if self.tracer.is_on() {
            let result = if v.is_some() { "set" } else { "unset" };
            record(&self.tracer, "env", "get", key, result.into(), start);
        }
        v
    }
    fn set(&mut self, key: &str, value: &str) {
        let start = Instant::now();
        self.inner.set(key, value);
        if self.tracer.is_on() {
            record(&self.tracer, "env", "set", key, "ok".into(), start);
        }
    }
    fn remove(&mut self, key: &str) {
        let start = Instant::now();
        self.inner.remove(key);
        if self.tracer.is_on() {
            record(&self.tracer, "env", "remove", key, "ok".into(), start);
        }
    }
    fn all(&self) -> Vec<(String, String)> {
        let start = Instant::now();
        let v = self.inner.all();
        if self.tracer.is_on() {
            let result = format!("{} variables", v.len());
            record(&self.tracer, "env", "list", "", result, start);
        }
        v
    }
}

struct TracedClock {
    inner: Arc<dyn Clock>,
    tracer: Arc<Tracer>,
}

impl Clock for TracedClock {
    fn now(&self) -> f64 {
        let start = Instant::now();
        let t = self.inner.now();
        if self.tracer.is_on() {
            record(&self.tracer, "clock", "now", "", format!("{t:.6}"), start);
        }
        t
    }
    fn local_offset(&self, at: f64) -> i32 {
        self.inner.local_offset(at)
    }
}

/// For tests: a captured host holding one file, traced into a new tracer.
#[cfg(test)]
pub(crate) fn traced_host_with(path: &str, content: &[u8]) -> (Host, Arc<Tracer>) {
    let mut host = Host::captured();
    host.fs = Arc::new(crate::host::MemoryFs::with_files([(path, content)]));
    let tracer = Tracer::new();
    install(&mut host, &tracer);
    (host, tracer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_backends_record_and_pass_through() {
        let (mut host, tracer) = traced_host_with("/data/a.txt", b"hello");
        assert_eq!(host.fs.read("/data/a.txt").unwrap(), b"hello");
        assert!(host.fs.read("/nope").is_err());
        host.env.set("K", "v");
        assert_eq!(host.env.get("K").as_deref(), Some("v"));
        let now = host.clock.now();
        let trace = tracer.finish();
        let lines: Vec<String> = trace.events.iter().map(|e| e.render()).collect();
        assert_eq!(lines.len(), 5, "{lines:#?}");
        assert!(lines[0].contains("file.read /data/a.txt -> 5 bytes"));
        assert!(lines[1].contains("file.read /nope -> error:"));
        assert!(lines[2].contains("env.set K -> ok"));
        assert!(lines[3].contains("env.get K -> set"));
        assert!(lines[4].contains(&format!("clock.now -> {now:.6}")));
        host.clock.now();
        assert!(tracer.finish().events.is_empty(), "nothing while off");
    }
}
