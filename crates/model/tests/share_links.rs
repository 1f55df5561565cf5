//! Share links: sizes of realistic analyses, and golden links from every
//! released version, which must keep opening.

use meridian_model::share::{MAX_LINK_CHARS, decode_fragment, encode_fragment, share_link};
use meridian_model::{
    Aggregation, Analysis, ChartKind, ChartSpec, GridPlace, ParamValue, Parameter, Source, Step,
    Widget,
};

/// An analysis of ten steps and ten widgets, as an analyst would write it.
fn ten_by_ten() -> Analysis {
    let mut analysis = Analysis::new("Payments and devices: weekly review");
    analysis.sources = vec![
        Source::Sample {
            table: "transactions".into(),
            sample: "transactions".into(),
        },
        Source::Sample {
            table: "telemetry".into(),
            sample: "telemetry".into(),
        },
    ];
    analysis.parameters = vec![
        Parameter {
            name: "period".into(),
            label: Some("Period".into()),
            value: ParamValue::DateRange {
                from_ms: 1_772_409_600_000,
                to_ms: 1_774_828_800_000,
            },
        },
        Parameter {
            name: "city".into(),
            label: Some("City".into()),
            value: ParamValue::Choice {
                options: vec!["Paris".into(), "Berlin".into(), "Madrid".into()],
                value: "Paris".into(),
            },
        },
    ];
    let sqls = [
        (
            "settled",
            "SELECT * FROM transactions WHERE status = 'settled' AND ts >= $period_from AND ts < $period_to",
        ),
        ("in_city", "SELECT * FROM settled WHERE city = $city"),
        (
            "hourly",
            "SELECT date_trunc('hour', ts) AS hour, count(*) AS payments, sum(amount) AS revenue FROM in_city GROUP BY 1",
        ),
        (
            "by_card",
            "SELECT card_type, count(*) AS payments, avg(amount) AS avg_amount FROM in_city GROUP BY card_type",
        ),
        (
            "by_merchant",
            "SELECT merchant_id, sum(amount) AS revenue FROM settled GROUP BY merchant_id ORDER BY revenue DESC LIMIT 20",
        ),
        (
            "declines",
            "SELECT date_trunc('day', ts) AS day, count(*) FILTER (WHERE status = 'declined') AS declined FROM transactions GROUP BY 1",
        ),
        (
            "devices",
            "SELECT * FROM telemetry WHERE ts >= $period_from AND ts < $period_to",
        ),
        (
            "battery",
            "SELECT date_trunc('hour', ts) AS hour, avg(battery_pct) AS battery FROM devices GROUP BY 1",
        ),
        (
            "offline",
            "SELECT lat, lon, count(*) AS events FROM devices WHERE connection_status = 'offline' GROUP BY lat, lon",
        ),
        (
            "latency",
            "SELECT store_id, approx_percentile_cont(app_latency_ms, 0.95) AS p95_ms FROM devices GROUP BY store_id",
        ),
    ];
    analysis.steps = sqls
        .iter()
        .map(|(name, sql)| Step {
            name: (*name).into(),
            sql: (*sql).into(),
            note: format!("What {name} shows, in a sentence or two for the next reader."),
        })
        .collect();
    let charts = [
        (
            "hourly",
            chart(
                ChartKind::Line,
                Some("hour"),
                Some("revenue"),
                Aggregation::Sum,
            ),
        ),
        (
            "hourly",
            chart(
                ChartKind::Bar,
                Some("hour"),
                Some("payments"),
                Aggregation::Sum,
            ),
        ),
        (
            "by_card",
            chart(
                ChartKind::CategoryBar,
                Some("card_type"),
                Some("payments"),
                Aggregation::Sum,
            ),
        ),
        (
            "by_merchant",
            chart(
                ChartKind::CategoryBar,
                Some("merchant_id"),
                Some("revenue"),
                Aggregation::Sum,
            ),
        ),
        (
            "declines",
            chart(
                ChartKind::Line,
                Some("day"),
                Some("declined"),
                Aggregation::Sum,
            ),
        ),
        (
            "battery",
            chart(
                ChartKind::Area,
                Some("hour"),
                Some("battery"),
                Aggregation::Avg,
            ),
        ),
        ("offline", {
            let mut c = chart(
                ChartKind::DensityMap,
                None,
                Some("events"),
                Aggregation::Sum,
            );
            c.lat = Some("lat".into());
            c.lon = Some("lon".into());
            c
        }),
        (
            "latency",
            chart(
                ChartKind::Histogram,
                Some("p95_ms"),
                None,
                Aggregation::Count,
            ),
        ),
        (
            "settled",
            chart(ChartKind::Kpi, Some("ts"), Some("amount"), Aggregation::Sum),
        ),
        (
            "in_city",
            chart(ChartKind::Table, None, None, Aggregation::Count),
        ),
    ];
    let mut places = Vec::new();
    for (step, spec) in charts {
        let place = GridPlace::next_free(&places);
        places.push(place);
        analysis.widgets.push(Widget {
            step: step.into(),
            title: None,
            chart: Some(spec),
            place,
        });
    }
    analysis
}

fn chart(kind: ChartKind, x: Option<&str>, y: Option<&str>, aggregation: Aggregation) -> ChartSpec {
    let mut spec = ChartSpec::new(kind);
    spec.x = x.map(str::to_string);
    spec.y = y.map(str::to_string);
    spec.aggregation = aggregation;
    spec
}

