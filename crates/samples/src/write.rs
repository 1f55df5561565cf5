//! Writing generated batches as Parquet or CSV.

use std::io::Write;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

/// Why writing a sample failed.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    /// The destination could not be written (disk full, no permission).
    #[error("could not write the sample: {0}")]
    Io(#[from] std::io::Error),
    /// The Parquet encoder refused the data; a bug in the generator.
    #[error("could not encode the sample as Parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// The CSV encoder refused the data; a bug in the generator.
    #[error("could not encode the sample as CSV: {0}")]
    Csv(#[from] arrow::error::ArrowError),
}

/// The file formats samples are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleFormat {
    Parquet,
    Csv,
}

/// Rows per Parquet row group: small enough that range reads skip most of a file.
pub const ROW_GROUP_ROWS: usize = 131_072;

/// Writes batches as one Parquet file with the given compression (zstd by default).
pub fn write_parquet<W: Write + Send>(
    schema: SchemaRef,
    batches: impl IntoIterator<Item = RecordBatch>,
    out: W,
    compression: Option<Compression>,
) -> Result<(), SampleError> {
    let properties = WriterProperties::builder()
        .set_compression(
            compression.unwrap_or(Compression::ZSTD(ZstdLevel::try_new(3).unwrap_or_default())),
        )
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .build();
    let mut writer = ArrowWriter::try_new(out, schema, Some(properties))?;
    for batch in batches {
        writer.write(&batch)?;
    }
    writer.close()?;
    Ok(())
}

/// Writes batches as CSV with a header row.
pub fn write_csv<W: Write>(
    batches: impl IntoIterator<Item = RecordBatch>,
    out: W,
) -> Result<(), SampleError> {
    let mut writer = arrow::csv::WriterBuilder::new()
        .with_header(true)
        .with_timestamp_tz_format("%Y-%m-%dT%H:%M:%S%.3fZ".to_string())
        .build(out);
    for batch in batches {
        writer.write(&batch)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transactions;

    #[test]
    fn parquet_and_csv_hold_every_row() {
        let mut parquet_bytes = Vec::new();
        write_parquet(
            transactions::schema(),
            transactions::generate(1_000, 1),
            &mut parquet_bytes,
            None,
        )
        .expect("parquet");
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
            bytes::Bytes::from(parquet_bytes),
        )
        .expect("reader");
        assert_eq!(reader.metadata().file_metadata().num_rows(), 1_000);

        let mut csv = Vec::new();
        write_csv(transactions::generate(1_000, 1), &mut csv).expect("csv");
        let text = String::from_utf8(csv).expect("utf8");
        assert_eq!(text.lines().count(), 1_001);
        assert!(text.starts_with(
            "ts,merchant_id,store_id,city,lat,lon,amount,currency,card_type,status\n2026-03-02T"
        ));
    }
}
