//! The aggregate query's answer, read into what the drawing needs.

use std::collections::BTreeMap;

use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::DataType;
use meridian_model::{ChartKind, ChartSpec, GeoBox, TimeBucket, TimeRange};

use crate::bucket::bucket_starts;
use crate::error::ChartError;
use crate::plan::{DataPlan, TABLE_ROWS};
use crate::values::{self, instants_ms};

/// One named series of a time chart, a value (or a gap) per bucket.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// One cell of a density grid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridCell {
    pub column: i64,
    pub row: i64,
    /// Index into `frames` when the map plays back through time.
    pub frame: usize,
    pub value: f64,
}

/// A point of a scatter or point map.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub value: Option<f64>,
    pub series: usize,
}

/// What a chart draws, by kind of drawing.
#[derive(Clone, Debug, PartialEq)]
pub enum ChartData {
    TimeSeries {
        bucket: TimeBucket,
        /// Bucket starts, UTC milliseconds, every bucket of the range.
        buckets: Vec<i64>,
        series: Vec<Series>,
    },
    Categories {
        labels: Vec<String>,
        values: Vec<f64>,
    },
    Histogram {
        origin: f64,
        width: f64,
        counts: Vec<f64>,
    },
    Scatter {
        points: Vec<Point>,
        series: Vec<String>,
        sample_fraction: Option<f64>,
    },
    Kpi {
        current: Option<f64>,
        previous: Option<f64>,
        period: Option<TimeBucket>,
    },
    Table {
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    PointMap {
        view: GeoBox,
        /// x is longitude, y latitude.
        points: Vec<Point>,
    },
    DensityMap {
        view: GeoBox,
        cell_deg: f64,
        cells: Vec<GridCell>,
        /// Playback frames (bucket starts), empty when the map is not played back.
        frames: Vec<i64>,
        bucket: Option<TimeBucket>,
    },
}

/// A numeric, time or date column as numbers; time becomes UTC milliseconds.
pub fn column_values(array: &ArrayRef, name: &str) -> Result<Vec<Option<f64>>, ChartError> {
    let wrong = |expected| ChartError::WrongType {
        column: name.to_string(),
        found: array.data_type().to_string(),
        expected,
    };
    match array.data_type() {
        DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64 => {
            instants_ms(array.as_ref()).ok_or_else(|| wrong("times"))
        }
        DataType::Null => Ok(vec![None; array.len()]),
        _ => values::numbers(array.as_ref()).ok_or_else(|| wrong("numbers or times")),
    }
}

fn text_values(array: &ArrayRef) -> Vec<String> {
    let options = FormatOptions::default().with_null("NULL");
    match ArrayFormatter::try_new(array.as_ref(), &options) {
        Ok(formatter) => (0..array.len())
            .map(|i| formatter.value(i).to_string())
            .collect(),
        Err(_) => vec![String::new(); array.len()],
    }
}

/// The named column of every batch, each read by `read`.
fn column<T>(
    batches: &[RecordBatch],
    name: &str,
    read: impl Fn(&ArrayRef) -> Result<Vec<T>, ChartError>,
) -> Result<Vec<T>, ChartError> {
    let mut out = Vec::new();
    for batch in batches {
        let index = batch
            .schema()
            .index_of(name)
            .map_err(|_| ChartError::MissingColumn(name.to_string()))?;
        out.extend(read(batch.column(index))?);
    }
    Ok(out)
}

fn numbers(batches: &[RecordBatch], name: &str) -> Result<Vec<Option<f64>>, ChartError> {
    column(batches, name, |array| column_values(array, name))
}

fn texts(batches: &[RecordBatch], name: &str) -> Result<Vec<String>, ChartError> {
    column(batches, name, |array| Ok(text_values(array)))
}

fn has_column(batches: &[RecordBatch], name: &str) -> bool {
    batches
        .first()
        .is_some_and(|batch| batch.schema().index_of(name).is_ok())
}

impl ChartData {
    /// Reads the answer to `plan`'s query for `spec`.
    pub fn from_batches(
        spec: &ChartSpec,
        plan: &DataPlan,
        batches: &[RecordBatch],
    ) -> Result<Self, ChartError> {
        let batches: Vec<RecordBatch> = batches
            .iter()
            .filter(|b| b.num_rows() > 0)
            .cloned()
            .collect();
        let batches = batches.as_slice();
        match spec.kind {
            ChartKind::Line | ChartKind::Area | ChartKind::Bar => time_series(spec, plan, batches),
            ChartKind::CategoryBar => Ok(Self::Categories {
                labels: if batches.is_empty() {
                    vec![]
                } else {
                    texts(batches, "category")?
                },
                values: if batches.is_empty() {
                    vec![]
                } else {
                    numbers(batches, "value")?
                        .into_iter()
                        .map(|v| v.unwrap_or(0.0))
                        .collect()
                },
            }),
            ChartKind::Histogram => {
                let (origin, width) = plan.bins.unwrap_or((0.0, 1.0));
                let mut counts = Vec::new();
                if !batches.is_empty() {
                    for (bin, value) in numbers(batches, "bin")?
                        .into_iter()
                        .zip(numbers(batches, "value")?)
                    {
                        let (Some(bin), Some(value)) = (bin, value) else {
                            continue;
                        };
                        let index = bin.max(0.0) as usize;
                        if counts.len() <= index {
                            counts.resize(index + 1, 0.0);
                        }
                        counts[index] += value;
                    }
                }
                Ok(Self::Histogram {
                    origin,
                    width,
                    counts,
                })
            }
            ChartKind::Scatter => {
                let mut points = Vec::new();
                let mut series = Vec::new();
                if !batches.is_empty() {
                    let names = if has_column(batches, "series") {
                        Some(texts(batches, "series")?)
                    } else {
                        None
                    };
                    let mut index_of: BTreeMap<String, usize> = BTreeMap::new();
                    for (row, (x, y)) in numbers(batches, "x")?
                        .into_iter()
                        .zip(numbers(batches, "y")?)
                        .enumerate()
                    {
                        let (Some(x), Some(y)) = (x, y) else { continue };
                        let series_index = match &names {
                            Some(names) => {
                                *index_of.entry(names[row].clone()).or_insert_with(|| {
                                    series.push(names[row].clone());
                                    series.len() - 1
                                })
                            }
                            None => 0,
                        };
                        points.push(Point {
                            x,
                            y,
                            value: None,
                            series: series_index,
                        });
                    }
                }
                // The engine may answer in any order; a stable order draws the same picture.
                sort_points(&mut points);
                Ok(Self::Scatter {
                    points,
                    series,
                    sample_fraction: plan.sample_fraction,
                })
            }
            ChartKind::Kpi => {
                let first = |name: &str| -> Result<Option<f64>, ChartError> {
                    if !has_column(batches, name) {
                        return Ok(None);
                    }
                    Ok(numbers(batches, name)?.first().copied().flatten())
                };
                Ok(Self::Kpi {
                    current: first("current")?,
                    previous: first("previous")?,
                    period: plan.bucket,
                })
            }
            ChartKind::Table => {
                let columns = batches
                    .first()
                    .map(|b| {
                        b.schema()
                            .fields()
                            .iter()
                            .map(|f| f.name().clone())
                            .collect()
                    })
                    .unwrap_or_default();
                let mut rows: Vec<Vec<String>> = Vec::new();
                for batch in batches {
                    if rows.len() >= TABLE_ROWS {
                        break;
                    }
                    let cells: Vec<Vec<String>> = batch.columns().iter().map(text_values).collect();
                    for row in 0..batch.num_rows().min(TABLE_ROWS - rows.len()) {
                        rows.push(cells.iter().map(|column| column[row].clone()).collect());
                    }
                }
                Ok(Self::Table { columns, rows })
            }
            ChartKind::PointMap => {
                let mut points = Vec::new();
                if !batches.is_empty() {
                    let values = if has_column(batches, "value") {
                        numbers(batches, "value")?
                    } else {
                        Vec::new()
                    };
                    for (row, (lat, lon)) in numbers(batches, "lat")?
                        .into_iter()
                        .zip(numbers(batches, "lon")?)
                        .enumerate()
                    {
                        let (Some(lat), Some(lon)) = (lat, lon) else {
                            continue;
                        };
                        points.push(Point {
                            x: lon,
                            y: lat,
                            value: values.get(row).copied().flatten(),
                            series: 0,
                        });
                    }
                }
                sort_points(&mut points);
                Ok(Self::PointMap {
                    view: plan.view.unwrap_or(GeoBox::WORLD),
                    points,
                })
            }
            ChartKind::DensityMap => density(plan, batches),
        }
    }
}

fn time_series(
    spec: &ChartSpec,
    plan: &DataPlan,
    batches: &[RecordBatch],
) -> Result<ChartData, ChartError> {
    let bucket = plan.bucket.unwrap_or(TimeBucket::Day);
    let (starts, values, names) = if batches.is_empty() {
        (Vec::new(), Vec::new(), Vec::new())
    } else {
        let names = if has_column(batches, "series") {
            texts(batches, "series")?
        } else {
            Vec::new()
        };
        (
            numbers(batches, "bucket")?,
            numbers(batches, "value")?,
            names,
        )
    };
    let range = plan.time_range.or_else(|| {
        let present: Vec<i64> = starts.iter().flatten().map(|v| *v as i64).collect();
        Some(TimeRange {
            start_ms: *present.iter().min()?,
            end_ms: *present.iter().max()? + 1,
        })
    });
    let buckets = range.map_or_else(Vec::new, |r| bucket_starts(bucket, r.start_ms, r.end_ms));
    let position: BTreeMap<i64, usize> = buckets.iter().enumerate().map(|(i, b)| (*b, i)).collect();
    let empty = if spec.y.is_none() || spec.aggregation.empty_is_zero() {
        Some(0.0)
    } else {
        None
    };
    // Series in the order of their totals, "Other" last.
    let mut by_name: BTreeMap<String, Vec<Option<f64>>> = BTreeMap::new();
    for (row, (start, value)) in starts.iter().zip(&values).enumerate() {
        let Some(start) = start else { continue };
        let Some(index) = position.get(&(*start as i64)) else {
            continue;
        };
        let name = names
            .get(row)
            .cloned()
            .unwrap_or_else(|| spec.y.clone().unwrap_or_else(|| "rows".into()));
        let slot = by_name
            .entry(name)
            .or_insert_with(|| vec![empty; buckets.len()]);
        slot[*index] = *value;
    }
    let mut series: Vec<Series> = by_name
        .into_iter()
        .map(|(name, values)| Series { name, values })
        .collect();
    let total = |s: &Series| s.values.iter().flatten().sum::<f64>();
    series.sort_by(|a, b| {
        (a.name == "Other")
            .cmp(&(b.name == "Other"))
            .then(total(b).total_cmp(&total(a)))
            .then(a.name.cmp(&b.name))
    });
    Ok(ChartData::TimeSeries {
        bucket,
        buckets,
        series,
    })
}

fn density(plan: &DataPlan, batches: &[RecordBatch]) -> Result<ChartData, ChartError> {
    let view = plan.view.unwrap_or(GeoBox::WORLD);
    let cell_deg = plan.cell_deg.unwrap_or(5.0);
    let mut frames = match (plan.bucket, plan.time_range) {
        (Some(bucket), Some(range)) => bucket_starts(bucket, range.start_ms, range.end_ms),
        _ => Vec::new(),
    };
    let mut cells = Vec::new();
    if !batches.is_empty() {
        let columns = numbers(batches, "gx")?;
        let rows = numbers(batches, "gy")?;
        let values = numbers(batches, "value")?;
        let buckets = if has_column(batches, "bucket") {
            Some(numbers(batches, "bucket")?)
        } else {
            None
        };
        for index in 0..columns.len() {
            let (Some(column), Some(row), Some(value)) =
                (columns[index], rows[index], values[index])
            else {
                continue;
            };
            let frame = match &buckets {
                Some(buckets) => {
                    let Some(start) = buckets[index] else {
                        continue;
                    };
                    let start = start as i64;
                    match frames.binary_search(&start) {
                        Ok(position) => position,
                        Err(position) => {
                            frames.insert(position, start);
                            // Cells already read point past the inserted frame.
                            for cell in cells
                                .iter_mut()
                                .filter(|c: &&mut GridCell| c.frame >= position)
                            {
                                cell.frame += 1;
                            }
                            position
                        }
                    }
                }
                None => 0,
            };
            cells.push(GridCell {
                column: column as i64,
                row: row as i64,
                frame,
                value,
            });
        }
    }
    cells.sort_by_key(|a| (a.frame, a.row, a.column));
    Ok(ChartData::DensityMap {
        view,
        cell_deg,
        cells,
        frames,
        bucket: plan.bucket,
    })
}

fn sort_points(points: &mut [Point]) {
    points.sort_by(|a, b| {
        (a.series, a.x, a.y)
            .partial_cmp(&(b.series, b.x, b.y))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
}
