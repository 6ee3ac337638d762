//! ML runtime errors. Kinds keep Python's names (what mlpy raised), so that
//! messages and tests stay comparable with mlpy.

use crate::syntax::{SourceFile, Span};
use std::any::Any;
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

/// The kind of an ML error, named as Python (and mlpy) name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// An operation or argument of the wrong type.
    TypeError,
    /// A value of the right type but out of its domain.
    ValueError,
    /// A missing object key.
    KeyError,
    /// An index out of range.
    IndexError,
    /// Division or modulo by zero.
    ZeroDivisionError,
    /// A missing member or method.
    AttributeError,
    /// A name that is not defined.
    NameError,
    /// A local variable read before it is assigned.
    UnboundLocalError,
    /// Calls nested deeper than the limit.
    RecursionError,
    /// A general failure reported by the runtime or the stdlib.
    RuntimeError,
    /// The execution's memory budget or a size limit was exceeded.
    MemoryError,
    /// A number too large for the operation (float conversion, shifts).
    OverflowError,
    /// A stdlib call without a matching granted capability.
    CapabilityViolation,
    /// A refused operation that no capability can allow (unsafe paths, symlinks out of bounds).
    SecurityError,
    /// A file or directory that does not exist.
    FileNotFoundError,
    /// Any other failure of the host's file system.
    OSError,
    /// `throw {...}` from ML code.
    UserError,
    /// A syntax or compile error in code compiled at run time (imports).
    SyntaxError,
    /// An `import` that finds no module, or a circular import.
    ImportError,
    /// The execution's deadline passed. Not catchable by ML code.
    Timeout,
    /// The host cancelled the execution. Not catchable by ML code.
    Cancelled,
}

impl ErrorKind {
    /// The kind's name as ML code and reports see it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::TypeError => "TypeError",
            ErrorKind::ValueError => "ValueError",
            ErrorKind::KeyError => "KeyError",
            ErrorKind::IndexError => "IndexError",
            ErrorKind::ZeroDivisionError => "ZeroDivisionError",
            ErrorKind::AttributeError => "AttributeError",
            ErrorKind::NameError => "NameError",
            ErrorKind::UnboundLocalError => "UnboundLocalError",
            ErrorKind::RecursionError => "RecursionError",
            ErrorKind::RuntimeError => "RuntimeError",
            ErrorKind::MemoryError => "MemoryError",
            ErrorKind::OverflowError => "OverflowError",
            ErrorKind::CapabilityViolation => "CapabilityViolation",
            ErrorKind::SecurityError => "SecurityError",
            ErrorKind::FileNotFoundError => "FileNotFoundError",
            ErrorKind::OSError => "OSError",
            ErrorKind::UserError => "UserError",
            ErrorKind::SyntaxError => "SyntaxError",
            ErrorKind::ImportError => "ImportError",
            ErrorKind::Timeout => "Timeout",
            ErrorKind::Cancelled => "Cancelled",
        }
    }

    /// Interruptions end the run; `try`/`except` cannot swallow them.
    pub fn is_catchable(self) -> bool {
        !matches!(self, ErrorKind::Timeout | ErrorKind::Cancelled)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an error was raised.
#[derive(Clone)]
pub struct ErrorLoc {
    /// The source the error was raised in.
    pub file: Arc<SourceFile>,
    /// The byte span of the failing expression.
    pub span: Span,
}

impl ErrorLoc {
    /// The line and column (1-based) of the span's start.
    pub fn line_col(&self) -> crate::syntax::LineCol {
        self.file.line_col(self.span.start)
    }
}

/// A denied capability check: what was needed, and for which resource.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Violation {
    /// The capability that was needed, e.g. `file:read`.
    pub capability: String,
    /// The resource it was needed for (normalised path, URL, env key).
    pub resource: String,
}

/// What an [`MlError`] holds.
pub struct ErrorInner {
    /// What kind of error it is.
    pub kind: ErrorKind,
    /// The message, without the kind.
    pub message: String,
    /// The object of `throw {...}`. Opaque here, like a panic's payload:
    /// the VM puts the thrown value in and reads it back
    /// ([`MlError::thrown`], [`MlError::payload`]).
    payload: Option<Rc<dyn Any>>,
    /// The denied check, for a CapabilityViolation.
    pub violation: Option<Violation>,
    /// Where it was raised, once known.
    pub loc: Option<ErrorLoc>,
    /// Function names and call sites, innermost first.
    pub trace: Vec<(String, Option<ErrorLoc>)>,
}

/// An ML error. Boxed so that `VmResult<Value>` stays small.
pub struct MlError(pub Box<ErrorInner>);

/// The result of everything that can raise an ML error.
pub type VmResult<T> = Result<T, MlError>;

