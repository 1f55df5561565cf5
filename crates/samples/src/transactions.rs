//! Card payments: who paid how much, where and when.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, Float64Builder, RecordBatch, StringBuilder, TimestampMillisecondBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};

use crate::places::{CITIES, STORES_PER_CITY, Store, stores};
use crate::random::{Random, cumulative};
use crate::{BATCH_ROWS, START_MS};

/// Four whole weeks, so weekly seasonality shows in any chart.
pub const DAYS: i64 = 28;
const HOUR_MS: i64 = 3_600_000;
const MERCHANTS: usize = 400;

/// The schema of the `transactions` table.
pub fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new(
            "ts",
            DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
            false,
        ),
        Field::new("merchant_id", DataType::Utf8, false),
        Field::new("store_id", DataType::Utf8, false),
        Field::new("city", DataType::Utf8, false),
        Field::new("lat", DataType::Float64, false),
        Field::new("lon", DataType::Float64, false),
        Field::new("amount", DataType::Float64, false),
        Field::new("currency", DataType::Utf8, false),
        Field::new("card_type", DataType::Utf8, false),
        Field::new("status", DataType::Utf8, false),
    ]))
}

/// Share of a day's payments in each local hour: quiet nights, a lunch peak, an evening peak.
const HOURLY_PROFILE: [f64; 24] = [
    0.15, 0.08, 0.05, 0.04, 0.04, 0.08, 0.25, 0.55, 0.85, 1.0, 1.1, 1.3, 1.6, 1.5, 1.2, 1.1, 1.15,
    1.4, 1.7, 1.6, 1.2, 0.85, 0.5, 0.3,
];

/// Weekday factors from Monday: Saturday is the busiest day, Sunday the quietest.
const WEEKDAY_FACTOR: [f64; 7] = [0.9, 0.92, 0.95, 1.0, 1.2, 1.35, 0.75];

const CARD_TYPES: [(&str, f64); 4] = [
    ("visa", 0.50),
    ("mastercard", 0.32),
    ("amex", 0.10),
    ("debit", 0.08),
];

const STATUSES: [(&str, f64); 4] = [
    ("approved", 0.93),
    ("declined", 0.05),
    ("refunded", 0.015),
    ("pending", 0.005),
];

/// Units of each currency per euro, so amounts look local.
fn units_per_euro(currency: &str) -> f64 {
    match currency {
        "GBP" => 0.85,
        "USD" => 1.08,
        "CAD" => 1.47,
        "MXN" => 18.5,
        "BRL" => 5.4,
        "JPY" => 160.0,
        "SGD" => 1.45,
        "AUD" => 1.65,
        "INR" => 90.0,
        "AED" => 3.97,
        "ZAR" => 20.0,
        "SEK" => 11.3,
        "PLN" => 4.3,
        _ => 1.0,
    }
}

fn local_weight(city_index: usize, utc_hour_slot: i64) -> f64 {
    let city = &CITIES[city_index];
    let local_hours = utc_hour_slot + city.utc_offset_hours;
    let hour = local_hours.rem_euclid(24) as usize;
    // START_MS is a Monday; days before it wrap round the week.
    let weekday = local_hours.div_euclid(24).rem_euclid(7) as usize;
    city.weight * HOURLY_PROFILE[hour] * WEEKDAY_FACTOR[weekday]
}

/// Generates `rows` transactions in time order, in batches of at most [`BATCH_ROWS`].
pub fn generate(rows: usize, seed: u64) -> TransactionBatches {
    let slots = DAYS * 24;
    let slot_city_weights: Vec<Vec<f64>> = (0..slots)
        .map(|slot| cumulative((0..CITIES.len()).map(|city| local_weight(city, slot))))
        .collect();
    let slot_totals: Vec<f64> = slot_city_weights
        .iter()
        .map(|w| w.last().copied().unwrap_or(0.0))
        .collect();
    let grand_total: f64 = slot_totals.iter().sum();
    let mut running = 0.0;
    let mut slot_ends = Vec::with_capacity(slot_totals.len());
    for total in &slot_totals {
        running += total;
        slot_ends.push(((running / grand_total) * rows as f64).round() as usize);
    }
    if let Some(last) = slot_ends.last_mut() {
        *last = rows;
    }
    TransactionBatches {
        random: Random::new(seed),
        stores: stores(),
        merchants: cumulative((0..MERCHANTS).map(|i| 1.0 / ((i + 1) as f64).powf(1.1))),
        cards: cumulative(CARD_TYPES.iter().map(|(_, w)| *w)),
        statuses: cumulative(STATUSES.iter().map(|(_, w)| *w)),
        slot_city_weights,
        slot_ends,
        slot: 0,
        offsets: Vec::new(),
        produced: 0,
        rows,
    }
}

/// An iterator of record batches of generated transactions.
pub struct TransactionBatches {
    random: Random,
    stores: Vec<Store>,
    merchants: Vec<f64>,
    cards: Vec<f64>,
    statuses: Vec<f64>,
    slot_city_weights: Vec<Vec<f64>>,
    /// `slot_ends[i]` is the number of rows generated once hour `i` is done.
    slot_ends: Vec<usize>,
    slot: usize,
    /// Sorted millisecond offsets of the current hour's remaining rows, last first.
    offsets: Vec<i64>,
    produced: usize,
    rows: usize,
}

impl Iterator for TransactionBatches {
    type Item = RecordBatch;

