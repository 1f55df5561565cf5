//! Holding tables decoded in memory.
//!
//! A table registered from Parquet or CSV is decoded again by every query that
//! reads it. Where the engine lives long and answers many queries (the
//! browser worker), decoding each table once at registration and keeping the
//! Arrow batches makes every later scan a walk over memory: a selective
//! TPC-H Q6 over six million rows runs five times faster from memory than from
//! Parquet. Memory is finite (a wasm32 worker has 4 GiB at most, and queries
//! need their share), so tables are held only while their decoded size fits a
//! budget; a table that does not fit stays where it is. Only tables whose
//! bytes are already in memory are held: a file the worker reads by ranges
//! (a large chosen file, Parquet on a server) was left on disk or on the
//! server so as not to read it whole, and holding it would read it whole.

use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::array::{Array, RecordBatch, RecordBatchOptions};
use datafusion::arrow::compute::BatchCoalescer;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::error::ArrowError;
use datafusion::catalog::TableProvider;
use datafusion::common::utils::memory::RecordBatchMemoryCounter;
use datafusion::datasource::MemTable;
use datafusion::datasource::listing::ListingTableUrl;
use datafusion::datasource::physical_plan::parquet::metadata::DFParquetMetadata;
use datafusion::error::DataFusionError;
use futures::StreamExt;
use meridian_model::DatasetFormat;
use object_store::ObjectStoreExt;

use crate::compact::Compaction;
use crate::compact_table::CompactTable;
use crate::{Engine, LoadRequest};

/// How many bytes of decoded tables the engine may hold, and what it holds.
#[derive(Debug, Default)]
pub(crate) struct MemoryBudget {
    limit_bytes: u64,
    /// Decoded bytes held, by table name.
    held: BTreeMap<String, u64>,
}

impl MemoryBudget {
    fn held_total(&self) -> u64 {
        self.held.values().sum()
    }

    fn room(&self) -> u64 {
        self.limit_bytes.saturating_sub(self.held_total())
    }

    pub(crate) fn forget(&mut self, name: &str) {
        self.held.remove(name);
    }

    pub(crate) fn rename(&mut self, from: &str, to: &str) {
        if let Some(bytes) = self.held.remove(from) {
            self.held.insert(to.to_string(), bytes);
        }
    }
}

impl Engine {
    /// Decodes tables at registration and keeps them in memory while together
    /// they take at most `limit_bytes`. Off (zero) unless asked for: a process
    /// that runs one query, like the CLI, would only decode twice.
    pub fn hold_tables_in_memory(&mut self, limit_bytes: u64) {
        self.budget.limit_bytes = limit_bytes;
    }

    /// Whether table `name` is held decoded in memory.
    pub fn is_held_in_memory(&self, name: &str) -> bool {
        self.budget.held.contains_key(name)
    }

    /// Bytes of decoded tables held in memory.
    pub fn held_bytes(&self) -> u64 {
        self.budget.held_total()
    }

    /// Replaces the just-registered table `request.name` by its decoded batches
    /// when they fit the budget; returns whether it did. Not fitting, and
    /// failing to decode, leave the table in its file: whether a file loads
    /// must not depend on how full the budget is, so the file's errors are
    /// left to the row count that follows, as for a table that is not held.
    pub(crate) async fn hold_decoded(
        &mut self,
        request: &LoadRequest,
        table_url: &str,
        size_bytes: u64,
    ) -> bool {
        let room = self.budget.room();
        if room == 0 {
            return false;
        }
        let Ok(Some((decoded, held_bytes))) = self
            .decode_within(request, table_url, size_bytes, room)
            .await
        else {
            return false;
        };
        let name = request.name.as_str();
        // Swapping providers under one name cannot fail once the first is found.
        if self.context.deregister_table(name).is_err()
            || self.context.register_table(name, decoded).is_err()
        {
            return false;
        }
        self.budget.held.insert(request.name.clone(), held_bytes);
        true
    }

