//! `datetime`: naive local date/time values and the host classes
//! `DateTimeObject`, `Date`, `Time` and `TimeDelta` (spec section 16).
//!
//! Values follow Python's `datetime`: years 1..=9999, microsecond
//! precision, weekday Monday = 0, `isoformat` text (`2024-02-29T13:05:09`,
//! a fraction only when non-zero), `strftime` codes as glibc prints them in
//! the C locale. "Now" comes from the host clock (`vm.host.clock`); local
//! time is UTC plus the clock's offset.

use crate::error::{ErrorKind, MlError, VmResult};
use crate::native::args::{arity, int_arg};
use crate::native::native_module;
use crate::value::{expect_str, Object, Value};
use crate::vm::Vm;
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use std::fmt::Write;

const MICROS_PER_SEC: i128 = 1_000_000;
const MICROS_PER_DAY: i128 = 86_400 * MICROS_PER_SEC;
/// Python's `timedelta.max.days`.
const MAX_DELTA_DAYS: i128 = 999_999_999;

fn overflow() -> MlError {
    MlError::new(ErrorKind::OverflowError, "date value out of range")
}

fn in_range(dt: NaiveDateTime) -> VmResult<NaiveDateTime> {
    if (1..=9999).contains(&dt.year()) {
        Ok(dt)
    } else {
        Err(overflow())
    }
}

/// `dt + micros`, within Python's year range.
fn add_micros(dt: NaiveDateTime, micros: i128) -> VmResult<NaiveDateTime> {
    let m = i64::try_from(micros).map_err(|_| overflow())?;
    let d = chrono::TimeDelta::microseconds(m);
    in_range(dt.checked_add_signed(d).ok_or_else(overflow)?)
}

fn add_days_to_date(d: NaiveDate, days: i128) -> VmResult<NaiveDate> {
    let n = i64::try_from(days).map_err(|_| overflow())?;
    let delta = chrono::TimeDelta::try_days(n).ok_or_else(overflow)?;
    let r = d.checked_add_signed(delta).ok_or_else(overflow)?;
    if (1..=9999).contains(&r.year()) {
        Ok(r)
    } else {
        Err(overflow())
    }
}

/// `a - b` in microseconds.
fn diff_micros(a: NaiveDateTime, b: NaiveDateTime) -> i128 {
    let d = a.signed_duration_since(b);
    d.num_seconds() as i128 * MICROS_PER_SEC + d.subsec_nanos() as i128 / 1000
}

/// A number of `unit` microseconds, rounded half-to-even as Python's
/// `timedelta` does.
fn micros_of(name: &str, v: &Value, unit: i128) -> VmResult<i128> {
    match v {
        Value::Int(_) | Value::Bool(_) => {
            let i = v.as_int().unwrap_or(0) as i128;
            i.checked_mul(unit).ok_or_else(overflow)
        }
        Value::Float(f) => {
            let x = f * unit as f64;
            if !x.is_finite() || x.abs() > 1e20 {
                return Err(MlError::new(
                    ErrorKind::OverflowError,
                    "cannot convert float to a time interval",
                ));
            }
            Ok(x.round_ties_even() as i128)
        }
        Value::Big(_) => Err(overflow()),
        other => Err(MlError::type_error(format!(
            "{name}() expected a number, got {}",
            other.kind_name()
        ))),
    }
}

fn check_delta(micros: i128) -> VmResult<i128> {
    if micros.div_euclid(MICROS_PER_DAY).abs() > MAX_DELTA_DAYS {
        return Err(MlError::new(
            ErrorKind::OverflowError,
            format!(
                "days={}; must have magnitude <= 999999999",
                micros.div_euclid(MICROS_PER_DAY)
            ),
        ));
    }
    Ok(micros)
}

// ---- text forms ----

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn iso_date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

fn iso_time(t: NaiveTime) -> String {
    let us = t.nanosecond() / 1000;
    let mut s = format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second());
    if us != 0 {
        let _ = write!(s, ".{us:06}");
    }
    s
}

fn iso_datetime(dt: NaiveDateTime) -> String {
    format!("{}T{}", iso_date(dt.date()), iso_time(dt.time()))
}

