//! Numbers as people read them.

/// `1234567` → `1,234,567`.
pub fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A byte count in B, KB, MB or GB (powers of 1024, one decimal).
pub fn bytes(value: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if value < 1024 {
        return format!("{value} B");
    }
    let mut scaled = value as f64 / 1024.0;
    let mut unit = 0;
    while scaled >= 1024.0 && unit + 1 < UNITS.len() {
        scaled /= 1024.0;
        unit += 1;
    }
    format!("{scaled:.1} {}", UNITS[unit])
}

/// Milliseconds with a sensible precision.
pub fn millis(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.1} ms")
    } else if value < 10_000.0 {
        format!("{value:.0} ms")
    } else {
        format!("{:.1} s", value / 1000.0)
    }
}

/// A model error's words (lower-case, no full stop, made to follow a colon)
/// as a sentence of their own.
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>() + ".",
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn bytes_pick_a_unit() {
        assert_eq!(bytes(12), "12 B");
        assert_eq!(bytes(2048), "2.0 KB");
        assert_eq!(bytes(5 * 1024 * 1024 + 1), "5.0 MB");
    }

    #[test]
    fn millis_keep_a_readable_precision() {
        assert_eq!(millis(3.125), "3.1 ms");
        assert_eq!(millis(245.6), "246 ms");
        assert_eq!(millis(12_345.0), "12.3 s");
    }

    #[test]
    fn model_errors_become_sentences() {
        assert_eq!(
            sentence("the name 'x' is used twice"),
            "The name 'x' is used twice."
        );
        assert_eq!(sentence(""), "");
    }
}
