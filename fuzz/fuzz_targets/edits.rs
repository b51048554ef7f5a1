#![no_main]
//! See `qalam_fuzz::edit_bytes`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qalam_fuzz::edit_bytes(data));
