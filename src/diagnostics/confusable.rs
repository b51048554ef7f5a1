//! `confusable-letter`: a character that looks like an Arabic letter or digit but is another
//! code point, inside an Arabic word or number — so that one name cannot silently be two names
//! (search, spell-checkers and other tools see different words), nor a number two numbers.
//!
//! Reported (one diagnostic per character, on that character; the message names its code point
//! and Unicode name, and the Arabic character meant):
//!
//! - Arabic-script letters of other languages that look like Arabic letters, inside an Arabic
//!   word: Persian keheh ک (U+06A9) and farsi yeh ی (U+06CC), Urdu heh goal ہ (U+06C1), heh
//!   doachashmee ھ (U+06BE) and teh marbuta goal ۃ (U+06C3), Kurdish ae ە (U+06D5), Sindhi
//!   swash kaf ڪ (U+06AA), Pashto e ې (U+06D0), Persian heh with yeh above ۀ (U+06C0). Letters
//!   with no Arabic look-alike (پ چ ژ گ, used to spell foreign names) are not reported. Folding
//!   for matching ([`crate::text::normalize`]) maps every one of these to its Arabic letter, so
//!   both spellings are still merged into one entity.
//! - Latin, Greek or Cyrillic letters inside an Arabic word: a run of them with Arabic letters
//!   directly on both sides (`مح` + Latin `o` + `د`), or a single letter shaped like an Arabic
//!   one (o O ο о О like ه/ة; l I ı і І ӏ like ا) directly against an Arabic letter. Latin words
//!   attached with tatweel (`الـCNN`) or a clitic (`بNATO`) are not reported.
//! - Digits of the Extended Arabic-Indic set (Persian/Urdu, U+06F0–U+06F9) in a number written
//!   with Arabic-Indic digits (U+0660–U+0669): `٢٠۲٤` mixes two look-alike ۲/٢.
//!
//! Sources: Unicode Technical Standard #39 (Security Mechanisms), confusables.txt and its
//! mixed-script detection; character names from the Unicode Character Database.

use super::{Code, Diagnostic, Message, excerpt};
use crate::text::Span;
use crate::text::token::{Token, TokenKind, is_arabic_letter};

/// An Arabic-script look-alike: its Unicode name, the language it belongs to (en, ar) and the
/// Arabic letters it stands for.
struct LookAlike {
    name: &'static str,
    language: (&'static str, &'static str),
    arabic: &'static [char],
}

/// The Arabic-script look-alikes of Arabic letters (see the module doc).
fn arabic_look_alike(c: char) -> Option<LookAlike> {
    let (name, language, arabic): (_, _, &'static [char]) = match c {
        '\u{06A9}' => ("ARABIC LETTER KEHEH", ("Persian", "فارسي"), &['ك']),
        '\u{06AA}' => ("ARABIC LETTER SWASH KAF", ("Sindhi", "سندي"), &['ك']),
        '\u{06CC}' => ("ARABIC LETTER FARSI YEH", ("Persian", "فارسي"), &['ي', 'ى']),
        '\u{06D0}' => ("ARABIC LETTER E", ("Pashto", "بشتوي"), &['ي']),
        '\u{06C1}' => ("ARABIC LETTER HEH GOAL", ("Urdu", "أردي"), &['ه']),
        '\u{06BE}' => ("ARABIC LETTER HEH DOACHASHMEE", ("Urdu", "أردي"), &['ه']),
        '\u{06C3}' => ("ARABIC LETTER TEH MARBUTA GOAL", ("Urdu", "أردي"), &['ة']),
        '\u{06D5}' => ("ARABIC LETTER AE", ("Kurdish", "كردي"), &['ه', 'ة']),
        '\u{06C0}' => (
            "ARABIC LETTER HEH WITH YEH ABOVE",
            ("Persian", "فارسي"),
            &['ة', 'ه'],
        ),
        _ => return None,
    };
    Some(LookAlike {
        name,
        language,
        arabic,
    })
}

/// Latin, Greek and Cyrillic letters shaped like an Arabic letter on their own.
fn shaped_like_arabic(c: char) -> bool {
    matches!(
        c,
        'o' | 'O' | 'ο' | 'Ο' | 'о' | 'О' | 'l' | 'I' | 'ı' | 'і' | 'І' | 'ӏ'
    )
}

/// The script of a Latin, Greek or Cyrillic letter (en, ar); `None` for other characters.
fn foreign_script(c: char) -> Option<(&'static str, &'static str)> {
    // The ranges first: the alphabetic test (a table search) only for their characters.
    let script = match c {
        'A'..='Z' | 'a'..='z' | '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' => {
            ("Latin", "لاتيني")
        }
        '\u{0370}'..='\u{03FF}' => ("Greek", "يوناني"),
        '\u{0400}'..='\u{04FF}' => ("Cyrillic", "سيريلي"),
        _ => return None,
    };
    c.is_alphabetic().then_some(script)
}

