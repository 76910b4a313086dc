//! Decoding a text file as spreadsheets write it: UTF-8 with or without
//! BOM, UTF-16 with BOM, or Shift_JIS/CP932, the "CSV" of a Japanese Excel.

use std::borrow::Cow;

use encoding_rs::{DecoderResult, SHIFT_JIS, UTF_16BE, UTF_16LE};

use crate::diag::line_col;

/// The encodings [`decode`] recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    /// UTF-8 starting with a byte order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// UTF-16 little-endian with a byte order mark (Excel's "Unicode text").
    Utf16Le,
    Utf16Be,
    /// Shift_JIS with Microsoft's CP932 extensions (WHATWG Shift_JIS), the
    /// "CSV" of a Japanese Excel.
    ShiftJis,
}

/// A file's text, without its byte order mark.
#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: TextEncoding,
}

/// Why a file could not be decoded, at a 1-based line and column of the text
/// decoded up to that point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub line: u64,
    pub column: u64,
    pub message: &'static str,
}

pub const NOT_TEXT: &str = "the file is neither UTF-8, UTF-16 nor Shift_JIS; save it as \"CSV UTF-8\"";
const BAD_UTF8_AFTER_BOM: &str =
    "the file starts with a UTF-8 byte order mark but is not UTF-8 text from here; save it as \"CSV UTF-8\"";
pub(crate) const BAD_UTF16: &str =
    "the file starts with a UTF-16 byte order mark but is not UTF-16 text from here; save it as \"CSV UTF-8\"";

/// Decodes a text file as spreadsheets write it:
///
/// 1. a UTF-8 byte order mark: UTF-8;
/// 2. a UTF-16 byte order mark (`FF FE` or `FE FF`): UTF-16 LE or BE;
/// 3. bytes that are valid UTF-8: UTF-8;
/// 4. otherwise Shift_JIS with the CP932 extensions (NEC and IBM special
///    characters such as `①`, `㈱` and `髙`), when every byte decodes.
///
/// Otherwise the error points at the first byte that neither UTF-8 nor
/// Shift_JIS can read, in whichever of the two got further.
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(t) => Ok(Decoded {
                text: Cow::Borrowed(t),
                encoding: TextEncoding::Utf8Bom,
            }),
            Err(e) => Err(error_after(&rest[..e.valid_up_to()], BAD_UTF8_AFTER_BOM)),
        };
    }
    for (bom, encoding, which) in [
        (b"\xFF\xFE", UTF_16LE, TextEncoding::Utf16Le),
        (b"\xFE\xFF", UTF_16BE, TextEncoding::Utf16Be),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return match decode_strict(encoding, rest) {
                Ok(text) => Ok(Decoded {
                    text: Cow::Owned(text),
                    encoding: which,
                }),
                Err((prefix, _)) => Err(error_at_end(&prefix, BAD_UTF16)),
            };
        }
    }
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(t) => {
            return Ok(Decoded {
                text: Cow::Borrowed(t),
                encoding: TextEncoding::Utf8,
            });
        }
        Err(e) => e,
    };
    match decode_strict(SHIFT_JIS, bytes) {
        Ok(text) => Ok(Decoded {
            text: Cow::Owned(text),
            encoding: TextEncoding::ShiftJis,
        }),
        Err((prefix, sjis_good)) if sjis_good > utf8_error.valid_up_to() => Err(error_at_end(&prefix, NOT_TEXT)),
        Err(_) => Err(error_after(&bytes[..utf8_error.valid_up_to()], NOT_TEXT)),
    }
}

/// The error at the end of `good`, a prefix of the file that is valid UTF-8.
fn error_after(good: &[u8], message: &'static str) -> DecodeError {
    error_at_end(std::str::from_utf8(good).unwrap_or(""), message)
}

fn error_at_end(prefix: &str, message: &'static str) -> DecodeError {
    let (line, column) = line_col(prefix, prefix.len());
    // A CRLF file's line count is the same after normalising line ends, and
    // a lone CR ends a line too.
    let line = line + prefix.matches('\r').count() as u64 - prefix.matches("\r\n").count() as u64;
    let column = match prefix.rfind(['\n', '\r']) {
        Some(i) => prefix[i + 1..].chars().count() as u64 + 1,
        None => column,
    };
    DecodeError { line, column, message }
}

/// Decodes without replacement characters. On a malformed sequence returns
/// the text decoded before it and the number of bytes that it came from.
fn decode_strict(encoding: &'static encoding_rs::Encoding, bytes: &[u8]) -> Result<String, (String, usize)> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3));
    let mut out = String::with_capacity(capacity);
    let mut read = 0;
    loop {
        let (result, n) = decoder.decode_to_string_without_replacement(&bytes[read..], &mut out, true);
        read += n;
        match result {
            DecoderResult::InputEmpty => return Ok(out),
            DecoderResult::OutputFull => out.reserve(bytes.len() - read + 16),
            DecoderResult::Malformed(bad, after) => {
                let good = read.saturating_sub(bad as usize + after as usize);
                return Err((out, good));
            }
        }
    }
}

/// The lines of a text file, read as the file streams in: an export of a
/// million rows is never held in memory whole. UTF-8 (with or without BOM)
/// and Shift_JIS are streamed; a UTF-16 file, rare and small, is decoded
/// whole. The encoding is settled by one pass over the file before the
/// first line is given, with the rules of [`decode`].
pub struct FileLines {
    source: Source,
    /// Lines split off a read that held lone `\r` line ends.
    pending: std::collections::VecDeque<String>,
    bytes: Vec<u8>,
}