    /// The table decoded into memory with its size, or `None` when it would
    /// take more than `room` bytes.
    async fn decode_within(
        &self,
        request: &LoadRequest,
        table_url: &str,
        size_bytes: u64,
        room: u64,
    ) -> Result<Option<(Arc<dyn TableProvider>, u64)>, DataFusionError> {
        let estimate = match request.format {
            DatasetFormat::Parquet => self.parquet_decoded_size(table_url).await?,
            // Text shrinks into columns of numbers; strings keep about their size.
            DatasetFormat::Csv | DatasetFormat::Json => size_bytes,
            // Already decoded into memory when registered.
            DatasetFormat::ArrowIpc => return Ok(None),
        };
        if estimate > room {
            return Ok(None);
        }
        let table = self.context.table(request.name.as_str()).await?;
        let batch_size = self.context.state().config().batch_size();
        let mut stream = table.execute_stream().await?;
        let schema = stream.schema();
        let mut held = HeldBatches::new(Arc::clone(&schema), batch_size, room);
        while let Some(batch) = stream.next().await {
            if !held.push(batch?)? {
                // The estimate was low; what is decoded so far is dropped here.
                return Ok(None);
            }
        }
        let Some((batches, held_schema, held_bytes)) = held.finish()? else {
            return Ok(None);
        };
        let held_table = MemTable::try_new(Arc::clone(&held_schema), vec![batches])?;
        if held_schema == schema {
            return Ok(Some((Arc::new(held_table), held_bytes)));
        }
        let compact = CompactTable::new(schema, held_table);
        Ok(Some((Arc::new(compact), held_bytes)))
    }

    /// The uncompressed size of a Parquet file's row groups, from its footer.
    async fn parquet_decoded_size(&self, table_url: &str) -> Result<u64, DataFusionError> {
        let url = ListingTableUrl::parse(table_url)?;
        let store = self.context.runtime_env().object_store(&url)?;
        let object = store.head(url.prefix()).await?;
        let metadata = DFParquetMetadata::new(store.as_ref(), &object)
            .fetch_metadata()
            .await?;
        let total = metadata
            .row_groups()
            .iter()
            .map(|group| group.total_byte_size().max(0) as u64)
            .sum();
        Ok(total)
    }
}

/// `batch` with the unused capacity of its buffers given back.
///
/// The Parquet reader allocates each batch's buffers for a full batch, and a
/// row group's last batch is rarely full: TPC-H lineitem at scale factor 1,
/// decoded natively in the browser's batch size (32,768 rows), took 1,400 MB,
/// and 1,286 MB once shrunk, which is what lets `orders` be held beside it. Buffers that another
/// array shares (string views pointing into a page) are left as they are.
fn without_spare_capacity(batch: RecordBatch) -> Result<RecordBatch, ArrowError> {
    let (schema, mut columns, row_count) = batch.into_parts();
    for column in &mut columns {
        column.shrink_to_fit();
    }
    let options = RecordBatchOptions::new().with_row_count(Some(row_count));
    RecordBatch::try_new_with_options(schema, columns, &options)
}

/// A decoded table's batches, gathered into full batches of the session's
/// size and counted against the room left for them.
///
/// The Parquet reader ends each row group with a short batch (TPC-H lineitem
/// at scale factor 1 in 32,768-row batches: about 15,000 rows at the end of
/// each group). Held as they come, those short batches cost every later query:
/// a filter gathers its output into full batches, and passes a full batch
/// through uncopied only while nothing waits in its buffer, so once a short
/// batch's survivors wait there, every following batch is copied. Natively,
/// TPC-H Q1 at scale factor 1 took 365 ms over the batches as read and 288 ms
/// over full ones (median of five).
struct HeldBatches {
    coalescer: BatchCoalescer,
    /// Which columns are held as dictionaries, once the table has not fitted
    /// the room as decoded; `None` until then.
    compaction: Option<Compaction>,
    decoded_schema: SchemaRef,
    batches: Vec<RecordBatch>,
    /// Each buffer once, however many batches reach it: batches cut from one
    /// Parquet page share its bytes through their string views. Summing each
    /// batch's own size counted TPC-H lineitem at scale factor 1 as 1,808 MB
    /// where its distinct buffers take 1,295 MB (measured natively, 8,192-row
    /// batches), which kept tables out of memory that fitted in it.
    counter: RecordBatchMemoryCounter,
    held_bytes: u64,
    room: u64,
}

