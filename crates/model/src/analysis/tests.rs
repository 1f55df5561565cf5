use std::collections::BTreeMap;

use super::*;
use crate::{ChartKind, ChartSpec, DatasetFormat, DatasetInfo, DatasetSource};

/// An analysis as version 1 wrote it. It must keep opening in every later version.
const GOLDEN_V1: &str = r#"{
  "version": 1,
  "title": "Card payments by city",
  "sources": [
    {"kind": "sample", "table": "transactions", "sample": "transactions"},
    {"kind": "upload", "table": "stores", "file_name": "stores.csv", "size_bytes": 1200,
     "sha256": "ab12", "format": "csv"},
    {"kind": "url", "table": "fx", "url": "https://example.com/fx.parquet", "format": "parquet"}
  ],
  "steps": [
    {"name": "settled", "sql": "SELECT * FROM transactions WHERE status = 'settled' AND ts >= $period_from AND ts < $period_to",
     "note": "Only **settled** payments."},
    {"name": "by_city", "sql": "SELECT city, sum(amount) AS revenue FROM settled WHERE amount >= $min_amount GROUP BY city"}
  ],
  "parameters": [
    {"name": "period", "label": "Period", "kind": "date-range", "from_ms": 1772409600000, "to_ms": 1774828800000},
    {"name": "min_amount", "kind": "number", "value": 5.0, "min": 0.0}
  ],
  "widgets": [
    {"step": "by_city", "chart": {"version": 1, "kind": "category-bar", "x": "city", "y": "revenue", "aggregation": "sum"},
     "place": {"x": 0, "y": 0, "w": 6, "h": 4}},
    {"step": "settled", "title": "Payments", "place": {"x": 6, "y": 0, "w": 6, "h": 4}}
  ]
}"#;

fn golden() -> Analysis {
    match Analysis::from_json(GOLDEN_V1) {
        Ok(analysis) => analysis,
        Err(error) => panic!("the golden v1 analysis no longer opens: {error}"),
    }
}

fn step(name: &str, sql: &str) -> Step {
    Step {
        name: name.into(),
        sql: sql.into(),
        note: String::new(),
    }
}

/// raw → daily → weekly, and raw → big (a side branch).
fn chain() -> Analysis {
    let mut analysis = Analysis::new("chain");
    analysis.sources.push(Source::Sample {
        table: "transactions".into(),
        sample: "transactions".into(),
    });
    analysis.steps = vec![
        step("raw", "SELECT * FROM transactions WHERE city = $city"),
        step(
            "daily",
            "SELECT date_trunc('day', ts) AS day, count(*) AS n FROM raw GROUP BY 1",
        ),
        step(
            "weekly",
            "SELECT date_trunc('week', day) AS week, sum(n) AS n FROM daily GROUP BY 1",
        ),
        step("big", "SELECT * FROM raw WHERE amount > $min_amount"),
    ];
    analysis.parameters = vec![
        Parameter {
            name: "city".into(),
            label: None,
            value: ParamValue::Choice {
                options: vec!["Paris".into(), "Berlin".into()],
                value: "Paris".into(),
            },
        },
        Parameter {
            name: "min_amount".into(),
            label: None,
            value: ParamValue::Number {
                value: 100.0,
                min: None,
                max: None,
            },
        },
    ];
    analysis
}

/// What the engine would hold after running everything in `analysis`.
fn all_fresh(analysis: &Analysis) -> BTreeMap<String, StepKey> {
    let inputs = analysis.step_inputs().unwrap_or_default();
    let keys = analysis.step_keys(&inputs);
    analysis
        .steps
        .iter()
        .map(|s| s.name.clone())
        .zip(keys)
        .collect()
}

fn names(analysis: &Analysis, indexes: &[usize]) -> Vec<String> {
    indexes
        .iter()
        .map(|&i| analysis.steps[i].name.clone())
        .collect()
}

fn to_run(
    analysis: &Analysis,
    fresh: &BTreeMap<String, StepKey>,
    target: Option<usize>,
) -> Vec<String> {
    match steps_to_run(analysis, fresh, target) {
        Ok(indexes) => names(analysis, &indexes),
        Err(error) => panic!("{error}"),
    }
}

#[test]
fn golden_v1_opens_with_every_part() {
    let analysis = golden();
    assert_eq!(analysis.title, "Card payments by city");
    assert_eq!(analysis.sources.len(), 3);
    assert_eq!(
        analysis.sources[1],
        Source::Upload {
            table: "stores".into(),
            file_name: "stores.csv".into(),
            size_bytes: 1200,
            sha256: "ab12".into(),
            format: DatasetFormat::Csv,
        }
    );
    assert_eq!(analysis.steps[0].note, "Only **settled** payments.");
    assert_eq!(analysis.parameters[0].label(), "Period");
    let chart = analysis.widgets[0].chart.as_ref().map(|c| c.kind);
    assert_eq!(chart, Some(ChartKind::CategoryBar));
    assert_eq!(analysis.widgets[1].chart, None);
    assert_eq!(analysis.widgets[1].title(), "Payments");
    assert_eq!(analysis.validate(), Ok(()));
}

