//! The engine's checks run inside headless Chromium, where the app runs it.
//! `cargo test -p meridian-engine --target wasm32-unknown-unknown --test browser`

#![cfg(target_arch = "wasm32")]

mod common;

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn every_codec_and_csv_in_the_browser() {
    common::every_codec_and_csv_read_the_same_rows().await;
}

#[wasm_bindgen_test]
async fn tables_held_in_memory_in_the_browser() {
    common::tables_held_in_memory_answer_as_files_do().await;
}

#[wasm_bindgen_test]
async fn decimal_arithmetic_in_the_browser() {
    common::decimal_arithmetic_answers_as_datafusion_does().await;
}

#[wasm_bindgen_test]
async fn windows_in_the_browser() {
    common::windows_answer_as_datafusion_does().await;
}

#[wasm_bindgen_test]
async fn sparse_join_keys_in_the_browser() {
    common::sparse_integer_keys_join_by_index().await;
}

#[wasm_bindgen_test]
async fn explain_analyze_in_the_browser() {
    common::explain_analyze_measures_the_plan().await;
}

#[wasm_bindgen_test]
async fn a_bad_file_in_the_browser() {
    common::a_bad_file_names_itself_and_spares_the_others().await;
}

#[wasm_bindgen_test]
async fn steps_bind_parameters_in_the_browser() {
    common::steps_bind_parameters_and_chain().await;
}

#[wasm_bindgen_test]
async fn a_cross_filter_in_the_browser() {
    common::a_cross_filter_restricts_tables_with_its_column().await;
}

#[wasm_bindgen_test]
async fn parquet_export_in_the_browser() {
    common::tables_export_as_parquet().await;
}

#[wasm_bindgen_test]
async fn a_split_query_in_the_browser() {
    common::split::a_split_query_answers_as_one_engine_does().await;
}