impl MlError {
    /// An error of `kind` without a location (the VM adds it when it unwinds).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> MlError {
        MlError(Box::new(ErrorInner {
            kind,
            message: message.into(),
            payload: None,
            violation: None,
            loc: None,
            trace: Vec::new(),
        }))
    }
    /// A TypeError.
    pub fn type_error(message: impl Into<String>) -> MlError {
        MlError::new(ErrorKind::TypeError, message)
    }
    /// A ValueError.
    pub fn value_error(message: impl Into<String>) -> MlError {
        MlError::new(ErrorKind::ValueError, message)
    }
    /// A RuntimeError.
    pub fn runtime(message: impl Into<String>) -> MlError {
        MlError::new(ErrorKind::RuntimeError, message)
    }
    /// The CapabilityViolation for `v`, with mlpy's message.
    pub fn violation(v: Violation) -> MlError {
        let mut e = MlError::new(
            ErrorKind::CapabilityViolation,
            format!(
                "capability '{}' is required for '{}' but was not granted",
                v.capability, v.resource
            ),
        );
        e.0.violation = Some(v);
        e
    }
    /// An error carrying what `throw` raised.
    pub fn thrown(message: impl Into<String>, payload: Rc<dyn Any>) -> MlError {
        let mut e = MlError::new(ErrorKind::UserError, message);
        e.0.payload = Some(payload);
        e
    }
    /// What `throw` raised, if it is a `T`.
    pub fn payload<T: 'static>(&self) -> Option<&T> {
        self.0.payload.as_deref()?.downcast_ref()
    }
    /// What kind of error it is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }
    /// The message, without the kind.
    pub fn message(&self) -> &str {
        &self.0.message
    }
    /// The error located at `loc`, unless it already has a location (the innermost wins).
    pub fn with_loc(mut self, loc: ErrorLoc) -> MlError {
        if self.0.loc.is_none() {
            self.0.loc = Some(loc);
        }
        self
    }

    /// The error with its source line and caret, when its location is known.
    pub fn render(&self) -> String {
        let head = format!("{}", self);
        match &self.0.loc {
            Some(loc) => {
                let mut out = loc
                    .file
                    .render(self.0.kind.as_str(), &self.0.message, loc.span, &[]);
                for (name, site) in &self.0.trace {
                    if let Some(site) = site {
                        let lc = site.line_col();
                        out.push_str(&format!(
                            "  called from {name} at {}:{}:{}\n",
                            site.file.name, lc.line, lc.column
                        ));
                    }
                }
                out
            }
            None => format!("{head}\n"),
        }
    }
}

/// An error as plain, thread-safe data: what crosses into hosts and reports.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ErrorInfo {
    /// The kind's name (`TypeError`).
    pub kind: String,
    /// The message, without the kind.
    pub message: String,
    /// 1-based line, when the location is known.
    pub line: Option<u32>,
    /// 1-based column, when the location is known.
    pub column: Option<u32>,
    /// The source file's name, when the location is known.
    pub file: Option<String>,
    /// The error with its source line and caret (and call chain).
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub rendered: String,
    /// The denied check, for a CapabilityViolation.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub violation: Option<Violation>,
}

/// The arity check of every native function: TypeError unless `min <= args.len() <= max` (`usize::MAX`: no upper bound).
#[inline]
pub fn arity<T>(name: &str, args: &[T], min: usize, max: usize) -> VmResult<()> {
    if args.len() < min || args.len() > max {
        return Err(arity_error(name, args.len(), min, max));
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn arity_error(name: &str, given: usize, min: usize, max: usize) -> MlError {
    let expected = if min == max {
        format!("exactly {min}")
    } else if max == usize::MAX {
        format!("at least {min}")
    } else {
        format!("from {min} to {max}")
    };
    MlError::type_error(format!(
        "{name}() takes {expected} argument{} ({given} given)",
        if max == 1 && min == 1 { "" } else { "s" },
    ))
}

impl MlError {
    /// The error as plain data (location resolved, rendering included).
    pub fn info(&self) -> ErrorInfo {
        let lc = self.0.loc.as_ref().map(|l| l.line_col());
        ErrorInfo {
            kind: self.0.kind.as_str().to_string(),
            message: self.0.message.clone(),
            line: lc.map(|l| l.line),
            column: lc.map(|l| l.column),
            file: self.0.loc.as_ref().map(|l| l.file.name.clone()),
            rendered: self.render(),
            violation: self.0.violation.clone(),
        }
    }
}

impl Clone for MlError {
    fn clone(&self) -> MlError {
        MlError(Box::new(ErrorInner {
            kind: self.0.kind,
            message: self.0.message.clone(),
            payload: self.0.payload.clone(),
            violation: self.0.violation.clone(),
            loc: self.0.loc.clone(),
            trace: self.0.trace.clone(),
        }))
    }
}

impl fmt::Display for MlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.kind, self.0.message)
    }
}

impl fmt::Debug for MlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self)?;
        if let Some(loc) = &self.0.loc {
            let lc = loc.line_col();
            write!(f, " at {}:{}:{}", loc.file.name, lc.line, lc.column)?;
        }
        Ok(())
    }
}