    fn next(&mut self) -> Option<RecordBatch> {
        if self.produced >= self.rows {
            return None;
        }
        let batch_rows = (self.rows - self.produced).min(BATCH_ROWS);
        let mut ts = TimestampMillisecondBuilder::with_capacity(batch_rows).with_timezone("UTC");
        let mut merchant = StringBuilder::with_capacity(batch_rows, batch_rows * 5);
        let mut store_id = StringBuilder::with_capacity(batch_rows, batch_rows * 6);
        let mut city = StringBuilder::with_capacity(batch_rows, batch_rows * 8);
        let mut lat = Float64Builder::with_capacity(batch_rows);
        let mut lon = Float64Builder::with_capacity(batch_rows);
        let mut amount = Float64Builder::with_capacity(batch_rows);
        let mut currency = StringBuilder::with_capacity(batch_rows, batch_rows * 3);
        let mut card = StringBuilder::with_capacity(batch_rows, batch_rows * 6);
        let mut status = StringBuilder::with_capacity(batch_rows, batch_rows * 8);

        for _ in 0..batch_rows {
            while self.offsets.is_empty() {
                let start = if self.slot == 0 {
                    0
                } else {
                    self.slot_ends[self.slot - 1]
                };
                let count = self.slot_ends[self.slot] - start;
                self.offsets = (0..count)
                    .map(|_| self.random.below(HOUR_MS as u64) as i64)
                    .collect();
                self.offsets.sort_unstable_by(|a, b| b.cmp(a));
                if self.offsets.is_empty() {
                    self.slot += 1;
                }
            }
            let offset = self.offsets.pop().unwrap_or_default();
            let slot = self.slot;
            if self.offsets.is_empty() {
                self.slot += 1;
            }

            let city_index = self.random.weighted(&self.slot_city_weights[slot]);
            let home = &CITIES[city_index];
            let store_index =
                city_index * STORES_PER_CITY + self.random.below(STORES_PER_CITY as u64) as usize;
            let store = &self.stores[store_index];
            let merchant_index = self.random.weighted(&self.merchants);
            let euros = (3.0 + 0.9 * self.random.normal()).exp().min(5_000.0);
            let local = euros * units_per_euro(home.currency);
            let cents = if home.currency == "JPY" { 1.0 } else { 100.0 };

            ts.append_value(START_MS + slot as i64 * HOUR_MS + offset);
            merchant.append_value(format!("M{:04}", merchant_index + 1));
            store_id.append_value(&store.id);
            city.append_value(home.name);
            lat.append_value(store.lat);
            lon.append_value(store.lon);
            amount.append_value((local * cents).round().max(1.0) / cents);
            currency.append_value(home.currency);
            card.append_value(CARD_TYPES[self.random.weighted(&self.cards)].0);
            status.append_value(STATUSES[self.random.weighted(&self.statuses)].0);
        }
        self.produced += batch_rows;

        let columns: Vec<ArrayRef> = vec![
            Arc::new(ts.finish()),
            Arc::new(merchant.finish()),
            Arc::new(store_id.finish()),
            Arc::new(city.finish()),
            Arc::new(lat.finish()),
            Arc::new(lon.finish()),
            Arc::new(amount.finish()),
            Arc::new(currency.finish()),
            Arc::new(card.finish()),
            Arc::new(status.finish()),
        ];
        // The builders follow the schema column for column, so this cannot fail.
        RecordBatch::try_new(schema(), columns).ok()
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::TimestampMillisecondType;

    use super::*;

    fn all(rows: usize, seed: u64) -> Vec<RecordBatch> {
        generate(rows, seed).collect()
    }

    #[test]
    fn exactly_the_requested_rows_in_time_order() {
        let batches = all(150_000, 1);
        assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 150_000);
        assert!(batches.iter().all(|b| b.num_rows() <= BATCH_ROWS));
        let mut last = i64::MIN;
        for batch in &batches {
            let ts = batch.column(0).as_primitive::<TimestampMillisecondType>();
            for value in ts.values() {
                assert!(*value >= last);
                last = *value;
            }
        }
        assert!(last < START_MS + DAYS * 24 * HOUR_MS);
    }

    #[test]
    fn the_same_seed_gives_the_same_rows() {
        assert_eq!(all(5_000, 9), all(5_000, 9));
        assert_ne!(all(5_000, 9), all(5_000, 10));
    }

    #[test]
    fn merchants_are_skewed_and_saturday_beats_sunday() {
        let batches = all(200_000, 3);
        let mut top = 0;
        let mut saturday = 0;
        let mut sunday = 0;
        for batch in &batches {
            let merchants = batch.column(1).as_string::<i32>();
            top += (0..merchants.len())
                .filter(|i| merchants.value(*i) == "M0001")
                .count();
            let ts = batch.column(0).as_primitive::<TimestampMillisecondType>();
            for value in ts.values() {
                match ((value - START_MS) / (24 * HOUR_MS)) % 7 {
                    5 => saturday += 1,
                    6 => sunday += 1,
                    _ => {}
                }
            }
        }
        // With 400 Zipf-weighted merchants the first takes well over 1/400 of the rows.
        assert!(top > 200_000 / 100, "top merchant has {top} rows");
        assert!(
            saturday > sunday * 3 / 2,
            "saturday {saturday}, sunday {sunday}"
        );
    }

    #[test]
    fn zero_rows_is_no_batches() {
        assert!(all(0, 1).is_empty());
    }
}
