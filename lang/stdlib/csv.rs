//! `csv`: comma-separated values, as Python's `csv` module reads and
//! writes them (values stay strings; written lines end with `\r\n`; empty
//! rows are skipped when reading). File functions need `file:read` /
//! `file:write` / `file:append` for the resolved path; the string
//! functions need nothing.

use crate::capability::cap::{FILE_APPEND, FILE_READ, FILE_WRITE};
use crate::error::{MlError, VmResult};
use crate::limits::{byte_cost, Meter};
use crate::native::args::{arity, check_len};
use crate::native::native_module;
use crate::value::{py_str, Key, Object, Style, Value};
use crate::vm::Vm;

use crate::native::args::{opt, str_arg};
use crate::native::fs::{decode, encode, encoding_arg, fs_error, gate, path_arg, read_resolved};

fn delimiter_arg(args: &[Value], i: usize, func: &str) -> VmResult<u8> {
    let Some(v) = opt(args, i) else {
        return Ok(b',');
    };
    let d = crate::value::expect_str(v, func, "delimiter")?;
    let mut chars = d.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii() && c != '"' && c != '\r' && c != '\n' => Ok(c as u8),
        _ => Err(MlError::type_error(format!(
            "{func}(): delimiter must be a single ASCII character other than a quote or line break, got {d:?}"
        ))),
    }
}

fn headers_arg(args: &[Value], i: usize) -> bool {
    opt(args, i).is_none_or(Value::truthy)
}

/// Rows of a CSV text (empty rows skipped).
fn parse_rows(vm: &Vm, text: &str, delim: u8) -> VmResult<Vec<Vec<String>>> {
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let meter = &mut vm.meter();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| MlError::value_error(format!("CSV error: {e}")))?;
        meter.charge(1 + rec.len() + byte_cost(rec.as_slice().len()))?;
        if rec.is_empty() {
            continue;
        }
        rows.push(rec.iter().map(str::to_string).collect());
        check_len(vm, rows.len())?;
    }
    Ok(rows)
}

fn rows_to_value(vm: &Vm, rows: Vec<Vec<String>>, headers: bool) -> VmResult<Value> {
    let meter = &mut vm.meter();
    let mut it = rows.into_iter();
    let head = match headers {
        true => match it.next() {
            Some(h) => Some(h),
            None => return Ok(Value::array(Vec::new())),
        },
        false => None,
    };
    let mut out = Vec::with_capacity(it.len());
    for row in it {
        meter.charge(1 + row.len())?;
        out.push(match &head {
            None => Value::array(row.into_iter().map(Value::string).collect()),
            Some(head) => {
                let mut o = Object::with_capacity(head.len());
                for (k, v) in head.iter().zip(row) {
                    o.insert_str(k, Value::string(v));
                }
                Value::object(o)
            }
        });
    }
    Ok(Value::array(out))
}

/// A cell as Python's csv writer formats it: null is empty, else `str`
/// (a container's text is built under the deadline and the size limit).
/// One row's cells: an object's values (in `header`'s order when there is
/// one, a missing key an empty cell), an array's or tuple's items, or a
/// lone value as the only cell.
fn row_cells<K>(
    vm: &Vm,
    row: &Value,
    header: Option<&[K]>,
    lookup: for<'o> fn(&'o Object, &K) -> Option<&'o Value>,
) -> VmResult<Vec<String>> {
    match row {
        Value::Object(o) => {
            let o = o.borrow();
            match header {
                Some(h) => h
                    .iter()
                    .map(|k| lookup(&o, k).map_or(Ok(String::new()), |v| cell(vm, v)))
                    .collect(),
                None => o.iter().map(|(_, v)| cell(vm, v)).collect(),
            }
        }
        Value::Array(a) => a.borrow().iter().map(|v| cell(vm, v)).collect(),
        Value::Tuple(t) => t.iter().map(|v| cell(vm, v)).collect(),
        other => Ok(vec![cell(vm, other)?]),
    }
}

fn cell(vm: &Vm, v: &Value) -> VmResult<String> {
    match v {
        Value::Null => Ok(String::new()),
        Value::Str(s) => Ok(s.as_str().to_string()),
        other => vm.display(other, Style::Str),
    }
}

fn key_text(k: &Key) -> String {
    py_str(&k.to_value())
}

