//! Embedding: the address of an embedded widget or dashboard, and the
//! messages a host page and an embedded Meridian exchange with `postMessage`.
//!
//! An embed address is a share link with a query in front of the fragment:
//! `?embed=widget&widget=2&theme=dark#a1.…`. The messages are JSON objects
//! with a `type` starting `meridian:`; their shapes are the public embedding
//! API, so fields are only ever added.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Analysis, ParamValue, Theme};

/// The embedding API's version, sent in [`EmbedEvent::Ready`].
pub const EMBED_API_VERSION: u32 = 1;

/// What an embed address shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmbedTarget {
    /// One widget, by its position among the analysis's widgets (0-based here,
    /// 1-based in the address, as people count).
    Widget(usize),
    /// Every widget in its grid, with the parameter controls on top.
    Dashboard,
}

/// An embed address's options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmbedOptions {
    pub target: EmbedTarget,
    /// Light or dark; the widgets' own themes when absent.
    pub theme: Option<Theme>,
    /// The host page's origin. When given, only its messages are taken and
    /// events go only to it; otherwise any page may embed and drive the widget.
    pub origin: Option<String>,
}

/// Why an embed address cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmbedError {
    #[error("'embed={0}' is not something Meridian embeds; use embed=widget or embed=dashboard")]
    UnknownTarget(String),
    #[error("'widget={0}' is not a widget number; widgets are counted from 1")]
    BadWidget(String),
    #[error("'theme={0}' is not a theme; use theme=light or theme=dark")]
    BadTheme(String),
    #[error("'origin={0}' is not an origin such as https://portal.example.com")]
    BadOrigin(String),
}

impl EmbedOptions {
    /// Reads the page's query string (`?` optional); `None` when it does not ask to embed.
    pub fn from_query(query: &str) -> Result<Option<Self>, EmbedError> {
        let pairs: BTreeMap<String, String> =
            form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
                .into_owned()
                .collect();
        let Some(embed) = pairs.get("embed") else {
            return Ok(None);
        };
        let target = match embed.as_str() {
            "dashboard" => EmbedTarget::Dashboard,
            "widget" => {
                let number = pairs.get("widget").map_or("1", String::as_str);
                match number.parse::<usize>() {
                    Ok(n) if n >= 1 => EmbedTarget::Widget(n - 1),
                    _ => return Err(EmbedError::BadWidget(number.to_string())),
                }
            }
            other => return Err(EmbedError::UnknownTarget(other.to_string())),
        };
        let theme = match pairs.get("theme").map(String::as_str) {
            None => None,
            Some("light") => Some(Theme::Light),
            Some("dark") => Some(Theme::Dark),
            Some(other) => return Err(EmbedError::BadTheme(other.to_string())),
        };
        let origin = match pairs.get("origin") {
            None => None,
            Some(origin) if is_origin(origin) => Some(origin.trim_end_matches('/').to_string()),
            Some(other) => return Err(EmbedError::BadOrigin(other.clone())),
        };
        Ok(Some(Self {
            target,
            theme,
            origin,
        }))
    }

    /// The query string (with `?`) that asks for these options.
    pub fn to_query(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        match self.target {
            EmbedTarget::Widget(index) => {
                query.append_pair("embed", "widget");
                query.append_pair("widget", &(index + 1).to_string());
            }
            EmbedTarget::Dashboard => {
                query.append_pair("embed", "dashboard");
            }
        }
        if let Some(theme) = self.theme {
            query.append_pair(
                "theme",
                match theme {
                    Theme::Light => "light",
                    Theme::Dark => "dark",
                },
            );
        }
        if let Some(origin) = &self.origin {
            query.append_pair("origin", origin);
        }
        format!("?{}", query.finish())
    }

    /// Whether a message from `origin` may drive this embed.
    pub fn accepts(&self, origin: &str) -> bool {
        self.origin.as_deref().is_none_or(|o| o == origin)
    }
}

/// `scheme://host[:port]` and nothing else.
fn is_origin(text: &str) -> bool {
    let text = text.trim_end_matches('/');
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    matches!(scheme, "http" | "https")
        && !rest.is_empty()
        && !rest.contains(['/', '?', '#', ' ', '@'])
}

/// The iframe snippet for an embed address.
pub fn iframe_snippet(src: &str, title: &str, width: u32, height: u32) -> String {
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
    };
    format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"{width}\" height=\"{height}\" style=\"border:0\" loading=\"lazy\"></iframe>",
        escape(src),
        escape(title)
    )
}

