"""Writes a Parquet file as the Arrow IPC stream DuckDB-Wasm is given.

    python arrow_stream.py PARQUET STREAM [--naive COLUMN]...

String and binary views become plain strings and binaries: DuckDB-Wasm's
Arrow reader does not know views. Each --naive column, a timestamp, loses its
time zone and keeps its values, which stay UTC: DuckDB's time-zone functions
live in an extension it would fetch from the internet.

The file is read one batch at a time, so a table larger than memory converts.
pyarrow, not Meridian, reads the file, so nothing of Meridian's own decides
what the other engine is given.
"""

import argparse

import pyarrow as pa
import pyarrow.parquet as pq


def portable(field: pa.Field, naive: set[str]) -> pa.Field:
    """The field as DuckDB-Wasm is given it (without Parquet's field ids)."""
    field = field.remove_metadata()
    kind = field.type
    if field.name in naive:
        if not pa.types.is_timestamp(kind):
            raise SystemExit(f"--naive {field.name}: the column is {kind}, not a timestamp")
        return field.with_type(pa.timestamp(kind.unit))
    if pa.types.is_string_view(kind):
        return field.with_type(pa.string())
    if pa.types.is_binary_view(kind):
        return field.with_type(pa.binary())
    return field


def converted(column: pa.Array, field: pa.Field) -> pa.Array:
    if column.type == field.type:
        return column
    if pa.types.is_timestamp(field.type):
        # The same 64-bit values under a type without a zone: no arithmetic.
        return column.view(field.type)
    return column.cast(field.type)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("parquet")
    parser.add_argument("stream")
    parser.add_argument("--naive", action="append", default=[], metavar="COLUMN")
    args = parser.parse_args()

    source = pq.ParquetFile(args.parquet)
    schema = source.schema_arrow
    missing = set(args.naive) - set(schema.names)
    if missing:
        raise SystemExit(f"{args.parquet} has no column {', '.join(sorted(missing))}")
    target = pa.schema([portable(f, set(args.naive)) for f in schema])
    with pa.OSFile(args.stream, "wb") as sink, pa.ipc.new_stream(sink, target) as writer:
        for batch in source.iter_batches(batch_size=65_536):
            columns = [converted(c, f) for c, f in zip(batch.columns, target)]
            writer.write_batch(pa.record_batch(columns, schema=target))


if __name__ == "__main__":
    main()
