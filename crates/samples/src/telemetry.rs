//! Payment terminals reporting their health every five minutes.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, Float64Builder, Int32Builder, RecordBatch, StringBuilder, TimestampMillisecondBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};

use crate::places::{Store, stores};
use crate::random::Random;
use crate::{BATCH_ROWS, START_MS};

/// Terminals report every five minutes.
pub const INTERVAL_MS: i64 = 5 * 60 * 1000;
/// One week of reports per device when the table is small enough.
const STEPS_PER_WEEK: usize = 7 * 24 * 12;
const MAX_DEVICES: usize = 2_000;

/// The schema of the `telemetry` table.
pub fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new(
            "ts",
            DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
            false,
        ),
        Field::new("device_id", DataType::Utf8, false),
        Field::new("store_id", DataType::Utf8, false),
        Field::new("lat", DataType::Float64, false),
        Field::new("lon", DataType::Float64, false),
        Field::new("battery_pct", DataType::Float64, false),
        Field::new("signal_dbm", DataType::Int32, false),
        Field::new("connection_status", DataType::Utf8, false),
        // Null while the device is offline: there is no app round trip to time.
        Field::new("app_latency_ms", DataType::Float64, true),
    ]))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Connection {
    Online,
    Degraded,
    Offline,
}

impl Connection {
    fn label(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Degraded => "degraded",
            Self::Offline => "offline",
        }
    }
}

#[derive(Clone, Debug)]
struct Device {
    id: String,
    store: usize,
    battery_pct: f64,
    charging: bool,
    /// Percentage points lost per report while not charging.
    drain_per_step: f64,
    base_signal_dbm: f64,
    base_latency_ms: f64,
    connection: Connection,
}

/// How many devices report, for a table of `rows` rows.
pub fn device_count(rows: usize) -> usize {
    (rows / STEPS_PER_WEEK).clamp(4, MAX_DEVICES)
}

/// Generates `rows` reports in time order (then by device), in batches of at most [`BATCH_ROWS`].
pub fn generate(rows: usize, seed: u64) -> TelemetryBatches {
    let mut random = Random::new(seed ^ 0x7E1E_3E7E);
    let stores = stores();
    let devices = (0..device_count(rows))
        .map(|index| Device {
            id: format!("D{:05}", index + 1),
            store: index % stores.len(),
            battery_pct: random.between(40.0, 100.0),
            charging: false,
            drain_per_step: random.between(0.04, 0.3),
            base_signal_dbm: random.between(-95.0, -55.0),
            base_latency_ms: random.between(60.0, 180.0),
            connection: Connection::Online,
        })
        .collect();
    TelemetryBatches {
        random,
        stores,
        devices,
        step: 0,
        next_device: 0,
        produced: 0,
        rows,
    }
}

/// An iterator of record batches of generated telemetry.
pub struct TelemetryBatches {
    random: Random,
    stores: Vec<Store>,
    devices: Vec<Device>,
    step: i64,
    next_device: usize,
    produced: usize,
    rows: usize,
}

impl TelemetryBatches {
    /// Moves one device forward by one report and returns its new state.
    fn advance(&mut self, index: usize, hour_of_day: i64) -> Device {
        let random = &mut self.random;
        let device = &mut self.devices[index];
        device.connection = match device.connection {
            Connection::Online if random.unit() < 0.006 => Connection::Degraded,
            Connection::Online => Connection::Online,
            Connection::Degraded if random.unit() < 0.15 => Connection::Online,
            Connection::Degraded if random.unit() < 0.08 => Connection::Offline,
            Connection::Degraded => Connection::Degraded,
            Connection::Offline if random.unit() < 0.1 => Connection::Online,
            Connection::Offline => Connection::Offline,
        };
        if device.charging {
            device.battery_pct = (device.battery_pct + random.between(1.0, 3.0)).min(100.0);
            if device.battery_pct >= 98.0 {
                device.charging = false;
            }
        } else {
            // A terminal hunting for a network drains faster.
            let hunting = if device.connection == Connection::Online {
                1.0
            } else {
                1.8
            };
            device.battery_pct -= device.drain_per_step * hunting * random.between(0.5, 1.5);
            if device.battery_pct < 18.0 && random.unit() < 0.04 || device.battery_pct <= 0.0 {
                device.battery_pct = device.battery_pct.max(0.0);
                device.charging = true;
            }
        }
        if device.battery_pct <= 0.0 {
            device.connection = Connection::Offline;
        }
        let _ = hour_of_day;
        device.clone()
    }
}

impl Iterator for TelemetryBatches {
    type Item = RecordBatch;

