//! The input layer: every file casebook reads, and every CSV file it
//! writes, goes through here.
//!
//! * [`spelling`]: amounts, numbers and dates as people type them
//!   (`¥12,000`, `▲5,000`, `２０２６／１０／０１`);
//! * [`mod@decode`]: the encodings spreadsheets save text in;
//! * [`records`] splits text into CSV records; [`rows`]: a CSV file as rows of named fields, with the line and column
//!   of every field for error messages;
//! * [`tables`]: the CSV files of a client folder, and [`client_toml`] its
//!   settings, each read by one function that `load` and `import` share;
//! * [`document`]: TOML and YAML documents (settings, front matter) with the
//!   position of every value.
//!
//! Nothing here knows about metrics, pages or the folder layout of a
//! project; `load` and `import` build on it.

pub mod client_toml;
pub mod decode;
pub mod document;
pub mod ids;
pub mod records;
pub mod rows;
pub mod spelling;
pub mod tables;
pub mod write;

pub use decode::{DecodeError, Decoded, NOT_TEXT, TextEncoding, decode};
pub use rows::{Column, CsvReader, HeaderAt, ReadOptions, Row, opt, read_rows, read_rows_with, req};
pub use spelling::{fold_width, parse_date, parse_money, parse_number};
