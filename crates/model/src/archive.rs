//! A ZIP archive of stored (uncompressed) files, the one container every
//! operating system opens without extra tools. A published dashboard is
//! mostly wasm and Parquet, which compress little or are compressed already,
//! so storing keeps the browser's work to one copy and a CRC.

/// The bytes of a ZIP archive holding `files` (path inside the archive, contents).
/// Paths use `/`. Archives stay under 4 GiB and 65,535 files (no ZIP64);
/// larger ones are refused with a sentence.
pub fn stored_zip(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, String> {
    let total: usize = files.iter().map(|(p, b)| 30 + p.len() + b.len()).sum();
    if files.len() > u16::MAX as usize || total > u32::MAX as usize {
        return Err("the folder is too large for a ZIP archive (over 4 GB or 65,535 files)".into());
    }
    let mut out = Vec::with_capacity(total + files.len() * 46 + 22);
    let mut central = Vec::new();
    for (path, bytes) in files {
        let offset = out.len() as u32;
        let crc = crc32(bytes);
        let size = bytes.len() as u32;
        let name = path.as_bytes();
        // Local file header.
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0
        out.extend_from_slice(&0x0800u16.to_le_bytes()); // names are UTF-8
        out.extend_from_slice(&0u16.to_le_bytes()); // stored
        out.extend_from_slice(&DOS_TIME.to_le_bytes());
        out.extend_from_slice(&DOS_DATE.to_le_bytes());
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // no extra field
        out.extend_from_slice(name);
        out.extend_from_slice(bytes);
        // Its central directory entry.
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&0x0314u16.to_le_bytes()); // made by: Unix, 2.0
        central.extend_from_slice(&20u16.to_le_bytes());
        central.extend_from_slice(&0x0800u16.to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&DOS_TIME.to_le_bytes());
        central.extend_from_slice(&DOS_DATE.to_le_bytes());
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&(name.len() as u16).to_le_bytes());
        central.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attributes
        central.extend_from_slice(&(0o100_644u32 << 16).to_le_bytes()); // rw-r--r--
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name);
    }
    let directory_at = out.len();
    if directory_at + central.len() > u32::MAX as usize {
        return Err("the folder is too large for a ZIP archive (over 4 GB)".into());
    }
    out.extend_from_slice(&central);
    // End of central directory.
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // this disk, the directory's disk
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&(directory_at as u32).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // no comment
    Ok(out)
}

/// 1 January 2026, 00:00: archives are the same bytes whenever they are made.
const DOS_DATE: u16 = ((2026 - 1980) << 9) | (1 << 5) | 1;
const DOS_TIME: u16 = 0;

/// CRC-32 (IEEE), as ZIP checks it.
pub fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut n = 0;
        while n < 256 {
            let mut c = n as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[n] = c;
            n += 1;
        }
        table
    };
    let mut crc = !0u32;
    for &byte in bytes {
        crc = TABLE[((crc ^ byte as u32) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u16_at(bytes: &[u8], at: usize) -> u16 {
        u16::from_le_bytes([bytes[at], bytes[at + 1]])
    }
    fn u32_at(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
    }

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn the_directory_finds_every_file_where_it_was_written() {
        let files = vec![
            ("index.html".to_string(), b"<html></html>".to_vec()),
            ("data/transactions.parquet".to_string(), vec![7u8; 1000]),
            ("empty.txt".to_string(), Vec::new()),
        ];
        let zip = stored_zip(&files).expect("this must succeed");
        let end = zip.len() - 22;
        assert_eq!(u32_at(&zip, end), 0x0605_4b50);
        assert_eq!(u16_at(&zip, end + 10) as usize, files.len());
        let mut entry = u32_at(&zip, end + 16) as usize;
        for (path, bytes) in &files {
            assert_eq!(u32_at(&zip, entry), 0x0201_4b50);
            assert_eq!(u32_at(&zip, entry + 16), crc32(bytes));
            let name_len = u16_at(&zip, entry + 28) as usize;
            assert_eq!(&zip[entry + 46..entry + 46 + name_len], path.as_bytes());
            let local = u32_at(&zip, entry + 42) as usize;
            assert_eq!(u32_at(&zip, local), 0x0403_4b50);
            let data = local + 30 + name_len;
            assert_eq!(&zip[data..data + bytes.len()], bytes.as_slice());
            entry += 46 + name_len;
        }
        assert_eq!(entry, end);
    }
}