impl HeldBatches {
    fn new(schema: SchemaRef, batch_size: usize, room: u64) -> Self {
        Self {
            coalescer: BatchCoalescer::new(Arc::clone(&schema), batch_size.max(1)),
            compaction: None,
            decoded_schema: schema,
            batches: Vec::new(),
            counter: RecordBatchMemoryCounter::new(),
            held_bytes: 0,
            room,
        }
    }

    /// Takes `batch`; false once what is held no longer fits the room.
    fn push(&mut self, batch: RecordBatch) -> Result<bool, ArrowError> {
        self.coalescer.push_batch(batch)?;
        self.keep_completed()
    }

    /// The batches in their order, their schema and the bytes they take, or
    /// `None` when they do not fit the room.
    fn finish(mut self) -> Result<Option<(Vec<RecordBatch>, SchemaRef, u64)>, ArrowError> {
        self.coalescer.finish_buffered_batch()?;
        if !self.keep_completed()? {
            return Ok(None);
        }
        let schema = match &self.compaction {
            Some(compaction) => Arc::clone(compaction.held_schema()),
            None => self.decoded_schema,
        };
        Ok(Some((self.batches, schema, self.held_bytes)))
    }

    fn keep_completed(&mut self) -> Result<bool, ArrowError> {
        while let Some(batch) = self.coalescer.next_completed_batch() {
            self.hold(without_spare_capacity(batch)?)?;
            if self.held_bytes > self.room && !self.compact_what_is_held()? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Keeps `batch`, held as the compaction chosen says if there is one.
    fn hold(&mut self, batch: RecordBatch) -> Result<(), ArrowError> {
        let mut widened = false;
        let batch = match &mut self.compaction {
            Some(compaction) => {
                let (held, changed) = compaction.apply(batch)?;
                widened = changed;
                held
            }
            None => batch,
        };
        self.held_bytes += self.counter.count_batch(&batch) as u64;
        self.batches.push(batch);
        if widened {
            self.hold_again()?;
        }
        Ok(())
    }

    /// Holds every batch kept so far as the compaction now says, counted
    /// afresh. A batch that widens a column's keys makes those before it be
    /// held again, which can widen no further column.
    fn hold_again(&mut self) -> Result<(), ArrowError> {
        let Some(compaction) = &mut self.compaction else {
            return Ok(());
        };
        loop {
            self.counter = RecordBatchMemoryCounter::new();
            self.held_bytes = 0;
            let mut widened = false;
            for batch in std::mem::take(&mut self.batches) {
                let (held, changed) = compaction.apply(batch)?;
                widened |= changed;
                self.held_bytes += self.counter.count_batch(&held) as u64;
                self.batches.push(held);
            }
            if !widened {
                return Ok(());
            }
        }
    }

    /// Holds the batches kept so far, and those to come, with their columns
    /// of few values as dictionaries (see `compact`); false when that does not
    /// bring them within the room, or they are held so already.
    ///
    /// Only a table that does not fit as decoded is held so: each scan of it
    /// casts the columns back, which natively cost TPC-H Q1 at scale factor 1
    /// about 44 ms of its 400, where a table that is not held at all costs
    /// every query its decoding (the benchmark's revenue per hour at scale
    /// factor 1, natively: 411 ms decoded from Parquet, 171 ms held as
    /// dictionaries).
    fn compact_what_is_held(&mut self) -> Result<bool, ArrowError> {
        if self.compaction.is_some() {
            return Ok(false);
        }
        // Every batch but the table's last is as long as the first, so a
        // first batch too long for the dictionaries' keys chooses none.
        let Some(first) = self.batches.first() else {
            return Ok(false);
        };
        let Some(compaction) = Compaction::choose(first)? else {
            return Ok(false);
        };
        self.compaction = Some(compaction);
        self.hold_again()?;
        Ok(self.held_bytes <= self.room)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Arc;

    use datafusion::arrow::array::Int64Array;
    use datafusion::arrow::buffer::ScalarBuffer;
    use datafusion::arrow::datatypes::{DataType, Field, Schema};

    use super::*;

    #[test]
    fn spare_capacity_is_given_back_and_values_kept() {
        let mut values = Vec::with_capacity(100_000);
        values.extend(0..1_000i64);
        let ids = Int64Array::new(ScalarBuffer::from(values), None);
        let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, false)]));
        let batch = RecordBatch::try_new(schema, vec![Arc::new(ids)]).unwrap();
        let before = RecordBatchMemoryCounter::new().count_batch(&batch);