/// Python's `str(timedelta)`: `-1 day, 0:00:05`, `2 days, 3:00:00.000005`.
fn delta_text(micros: i128) -> String {
    let days = micros.div_euclid(MICROS_PER_DAY);
    let rest = micros.rem_euclid(MICROS_PER_DAY);
    let secs = rest / MICROS_PER_SEC;
    let us = rest % MICROS_PER_SEC;
    let mut s = String::new();
    if days != 0 {
        let _ = write!(s, "{days} day{}, ", if days.abs() == 1 { "" } else { "s" });
    }
    let _ = write!(s, "{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
    if us != 0 {
        let _ = write!(s, ".{us:06}");
    }
    s
}

/// `strftime` as CPython on glibc prints it (C locale). Naive values have
/// empty `%z` and `%Z`.
fn strftime(dt: NaiveDateTime, fmt: &str, epoch: impl Fn() -> i64) -> String {
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    let d = dt.date();
    let wd = d.weekday().num_days_from_monday() as usize;
    let wd_sun = d.weekday().num_days_from_sunday() as i64;
    let yday = d.ordinal0() as i64;
    let h12 = match dt.hour() % 12 {
        0 => 12,
        h => h,
    };
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(code) = chars.next() else {
            out.push('%');
            break;
        };
        let _ = match code {
            'a' => write!(out, "{}", &WEEKDAYS[wd][..3]),
            'A' => write!(out, "{}", WEEKDAYS[wd]),
            'w' => write!(out, "{wd_sun}"),
            'u' => write!(out, "{}", wd + 1),
            'd' => write!(out, "{:02}", d.day()),
            'e' => write!(out, "{:2}", d.day()),
            'b' | 'h' => write!(out, "{}", &MONTHS[d.month0() as usize][..3]),
            'B' => write!(out, "{}", MONTHS[d.month0() as usize]),
            'm' => write!(out, "{:02}", d.month()),
            'y' => write!(out, "{:02}", d.year() % 100),
            'Y' => write!(out, "{}", d.year()),
            'C' => write!(out, "{:02}", d.year() / 100),
            'G' => write!(out, "{}", d.iso_week().year()),
            'g' => write!(out, "{:02}", d.iso_week().year() % 100),
            'V' => write!(out, "{:02}", d.iso_week().week()),
            'H' => write!(out, "{:02}", dt.hour()),
            'k' => write!(out, "{:2}", dt.hour()),
            'I' => write!(out, "{h12:02}"),
            'l' => write!(out, "{h12:2}"),
            'p' => write!(out, "{}", if dt.hour() < 12 { "AM" } else { "PM" }),
            'P' => write!(out, "{}", if dt.hour() < 12 { "am" } else { "pm" }),
            'M' => write!(out, "{:02}", dt.minute()),
            'S' => write!(out, "{:02}", dt.second()),
            'f' => write!(out, "{:06}", dt.nanosecond() / 1000),
            'j' => write!(out, "{:03}", yday + 1),
            'U' => write!(out, "{:02}", (yday + 7 - wd_sun) / 7),
            'W' => write!(out, "{:02}", (yday + 7 - (wd_sun + 6) % 7) / 7),
            'c' => write!(
                out,
                "{} {} {:2} {:02}:{:02}:{:02} {}",
                &WEEKDAYS[wd][..3],
                &MONTHS[d.month0() as usize][..3],
                d.day(),
                dt.hour(),
                dt.minute(),
                dt.second(),
                d.year()
            ),
            'x' | 'D' => write!(out, "{:02}/{:02}/{:02}", d.month(), d.day(), d.year() % 100),
            'X' | 'T' => write!(
                out,
                "{:02}:{:02}:{:02}",
                dt.hour(),
                dt.minute(),
                dt.second()
            ),
            'R' => write!(out, "{:02}:{:02}", dt.hour(), dt.minute()),
            'F' => write!(out, "{}-{:02}-{:02}", d.year(), d.month(), d.day()),
            'r' => write!(
                out,
                "{h12:02}:{:02}:{:02} {}",
                dt.minute(),
                dt.second(),
                if dt.hour() < 12 { "AM" } else { "PM" }
            ),
            's' => write!(out, "{}", epoch()),
            'n' => writeln!(out),
            't' => write!(out, "\t"),
            'z' | 'Z' => Ok(()),
            '%' => write!(out, "%"),
            other => write!(out, "%{other}"),
        };
    }
    out
}

// ---- host classes ----

pub struct DateTimeObj {
    pub dt: NaiveDateTime,
}

pub struct DateObj {
    pub d: NaiveDate,
}

pub struct TimeObj {
    pub t: NaiveTime,
}

pub struct TimeDeltaObj {
    /// Total microseconds.
    pub micros: i128,
}

fn host_ref<T: 'static>(v: &Value) -> Option<&T> {
    match v {
        Value::Host(h) => h.0.as_any().downcast_ref::<T>(),
        _ => None,
    }
}

/// A DateTimeObject argument (a Date counts as its midnight).
fn dt_arg(name: &str, v: &Value) -> VmResult<NaiveDateTime> {
    if let Some(d) = host_ref::<DateTimeObj>(v) {
        return Ok(d.dt);
    }
    if let Some(d) = host_ref::<DateObj>(v) {
        return Ok(d.d.and_time(NaiveTime::MIN));
    }
    Err(MlError::type_error(format!(
        "{name}() expected a DateTimeObject, got {}",
        v.type_name()
    )))
}

fn date_arg(name: &str, v: &Value) -> VmResult<NaiveDate> {
    if let Some(d) = host_ref::<DateObj>(v) {
        return Ok(d.d);
    }
    if let Some(d) = host_ref::<DateTimeObj>(v) {
        return Ok(d.dt.date());
    }
    Err(MlError::type_error(format!(
        "{name}() expected a Date, got {}",
        v.type_name()
    )))
}

