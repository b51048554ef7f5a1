//! Generated Arabic documents for the benchmarks and the LSP latency harness: our evaluation
//! articles (`eval/docs/*.txt`, `eval/heldout/*.txt`) and the seed article (read in place from
//! `../shared/seed/` at run time, never copied into the repository), shuffled with a fixed seed
//! and repeated until the requested size. Articles are separated by a blank line, so the
//! document is news text paragraph after paragraph.

#![allow(dead_code)]

use std::path::Path;

/// The sizes benchmarked: (label, bytes).
pub const SIZES: &[(&str, usize)] = &[
    ("20KB", 20_000),
    ("200KB", 200_000),
    ("1MB", 1_000_000),
    ("5MB", 5_000_000),
];

/// Our articles plus the seed article when it is present.
pub fn articles() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = ["eval/docs", "eval/heldout"]
        .iter()
        .filter_map(|d| std::fs::read_dir(root.join(d)).ok())
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths.push(root.join("../shared/seed/000_52c75b453decbfc7.txt"));
    paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// A document of at least `bytes` bytes: articles in a pseudo-random order (xorshift, fixed
/// seed), each followed by a blank line.
pub fn document(bytes: usize) -> String {
    let arts = articles();
    assert!(!arts.is_empty(), "no articles found under eval/");
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out = String::with_capacity(bytes + 4096);
    while out.len() < bytes {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.push_str(&arts[(state % arts.len() as u64) as usize]);
        out.push_str("\n\n");
    }
    out
}

/// A byte offset inside the middle paragraph of `text`, on a char boundary, where a
/// keystroke lands.
pub fn middle_offset(text: &str) -> usize {
    let mut at = text.len() / 2;
    while !text.is_char_boundary(at) {
        at += 1;
    }
    // Move to the start of the next word so the edit is inside running text.
    match text[at..].find(' ') {
        Some(i) => at + i + 1,
        None => at,
    }
}