        // Moved in, not cloned: a buffer another batch still reaches is not shrunk.
        let shrunk = without_spare_capacity(batch).unwrap();
        let after = RecordBatchMemoryCounter::new().count_batch(&shrunk);
        assert!(before >= 800_000, "{before}");
        assert!(after < 10_000, "{after}");
        assert_eq!(
            shrunk.column(0).as_ref(),
            &Int64Array::from_iter_values(0..1_000)
        );
    }

    fn ids_batch(schema: &SchemaRef, ids: std::ops::Range<i64>) -> RecordBatch {
        let ids = Int64Array::from_iter_values(ids);
        RecordBatch::try_new(Arc::clone(schema), vec![Arc::new(ids)]).unwrap()
    }

    fn id_schema() -> SchemaRef {
        Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, false)]))
    }

    #[test]
    fn row_groups_short_batches_are_held_as_full_ones_in_order() {
        let schema = id_schema();
        let mut held = HeldBatches::new(Arc::clone(&schema), 4, u64::MAX);
        // Two row groups of five rows read in batches of four: 4, 1, 4, 1.
        for range in [0..4, 4..5, 5..9, 9..10] {
            assert!(held.push(ids_batch(&schema, range)).unwrap());
        }
        let (batches, _, bytes) = held.finish().unwrap().unwrap();
        let sizes: Vec<usize> = batches.iter().map(RecordBatch::num_rows).collect();
        assert_eq!(sizes, [4, 4, 2]);
        let values: Vec<i64> = batches
            .iter()
            .flat_map(|batch| {
                let ids = batch.column(0).as_any().downcast_ref::<Int64Array>();
                ids.unwrap().values().to_vec()
            })
            .collect();
        assert_eq!(values, (0..10).collect::<Vec<_>>());
        assert!(bytes >= 80, "{bytes}");
    }

    #[test]
    fn batches_beyond_the_room_are_refused() {
        let schema = id_schema();
        let full = without_spare_capacity(ids_batch(&schema, 0..4)).unwrap();
        // Room for one full batch of four values and not a second.
        let room = RecordBatchMemoryCounter::new().count_batch(&full) as u64 + 1;
        let mut held = HeldBatches::new(Arc::clone(&schema), 4, room);
        assert!(held.push(ids_batch(&schema, 0..4)).unwrap());
        assert!(!held.push(ids_batch(&schema, 4..8)).unwrap());

        // The rows still buffered count too, when the table ends.
        let mut tail = HeldBatches::new(Arc::clone(&schema), 4, room);
        assert!(tail.push(ids_batch(&schema, 0..4)).unwrap());
        assert!(tail.push(ids_batch(&schema, 4..7)).unwrap());
        assert!(tail.finish().unwrap().is_none());
    }
}