fn delta_arg(name: &str, v: &Value) -> VmResult<i128> {
    host_ref::<TimeDeltaObj>(v)
        .map(|d| d.micros)
        .ok_or_else(|| {
            MlError::type_error(format!(
                "{name}() expected a TimeDelta, got {}",
                v.type_name()
            ))
        })
}

fn dt_value(dt: NaiveDateTime) -> Value {
    Value::host(DateTimeObj { dt })
}

fn date_value(d: NaiveDate) -> Value {
    Value::host(DateObj { d })
}

fn delta_value(micros: i128) -> VmResult<Value> {
    Ok(Value::host(TimeDeltaObj {
        micros: check_delta(micros)?,
    }))
}

fn check_out_len(vm: &Vm, s: String) -> VmResult<Value> {
    crate::native::args::check_len(vm, s.len())?;
    Ok(Value::string(s))
}

/// Unix seconds of a naive local time (Python's `naive.timestamp()`).
fn local_to_unix(vm: &Vm, dt: NaiveDateTime) -> f64 {
    let l = dt.and_utc().timestamp() as f64 + dt.nanosecond() as f64 / 1e9;
    let guess = l - vm.host.clock.local_offset(l) as f64;
    l - vm.host.clock.local_offset(guess) as f64
}

/// Naive local time of Unix seconds; `None` outside Python's range.
fn unix_to_local(vm: &Vm, secs: f64, utc: bool) -> Option<NaiveDateTime> {
    if !secs.is_finite() || secs.abs() > 4e11 {
        return None;
    }
    let local = if utc {
        secs
    } else {
        secs + vm.host.clock.local_offset(secs) as f64
    };
    let micros = (local * 1e6).round_ties_even() as i64;
    let dt = chrono::DateTime::from_timestamp_micros(micros)?.naive_utc();
    (1..=9999).contains(&dt.year()).then_some(dt)
}

const DATETIME_METHODS: &[&str] = &[
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "second",
    "microsecond",
    "weekday",
    "timestamp",
    "format",
    "toISOString",
    "toString",
    "to_string",
    "addDays",
    "addHours",
    "addMinutes",
    "addSeconds",
    "add_days",
    "add_hours",
    "add_minutes",
    "add_seconds",
    "add",
    "subtract",
    "diff",
    "startOfDay",
    "endOfDay",
    "startOfMonth",
    "endOfMonth",
    "startOfYear",
    "endOfYear",
    "start_of_day",
    "end_of_day",
    "start_of_month",
    "end_of_month",
    "start_of_year",
    "end_of_year",
    "isBefore",
    "isAfter",
    "isSame",
    "isSameDay",
    "is_same_day",
    "date",
    "time",
];

fn last_day_of_month(year: i32, month: u32) -> u32 {
    days_in_month(year as i64, month as i64).max(28) as u32
}

fn end_of_day_time() -> NaiveTime {
    NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).unwrap_or(NaiveTime::MIN)
}

