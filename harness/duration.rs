//! Durations as people write them, for command-line flags and spec keys:
//! `200ms`, `1.5s`, `2m`, and compound ones like `1h2m` or `1h 30min`
//! (humantime's syntax).

use std::time::Duration;

/// Parses a duration: a decimal number with a unit (`us ms s m h`), or
/// humantime's compound form (`1h2m`). The error is the simple form's,
/// which names the accepted units.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    mlpy_lang::vm::parse_duration(text)
        .or_else(|e| humantime::parse_duration(text.trim()).map_err(|_| e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_and_compound() {
        assert_eq!(parse_duration("200ms"), Ok(Duration::from_millis(200)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("1h2m"), Ok(Duration::from_secs(3720)));
        assert_eq!(parse_duration("1h 30min"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("2m 5s"), Ok(Duration::from_secs(125)));
        let e = parse_duration("2x").unwrap_err();
        assert_eq!(
            e,
            "invalid duration '2x': unknown unit 'x' (use us, ms, s, m or h)"
        );
        assert!(parse_duration("-1s").is_err());
    }
}