const CYRILLIC: [&str; 32] = [
    "A",
    "BE",
    "VE",
    "GHE",
    "DE",
    "IE",
    "ZHE",
    "ZE",
    "I",
    "SHORT I",
    "KA",
    "EL",
    "EM",
    "EN",
    "O",
    "PE",
    "ER",
    "ES",
    "TE",
    "U",
    "EF",
    "HA",
    "TSE",
    "CHE",
    "SHA",
    "SHCHA",
    "HARD SIGN",
    "YERU",
    "SOFT SIGN",
    "E",
    "YU",
    "YA",
];

const GREEK: [&str; 25] = [
    "ALPHA",
    "BETA",
    "GAMMA",
    "DELTA",
    "EPSILON",
    "ZETA",
    "ETA",
    "THETA",
    "IOTA",
    "KAPPA",
    "LAMDA",
    "MU",
    "NU",
    "XI",
    "OMICRON",
    "PI",
    "RHO",
    "FINAL SIGMA",
    "SIGMA",
    "TAU",
    "UPSILON",
    "PHI",
    "CHI",
    "PSI",
    "OMEGA",
];

/// The Unicode name of a Latin, Greek or Cyrillic letter, for the basic letters of each script
/// (ASCII, U+0391–U+03C9, U+0410–U+044F, and the Cyrillic palochka and Byelorussian-Ukrainian
/// i); `None` for the others (the message then shows the code point alone).
fn foreign_name(c: char) -> Option<String> {
    let case = |upper: bool| if upper { "CAPITAL" } else { "SMALL" };
    let n = c as u32;
    Some(match c {
        'A'..='Z' | 'a'..='z' => format!(
            "LATIN {} LETTER {}",
            case(c.is_ascii_uppercase()),
            c.to_ascii_uppercase()
        ),
        'ı' => "LATIN SMALL LETTER DOTLESS I".to_owned(),
        '\u{0391}'..='\u{03A9}' if n != 0x03A2 => {
            format!("GREEK CAPITAL LETTER {}", GREEK[(n - 0x0391) as usize])
        }
        '\u{03B1}'..='\u{03C9}' => format!("GREEK SMALL LETTER {}", GREEK[(n - 0x03B1) as usize]),
        '\u{0410}'..='\u{042F}' => {
            format!(
                "CYRILLIC CAPITAL LETTER {}",
                CYRILLIC[(n - 0x0410) as usize]
            )
        }
        '\u{0430}'..='\u{044F}' => {
            format!("CYRILLIC SMALL LETTER {}", CYRILLIC[(n - 0x0430) as usize])
        }
        'І' => "CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I".to_owned(),
        'і' => "CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I".to_owned(),
        'ӏ' => "CYRILLIC SMALL LETTER PALOCHKA".to_owned(),
        _ => return None,
    })
}

/// `U+XXXX NAME`, or `U+XXXX` alone when the name is not known here.
fn code_point(c: char, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("U+{:04X} {name}", c as u32),
        None => format!("U+{:04X}", c as u32),
    }
}

/// `ك (U+0643)` or `ي (U+064A) / ى (U+0649)`.
fn arabic_letters(letters: &[char], or: &str) -> String {
    letters
        .iter()
        .map(|&a| format!("{a} (U+{:04X})", a as u32))
        .collect::<Vec<_>>()
        .join(or)
}

/// True for a letter of the Arabic alphabet proper (hamza … yeh, U+0621–U+064A, without
/// tatweel U+0640): a word holding one is an Arabic word.
fn is_core_arabic(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}')
}

/// Arabic letters that a Latin/Greek/Cyrillic letter may touch to count as inside an Arabic
/// word: [`is_arabic_letter`] without tatweel (which writers use to attach Latin words: الـCNN).
fn is_joining_arabic(c: char) -> bool {
    is_arabic_letter(c) && c != '\u{0640}'
}

/// All `confusable-letter` diagnostics of `text` (see the module doc). `tokens` is
/// [`crate::text::token::tokenize`]'s output for `text`; tokens that do not fit `text` are
/// skipped.
pub fn confusable_letters(text: &str, tokens: &[Token]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for token in tokens {
        let Some(word) = super::slice(text, token.span) else {
            continue;
        };
        match token.kind {
            TokenKind::Arabic if word.chars().any(is_core_arabic) => {
                arabic_script(word, token.span.start, &mut out);
            }
            TokenKind::Number => mixed_digits(word, token.span.start, &mut out),
            _ => {}
        }
    }
    foreign_letters(text, &mut out);
    out
}