impl DateTimeObj {
    fn call(&self, vm: &mut Vm, name: &str, args: &[Value]) -> VmResult<Value> {
        let dt = self.dt;
        let no_args = |args: &[Value]| arity(name, args, 0, 0);
        let int = |v: i64| Ok(Value::Int(v));
        match name {
            "year" => no_args(args).and_then(|_| int(dt.year() as i64)),
            "month" => no_args(args).and_then(|_| int(dt.month() as i64)),
            "day" => no_args(args).and_then(|_| int(dt.day() as i64)),
            "hour" => no_args(args).and_then(|_| int(dt.hour() as i64)),
            "minute" => no_args(args).and_then(|_| int(dt.minute() as i64)),
            "second" => no_args(args).and_then(|_| int(dt.second() as i64)),
            "microsecond" => no_args(args).and_then(|_| int((dt.nanosecond() / 1000) as i64)),
            "weekday" => {
                no_args(args).and_then(|_| int(dt.weekday().num_days_from_monday() as i64))
            }
            "timestamp" => {
                no_args(args)?;
                Ok(Value::Float(local_to_unix(vm, dt)))
            }
            "format" => {
                arity(name, args, 0, 1)?;
                let fmt = match args.first() {
                    None | Some(Value::Null) => "%Y-%m-%d %H:%M:%S",
                    Some(v) => expect_str(v, "format", "format")?,
                };
                let unix = local_to_unix(vm, dt).floor() as i64;
                check_out_len(vm, strftime(dt, fmt, || unix))
            }
            "toISOString" | "toString" | "to_string" => {
                no_args(args)?;
                Ok(Value::string(iso_datetime(dt)))
            }
            "addDays" | "add_days" | "addHours" | "add_hours" | "addMinutes" | "add_minutes"
            | "addSeconds" | "add_seconds" => {
                arity(name, args, 1, 1)?;
                let unit = match name {
                    "addDays" | "add_days" => MICROS_PER_DAY,
                    "addHours" | "add_hours" => 3600 * MICROS_PER_SEC,
                    "addMinutes" | "add_minutes" => 60 * MICROS_PER_SEC,
                    _ => MICROS_PER_SEC,
                };
                let m = micros_of(name, &args[0], unit)?;
                Ok(dt_value(add_micros(dt, m)?))
            }
            "add" => {
                arity(name, args, 1, 1)?;
                Ok(dt_value(add_micros(dt, delta_arg(name, &args[0])?)?))
            }
            "subtract" => {
                arity(name, args, 1, 1)?;
                if host_ref::<TimeDeltaObj>(&args[0]).is_none() {
                    if let Ok(other) = dt_arg(name, &args[0]) {
                        return delta_value(diff_micros(dt, other));
                    }
                }
                let m = delta_arg(name, &args[0])?;
                Ok(dt_value(add_micros(dt, -m)?))
            }
            "diff" => {
                arity(name, args, 1, 1)?;
                let other = dt_arg(name, &args[0])?;
                delta_value(diff_micros(dt, other))
            }
            "startOfDay" | "start_of_day" => {
                no_args(args)?;
                Ok(dt_value(dt.date().and_time(NaiveTime::MIN)))
            }
            "endOfDay" | "end_of_day" => {
                no_args(args)?;
                Ok(dt_value(dt.date().and_time(end_of_day_time())))
            }
            "startOfMonth" | "start_of_month" => {
                no_args(args)?;
                let d = dt.date().with_day(1).unwrap_or(dt.date());
                Ok(dt_value(d.and_time(NaiveTime::MIN)))
            }
            "endOfMonth" | "end_of_month" => {
                no_args(args)?;
                let last = last_day_of_month(dt.year(), dt.month());
                let d = dt.date().with_day(last).unwrap_or(dt.date());
                Ok(dt_value(d.and_time(end_of_day_time())))
            }
            "startOfYear" | "start_of_year" => {
                no_args(args)?;
                let d = NaiveDate::from_ymd_opt(dt.year(), 1, 1).unwrap_or(dt.date());
                Ok(dt_value(d.and_time(NaiveTime::MIN)))
            }
            "endOfYear" | "end_of_year" => {
                no_args(args)?;
                let d = NaiveDate::from_ymd_opt(dt.year(), 12, 31).unwrap_or(dt.date());
                Ok(dt_value(d.and_time(end_of_day_time())))
            }
            "isBefore" | "isAfter" | "isSame" => {
                arity(name, args, 1, 1)?;
                let other = dt_arg(name, &args[0])?;
                Ok(Value::Bool(match name {
                    "isBefore" => dt < other,
                    "isAfter" => dt > other,
                    _ => dt == other,
                }))
            }
            "isSameDay" | "is_same_day" => {
                arity(name, args, 1, 1)?;
                let other = dt_arg(name, &args[0])?;
                Ok(Value::Bool(dt.date() == other.date()))
            }
            "date" => {
                no_args(args)?;
                Ok(date_value(dt.date()))
            }
            "time" => {
                no_args(args)?;
                Ok(Value::host(TimeObj { t: dt.time() }))
            }
            _ => unreachable!("checked by call_method"),
        }
    }
}

host_object!(DateTimeObj, "DateTimeObject", DATETIME_METHODS, |o| {
    iso_datetime(o.dt)
});

const DATE_METHODS: &[&str] = &[
    "year",
    "month",
    "day",
    "weekday",
    "isWeekend",
    "isWeekday",
    "toISOString",
    "toString",
    "format",
    "addDays",
    "subtractDays",
    "diff",
];

impl DateObj {
    fn call(&self, vm: &mut Vm, name: &str, args: &[Value]) -> VmResult<Value> {
        let d = self.d;
        match name {
            "year" | "month" | "day" | "weekday" | "isWeekend" | "isWeekday" | "toISOString"
            | "toString" => {
                arity(name, args, 0, 0)?;
                let wd = d.weekday().num_days_from_monday() as i64;
                Ok(match name {
                    "year" => Value::Int(d.year() as i64),
                    "month" => Value::Int(d.month() as i64),
                    "day" => Value::Int(d.day() as i64),
                    "weekday" => Value::Int(wd),
                    "isWeekend" => Value::Bool(wd >= 5),
                    "isWeekday" => Value::Bool(wd < 5),
                    _ => Value::string(iso_date(d)),
                })
            }
            "format" => {
                arity(name, args, 0, 1)?;
                let fmt = match args.first() {
                    None | Some(Value::Null) => "%Y-%m-%d",
                    Some(v) => expect_str(v, "format", "format")?,
                };
                let dt = d.and_time(NaiveTime::MIN);
                let unix = local_to_unix(vm, dt).floor() as i64;
                check_out_len(vm, strftime(dt, fmt, || unix))
            }
            "addDays" | "subtractDays" => {
                arity(name, args, 1, 1)?;
                let n = int_arg(name, &args[0])? as i128;
                let n = if name == "subtractDays" { -n } else { n };
                Ok(date_value(add_days_to_date(d, n)?))
            }
            "diff" => {
                arity(name, args, 1, 1)?;
                let other = date_arg(name, &args[0])?;
                Ok(Value::Int(d.signed_duration_since(other).num_days()))
            }
            _ => unreachable!("checked by call_method"),
        }
    }
}

