//! Printing a result as a table, CSV, JSON or an Arrow IPC stream.

use std::io::Write;
use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};

use meridian_engine::cast_batches;

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
        OutputFormat::Arrow => {
            let portable = portable_schema(schema);
            let mut writer = arrow::ipc::writer::StreamWriter::try_new(&mut out, &portable)
                .map_err(|e| failed(&e))?;
            for batch in cast_batches(batches, &portable).map_err(|e| failed(&e))? {
                writer.write(&batch).map_err(|e| failed(&e))?;
            }
            writer.finish().map_err(|e| failed(&e))
        }
    }
}

/// The schema with view types replaced by their plain forms: many Arrow readers
/// (other engines' among them) do not know string or binary views yet.
fn portable_schema(schema: &SchemaRef) -> SchemaRef {
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|field| {
            let plain = match field.data_type() {
                DataType::Utf8View => DataType::Utf8,
                DataType::BinaryView => DataType::Binary,
                other => other.clone(),
            };
            field.as_ref().clone().with_data_type(plain)
        })
        .collect();
    Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()))
}