fn arabic_script(word: &str, at: usize, out: &mut Vec<Diagnostic>) {
    for (i, c) in word.char_indices() {
        let Some(look_alike) = arabic_look_alike(c) else {
            continue;
        };
        let shown = code_point(c, Some(look_alike.name));
        let (lang_en, lang_ar) = look_alike.language;
        let w = excerpt(word);
        out.push(Diagnostic::new(
            Span::new(at + i, at + i + c.len_utf8()),
            Code::ConfusableLetter,
            Message::new(
                format!(
                    "حرف {lang_ar} يشبه حرفا عربيا في «{w}»: {shown}؛ الحرف العربي {}",
                    arabic_letters(look_alike.arabic, " أو ")
                ),
                format!(
                    "{lang_en} look-alike letter in ‘{w}’: {shown}; the Arabic letter is {}",
                    arabic_letters(look_alike.arabic, " or ")
                ),
            ),
        ));
    }
}

fn mixed_digits(number: &str, at: usize, out: &mut Vec<Diagnostic>) {
    let arabic_indic = number.chars().any(|c| matches!(c, '\u{0660}'..='\u{0669}'));
    if !arabic_indic {
        return;
    }
    for (i, c) in number.char_indices() {
        if !matches!(c, '\u{06F0}'..='\u{06F9}') {
            continue;
        }
        let digit = c as u32 - 0x06F0;
        let meant = char::from_u32(0x0660 + digit).unwrap_or('٠');
        let shown = format!("U+{:04X} EXTENDED ARABIC-INDIC DIGIT {digit}", c as u32);
        let n = excerpt(number);
        out.push(Diagnostic::new(
            Span::new(at + i, at + i + c.len_utf8()),
            Code::ConfusableLetter,
            Message::new(
                format!(
                    "رقم فارسي بين أرقام عربية في «{n}»: {shown}؛ الرقم العربي {meant} (U+{:04X})",
                    meant as u32
                ),
                format!(
                    "Persian digit among Arabic-Indic digits in ‘{n}’: {shown}; the Arabic-Indic digit is {meant} (U+{:04X})",
                    meant as u32
                ),
            ),
        ));
    }
}

/// Runs of Latin/Greek/Cyrillic letters inside Arabic words.
fn foreign_letters(text: &str, out: &mut Vec<Diagnostic>) {
    let mut chars = text.char_indices().peekable();
    let mut before: Option<char> = None;
    while let Some((start, c)) = chars.next() {
        if foreign_script(c).is_none() {
            before = Some(c);
            continue;
        }
        let mut run = vec![(start, c)];
        while let Some(&(i, d)) = chars.peek() {
            if foreign_script(d).is_none() {
                break;
            }
            run.push((i, d));
            chars.next();
        }
        let after = chars.peek().map(|&(_, d)| d);
        let arabic_before = before.is_some_and(is_joining_arabic);
        let arabic_after = after.is_some_and(is_joining_arabic);
        before = run.last().map(|&(_, d)| d);
        let inside = arabic_before && arabic_after;
        let single = run.len() == 1 && shaped_like_arabic(c) && (arabic_before || arabic_after);
        if !(inside || single) {
            continue;
        }
        let word = word_around(text, start, run_end(&run));
        let w = excerpt(word);
        for &(i, d) in &run {
            let Some((script_en, script_ar)) = foreign_script(d) else {
                continue;
            };
            let shown = code_point(d, foreign_name(d).as_deref());
            out.push(Diagnostic::new(
                Span::new(i, i + d.len_utf8()),
                Code::ConfusableLetter,
                Message::new(
                    format!("حرف {script_ar} داخل كلمة عربية «{w}»: {shown}"),
                    format!("{script_en} letter inside the Arabic word ‘{w}’: {shown}"),
                ),
            ));
        }
    }
}

fn run_end(run: &[(usize, char)]) -> usize {
    run.last().map_or(0, |&(i, c)| i + c.len_utf8())
}

