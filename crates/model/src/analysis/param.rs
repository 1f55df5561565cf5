//! Parameters: values a reader changes without touching the SQL.
//!
//! A step uses a parameter through a named placeholder (`$city`). The engine
//! binds the value to the placeholder after parsing, so a value is always data
//! and never SQL: `'; DROP TABLE x; --` is just an odd city name.

use serde::{Deserialize, Serialize};

/// One parameter of an analysis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    /// The placeholder name, without `$`; letters, digits and `_`.
    pub name: String,
    /// What the control says; the name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(flatten)]
    pub value: ParamValue,
}

/// The kind of a parameter and its current value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ParamValue {
    /// A time range in UTC: `$<name>_from` (inclusive) and `$<name>_to` (exclusive).
    DateRange { from_ms: i64, to_ms: i64 },
    /// One value out of a list: `$<name>` as text.
    Choice { options: Vec<String>, value: String },
    /// A number: `$<name>` as a 64-bit float.
    Number {
        value: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
}

/// A value bound to one placeholder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum BoundValue {
    /// Milliseconds since 1970-01-01 UTC.
    TimestampMs(i64),
    Text(String),
    Number(f64),
}

impl BoundValue {
    /// A stable spelling of the value, for cache keys.
    pub fn canonical(&self) -> String {
        match self {
            BoundValue::TimestampMs(ms) => format!("ts:{ms}"),
            BoundValue::Text(text) => format!("text:{}:{text}", text.len()),
            BoundValue::Number(n) => format!("num:{}", n.to_bits()),
        }
    }
}

impl Parameter {
    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }

    /// The placeholders this parameter fills, with their values.
    pub fn bindings(&self) -> Vec<(String, BoundValue)> {
        match &self.value {
            ParamValue::DateRange { from_ms, to_ms } => vec![
                (
                    format!("{}_from", self.name),
                    BoundValue::TimestampMs(*from_ms),
                ),
                (format!("{}_to", self.name), BoundValue::TimestampMs(*to_ms)),
            ],
            ParamValue::Choice { value, .. } => {
                vec![(self.name.clone(), BoundValue::Text(value.clone()))]
            }
            ParamValue::Number { value, .. } => {
                vec![(self.name.clone(), BoundValue::Number(*value))]
            }
        }
    }

    /// Why the current value is not acceptable, as a sentence; `None` when it is.
    pub fn problem(&self) -> Option<String> {
        let label = self.label();
        match &self.value {
            ParamValue::DateRange { from_ms, to_ms } if from_ms >= to_ms => Some(format!(
                "The range '{label}' ends before it starts; pick an end after the start."
            )),
            ParamValue::Choice { options, value }
                if !options.is_empty() && !options.contains(value) =>
            {
                Some(format!(
                    "'{value}' is not one of the choices of '{label}' ({}).",
                    options.join(", ")
                ))
            }
            ParamValue::Number { value, min, max } => {
                if !value.is_finite() {
                    Some(format!("'{label}' must be a number."))
                } else if min.is_some_and(|m| *value < m) || max.is_some_and(|m| *value > m) {
                    Some(format!(
                        "'{label}' must be between {} and {}.",
                        min.map_or("any".into(), |m| m.to_string()),
                        max.map_or("any".into(), |m| m.to_string())
                    ))
                } else {
                    None
                }
            }
            _ => None,
        }
    }
}

impl Parameter {
    /// The value `json` gives this parameter, as a host page sends it: a number
    /// (or its text) for a number, a choice's text, `{"from": "YYYY-MM-DD",
    /// "to": "YYYY-MM-DD"}` for a date range (both days included) or
    /// `{"from_ms": …, "to_ms": …}` (end excluded). The value is checked like
    /// one typed in the controls; the error is a sentence.
    pub fn value_from_json(&self, json: &serde_json::Value) -> Result<ParamValue, String> {
        use serde_json::Value;
        let label = self.label();
        let value = match (&self.value, json) {
            (ParamValue::Number { min, max, .. }, Value::Number(n)) => ParamValue::Number {
                value: n.as_f64().unwrap_or(f64::NAN),
                min: *min,
                max: *max,
            },
            (ParamValue::Number { min, max, .. }, Value::String(text)) => ParamValue::Number {
                value: text
                    .trim()
                    .parse()
                    .map_err(|_| format!("'{label}' must be a number, not '{text}'."))?,
                min: *min,
                max: *max,
            },
            (ParamValue::Choice { options, .. }, Value::String(text)) => ParamValue::Choice {
                options: options.clone(),
                value: text.clone(),
            },
            (ParamValue::DateRange { .. }, Value::Object(range)) => {
                let day = |key: &str| {
                    range.get(key).and_then(Value::as_str).map(|text| {
                        ms_of_utc_date(text)
                            .ok_or_else(|| format!("'{text}' is not a date like 2026-01-31."))
                    })
                };
                let ms = |key: &str| range.get(key).and_then(Value::as_i64);
                match (day("from"), day("to"), ms("from_ms"), ms("to_ms")) {
                    (Some(from), Some(to), _, _) => ParamValue::DateRange {
                        from_ms: from?,
                        to_ms: to? + 86_400_000,
                    },
                    (_, _, Some(from_ms), Some(to_ms)) => ParamValue::DateRange { from_ms, to_ms },
                    _ => {
                        return Err(format!(
                            "'{label}' is a date range: send {{\"from\": \"2026-01-01\", \"to\": \"2026-01-31\"}}."
                        ));
                    }
                }
            }
            (expected, _) => {
                let kind = match expected {
                    ParamValue::Number { .. } => "a number",
                    ParamValue::Choice { .. } => "one of its choices, as text",
                    ParamValue::DateRange { .. } => "a date range",
                };
                return Err(format!("'{label}' takes {kind}, not {json}."));
            }
        };
        let checked = Parameter {
            value: value.clone(),
            ..self.clone()
        };
        match checked.problem() {
            Some(problem) => Err(problem),
            None => Ok(value),
        }
    }
}