#[test]
fn ten_steps_and_ten_widgets_fit_in_a_link() {
    let analysis = ten_by_ten();
    assert_eq!(analysis.validate(), Ok(()));
    let json = analysis.to_compact_json();
    let fragment = encode_fragment(&analysis);
    let link = share_link("http://localhost:8080/", &analysis);
    // Printed for the record (`cargo test -p meridian-model --test share_links -- --nocapture`).
    println!(
        "10 steps + 10 widgets: JSON {} bytes, fragment {} characters, link {} characters (limit {MAX_LINK_CHARS})",
        json.len(),
        fragment.len(),
        link.as_ref().map_or_else(|too_long| *too_long, String::len)
    );
    assert!(link.is_ok(), "too long for a link: {link:?}");
    assert_eq!(decode_fragment(&fragment), Ok(analysis));
}

#[test]
fn an_analysis_too_long_for_a_link_is_refused_as_a_link() {
    let mut analysis = ten_by_ten();
    for step in &mut analysis.steps {
        // Notes are prose: pseudo-random words compress poorly.
        step.note = (0..120u64)
            .map(|i| {
                format!(
                    "w{:x}",
                    i.wrapping_mul(2_654_435_761) ^ step.name.len() as u64
                )
            })
            .collect::<Vec<_>>()
            .join(" ");
    }
    let length = share_link("http://localhost:8080/", &analysis).err();
    assert!(length.is_some_and(|n| n > MAX_LINK_CHARS), "{length:?}");
}

/// Links written by released versions. Each must keep opening, unchanged.
const GOLDEN_LINKS: [(&str, &str); 1] = [(
    "v1: two steps, a parameter, a chart",
    "a1.XVJta9swEP4rhxi0HV5Jx7YPhg66xts-bMtwVsoYxZxt1TGVZE86pxXB_30n2QnJvgjdy_NyJ-3EVlrXdkakV4mglpQUqVhL4ksNVm6lGSSUHqqWvEiE6wZbSSfSPzvx1Jqamx3qnlGMxjKiyaJxWBGzugCZ6v_lxweukOwnKoM6dLhJN4D-quAj-5bd_oLX8DlffYdjPNx_zfIMHCENDq7hbIaewc2PJaDuBkPw8Rpe6dYUU8ispqMgszLKwwyAHr2WhhxUEYNuP_WlGJODs9IX-w0cOwu5BCwj63M36PNJ6SKBtxdwsz7sL9rfC37JV3c_4dPvCIZVvszyEO17l9n6Nm6nR8vaxM9zvKKTeRSWMrrRqJR0BIfK_DZm0KW0HG9RDQy_WlwuksAhUr4Flee2biRNEuE9TmatNmhJpLuTTzJTV0iy6ax_U2IQeAmpCeX5Ok_DETaNlQ1ShAteEud6hb7E6kmkj6icTARzFLqrw4ANb7OPf4C6vmDMe2YsHjurMVpx5ONvYg4eY-S2jYybUW2zoZDgSiVDK3taRDt8Pov0QyI2In03jg_jPw",
)];

#[test]
fn golden_links_keep_opening() {
    for (what, fragment) in GOLDEN_LINKS {
        let analysis = match decode_fragment(fragment) {
            Ok(analysis) => analysis,
            Err(error) => panic!("{what}: {error}"),
        };
        assert_eq!(analysis.title, "Settled revenue by city", "{what}");
        assert_eq!(analysis.steps.len(), 2, "{what}");
        assert_eq!(analysis.steps[1].name, "by_city", "{what}");
        assert_eq!(analysis.parameters[0].name, "min_amount", "{what}");
        assert_eq!(
            analysis.widgets[0].chart.as_ref().map(|c| c.kind),
            Some(ChartKind::CategoryBar),
            "{what}"
        );
        assert_eq!(analysis.validate(), Ok(()), "{what}");
    }
}

/// The analysis behind the v1 golden link; prints a fresh link for the table above
/// with `PRINT_GOLDEN=1 cargo test -p meridian-model --test share_links -- --nocapture`.
#[test]
fn print_golden_link_when_asked() {
    if std::env::var_os("PRINT_GOLDEN").is_none() {
        return;
    }
    let mut analysis = Analysis::new("Settled revenue by city");
    analysis.sources.push(Source::Sample {
        table: "transactions".into(),
        sample: "transactions".into(),
    });
    analysis.steps = vec![
        Step {
            name: "settled".into(),
            sql: "SELECT * FROM transactions WHERE status = 'settled' AND amount >= $min_amount".into(),
            note: "Only settled payments count as revenue.".into(),
        },
        Step {
            name: "by_city".into(),
            sql: "SELECT city, round(sum(amount), 2) AS revenue FROM settled GROUP BY city ORDER BY revenue DESC".into(),
            note: String::new(),
        },
    ];
    analysis.parameters.push(Parameter {
        name: "min_amount".into(),
        label: Some("Smallest amount".into()),
        value: ParamValue::Number {
            value: 10.0,
            min: Some(0.0),
            max: None,
        },
    });
    analysis.widgets.push(Widget {
        step: "by_city".into(),
        title: None,
        chart: Some(chart(
            ChartKind::CategoryBar,
            Some("city"),
            Some("revenue"),
            Aggregation::Sum,
        )),
        place: GridPlace::next_free(&[]),
    });
    println!("{}", encode_fragment(&analysis));
}