/// What a host page may send to an embedded Meridian.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum HostMessage {
    /// New values for parameters, by name: a number, a choice's text, or
    /// `{"from": "2026-01-01", "to": "2026-01-31"}` for a date range (both days included).
    #[serde(rename = "meridian:set-parameters")]
    SetParameters {
        values: BTreeMap<String, serde_json::Value>,
    },
    /// Clear the brushed time range, as the reader's Clear button does.
    #[serde(rename = "meridian:clear-range")]
    ClearRange,
}

impl HostMessage {
    /// Reads a message; `Ok(None)` when it is not addressed to Meridian at all
    /// (a page may receive messages from many frames and libraries).
    pub fn from_json(text: &str) -> Result<Option<Self>, String> {
        #[derive(Deserialize)]
        struct Envelope {
            #[serde(rename = "type")]
            kind: Option<String>,
        }
        let envelope: Envelope = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if !envelope
            .kind
            .as_deref()
            .is_some_and(|k| k.starts_with("meridian:"))
        {
            return Ok(None);
        }
        serde_json::from_str(text)
            .map(Some)
            .map_err(|e| format!("the message {text} is not one Meridian takes: {e}"))
    }
}

/// The new values a [`HostMessage::SetParameters`] gives, by parameter index,
/// all checked before any is applied: one bad value changes nothing.
pub fn parameter_changes(
    analysis: &Analysis,
    values: &BTreeMap<String, serde_json::Value>,
) -> Result<Vec<(usize, ParamValue)>, String> {
    values
        .iter()
        .map(|(name, json)| {
            let Some(index) = analysis.parameters.iter().position(|p| &p.name == name) else {
                let known: Vec<&str> = analysis
                    .parameters
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect();
                return Err(if known.is_empty() {
                    format!("This analysis has no parameters, so '{name}' cannot be set.")
                } else {
                    format!(
                        "This analysis has no parameter '{name}'; it has {}.",
                        known.join(", ")
                    )
                });
            };
            analysis.parameters[index]
                .value_from_json(json)
                .map(|value| (index, value))
        })
        .collect()
}

/// What an embedded Meridian tells its host page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum EmbedEvent {
    /// The analysis is open; parameters can be set from now on.
    #[serde(rename = "meridian:ready")]
    Ready {
        version: u32,
        widgets: usize,
        parameters: Vec<String>,
    },
    /// Every widget on show has been drawn (again) with the current values.
    #[serde(rename = "meridian:drawn")]
    Drawn { widgets: usize },
    /// The reader brushed a time range on a chart (`to` exclusive), or
    /// cleared it (`range` absent).
    #[serde(rename = "meridian:range")]
    Range {
        column: String,
        range: Option<SelectedRange>,
    },
    /// A message could not be applied; the sentence says why.
    #[serde(rename = "meridian:error")]
    Error { message: String },
}

/// A selected time range, as milliseconds and as ISO 8601 in UTC.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SelectedRange {
    pub from_ms: i64,
    pub to_ms: i64,
    pub from: String,
    pub to: String,
}

impl SelectedRange {
    pub fn new(from_ms: i64, to_ms: i64) -> Self {
        let iso = |ms: i64| {
            chrono::DateTime::from_timestamp_millis(ms)
                .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
                .unwrap_or_default()
        };
        Self {
            from_ms,
            to_ms,
            from: iso(from_ms),
            to: iso(to_ms),
        }
    }
}

impl EmbedEvent {
    pub fn to_json(&self) -> String {
        // Plain data with string keys: serialising cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embed_addresses_round_trip() {
        let options = EmbedOptions {
            target: EmbedTarget::Widget(1),
            theme: Some(Theme::Dark),
            origin: Some("https://portal.example.com".into()),
        };
        let query = options.to_query();
        assert_eq!(
            query,
            "?embed=widget&widget=2&theme=dark&origin=https%3A%2F%2Fportal.example.com"
        );
        assert_eq!(EmbedOptions::from_query(&query), Ok(Some(options)));
        let dashboard = EmbedOptions::from_query("embed=dashboard").expect("this must succeed");
        assert_eq!(
            dashboard,
            Some(EmbedOptions {
                target: EmbedTarget::Dashboard,
                theme: None,
                origin: None
            })
        );
        assert_eq!(EmbedOptions::from_query("?view=dashboard"), Ok(None));
        assert_eq!(EmbedOptions::from_query(""), Ok(None));
    }

