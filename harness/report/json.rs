//! JSON lines, one object per event:
//!
//! ```text
//! {"event":"started","total":7,"filtered_out":1}
//! {"event":"slow","name":"…","elapsed_ms":2000.0}
//! {"event":"case","name":"…","file":"…","line":3,"status":"failed","duration_ms":3.25,"message":"…"}
//! {"event":"finished","passed":2,"failed":1,"ignored":1,"skipped":1,"blessed":1,"not_run":1,"filtered_out":1,"duration_ms":2412.0}
//! ```
//!
//! `status` is `passed`, `failed`, `ignored`, `skipped` or `blessed`;
//! messages carry no colour.

use super::{strip_ansi, Event, Reporter};
use serde_json::{json, Value};
use std::io::{self, Write};

/// JSON lines.
pub struct Json<W: Write> {
    out: W,
}

impl<W: Write> Json<W> {
    /// JSON lines written to `out`.
    pub fn new(out: W) -> Json<W> {
        Json { out }
    }
}

fn tagged(event: &str, value: Value) -> Value {
    let mut v = json!({ "event": event });
    if let (Some(o), Value::Object(rest)) = (v.as_object_mut(), value) {
        o.extend(rest);
    }
    v
}

impl<W: Write> Reporter for Json<W> {
    fn report(&mut self, event: &Event<'_>) -> io::Result<()> {
        let line = match event {
            Event::Started {
                total,
                filtered_out,
            } => json!({ "event": "started", "total": total, "filtered_out": filtered_out }),
            Event::TestStarted { .. } => return Ok(()),
            Event::Slow { name, elapsed } => json!({
                "event": "slow",
                "name": name,
                "elapsed_ms": elapsed.as_secs_f64() * 1000.0,
            }),
            Event::TestFinished(r) => {
                let mut v = tagged("case", serde_json::to_value(r)?);
                v["message"] = strip_ansi(&r.message).into();
                v
            }
            Event::Finished(s) => tagged("finished", serde_json::to_value(s)?),
        };
        writeln!(self.out, "{line}")?;
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