/// The word of `text` around `[start, end)`: extended over letters (any script) on both sides.
fn word_around(text: &str, start: usize, end: usize) -> &str {
    let is_word = |c: char| c.is_alphabetic() || is_arabic_letter(c);
    let from = text[..start]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word(c))
        .last()
        .map_or(start, |(i, _)| i);
    let to = text[end..]
        .char_indices()
        .find(|&(_, c)| !is_word(c))
        .map_or(text.len(), |(i, _)| end + i);
    &text[from..to]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::token::tokenize;

    fn found(text: &str) -> Vec<(&str, String)> {
        confusable_letters(text, &tokenize(text))
            .into_iter()
            .map(|d| (d.span.slice(text), d.message.en))
            .collect()
    }

    #[test]
    fn persian_and_urdu_letters_in_arabic_words() {
        let text = "قال دميتري بيسکوف إن ایران وافقت، وذکرت صحيفة ہندية";
        let got = found(text);
        let chars: Vec<&str> = got.iter().map(|(s, _)| *s).collect();
        assert_eq!(chars, ["ک", "ی", "ک", "ہ"]);
        assert_eq!(
            got[0].1,
            "Persian look-alike letter in ‘بيسکوف’: U+06A9 ARABIC LETTER KEHEH; \
             the Arabic letter is ك (U+0643)"
        );
        assert_eq!(
            got[1].1,
            "Persian look-alike letter in ‘ایران’: U+06CC ARABIC LETTER FARSI YEH; \
             the Arabic letter is ي (U+064A) or ى (U+0649)"
        );
        let d = confusable_letters(text, &tokenize(text));
        assert!(
            d.iter().all(|d| d.code == Code::ConfusableLetter
                && d.severity == super::super::Severity::Warning)
        );
        assert!(d[3].message.ar.contains("U+06C1 ARABIC LETTER HEH GOAL"));
        assert!(d[3].message.ar.contains("«ہندية»"));
    }

    #[test]
    fn latin_and_cyrillic_letters_inside_arabic_words() {
        // Latin o and Cyrillic о inside محمد, Latin l for alef at a word's start.
        let text = "محoمد ومحоمد وlحمد";
        let got = found(text);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0].0, "o");
        assert_eq!(
            got[0].1,
            "Latin letter inside the Arabic word ‘محoمد’: U+006F LATIN SMALL LETTER O"
        );
        assert_eq!(got[1].0, "о");
        assert_eq!(
            got[1].1,
            "Cyrillic letter inside the Arabic word ‘ومحоمد’: U+043E CYRILLIC SMALL LETTER O"
        );
        assert_eq!(got[2].0, "l");
    }

    #[test]
    fn legitimate_mixing_is_quiet() {
        // Latin words attached with tatweel or a clitic, spaced Latin, Persian letters with no
        // Arabic look-alike, and a Persian number on its own.
        let text = "نقلت الـCNN عن بNATO و Reuters أن بوتين وگرگان وپاريس في ۱۴۰۳ و٢٠٢٤ و2024";
        assert!(found(text).is_empty(), "{:?}", found(text));
        // A Persian word alone (no Arabic letter proper) is not an Arabic word.
        assert!(found("ۀ ہ").is_empty());
    }

    #[test]
    fn persian_digits_among_arabic_indic_ones() {
        let text = "في عام ٢٠۲٤ وفي ۱۴۰۳";
        let got = found(text);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "۲");
        assert_eq!(
            got[0].1,
            "Persian digit among Arabic-Indic digits in ‘٢٠۲٤’: U+06F2 EXTENDED ARABIC-INDIC \
             DIGIT 2; the Arabic-Indic digit is ٢ (U+0662)"
        );
    }

    #[test]
    fn names_of_foreign_letters() {
        assert_eq!(foreign_name('Z').as_deref(), Some("LATIN CAPITAL LETTER Z"));
        assert_eq!(
            foreign_name('Ο').as_deref(),
            Some("GREEK CAPITAL LETTER OMICRON")
        );
        assert_eq!(
            foreign_name('ω').as_deref(),
            Some("GREEK SMALL LETTER OMEGA")
        );
        assert_eq!(
            foreign_name('Я').as_deref(),
            Some("CYRILLIC CAPITAL LETTER YA")
        );
        assert_eq!(foreign_name('ä'), None);
        assert_eq!(code_point('ä', None), "U+00E4");
    }

    #[test]
    fn look_alike_spellings_are_one_entity() {
        // Folding maps ک to ك: both spellings are mentions of one person, and the odd one is
        // reported with its code point.
        let text = "وقال المتحدث باسم الكرملين دميتري بيسكوف إن الاجتماع انتهى. وأضاف بيسکوف أن موسكو راضية.";
        let analysis = crate::analyze(text);
        let person = analysis
            .entities
            .iter()
            .find(|e| e.name == "دميتري بيسكوف")
            .expect("the spokesman");
        let mentions: Vec<&str> = person.mentions.iter().map(|m| &*m.text).collect();
        assert_eq!(mentions, ["دميتري بيسكوف", "بيسکوف"]);
        let confusable: Vec<&str> = analysis
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::ConfusableLetter)
            .map(|d| d.span.slice(text))
            .collect();
        assert_eq!(confusable, ["ک"]);
    }
}
