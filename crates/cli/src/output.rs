//! Printing a result as a table, CSV or JSON.

use std::io::Write;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;

use crate::args::OutputFormat;
use crate::commands::CliError;

pub fn print(
    format: OutputFormat,
    schema: &SchemaRef,
    batches: &[RecordBatch],
    mut out: impl Write,
) -> Result<(), CliError> {
    let failed = |e: &dyn std::fmt::Display| CliError::Output(e.to_string());
    match format {
        OutputFormat::Table => {
            let table = if batches.is_empty() {
                arrow::util::pretty::pretty_format_batches(&[RecordBatch::new_empty(
                    schema.clone(),
                )])
            } else {
                arrow::util::pretty::pretty_format_batches(batches)
            }
            .map_err(|e| failed(&e))?;
            writeln!(out, "{table}").map_err(|e| failed(&e))
        }
        OutputFormat::Csv => {
            let mut writer = arrow::csv::WriterBuilder::new()
                .with_header(true)
                .build(&mut out);
            if batches.is_empty() {
                writer
                    .write(&RecordBatch::new_empty(schema.clone()))
                    .map_err(|e| failed(&e))?;
            }
            for batch in batches {
                writer.write(batch).map_err(|e| failed(&e))?;
            }
            Ok(())
        }
        OutputFormat::Json => {
            let mut writer = arrow::json::ArrayWriter::new(&mut out);
            let refs: Vec<&RecordBatch> = batches.iter().collect();
            writer.write_batches(&refs).map_err(|e| failed(&e))?;
            writer.finish().map_err(|e| failed(&e))?;
            if batches.is_empty() {
                write!(out, "[]").map_err(|e| failed(&e))?;
            }
            writeln!(out).map_err(|e| failed(&e))
        }
    }
}