#[test]
fn every_version_round_trips() {
    let mut analysis = golden();
    analysis.widgets[1].chart = Some(ChartSpec::new(ChartKind::Line));
    for text in [analysis.to_json(), analysis.to_compact_json()] {
        assert_eq!(Analysis::from_json(&text), Ok(analysis.clone()));
    }
}

#[test]
fn newer_versions_are_refused_with_a_sentence() {
    let text = GOLDEN_V1.replacen("\"version\": 1", "\"version\": 7", 1);
    let error = Analysis::from_json(&text).err().map(|e| e.to_string());
    assert_eq!(
        error.as_deref(),
        Some("this analysis is version 7; this Meridian reads versions up to 1")
    );
    assert!(matches!(
        Analysis::from_json("{\"title\": 3}"),
        Err(AnalysisError::Malformed(_))
    ));
}

#[test]
fn steps_depend_on_the_earlier_steps_they_name() {
    let analysis = chain();
    let inputs = analysis.step_inputs().unwrap_or_default();
    let deps: Vec<Vec<usize>> = inputs.iter().map(|i| i.steps.clone()).collect();
    assert_eq!(deps, vec![vec![], vec![0], vec![1], vec![0]]);
    assert_eq!(inputs[0].sources, vec![0]);
    assert_eq!(analysis.ancestors(&inputs, 2), vec![0, 1, 2]);
    assert_eq!(analysis.dependants(&inputs, 1), vec![1, 2]);
    assert_eq!(analysis.dependants(&inputs, 0), vec![0, 1, 2, 3]);
}

#[test]
fn a_later_step_name_is_not_a_dependency() {
    let mut analysis = Analysis::new("columns");
    analysis.steps = vec![
        step("first", "SELECT 1 AS revenue"),
        step("revenue", "SELECT revenue * 2 AS revenue FROM first"),
    ];
    let inputs = analysis.step_inputs().unwrap_or_default();
    assert_eq!(inputs[0].steps, Vec::<usize>::new());
    assert_eq!(inputs[1].steps, vec![0]);
}

#[test]
fn editing_a_middle_step_reruns_exactly_it_and_its_dependants() {
    let mut analysis = chain();
    let fresh = all_fresh(&analysis);
    assert_eq!(
        to_run(&analysis, &BTreeMap::new(), None),
        ["raw", "daily", "weekly", "big"]
    );
    assert!(to_run(&analysis, &fresh, None).is_empty());

    analysis.steps[1].sql =
        "SELECT date_trunc('day', ts) AS day, count(*) AS n FROM raw GROUP BY 1 ORDER BY 1".into();
    assert_eq!(to_run(&analysis, &fresh, None), ["daily", "weekly"]);
    // Only what the step on screen needs.
    assert_eq!(to_run(&analysis, &fresh, Some(1)), ["daily"]);
    assert!(to_run(&analysis, &fresh, Some(3)).is_empty());
}

#[test]
fn a_parameter_reruns_only_the_steps_that_use_it() {
    let mut analysis = chain();
    let fresh = all_fresh(&analysis);
    analysis.parameters[1].value = ParamValue::Number {
        value: 250.0,
        min: None,
        max: None,
    };
    assert_eq!(to_run(&analysis, &fresh, None), ["big"]);
    analysis.parameters[0].value = ParamValue::Choice {
        options: vec!["Paris".into(), "Berlin".into()],
        value: "Berlin".into(),
    };
    assert_eq!(
        to_run(&analysis, &fresh, None),
        ["raw", "daily", "weekly", "big"]
    );
}

#[test]
fn new_source_data_makes_its_steps_stale() {
    let mut analysis = chain();
    let fresh = all_fresh(&analysis);
    analysis.sources[0] = Source::Url {
        table: "transactions".into(),
        url: "https://example.com/t.parquet".into(),
        format: DatasetFormat::Parquet,
    };
    assert_eq!(
        to_run(&analysis, &fresh, None),
        ["raw", "daily", "weekly", "big"]
    );
}

#[test]
fn unknown_placeholders_name_the_parameters_that_exist() {
    let mut analysis = chain();
    analysis.steps[3].sql = "SELECT * FROM raw WHERE amount > $min_amont".into();
    let error = analysis.validate().err().map(|e| e.to_string());
    assert_eq!(
        error.as_deref(),
        Some(
            "step 'big' uses $min_amont, which no parameter fills; the parameters fill $city, $min_amount"
        )
    );
}

#[test]
fn names_must_be_valid_and_unique() {
    let mut analysis = chain();
    analysis.steps[2].name = "raw".into();
    assert_eq!(
        analysis.validate(),
        Err(AnalysisError::DuplicateName("raw".into()))
    );
    analysis.steps[2].name = "transactions".into();
    assert_eq!(
        analysis.validate(),
        Err(AnalysisError::DuplicateName("transactions".into()))
    );
    analysis.steps[2].name = "9lives".into();
    assert!(matches!(
        analysis.validate(),
        Err(AnalysisError::BadStepName { position: 3, .. })
    ));
}

