//! The server end to end with the real analysis: Arabic with CRLF line ends and emoji before the
//! names, exact ranges in UTF-16 and UTF-8, an incremental edit sequence, and the seed article.

mod common;

use std::time::Duration;

use common::{TestClient, Unit, capabilities, nth, position, range};
use serde_json::{Value, json};

const URI: &str = "file:///tmp/%D8%AE%D8%A8%D8%B1.txt";
const URI2: &str = "file:///tmp/fresh.txt";

/// Written for this test: a minister named with his title, a continuation by surname after an
/// emoji, a spelling slip (فى beside في), a second person.
fn article() -> String {
    [
        "🙂 قال وزير المياه خالد العمري في عمّان: «سنعيد توزيع الحصص المائية».",
        "",
        "🎉🎉 وأضاف العمري: \"المرحلة الأولى تبدأ فى إربد قبل نهاية الصيف\".",
        "",
        "وقالت المهندسة ليلى حداد في المؤتمر إن الخطة طموحة في رأيها.",
        "",
    ]
    .join("\r\n")
}

fn as_u32(v: &Value) -> u32 {
    u32::try_from(v.as_u64().expect("a number")).expect("fits u32")
}

async fn check(unit: Unit, offered: &[&str], locale: &str) {
    let text = article();
    let mut client = TestClient::start();
    let init = client
        .initialize(capabilities(offered, true), json!({"locale": locale}))
        .await;
    let expected_encoding = if unit == Unit::Utf8 {
        "utf-8"
    } else {
        "utf-16"
    };
    assert_eq!(init["capabilities"]["positionEncoding"], expected_encoding);
    client.open(URI, &text, 3).await;

    // Diagnostics: the one slip, with its version and exact range.
    let published = client.diagnostics(URI, json!(3)).await;
    let diagnostics = published["diagnostics"].as_array().expect("array");
    let slips: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "mixed-orthography")
        .collect();
    assert_eq!(slips.len(), 1, "{published}");
    let (s, e) = nth(&text, "فى", 0);
    assert_eq!(slips[0]["range"], range(&text, s, e, unit));
    assert_eq!(slips[0]["source"], "qalam");
    assert_eq!(slips[0]["severity"], 3);
    for d in diagnostics {
        assert!(
            [
                "mixed-orthography",
                "unattributed-quote",
                "space-inside-quotes"
            ]
            .contains(&d["code"].as_str().unwrap_or("")),
            "unexpected diagnostic on clean text: {d}"
        );
    }

    // Hover on the surname after the emoji: the mention's exact range, the merged entity.
    let (s, e) = nth(&text, "العمري", 1);
    let at = position(&text, s + "ال".len(), unit);
    let hover = client
        .hover(URI, as_u32(&at["line"]), as_u32(&at["character"]))
        .await;
    assert_eq!(hover["range"], range(&text, s, e, unit), "{hover}");
    let value = hover["contents"]["value"].as_str().expect("markdown");
    let kind = if locale.starts_with("ar") {
        "شخص"
    } else {
        "person"
    };
    assert!(
        value.starts_with(&format!("**خالد العمري** — {kind}\n")),
        "{value}"
    );
    assert!(value.contains(": 2\n"), "two mentions: {value}");

    // Outline: two quotations attributed to the minister, people and places by first mention.
    let symbols = client.symbols(URI).await;
    let groups = symbols.as_array().expect("nested");
    let name = |g: &Value| g["name"].as_str().unwrap_or("").to_owned();
    let quotations = groups
        .iter()
        .find(|g| ["Quotations", "الاقتباسات"].contains(&name(g).as_str()));
    let quotations = quotations.expect("a quotations group")["children"]
        .as_array()
        .expect("children");
    assert_eq!(quotations.len(), 2, "{symbols}");
    let (qs, qe) = nth(&text, "«سنعيد توزيع الحصص المائية»", 0);
    assert_eq!(quotations[0]["name"], "سنعيد توزيع الحصص المائية");
    assert_eq!(quotations[0]["detail"], "خالد العمري");
    assert_eq!(quotations[0]["range"], range(&text, qs, qe, unit));
    assert_eq!(
        quotations[0]["selectionRange"],
        range(&text, qs + "«".len(), qe - "»".len(), unit)
    );
    let (qs, qe) = nth(&text, "\"المرحلة الأولى تبدأ فى إربد قبل نهاية الصيف\"", 0);
    assert_eq!(
        quotations[1]["name"],
        "المرحلة الأولى تبدأ فى إربد قبل نهاية الصيف"
    ); // 8 words
    assert_eq!(quotations[1]["detail"], "خالد العمري");
    assert_eq!(quotations[1]["range"], range(&text, qs, qe, unit));

    let people = groups
        .iter()
        .find(|g| ["People", "الأشخاص"].contains(&name(g).as_str()));
    let people = people.expect("a people group")["children"]
        .as_array()
        .expect("children");
    let names: Vec<&str> = people
        .iter()
        .map(|p| p["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["خالد العمري", "ليلى حداد"]);
    let (ps, pe) = nth(&text, "خالد العمري", 0);
    assert_eq!(people[0]["range"], range(&text, ps, pe, unit));
    assert_eq!(people[0]["selectionRange"], people[0]["range"]);

    let places = groups
        .iter()
        .find(|g| ["Places", "الأماكن"].contains(&name(g).as_str()));
    let places = places.expect("a places group")["children"]
        .as_array()
        .expect("children");
    let names: Vec<&str> = places
        .iter()
        .map(|p| p["name"].as_str().unwrap_or(""))
        .collect();
    assert!(
        names.contains(&"عمّان") && names.contains(&"إربد"),
        "{names:?}"
    );
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crlf_emoji_utf16() {
    check(Unit::Utf16, &[], "en").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crlf_emoji_utf8_arabic() {
    check(Unit::Utf8, &["utf-8", "utf-16"], "ar").await;
}

/// A client of a server with `text` opened as [`URI`] version 1, its diagnostics read.
async fn opened(text: &str) -> TestClient {
    let mut client = TestClient::start();
    client.initialize(capabilities(&[], true), json!({})).await;
    client.open(URI, text, 1).await;
    client.diagnostics(URI, json!(1)).await;
    client
}

/// Every publication after an edit — each awaited, so that the server carries the last
/// publication's positions across the edit (`lsp::published`) — equals a fresh open of the
/// same text: line breaks inserted and removed before diagnostics (their lines move), an emoji
/// before them on their line (their characters move), a mixed spelling typed and fixed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_published_revision_equals_a_fresh_open() {
    let mut text = article();
    let mut client = opened(&text).await;
    let end_of_first_line = text.find("\r\n").expect("a CRLF");
    let steps: Vec<(usize, usize, &str)> = vec![
        (end_of_first_line, end_of_first_line, "\r\nسطر جديد"),
        (0, 0, "🌟"),
        (0, "🌟".len(), ""),
        (
            end_of_first_line,
            end_of_first_line + "\r\nسطر جديد".len(),
            "",
        ),
        (text.len(), text.len(), "\nفى"),
        (text.len() + 1, text.len() + 1 + "فى".len(), "في"),
        (text.len(), text.len(), "\n\n"),
    ];
    let mut moved = 0;
    for (k, (start, end, new)) in steps.into_iter().enumerate() {
        let change = json!({"range": range(&text, start, end, Unit::Utf16), "text": new});
        text.replace_range(start..end, new);
        let version = 2 + k as i64;
        client.change(URI, version, change).await;
        let edited = client.diagnostics(URI, json!(version)).await;
        let fresh_uri = format!("file:///tmp/fresh-{k}.txt");
        client.open(&fresh_uri, &text, 1).await;
        let fresh = client.diagnostics(&fresh_uri, json!(1)).await;
        // Related locations name their document: compare with the fresh one's URI replaced.
        let fresh_json = fresh["diagnostics"].to_string().replace(&fresh_uri, URI);
        assert_eq!(
            edited["diagnostics"].to_string(),
            fresh_json,
            "step {k}: {text:?}"
        );
        let lines: Vec<u64> = edited["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter_map(|d| d["range"]["start"]["line"].as_u64())
            .collect();
        assert!(!lines.is_empty(), "step {k}");
        moved += usize::from(lines.iter().any(|&l| l > 1));
    }
    assert!(
        moved >= 5,
        "diagnostics after the edited line in {moved} steps"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_equal_a_fresh_open() {
    let mut text = article();
    let mut client = opened(&text).await;

    // Type a new sentence character by character at the end, then fix the slip.
    let addition = "وأكد العمري: «لن نترك المزارعين وحدهم».";
    let mut version = 1;
    for c in addition.chars() {
        let end = text.len();
        let change = json!({"range": range(&text, end, end, Unit::Utf16), "text": c.to_string()});
        text.push(c);
        version += 1;
        client.change(URI, version, change).await;
    }
    let (s, e) = nth(&text, "فى", 0);
    let change = json!({"range": range(&text, s, e, Unit::Utf16), "text": "في"});
    text.replace_range(s..e, "في");
    version += 1;
    client.change(URI, version, change).await;

    let edited = client.diagnostics(URI, json!(version)).await;
    let edited_symbols = client.symbols(URI).await;
    client.open(URI2, &text, 1).await;
    let fresh = client.diagnostics(URI2, json!(1)).await;
    assert_eq!(edited["diagnostics"], fresh["diagnostics"]);
    assert_eq!(edited_symbols, client.symbols(URI2).await);
    let quotes = &edited_symbols[0]["children"];
    assert_eq!(quotes.as_array().map(Vec::len), Some(3), "{edited_symbols}");
    assert_eq!(quotes[2]["detail"], "خالد العمري");

    client.settle(Duration::from_millis(200)).await;
    let versions: Vec<i64> = client
        .published
        .iter()
        .filter(|m| m["params"]["uri"] == URI)
        .filter_map(|m| m["params"]["version"].as_i64())
        .collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    assert_eq!(versions.last(), Some(&version));
    client.shutdown().await;
}

/// The seed article, read in place: structural invariants of everything the server returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_article_outline_hover_and_diagnostics_are_consistent() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/seed/000_52c75b453decbfc7.txt"
    );
    let text = std::fs::read_to_string(path).expect("the seed article");
    let mut client = TestClient::start();
    client
        .initialize(capabilities(&[], true), json!({"locale": "ar"}))
        .await;
    client.open(URI, &text, 1).await;
    let published = client.diagnostics(URI, json!(1)).await;
    let codes: Vec<&str> = published["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or(""))
        .collect();
    for code in [
        "unclosed-quote",
        "unmatched-closing-quote",
        "inconsistent-spelling",
        "mixed-orthography",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }

    let symbols = client.symbols(URI).await;
    let groups = symbols.as_array().expect("nested");
    let names: Vec<&str> = groups
        .iter()
        .map(|g| g["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["الاقتباسات", "الأشخاص", "المنظمات", "الأماكن"]);
    let key = |p: &Value| {
        (
            p["line"].as_u64().unwrap_or(0),
            p["character"].as_u64().unwrap_or(0),
        )
    };
    let within = |outer: &Value, inner: &Value| {
        key(&outer["start"]) <= key(&inner["start"]) && key(&inner["end"]) <= key(&outer["end"])
    };
    for g in groups {
        let children = g["children"].as_array().expect("children");
        assert!(!children.is_empty());
        for c in children {
            assert!(!c["name"].as_str().unwrap_or("").trim().is_empty(), "{c}");
            assert!(within(&g["range"], &c["range"]), "{g} does not span {c}");
            assert!(within(&c["range"], &c["selectionRange"]), "{c}");
        }
    }
    // Quotations in document order; the first one is the spokesman's.
    let quotes = groups[0]["children"].as_array().expect("children");
    assert!(
        quotes
            .windows(2)
            .all(|w| key(&w[0]["range"]["start"]) < key(&w[1]["range"]["start"]))
    );
    assert!(
        quotes[0]["detail"]
            .as_str()
            .unwrap_or("")
            .contains("بيسكوف"),
        "{}",
        quotes[0]
    );

    // Hovering at the start of each entity's first mention gives that mention's range.
    for g in &groups[1..] {
        for c in g["children"].as_array().expect("children") {
            let start = &c["range"]["start"];
            let hover = client
                .hover(URI, as_u32(&start["line"]), as_u32(&start["character"]))
                .await;
            assert_eq!(hover["range"], c["range"], "{c}");
            let value = hover["contents"]["value"].as_str().expect("markdown");
            assert!(
                value.starts_with(&format!("**{}**", c["name"].as_str().unwrap_or(""))),
                "{value}"
            );
        }
    }
    client.shutdown().await;
}

/// The early set ([`qalam::analysis::early_diagnostics`]) is exactly the full analysis's
/// diagnostics of the text-only codes, on our articles and the seed article.
#[test]
fn early_diagnostics_are_the_full_sets_text_only_codes() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = vec![article(), early_article()];
    for dir in ["eval/docs", "eval/heldout", "../shared/seed"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            if e.path().extension().is_some_and(|x| x == "txt")
                && let Ok(t) = std::fs::read_to_string(e.path())
            {
                texts.push(t);
            }
        }
    }
    for text in &texts {
        let full: Vec<_> = qalam::analyze(text)
            .diagnostics
            .into_iter()
            .filter(|d| qalam::analysis::EARLY_CODES.contains(&d.code))
            .collect();
        assert_eq!(qalam::analysis::early_diagnostics(text), full);
    }
}

/// A long text (≈ 120 KB) with text-only slips (a repeated word, a Latin comma, a bidi
/// override) and names, every paragraph different (numbered: the analysis memoises paragraphs
/// by content), so that its full analysis takes far longer than its early set.
fn early_article() -> String {
    let mut text = article();
    text.push_str("\r\n");
    let mut i = 0;
    while text.len() < 120_000 {
        i += 1;
        text.push_str(&format!(
            "قال الوزير خالد العمري في الاجتماع {i} إن إن الخطة, تبدأ فى إربد \u{202E}قبل الصيف.\n\n"
        ));
        text.push_str(&format!(
            "وقالت المهندسة ليلى حداد في المؤتمر {i} إن الخطة طموحة في رأيها.\n\n"
        ));
    }
    text
}

/// Staged publication on open: first the early set (every diagnostic marked
/// `data: {"qalam": "early"}`), then the full set for the same version, which contains each
/// early diagnostic (same range, code, message) and carries no mark; nothing after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_publishes_the_early_set_then_the_full_set() {
    let text = early_article();
    let mut client = TestClient::start();
    client.initialize(capabilities(&[], true), json!({})).await;
    client.open(URI, &text, 1).await;
    let full = client.diagnostics(URI, json!(1)).await;
    client.settle(Duration::from_millis(300)).await;
    let ours: Vec<&Value> = client
        .published
        .iter()
        .filter(|m| m["params"]["uri"] == URI)
        .map(|m| &m["params"])
        .collect();
    assert!(ours.iter().all(|p| p["version"] == 1));
    // The early set comes first, the full set last; nothing follows the full set.
    assert_eq!(ours.len(), 2, "{ours:?}");
    assert!(common::is_early(ours[0]), "{}", ours[0]);
    assert_eq!(ours[1], &full);
    assert!(!common::is_early(&full));
    let strip = |d: &Value| {
        let mut d = d.clone();
        if let Some(o) = d.as_object_mut() {
            o.remove("data");
        }
        d
    };
    let early: Vec<Value> = ours[0]["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(strip)
        .collect();
    let full_list = full["diagnostics"].as_array().expect("array");
    assert!(full_list.iter().all(|d| d.get("data").is_none()));
    let text_only: Vec<Value> = full_list
        .iter()
        .filter(|d| {
            qalam::analysis::EARLY_CODES
                .iter()
                .any(|c| d["code"] == c.as_str())
        })
        .cloned()
        .collect();
    assert_eq!(early, text_only);
    for code in ["repeated-word", "latin-punctuation", "bidi-control"] {
        assert!(early.iter().any(|d| d["code"] == code), "{code}");
    }
    assert!(full_list.iter().any(|d| d["code"] == "mixed-orthography"));
}
