//! The stored writer's streams decode, with this crate's decoder and with the
//! reference `brotli` tool, and the decoder reads what the reference encoder wrote.

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use brotli::{CompressorWriter, Decompressor};

/// Bytes that compress well, so a real encoder's output uses every block type.
fn sample(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_u32;
    (0..len)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            if i % 7 != 0 {
                b"meridian"[i % 8]
            } else {
                (state % 251) as u8
            }
        })
        .collect()
}

fn stored(data: &[u8], chunk: usize) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut writer = CompressorWriter::new(&mut out, 4096, 9, 22);
        for part in data.chunks(chunk.max(1)) {
            writer.write_all(part).unwrap();
        }
        writer.flush().unwrap();
    }
    out
}

fn decode(stream: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    Decompressor::new(stream, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// Runs the reference `brotli` tool (installed by the setup script) as a filter.
fn reference(args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut child = Command::new("brotli")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the brotli tool is installed by scripts/setup.sh");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&input).unwrap());
    let output = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert!(output.status.success(), "brotli {args:?} failed");
    output.stdout
}

#[test]
fn empty_input_is_the_canonical_empty_stream() {
    assert_eq!(stored(&[], 1), vec![0x06]);
    assert!(decode(&[0x06]).is_empty());
}

#[test]
fn stored_streams_decode_to_their_input() {
    for len in [1, 100, 65_535, 65_536, 65_537, 300_001] {
        let data = sample(len);
        for chunk in [1_000, 65_536, 1 << 20] {
            let stream = stored(&data, chunk);
            assert_eq!(
                decode(&stream),
                data,
                "length {len}, written {chunk} at a time"
            );
            // Three bytes of header per meta-block of at most 64 KiB, one to finish.
            let blocks: usize = data
                .chunks(chunk)
                .map(|part| part.len().div_ceil(65_536))
                .sum();
            assert_eq!(stream.len(), data.len() + 3 * blocks + 1);
        }
    }
}

#[test]
fn the_reference_decoder_reads_stored_streams() {
    let data = sample(200_000);
    assert_eq!(reference(&["-d", "-c"], &stored(&data, 70_000)), data);
    assert!(reference(&["-d", "-c"], &stored(&[], 1)).is_empty());
}

#[test]
fn the_decoder_reads_what_the_reference_encoder_compressed() {
    let data = sample(500_000);
    for quality in ["1", "6", "11"] {
        let compressed = reference(&["-c", "-q", quality], &data);
        assert!(
            compressed.len() < data.len() / 2,
            "quality {quality} compressed"
        );
        assert_eq!(decode(&compressed), data, "quality {quality}");
    }
}

#[test]
fn dropping_the_writer_finishes_the_stream() {
    let mut out = Vec::new();
    let mut writer = CompressorWriter::new(&mut out, 4096, 9, 22);
    writer.write_all(b"abc").unwrap();
    drop(writer);
    assert_eq!(decode(&out), b"abc");
}