/// `YYYY-MM-DD` of the UTC day holding `ms`, as date inputs show it.
pub fn utc_date_of_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Midnight UTC of a `YYYY-MM-DD` date, in milliseconds; `None` when it is not a date.
pub fn ms_of_utc_date(text: &str) -> Option<i64> {
    let date = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates_round_trip() {
        assert_eq!(utc_date_of_ms(0), "1970-01-01");
        assert_eq!(utc_date_of_ms(1_772_409_600_000), "2026-03-02");
        assert_eq!(ms_of_utc_date("2026-03-02"), Some(1_772_409_600_000));
        assert_eq!(ms_of_utc_date("1969-12-31"), Some(-86_400_000));
        assert_eq!(
            ms_of_utc_date("2024-02-29").map(utc_date_of_ms).as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(ms_of_utc_date("2026-02-31"), None);
        assert_eq!(ms_of_utc_date("March"), None);
    }

    #[test]
    fn a_date_range_fills_two_placeholders() {
        let p = Parameter {
            name: "period".into(),
            label: None,
            value: ParamValue::DateRange {
                from_ms: 10,
                to_ms: 20,
            },
        };
        assert_eq!(
            p.bindings(),
            vec![
                ("period_from".into(), BoundValue::TimestampMs(10)),
                ("period_to".into(), BoundValue::TimestampMs(20)),
            ]
        );
        assert!(p.problem().is_none());
    }

    #[test]
    fn problems_are_sentences() {
        let p = Parameter {
            name: "city".into(),
            label: Some("City".into()),
            value: ParamValue::Choice {
                options: vec!["Paris".into(), "Lyon".into()],
                value: "Rome".into(),
            },
        };
        assert_eq!(
            p.problem().as_deref(),
            Some("'Rome' is not one of the choices of 'City' (Paris, Lyon).")
        );
        let n = Parameter {
            name: "min".into(),
            label: None,
            value: ParamValue::Number {
                value: 5.0,
                min: Some(10.0),
                max: None,
            },
        };
        assert_eq!(
            n.problem().as_deref(),
            Some("'min' must be between 10 and any.")
        );
    }

    #[test]
    fn parameters_serialise_flat() {
        let p = Parameter {
            name: "min".into(),
            label: None,
            value: ParamValue::Number {
                value: 5.0,
                min: None,
                max: None,
            },
        };
        let json = serde_json::to_string(&p).unwrap_or_default();
        assert_eq!(json, r#"{"name":"min","kind":"number","value":5.0}"#);
    }

    #[test]
    fn values_from_a_host_page_are_checked() {
        let number = Parameter {
            name: "min".into(),
            label: None,
            value: ParamValue::Number {
                value: 0.0,
                min: Some(0.0),
                max: None,
            },
        };
        let json = |text: &str| {
            serde_json::from_str::<serde_json::Value>(text).expect("this must succeed")
        };
        assert_eq!(
            number.value_from_json(&json("250")),
            Ok(ParamValue::Number {
                value: 250.0,
                min: Some(0.0),
                max: None
            })
        );
        assert!(number.value_from_json(&json("\"12.5\"")).is_ok());
        assert_eq!(
            number.value_from_json(&json("-1")),
            Err("'min' must be between 0 and any.".into())
        );
        assert_eq!(
            number.value_from_json(&json("true")),
            Err("'min' takes a number, not true.".into())
        );
        let period = Parameter {
            name: "period".into(),
            label: Some("Period".into()),
            value: ParamValue::DateRange {
                from_ms: 0,
                to_ms: 1,
            },
        };
        assert_eq!(
            period.value_from_json(&json(r#"{"from":"2026-03-02","to":"2026-03-02"}"#)),
            Ok(ParamValue::DateRange {
                from_ms: 1_772_409_600_000,
                to_ms: 1_772_409_600_000 + 86_400_000
            })
        );
        assert_eq!(
            period.value_from_json(&json(r#"{"from_ms":5,"to_ms":9}"#)),
            Ok(ParamValue::DateRange {
                from_ms: 5,
                to_ms: 9
            })
        );
        assert!(
            period
                .value_from_json(&json(r#"{"from":"2026-03-09","to":"2026-03-02"}"#))
                .expect_err("this must fail")
                .contains("ends before it starts")
        );
        assert!(
            period
                .value_from_json(&json(r#"{"from":"March","to":"2026-03-02"}"#))
                .expect_err("this must fail")
                .contains("not a date")
        );
        let city = Parameter {
            name: "city".into(),
            label: None,
            value: ParamValue::Choice {
                options: vec!["Paris".into()],
                value: "Paris".into(),
            },
        };
        assert!(
            city.value_from_json(&json("\"Rome\""))
                .expect_err("this must fail")
                .contains("not one of the choices")
        );
    }
}