host_object!(DateObj, "Date", DATE_METHODS, |o| iso_date(o.d));

const TIME_METHODS: &[&str] = &[
    "hour",
    "minute",
    "second",
    "microsecond",
    "toISOString",
    "toString",
];

impl TimeObj {
    fn call(&self, _vm: &mut Vm, name: &str, args: &[Value]) -> VmResult<Value> {
        let t = self.t;
        arity(name, args, 0, 0).map(|_| match name {
            "hour" => Value::Int(t.hour() as i64),
            "minute" => Value::Int(t.minute() as i64),
            "second" => Value::Int(t.second() as i64),
            "microsecond" => Value::Int((t.nanosecond() / 1000) as i64),
            _ => Value::string(iso_time(t)),
        })
    }
}

host_object!(TimeObj, "Time", TIME_METHODS, |o| iso_time(o.t));

const DELTA_METHODS: &[&str] = &[
    "days",
    "seconds",
    "microseconds",
    "totalSeconds",
    "totalMinutes",
    "totalHours",
    "totalDays",
    "add",
    "subtract",
    "multiply",
    "abs",
    "isNegative",
    "toString",
];

impl TimeDeltaObj {
    fn call(&self, _vm: &mut Vm, name: &str, args: &[Value]) -> VmResult<Value> {
        let m = self.micros;
        let total = m as f64 / 1e6;
        match name {
            "add" | "subtract" => {
                arity(name, args, 1, 1)?;
                let o = delta_arg(name, &args[0])?;
                delta_value(if name == "add" { m + o } else { m - o })
            }
            "multiply" => {
                arity(name, args, 1, 1)?;
                let r = match &args[0] {
                    Value::Int(_) | Value::Bool(_) => m
                        .checked_mul(args[0].as_int().unwrap_or(0) as i128)
                        .ok_or_else(overflow)?,
                    Value::Float(f) => {
                        let x = m as f64 * f;
                        if !x.is_finite() || x.abs() > 1e30 {
                            return Err(overflow());
                        }
                        x.round_ties_even() as i128
                    }
                    other => {
                        return Err(MlError::type_error(format!(
                            "multiply() expected a number, got {}",
                            other.kind_name()
                        )))
                    }
                };
                delta_value(r)
            }
            _ => {
                arity(name, args, 0, 0)?;
                Ok(match name {
                    "days" => Value::Int(m.div_euclid(MICROS_PER_DAY) as i64),
                    "seconds" => Value::Int((m.rem_euclid(MICROS_PER_DAY) / MICROS_PER_SEC) as i64),
                    "microseconds" => Value::Int(m.rem_euclid(MICROS_PER_SEC) as i64),
                    "totalSeconds" => Value::Float(total),
                    "totalMinutes" => Value::Float(total / 60.0),
                    "totalHours" => Value::Float(total / 3600.0),
                    "totalDays" => Value::Float(total / 86400.0),
                    "abs" => return delta_value(m.abs()),
                    "isNegative" => Value::Bool(m < 0),
                    _ => Value::string(delta_text(m)),
                })
            }
        }
    }
}

host_object!(TimeDeltaObj, "TimeDelta", DELTA_METHODS, |o| delta_text(
    o.micros
));

// ---- module functions ----

fn opt_int(name: &str, args: &[Value], i: usize, default: i64) -> VmResult<i64> {
    match args.get(i) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => int_arg(name, v),
    }
}

/// Python's datetime field checks, in Python's order and words.
fn check_fields(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64, us: i64) -> Result<(), String> {
    if !(1..=9999).contains(&y) {
        return Err(format!("year {y} is out of range"));
    }
    if !(1..=12).contains(&mo) {
        return Err("month must be in 1..12".into());
    }
    if d < 1 || d > days_in_month(y, mo) {
        return Err("day is out of range for month".into());
    }
    if !(0..=23).contains(&h) {
        return Err("hour must be in 0..23".into());
    }
    if !(0..=59).contains(&mi) {
        return Err("minute must be in 0..59".into());
    }
    if !(0..=59).contains(&s) {
        return Err("second must be in 0..59".into());
    }
    if !(0..=999_999).contains(&us) {
        return Err("microsecond must be in 0..999999".into());
    }
    Ok(())
}

fn make_datetime(
    y: i64,
    mo: i64,
    d: i64,
    h: i64,
    mi: i64,
    s: i64,
    us: i64,
) -> Result<NaiveDateTime, String> {
    check_fields(y, mo, d, h, mi, s, us)?;
    NaiveDate::from_ymd_opt(y as i32, mo as u32, d as u32)
        .and_then(|date| date.and_hms_micro_opt(h as u32, mi as u32, s as u32, us as u32))
        .ok_or_else(|| "invalid date".to_string())
}

fn now_dt(vm: &Vm, utc: bool) -> VmResult<NaiveDateTime> {
    let secs = vm.host.clock.now();
    unix_to_local(vm, secs, utc)
        .ok_or_else(|| MlError::runtime(format!("the clock's time {secs} is out of range")))
}