    #[test]
    fn bad_embed_addresses_say_what_is_wrong() {
        let error = |q: &str| {
            EmbedOptions::from_query(q)
                .expect_err("this must fail")
                .to_string()
        };
        assert!(error("?embed=chart").contains("embed=widget or embed=dashboard"));
        assert!(error("?embed=widget&widget=0").contains("counted from 1"));
        assert!(error("?embed=widget&widget=x").contains("'widget=x'"));
        assert!(error("?embed=widget&theme=blue").contains("theme=light or theme=dark"));
        assert!(error("?embed=widget&origin=https://a.example/path").contains("not an origin"));
        assert!(error("?embed=widget&origin=javascript:alert(1)").contains("not an origin"));
    }

    #[test]
    fn only_the_named_origin_may_drive_an_embed() {
        let open = EmbedOptions::from_query("?embed=dashboard")
            .expect("this must succeed")
            .expect("this must succeed");
        assert!(open.accepts("https://anyone.example"));
        let closed = EmbedOptions::from_query("?embed=dashboard&origin=http://127.0.0.1:9000/")
            .expect("this must succeed")
            .expect("this must succeed");
        assert!(closed.accepts("http://127.0.0.1:9000"));
        assert!(!closed.accepts("http://127.0.0.1:9001"));
    }

    #[test]
    fn host_messages_are_read_and_others_ignored() {
        let message = HostMessage::from_json(
            r#"{"type":"meridian:set-parameters","values":{"min_amount":100,"period":{"from":"2026-01-01","to":"2026-01-31"}}}"#,
        )
        .expect("this must succeed")
        .expect("this must succeed");
        let HostMessage::SetParameters { values } = message else {
            panic!("not set-parameters");
        };
        assert_eq!(values["min_amount"], serde_json::json!(100));
        assert_eq!(HostMessage::from_json(r#"{"type":"other-lib"}"#), Ok(None));
        assert!(HostMessage::from_json(r#"[1,2]"#).is_err());
        assert!(
            HostMessage::from_json(r#"{"type":"meridian:fly"}"#)
                .expect_err("this must fail")
                .contains("not one Meridian takes")
        );
    }

    #[test]
    fn events_have_a_stable_spelling() {
        let range = EmbedEvent::Range {
            column: "ts".into(),
            range: Some(SelectedRange::new(1_767_225_600_000, 1_767_312_000_000)),
        };
        assert_eq!(
            range.to_json(),
            r#"{"type":"meridian:range","column":"ts","range":{"from_ms":1767225600000,"to_ms":1767312000000,"from":"2026-01-01T00:00:00.000Z","to":"2026-01-02T00:00:00.000Z"}}"#
        );
        assert_eq!(
            EmbedEvent::Drawn { widgets: 1 }.to_json(),
            r#"{"type":"meridian:drawn","widgets":1}"#
        );
    }

    #[test]
    fn parameters_are_set_all_or_nothing() {
        let mut analysis = Analysis::new("a");
        analysis.parameters.push(crate::Parameter {
            name: "min_amount".into(),
            label: None,
            value: ParamValue::Number {
                value: 0.0,
                min: None,
                max: None,
            },
        });
        let values = |text: &str| {
            serde_json::from_str::<BTreeMap<String, serde_json::Value>>(text)
                .expect("this must succeed")
        };
        assert_eq!(
            parameter_changes(&analysis, &values(r#"{"min_amount": 50}"#)),
            Ok(vec![(
                0,
                ParamValue::Number {
                    value: 50.0,
                    min: None,
                    max: None
                }
            )])
        );
        assert_eq!(
            parameter_changes(&analysis, &values(r#"{"min_amount": 50, "city": "Paris"}"#)),
            Err("This analysis has no parameter 'city'; it has min_amount.".into())
        );
    }

    #[test]
    fn iframe_snippets_escape_their_attributes() {
        let snippet = iframe_snippet(
            "https://m.example/?a=1&b=2#a1.x",
            "Revenue \"by\" day",
            600,
            360,
        );
        assert_eq!(
            snippet,
            "<iframe src=\"https://m.example/?a=1&amp;b=2#a1.x\" title=\"Revenue &quot;by&quot; day\" width=\"600\" height=\"360\" style=\"border:0\" loading=\"lazy\"></iframe>"
        );
    }
}
