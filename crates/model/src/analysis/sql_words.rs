//! The names a piece of SQL mentions, found without a full parser.
//!
//! A step depends on the earlier steps and sources whose names appear in its
//! SQL as identifiers, and on the parameters whose `$name` placeholders appear
//! in it. Strings and comments are skipped, so `'orders'` or `-- uses orders`
//! do not count. A column that happens to share a step's name still counts:
//! that only makes a step rerun when it did not strictly have to, never keeps a
//! stale result.

use std::collections::BTreeSet;

/// Identifiers and placeholders found in one SQL text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SqlWords {
    /// Identifiers as SQL resolves them: bare words lower-cased, quoted ones verbatim.
    pub identifiers: BTreeSet<String>,
    /// Placeholder names without their `$`, as written (`$city` → `city`).
    pub placeholders: BTreeSet<String>,
}

impl SqlWords {
    pub fn scan(sql: &str) -> Self {
        let mut words = Self::default();
        let chars: Vec<char> = sql.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            match c {
                '\'' => i = skip_quoted(&chars, i, '\'').0,
                '"' | '`' => {
                    let (end, text) = skip_quoted(&chars, i, c);
                    words.identifiers.insert(text);
                    i = end;
                }
                '-' if next == Some('-') => {
                    while i < chars.len() && chars[i] != '\n' {
                        i += 1;
                    }
                }
                '/' if next == Some('*') => {
                    i += 2;
                    while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                        i += 1;
                    }
                    i += 2;
                }
                '$' if next.is_some_and(is_word_start) => {
                    let (end, word) = take_word(&chars, i + 1);
                    words.placeholders.insert(word);
                    i = end;
                }
                c if is_word_start(c) => {
                    let (end, word) = take_word(&chars, i);
                    words.identifiers.insert(word.to_lowercase());
                    i = end;
                }
                c if c.is_ascii_digit() => {
                    // A number, possibly with letters after it (1e5, 0x1F): not a name.
                    let (end, _) = take_word(&chars, i);
                    i = end;
                }
                _ => i += 1,
            }
        }
        words
    }

    /// Whether the SQL mentions table or step `name` as an identifier.
    pub fn mentions(&self, name: &str) -> bool {
        self.identifiers.contains(name) || self.identifiers.contains(&name.to_lowercase())
    }
}

fn is_word_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn take_word(chars: &[char], start: usize) -> (usize, String) {
    let mut end = start;
    while end < chars.len() && (chars[end].is_alphanumeric() || chars[end] == '_') {
        end += 1;
    }
    (end, chars[start..end].iter().collect())
}

/// Skips a quoted run starting at `start`; a doubled quote is an escaped one.
/// Returns the index after the closing quote and the text inside.
fn skip_quoted(chars: &[char], start: usize, quote: char) -> (usize, String) {
    let mut text = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        if chars[i] == quote {
            if chars.get(i + 1) == Some(&quote) {
                text.push(quote);
                i += 2;
                continue;
            }
            return (i + 1, text);
        }
        text.push(chars[i]);
        i += 1;
    }
    (i, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn finds_bare_and_quoted_identifiers() {
        let words = SqlWords::scan(r#"SELECT City, "Total Sum" FROM Daily_Revenue d"#);
        assert!(words.mentions("daily_revenue"));
        assert!(words.mentions("city"));
        assert!(words.identifiers.contains("Total Sum"));
        assert!(!words.mentions("total"));
    }

    #[test]
    fn skips_strings_and_comments() {
        let sql = "SELECT 'orders' AS x -- from orders\n/* refunds */ FROM payments WHERE note = 'it''s refunds'";
        let words = SqlWords::scan(sql);
        assert!(!words.mentions("orders"));
        assert!(!words.mentions("refunds"));
        assert!(words.mentions("payments"));
    }

    #[test]
    fn finds_placeholders_but_not_positional_ones() {
        let words = SqlWords::scan(
            "SELECT * FROM t WHERE ts >= $period_from AND city = $city AND n > $1 AND s = '$fake'",
        );
        assert_eq!(words.placeholders, set(&["city", "period_from"]));
        assert!(!words.mentions("period_from"));
    }

    #[test]
    fn numbers_are_not_names() {
        let words = SqlWords::scan("SELECT 1e5, 2x FROM t");
        assert!(!words.mentions("e5"));
        assert!(!words.mentions("x"));
        assert!(words.mentions("t"));
    }

    #[test]
    fn unterminated_quotes_and_comments_end_at_the_text() {
        assert!(
            SqlWords::scan("SELECT 'open")
                .identifiers
                .contains("select")
        );
        assert!(
            SqlWords::scan("SELECT /* open")
                .identifiers
                .contains("select")
        );
    }
}