fn now(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("now", args, 0, 1)?;
    let utc = !matches!(args.first(), None | Some(Value::Null));
    Ok(dt_value(now_dt(vm, utc)?))
}

fn today(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("today", args, 0, 0)?;
    Ok(date_value(now_dt(vm, false)?.date()))
}

fn create(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("create", args, 3, 6)?;
    let y = int_arg("create", &args[0])?;
    let mo = int_arg("create", &args[1])?;
    let d = int_arg("create", &args[2])?;
    let h = opt_int("create", args, 3, 0)?;
    let mi = opt_int("create", args, 4, 0)?;
    let s = opt_int("create", args, 5, 0)?;
    make_datetime(y, mo, d, h, mi, s, 0)
        .map(dt_value)
        .map_err(|e| MlError::runtime(format!("Invalid datetime components: {e}")))
}

fn create_date(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("createDate", args, 3, 3)?;
    let y = int_arg("createDate", &args[0])?;
    let mo = int_arg("createDate", &args[1])?;
    let d = int_arg("createDate", &args[2])?;
    make_datetime(y, mo, d, 0, 0, 0, 0)
        .map(|dt| date_value(dt.date()))
        .map_err(|e| MlError::runtime(format!("Invalid date components: {e}")))
}

fn create_time(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("createTime", args, 0, 4)?;
    let h = opt_int("createTime", args, 0, 0)?;
    let mi = opt_int("createTime", args, 1, 0)?;
    let s = opt_int("createTime", args, 2, 0)?;
    let us = opt_int("createTime", args, 3, 0)?;
    make_datetime(2000, 1, 1, h, mi, s, us)
        .map(|dt| Value::host(TimeObj { t: dt.time() }))
        .map_err(|e| MlError::runtime(format!("Invalid time components: {e}")))
}

fn create_delta(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("createDelta", args, 0, 4)?;
    let units = [
        MICROS_PER_DAY,
        3600 * MICROS_PER_SEC,
        60 * MICROS_PER_SEC,
        MICROS_PER_SEC,
    ];
    let mut total: i128 = 0;
    for (i, unit) in units.iter().enumerate() {
        if let Some(v) = args.get(i).filter(|v| !matches!(v, Value::Null)) {
            total = total
                .checked_add(micros_of("createDelta", v, *unit)?)
                .ok_or_else(overflow)?;
        }
    }
    delta_value(total)
}

fn create_time_zone(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("createTimeZone", args, 1, 3)?;
    let h = int_arg("createTimeZone", &args[0])?;
    let m = opt_int("createTimeZone", args, 1, 0)?;
    let name = match args.get(2) {
        Some(Value::Str(s)) if !s.as_str().is_empty() => s.as_str().to_string(),
        None | Some(Value::Null) | Some(Value::Str(_)) => {
            let sign = if h < 0 || (h == 0 && m < 0) { '-' } else { '+' };
            format!("UTC{sign}{}:{:02}", h.unsigned_abs(), m.unsigned_abs())
        }
        Some(other) => {
            return Err(MlError::type_error(format!(
                "createTimeZone() name must be a string, not {}",
                other.kind_name()
            )))
        }
    };
    let mut o = Object::with_capacity(3);
    o.insert_str("hours", Value::Int(h));
    o.insert_str("minutes", Value::Int(m));
    o.insert_str("name", Value::string(name));
    Ok(Value::object(o))
}

fn from_timestamp(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("fromTimestamp", args, 1, 1)?;
    let secs = crate::native::args::real_arg("fromTimestamp", &args[0])?;
    unix_to_local(vm, secs, false)
        .map(dt_value)
        .ok_or_else(|| MlError::runtime(format!("Invalid timestamp {secs}: out of range")))
}

/// `YYYY-MM-DD` or `YYYYMMDD`.
fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, m, d) = match b.len() {
        10 if b[4] == b'-' && b[7] == b'-' => (num(0..4)?, num(5..7)?, num(8..10)?),
        8 => (num(0..4)?, num(4..6)?, num(6..8)?),
        _ => return None,
    };
    make_datetime(y, m, d, 0, 0, 0, 0).ok().map(|dt| dt.date())
}