#[test]
fn a_widget_lineage_follows_steps_to_sources_and_parameters() {
    let mut analysis = chain();
    analysis.widgets.push(Widget {
        step: "weekly".into(),
        title: None,
        chart: None,
        place: GridPlace::next_free(&[]),
    });
    let lineage = analysis.lineage(&analysis.widgets[0]);
    assert_eq!(
        lineage,
        Ok(Lineage {
            steps: vec!["raw".into(), "daily".into(), "weekly".into()],
            sources: vec!["transactions".into()],
            parameters: vec!["city".into()],
        })
    );
    analysis.widgets[0].step = "gone".into();
    assert_eq!(
        analysis.validate(),
        Err(AnalysisError::UnknownWidgetStep("gone".into()))
    );
}

#[test]
fn renaming_a_step_moves_its_widgets() {
    let mut analysis = golden();
    analysis.rename_step("by_city", "per_city");
    assert_eq!(analysis.widgets[0].step, "per_city");
    assert_eq!(analysis.next_step_name(), "step_1");
}

#[test]
fn grid_places_fill_two_per_row() {
    let mut taken = Vec::new();
    for _ in 0..3 {
        taken.push(GridPlace::next_free(&taken));
    }
    let xy: Vec<(u32, u32)> = taken.iter().map(|p| (p.x, p.y)).collect();
    assert_eq!(xy, [(0, 0), (6, 0), (0, 4)]);
}

#[test]
fn a_file_name_comes_from_the_title() {
    assert_eq!(
        Analysis::new("Card payments: Q1 / Paris").file_name(),
        "card-payments-q1-paris.meridian.json"
    );
    assert_eq!(Analysis::new("  ").file_name(), "analysis.meridian.json");
}

fn dataset(name: &str, source: DatasetSource, sha: Option<&str>) -> DatasetInfo {
    DatasetInfo {
        name: name.into(),
        format: DatasetFormat::Csv,
        source,
        size_bytes: 10,
        row_count: 1,
        columns: Vec::new(),
        content_sha256: sha.map(str::to_string),
        held_in_memory: false,
    }
}

#[test]
fn loaded_datasets_become_sources() {
    let sample = dataset(
        "tx",
        DatasetSource::Sample {
            url: "http://host/samples/transactions.parquet".into(),
        },
        None,
    );
    assert_eq!(
        Source::of_dataset(&sample),
        Source::Sample {
            table: "tx".into(),
            sample: "transactions".into()
        }
    );
    let upload = dataset(
        "cities",
        DatasetSource::File {
            file_name: "cities.csv".into(),
        },
        Some("aa"),
    );
    assert!(matches!(
        Source::of_dataset(&upload),
        Source::Upload { ref sha256, .. } if sha256 == "aa"
    ));
}

#[test]
fn a_different_file_under_an_uploads_name_is_called_out() {
    let file = |sha: &str| {
        Source::of_dataset(&dataset(
            "cities",
            DatasetSource::File {
                file_name: "cities.csv".into(),
            },
            Some(sha),
        ))
    };
    let expected = file("aa");
    assert_eq!(expected.changed_upload(&file("aa")), None);
    assert_eq!(
        expected.changed_upload(&file("bb")).as_deref(),
        Some(
            "'cities.csv' is not the file this analysis was made with (its contents differ), so table cities may give other numbers."
        )
    );
    // An analysis saved before hashes were kept has nothing to compare.
    assert_eq!(file("").changed_upload(&file("bb")), None);
}

#[test]
fn upload_hashes_name_only_uploaded_files() {
    let analysis = golden();
    assert_eq!(analysis.upload_hashes().collect::<Vec<_>>(), ["ab12"]);
}

#[test]
fn step_names_are_lower_case() {
    assert!(validate_step_name("by_city").is_ok());
    let error = validate_step_name("ByCity").expect_err("capitals are refused");
    assert!(error.contains("use lower case ('bycity')"), "{error}");
    assert!(
        validate_step_name("by city")
            .expect_err("spaces are refused")
            .contains("step name")
    );
}

#[test]
fn added_steps_take_the_next_free_name() {
    let mut analysis = golden();
    let index = analysis.add_step("SELECT 1".into());
    assert_eq!(index, 2);
    assert_eq!(analysis.steps[index].name, "step_1");
    assert_eq!(analysis.add_step("SELECT 2".into()), 3);
    assert_eq!(analysis.steps[3].name, "step_2");
}

#[test]
fn a_file_hashed_in_pieces_hashes_as_whole() {
    let bytes: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let mut hasher = ContentHasher::default();
    for piece in bytes.chunks(4_099) {
        hasher.update(piece);
    }
    assert_eq!(hasher.finish(), content_sha256(&bytes));
    // The known digest of nothing, so the hex spelling cannot drift.
    assert_eq!(
        content_sha256(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}