    fn next(&mut self) -> Option<RecordBatch> {
        if self.produced >= self.rows {
            return None;
        }
        let batch_rows = (self.rows - self.produced).min(BATCH_ROWS);
        let mut ts = TimestampMillisecondBuilder::with_capacity(batch_rows).with_timezone("UTC");
        let mut device_id = StringBuilder::with_capacity(batch_rows, batch_rows * 6);
        let mut store_id = StringBuilder::with_capacity(batch_rows, batch_rows * 6);
        let mut lat = Float64Builder::with_capacity(batch_rows);
        let mut lon = Float64Builder::with_capacity(batch_rows);
        let mut battery = Float64Builder::with_capacity(batch_rows);
        let mut signal = Int32Builder::with_capacity(batch_rows);
        let mut connection = StringBuilder::with_capacity(batch_rows, batch_rows * 7);
        let mut latency = Float64Builder::with_capacity(batch_rows);

        for _ in 0..batch_rows {
            let time_ms = START_MS + self.step * INTERVAL_MS;
            let hour_of_day = (time_ms / 3_600_000).rem_euclid(24);
            let device = self.advance(self.next_device, hour_of_day);
            let store = &self.stores[device.store];
            let local_hour = (hour_of_day + store.city.utc_offset_hours).rem_euclid(24);
            // Networks are loaded in the local daytime peak.
            let busy = if (11..=14).contains(&local_hour) || (17..=20).contains(&local_hour) {
                1.6
            } else {
                1.0
            };
            let (signal_penalty, latency_factor) = match device.connection {
                Connection::Online => (0.0, 1.0),
                Connection::Degraded => (-18.0, 4.0),
                Connection::Offline => (-30.0, 0.0),
            };

            ts.append_value(time_ms);
            device_id.append_value(&device.id);
            store_id.append_value(&store.id);
            lat.append_value(store.lat);
            lon.append_value(store.lon);
            battery.append_value((device.battery_pct * 10.0).round() / 10.0);
            let dbm = device.base_signal_dbm + signal_penalty + 4.0 * self.random.normal();
            signal.append_value(dbm.round().clamp(-120.0, -40.0) as i32);
            connection.append_value(device.connection.label());
            if device.connection == Connection::Offline {
                latency.append_null();
            } else {
                let jitter = (0.35 * self.random.normal()).exp();
                let ms = device.base_latency_ms * busy * latency_factor * jitter;
                latency.append_value((ms * 10.0).round() / 10.0);
            }

            self.next_device += 1;
            if self.next_device == self.devices.len() {
                self.next_device = 0;
                self.step += 1;
            }
        }
        self.produced += batch_rows;

        let columns: Vec<ArrayRef> = vec![
            Arc::new(ts.finish()),
            Arc::new(device_id.finish()),
            Arc::new(store_id.finish()),
            Arc::new(lat.finish()),
            Arc::new(lon.finish()),
            Arc::new(battery.finish()),
            Arc::new(signal.finish()),
            Arc::new(connection.finish()),
            Arc::new(latency.finish()),
        ];
        // The builders follow the schema column for column, so this cannot fail.
        RecordBatch::try_new(schema(), columns).ok()
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::Float64Type;

    use super::*;

    #[test]
    fn exactly_the_requested_rows_with_every_status() {
        let batches: Vec<_> = generate(100_000, 2).collect();
        assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 100_000);
        let mut seen = std::collections::BTreeSet::new();
        let mut low_battery = 0;
        let mut null_latency = 0;
        for batch in &batches {
            let status = batch.column(7).as_string::<i32>();
            for i in 0..status.len() {
                seen.insert(status.value(i).to_string());
            }
            let battery = batch.column(5).as_primitive::<Float64Type>();
            low_battery += battery.values().iter().filter(|b| **b < 20.0).count();
            null_latency += batch.column(8).null_count();
        }
        assert_eq!(
            seen.into_iter().collect::<Vec<_>>(),
            ["degraded", "offline", "online"]
        );
        assert!(low_battery > 0, "some devices must drain below 20 %");
        assert!(null_latency > 0, "offline devices report no latency");
    }

    #[test]
    fn devices_recover_after_draining() {
        let batches: Vec<_> = generate(50_000, 5).collect();
        let mut was_low = std::collections::HashSet::new();
        let mut recovered = 0;
        for batch in &batches {
            let devices = batch.column(1).as_string::<i32>();
            let battery = batch.column(5).as_primitive::<Float64Type>();
            for i in 0..batch.num_rows() {
                let id = devices.value(i);
                if battery.value(i) < 20.0 {
                    was_low.insert(id.to_string());
                } else if battery.value(i) > 90.0 && was_low.contains(id) {
                    recovered += 1;
                }
            }
        }
        assert!(recovered > 0, "a drained device must charge back up");
    }

    #[test]
    fn the_same_seed_gives_the_same_rows() {
        let a: Vec<_> = generate(3_000, 4).collect();
        let b: Vec<_> = generate(3_000, 4).collect();
        assert_eq!(a, b);
    }
}