enum Source {
    Stream {
        reader: std::io::BufReader<std::fs::File>,
        shift_jis: bool,
    },
    Memory {
        text: String,
        at: usize,
    },
}

const CHUNK: usize = 1 << 20;

/// Opens `path` for reading line by line: the error of a file that cannot
/// be opened, or the [`DecodeError`] of one that is not text.
pub fn open_lines(path: &std::path::Path) -> std::io::Result<Result<FileLines, DecodeError>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut head = [0u8; 3];
    let n = read_up_to(&mut file, &mut head)?;
    let head = &head[..n];
    let whole = |path: &std::path::Path| -> std::io::Result<Result<FileLines, DecodeError>> {
        let bytes = std::fs::read(path)?;
        Ok(decode(&bytes).map(|d| FileLines::memory(d.text.into_owned())))
    };
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return whole(path);
    }
    let bom = head == b"\xEF\xBB\xBF";
    // One pass to settle the encoding: UTF-8 if every byte is, else
    // Shift_JIS if every byte is, else the precise error of `decode`.
    let mut file = std::fs::File::open(path)?;
    let mut chunk = vec![0u8; CHUNK];
    let mut carry: Vec<u8> = Vec::new();
    let mut utf8 = true;
    let mut sjis = SHIFT_JIS.new_decoder_without_bom_handling();
    let mut sjis_ok = true;
    let mut scratch = String::new();
    loop {
        let n = file.read(&mut chunk)?;
        let last = n == 0;
        if utf8 {
            carry.extend_from_slice(&chunk[..n]);
            match std::str::from_utf8(&carry) {
                Ok(_) => carry.clear(),
                Err(e) if e.error_len().is_none() && !last => {
                    carry.drain(..e.valid_up_to());
                }
                Err(_) => utf8 = false,
            }
        }
        if sjis_ok && !bom {
            scratch.clear();
            scratch.reserve(n * 3 + 16);
            let (result, _) = sjis.decode_to_string_without_replacement(&chunk[..n], &mut scratch, last);
            if let DecoderResult::Malformed(..) = result {
                sjis_ok = false;
            }
        }
        if last || (!utf8 && (!sjis_ok || bom)) {
            break;
        }
    }
    if !utf8 && (bom || !sjis_ok) {
        return whole(path);
    }
    let mut reader = std::io::BufReader::with_capacity(CHUNK, std::fs::File::open(path)?);
    if bom {
        let mut skip = [0u8; 3];
        reader.read_exact(&mut skip)?;
    }
    Ok(Ok(FileLines {
        source: Source::Stream {
            reader,
            shift_jis: !utf8,
        },
        pending: std::collections::VecDeque::new(),
        bytes: Vec::new(),
    }))
}

fn read_up_to(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

impl FileLines {
    fn memory(text: String) -> FileLines {
        FileLines {
            source: Source::Memory { text, at: 0 },
            pending: std::collections::VecDeque::new(),
            bytes: Vec::new(),
        }
    }
}

impl super::records::LineSource for FileLines {
    fn next_line(&mut self, buf: &mut String) -> Result<bool, String> {
        use std::io::BufRead;
        buf.clear();
        if let Some(l) = self.pending.pop_front() {
            buf.push_str(&l);
            return Ok(true);
        }
        match &mut self.source {
            Source::Memory { text, at } => {
                let mut lines = super::records::TextLines::new(&text[*at..]);
                let more = lines.next_line(buf)?;
                *at = text.len() - lines.rest_len();
                Ok(more)
            }
            Source::Stream { reader, shift_jis } => {
                self.bytes.clear();
                let n = reader
                    .read_until(b'\n', &mut self.bytes)
                    .map_err(|e| format!("cannot read: {e}"))?;
                if n == 0 {
                    return Ok(false);
                }
                let line: &[u8] = self.bytes.strip_suffix(b"\n").unwrap_or(&self.bytes);
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let text = if *shift_jis {
                    SHIFT_JIS
                        .decode_without_bom_handling_and_without_replacement(line)
                        .ok_or_else(|| NOT_TEXT.to_string())?
                        .into_owned()
                } else {
                    String::from_utf8(line.to_vec()).map_err(|_| NOT_TEXT.to_string())?
                };
                // A lone CR ends a line too.
                let mut parts = text.split('\r');
                buf.push_str(parts.next().unwrap_or(""));
                self.pending.extend(parts.map(String::from));
                Ok(true)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decoding_that_got_further_places_the_error() {
        // Shift_JIS `あ` on line 2, then FF on line 3: Shift_JIS got further.
        let e = decode(b"a,b\n\x82\xa0,x\nok,\xff\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 4));
        // UTF-8 `é` on line 2, then FF on line 3 (C3 A9 is also Shift_JIS,
        // but UTF-8 read further).
        let e = decode(
            "a,b\né,x\nok,"
                .bytes()
                .chain([0xff, b'\n'])
                .collect::<Vec<u8>>()
                .as_slice(),
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (3, 4));
        // A lone CR ends a line too.
        let e = decode(b"a\rb\r\xff").unwrap_err();
        assert_eq!((e.line, e.column), (3, 1));
    }
}