/// `HH[:MM[:SS[.ffffff]]]` or `HH[MM[SS[.ffffff]]]`, then an optional
/// UTC offset (`Z`, `+HH:MM`), which is dropped (values are naive).
fn parse_iso_time(s: &str) -> Option<NaiveTime> {
    let end = s.find(['+', '-', 'Z']).unwrap_or(s.len());
    let (main, tz) = s.split_at(end);
    if !tz.is_empty() && tz != "Z" {
        let t = &tz[1..];
        let ok = match t.len() {
            2 | 4 => t.bytes().all(|c| c.is_ascii_digit()),
            5 => t.as_bytes()[2] == b':' && t.bytes().filter(|c| c.is_ascii_digit()).count() == 4,
            _ => t.len() > 5 && t.as_bytes()[2] == b':',
        };
        if !ok {
            return None;
        }
    }
    let (hms, frac) = match main.find(['.', ',']) {
        Some(i) => (&main[..i], Some(&main[i + 1..])),
        None => (main, None),
    };
    let parts: Vec<&str> = if hms.contains(':') {
        hms.split(':').collect()
    } else {
        let mut v = Vec::new();
        let mut i = 0;
        while i < hms.len() {
            v.push(hms.get(i..i + 2)?);
            i += 2;
        }
        v
    };
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.len() != 2) {
        return None;
    }
    let n = |i: usize| -> Option<i64> {
        match parts.get(i) {
            None => Some(0),
            Some(p) => p
                .bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| p.parse().ok())?,
        }
    };
    let us = match frac {
        None => 0,
        Some(f) => {
            if f.is_empty()
                || f.len() > 9
                || !f.bytes().all(|c| c.is_ascii_digit())
                || parts.len() < 3
            {
                return None;
            }
            let padded = format!("{f:0<6}");
            padded[..6].parse().ok()?
        }
    };
    make_datetime(2000, 1, 1, n(0)?, n(1)?, n(2)?, us)
        .ok()
        .map(|dt| dt.time())
}

/// Python 3.11's `datetime.fromisoformat` for the common forms.
fn parse_iso(text: &str) -> Option<NaiveDateTime> {
    let s = text.trim();
    let date_len = if s.len() >= 10 && s.as_bytes().get(4) == Some(&b'-') {
        10
    } else {
        8.min(s.len())
    };
    let date = parse_iso_date(s.get(..date_len)?)?;
    let rest = &s[date_len..];
    if rest.is_empty() {
        return Some(date.and_time(NaiveTime::MIN));
    }
    // Any single separator character (usually 'T' or ' ').
    let sep_len = rest.chars().next()?.len_utf8();
    let time = parse_iso_time(&rest[sep_len..])?;
    Some(date.and_time(time))
}

fn parse_iso_fn(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("parseISO", args, 1, 1)?;
    let t = expect_str(&args[0], "parseISO", "text")?;
    parse_iso(t)
        .map(dt_value)
        .ok_or_else(|| MlError::runtime(format!("Invalid ISO format string: '{t}'")))
}