/// CSV text written one record at a time, charged and size-checked as
/// it grows.
struct RowWriter<'v> {
    w: ::csv::Writer<Vec<u8>>,
    size: usize,
    meter: Meter<'v>,
}

impl<'v> RowWriter<'v> {
    fn new(vm: &'v Vm, delim: u8) -> RowWriter<'v> {
        let w = ::csv::WriterBuilder::new()
            .delimiter(delim)
            .flexible(true)
            .terminator(::csv::Terminator::CRLF)
            .quote_style(::csv::QuoteStyle::Necessary)
            .from_writer(Vec::new());
        RowWriter {
            w,
            size: 0,
            meter: vm.meter(),
        }
    }

    fn push(&mut self, vm: &Vm, r: &[String]) -> VmResult<()> {
        let bytes = r.iter().map(|c| c.len() + 3).sum::<usize>();
        self.meter.charge(1 + r.len() + byte_cost(bytes))?;
        self.size = self.size.saturating_add(bytes);
        check_len(vm, self.size)?;
        let done = if r.is_empty() {
            // Python writes an empty row as a bare line end.
            self.w.write_record(None::<&[u8]>)
        } else {
            self.w.write_record(r)
        };
        done.map_err(|e| MlError::runtime(format!("CSV error: {e}")))
    }

    fn finish(self) -> VmResult<String> {
        let bytes = self
            .w
            .into_inner()
            .map_err(|e| MlError::runtime(format!("CSV error: {e}")))?;
        String::from_utf8(bytes).map_err(|e| MlError::runtime(format!("CSV error: {e}")))
    }
}

/// The CSV text of `data`, one record per row (written as each row is
/// made, so a stop part-way leaves no big table to free); object rows
/// follow the first row's keys as header (or their own order).
fn write_value(vm: &Vm, data: &Value, headers: bool, delim: u8, func: &str) -> VmResult<String> {
    let items: Vec<Value> = match data {
        Value::Array(a) => a.borrow().clone(),
        Value::Tuple(t) => t.to_vec(),
        other => {
            return Err(MlError::type_error(format!(
                "{func}() expected an array of rows, not {}",
                other.kind_name()
            )))
        }
    };
    let mut out = RowWriter::new(vm, delim);
    let Some(first) = items.first() else {
        return out.finish();
    };
    if let Value::Object(first) = first {
        let header: Option<Vec<Key>> = {
            let f = first.borrow();
            (headers && !f.is_empty()).then(|| f.keys().cloned().collect())
        };
        if let Some(h) = &header {
            out.push(vm, &h.iter().map(key_text).collect::<Vec<_>>())?;
        }
        for item in items.iter().filter(|i| matches!(i, Value::Object(_))) {
            let row = row_cells(vm, item, header.as_deref(), |o, k| o.get(k))?;
            out.push(vm, &row)?;
        }
    } else {
        for item in &items {
            let row = row_cells::<Key>(vm, item, None, |o, k| o.get(k))?;
            out.push(vm, &row)?;
        }
    }
    out.finish()
}

fn format_rows(vm: &Vm, rows: &[Vec<String>], delim: u8) -> VmResult<String> {
    let mut out = RowWriter::new(vm, delim);
    for r in rows {
        out.push(vm, r)?;
    }
    out.finish()
}

fn read_file_rows(
    vm: &mut Vm,
    args: &[Value],
    func: &str,
    enc_at: usize,
) -> VmResult<Vec<Vec<String>>> {
    let path = path_arg(args, 0, func)?;
    let delim = delimiter_arg(args, 1, func)?;
    let enc = encoding_arg(args, enc_at, func)?;
    let p = gate(vm, FILE_READ, path)?;
    let data = read_resolved(vm, &p)?;
    let text = decode(data, enc, &p)?;
    parse_rows(vm, &text, delim)
}

fn read(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("read", args, 1, 4)?;
    let rows = read_file_rows(vm, args, "read", 3)?;
    rows_to_value(vm, rows, headers_arg(args, 2))
}

fn read_string(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("read_string", args, 1, 3)?;
    let text = str_arg(args, 0, "read_string", "text")?;
    let delim = delimiter_arg(args, 1, "read_string")?;
    let rows = parse_rows(vm, text, delim)?;
    rows_to_value(vm, rows, headers_arg(args, 2))
}

fn get_headers(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("get_headers", args, 1, 3)?;
    let rows = read_file_rows(vm, args, "get_headers", 2)?;
    Ok(Value::array(
        rows.into_iter()
            .next()
            .unwrap_or_default()
            .into_iter()
            .map(Value::string)
            .collect(),
    ))
}

fn count_rows(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("count_rows", args, 1, 3)?;
    let rows = read_file_rows(vm, args, "count_rows", 2)?;
    Ok(Value::Int(rows.len().saturating_sub(1) as i64))
}

fn write(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("write", args, 2, 5)?;
    let path = path_arg(args, 0, "write")?;
    let delim = delimiter_arg(args, 2, "write")?;
    let enc = encoding_arg(args, 4, "write")?;
    let text = write_value(vm, &args[1], headers_arg(args, 3), delim, "write")?;
    let data = encode(&text, enc)?;
    let p = gate(vm, FILE_WRITE, path)?;
    let fs = vm.host.fs.clone();
    fs.write(&p, &data, false).map_err(fs_error)?;
    Ok(Value::Null)
}

fn write_string(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("write_string", args, 1, 3)?;
    let delim = delimiter_arg(args, 1, "write_string")?;
    let text = write_value(vm, &args[0], headers_arg(args, 2), delim, "write_string")?;
    Ok(Value::string(text))
}

fn append(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("append", args, 2, 4)?;
    let path = path_arg(args, 0, "append")?;
    let delim = delimiter_arg(args, 2, "append")?;
    let enc = encoding_arg(args, 3, "append")?;
    let row = &args[1];
    let p = gate(vm, FILE_READ, path)?;
    vm.require(FILE_APPEND, &p)?;
    let fs = vm.host.fs.clone();
    // An object follows the file's header order when the file has one.
    let header = match row {
        Value::Object(_) if fs.metadata(&p).is_some_and(|m| m.is_file) => {
            let data = read_resolved(vm, &p)?;
            let text = decode(data, enc, &p)?;
            parse_rows(vm, &text, delim)?.into_iter().next()
        }
        _ => None,
    };
    let record = row_cells(vm, row, header.as_deref(), |o, k: &String| o.get_str(k))?;
    let data = encode(&format_rows(vm, &[record], delim)?, enc)?;
    fs.write(&p, &data, true).map_err(fs_error)?;
    Ok(Value::Null)
}

native_module! {
    name: "csv",
    doc: "CSV files and strings (values stay strings; lines end with \\r\\n)",
    functions: {
        "read" => read [FILE_READ], "(path, delimiter = \",\", headers = true, encoding): rows as objects (or arrays)";
        "read_string" | "readString" => read_string, "(text, delimiter = \",\", headers = true): rows";
        "get_headers" | "getHeaders" => get_headers [FILE_READ], "(path, delimiter, encoding): the header row";
        "count_rows" | "countRows" => count_rows [FILE_READ], "(path, delimiter, encoding): data rows (without the header)";
        "write" => write [FILE_WRITE], "(path, rows, delimiter = \",\", headers = true, encoding)";
        "write_string" | "writeString" => write_string, "(rows, delimiter = \",\", headers = true): CSV text";
        "append" => append [FILE_READ, FILE_APPEND], "(path, row, delimiter, encoding): add one row";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capability::GrantSet;
    use crate::host::Host;
    use std::sync::Arc;

    fn vm() -> Vm {
        Vm::new(
            Host::captured(),
            Arc::new(GrantSet::all()),
            Default::default(),
        )
    }

    #[test]
    fn python_csv_shapes() {
        let vm = vm();
        let rows = parse_rows(&vm, "a,b\r\n\r\n1,\"x,\"\"y\"\"\"\n\n2\n", b',').unwrap();
        assert_eq!(rows, vec![vec!["a", "b"], vec!["1", "x,\"y\""], vec!["2"]]);
        let out = format_rows(
            &vm,
            &[
                vec!["a".into(), "b c".into()],
                vec!["x,y".into(), "q\"".into()],
                vec!["".into()],
            ],
            b',',
        )
        .unwrap();
        assert_eq!(out, "a,b c\r\n\"x,y\",\"q\"\"\"\r\n\"\"\r\n");
    }
}