fn calculate_age(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("calculateAge", args, 1, 2)?;
    let birth = date_arg("calculateAge", &args[0])?;
    let current = match args.get(1) {
        None | Some(Value::Null) => now_dt(vm, false)?.date(),
        Some(v) => date_arg("calculateAge", v)?,
    };
    let mut age = current.year() as i64 - birth.year() as i64;
    if (current.month(), current.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    Ok(Value::Int(age))
}

fn is_weekday_date(d: NaiveDate) -> bool {
    d.weekday().num_days_from_monday() < 5
}

fn add_business_days(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("addBusinessDays", args, 2, 2)?;
    let start = dt_arg("addBusinessDays", &args[0])?;
    let days = int_arg("addBusinessDays", &args[1])?;
    if days == 0 {
        return Ok(args[0].clone());
    }
    let step: i128 = if days > 0 { 1 } else { -1 };
    let mut remaining = days.unsigned_abs() as i128;
    let mut date = start.date();
    // Any seven consecutive days hold exactly five weekdays.
    if remaining > 5 {
        let weeks = (remaining - 1) / 5;
        date = add_days_to_date(date, step * 7 * weeks)?;
        remaining -= 5 * weeks;
    }
    while remaining > 0 {
        date = add_days_to_date(date, step)?;
        if is_weekday_date(date) {
            remaining -= 1;
        }
    }
    Ok(dt_value(date.and_time(start.time())))
}

fn business_days_between(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("businessDaysBetween", args, 2, 2)?;
    let mut a = date_arg("businessDaysBetween", &args[0])?;
    let mut b = date_arg("businessDaysBetween", &args[1])?;
    if a > b {
        std::mem::swap(&mut a, &mut b);
    }
    let total = b.signed_duration_since(a).num_days() + 1;
    let mut count = total / 7 * 5;
    let mut d = add_days_to_date(a, (total / 7 * 7) as i128).unwrap_or(b);
    for _ in 0..total % 7 {
        if is_weekday_date(d) {
            count += 1;
        }
        d = d.succ_opt().unwrap_or(d);
    }
    Ok(Value::Int(count))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in a month; 0 for an invalid year or month (as mlpy).
fn days_in_month(y: i64, m: i64) -> i64 {
    if !(1..=9999).contains(&y) {
        return 0;
    }
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => {
            if is_leap(y) {
                29
            } else {
                28
            }
        }
        _ => 0,
    }
}

fn days_in_month_fn(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("daysInMonth", args, 2, 2)?;
    let y = int_arg("daysInMonth", &args[0])?;
    let m = int_arg("daysInMonth", &args[1])?;
    Ok(Value::Int(days_in_month(y, m)))
}

fn is_leap_year(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("isLeapYear", args, 1, 1)?;
    Ok(Value::Bool(is_leap(int_arg("isLeapYear", &args[0])?)))
}

fn is_weekend(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("isWeekend", args, 1, 1)?;
    Ok(Value::Bool(!is_weekday_date(date_arg(
        "isWeekend",
        &args[0],
    )?)))
}

fn is_weekday(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("isWeekday", args, 1, 1)?;
    Ok(Value::Bool(is_weekday_date(date_arg(
        "isWeekday",
        &args[0],
    )?)))
}

fn utc(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("utc", args, 0, 0)?;
    Ok(Value::str("UTC"))
}

native_module! {
    name: "datetime",
    doc: "naive local dates and times (DateTimeObject, Date, Time, TimeDelta)",
    functions: {
        "now" => now, "(timezone = null): current local DateTimeObject (any timezone: UTC)";
        "today" => today, "(): current local Date";
        "create" => create, "(year, month, day, hour = 0, minute = 0, second = 0): DateTimeObject";
        "createDate" => create_date, "(year, month, day): Date";
        "createTime" => create_time, "(hour = 0, minute = 0, second = 0, microsecond = 0): Time";
        "createDelta" => create_delta, "(days = 0, hours = 0, minutes = 0, seconds = 0): TimeDelta";
        "createTimeZone" => create_time_zone, "(hours, minutes = 0, name = \"\"): {hours, minutes, name}";
        "fromTimestamp" | "from_timestamp" => from_timestamp, "(seconds): local DateTimeObject";
        "parseISO" => parse_iso_fn, "(text): DateTimeObject from ISO 8601 text";
        "calculateAge" | "calculate_age" => calculate_age, "(birth, current = now): whole years";
        "addBusinessDays" | "add_business_days" => add_business_days, "(dt, days): skips Saturdays and Sundays";
        "businessDaysBetween" | "business_days_between" => business_days_between, "(a, b): weekdays from a to b inclusive";
        "daysInMonth" | "days_in_month" => days_in_month_fn, "(year, month): days (0 if invalid)";
        "isLeapYear" => is_leap_year, "(year): Gregorian leap year";
        "isWeekend" | "is_weekend" => is_weekend, "(dt): Saturday or Sunday";
        "isWeekday" | "is_weekday" => is_weekday, "(dt): Monday to Friday";
        "utc" => utc, "(): \"UTC\"";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, mi, s)
            .unwrap()
    }

    #[test]
    fn strftime_like_glibc() {
        let t = dt(999, 1, 1, 0, 0, 0);
        assert_eq!(
            strftime(t, "%Y %c %x %X %U %W %j %G %V %u %e %D %F %Q %", || 0),
            "999 Tue Jan  1 00:00:00 999 01/01/99 00:00:00 00 00 001 999 01 2  1 01/01/99 999-01-01 %Q %"
        );
        let t = dt(2024, 2, 29, 13, 5, 9);
        assert_eq!(
            strftime(t, "%A %B %d %I:%M %p %y", || 0),
            "Thursday February 29 01:05 PM 24"
        );
    }

    #[test]
    fn iso_and_delta_text() {
        assert_eq!(
            iso_datetime(dt(2024, 2, 29, 13, 5, 9)),
            "2024-02-29T13:05:09"
        );
        assert_eq!(
            delta_text(-MICROS_PER_DAY + 5 * MICROS_PER_SEC),
            "-1 day, 0:00:05"
        );
        assert_eq!(
            delta_text(2 * MICROS_PER_DAY + 3 * 3600 * MICROS_PER_SEC + 5),
            "2 days, 3:00:00.000005"
        );
        assert_eq!(delta_text(0), "0:00:00");
    }

    #[test]
    fn parses_iso_forms() {
        let ten_thirty = Some(dt(2024, 1, 15, 10, 30, 0));
        for (text, want) in [
            ("2024-01-15", Some(dt(2024, 1, 15, 0, 0, 0))),
            ("2024-01-15T10:30", ten_thirty),
            ("2024-01-15 10:30:05", Some(dt(2024, 1, 15, 10, 30, 5))),
            ("20240115T103000", ten_thirty),
            ("2024-01-15T10:30:00Z", ten_thirty),
            ("2024-01-15T10:30:00+02:00", ten_thirty),
            ("2024-02-30", None),
            ("not a date", None),
            ("2024-01-15T25:00", None),
            ("é", None),
        ] {
            assert_eq!(parse_iso(text), want, "{text}");
        }
        let f = parse_iso("2024-01-15T10:30:00.123").unwrap();
        assert_eq!(f.nanosecond(), 123_000_000);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(t in "\\PC{0,30}", iso in "[0-9T:.+Z -]{0,26}") {
            let _ = parse_iso(&t);
            let _ = parse_iso(&iso);
            let _ = strftime(dt(2024, 1, 1, 0, 0, 0), &t, || 0);
        }
    }

    #[test]
    fn field_checks_use_python_words() {
        for ((y, mo, d, h), want) in [
            ((2024, 2, 30, 0), "day is out of range for month"),
            ((0, 2, 3, 0), "year 0 is out of range"),
            ((2024, 2, 3, 25), "hour must be in 0..23"),
        ] {
            assert_eq!(check_fields(y, mo, d, h, 0, 0, 0).unwrap_err(), want);
        }
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2024, 13), 0);
    }
}
