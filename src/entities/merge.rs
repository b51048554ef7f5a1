//! Merging mentions into entities.
//!
//! People: a multi-word name joins an earlier entity when it is the same name up to spelling
//! (each part equal or within one edit — optimal string alignment distance — on folded forms:
//! دميترى/ديمترى, غوتيريش/غوتيرش; عبدالله/عبد الله are glued before comparing) or a contiguous
//! tail of a longer name (شاه مسعود ⊂ أحمد شاه مسعود); two full names that merely share parts
//! (أحمد مسعود, أحمد شاه مسعود) stay apart. A one-word mention joins the nearest earlier entity
//! whose name ends (or starts) with it, else the nearest later one.
//!
//! Organizations, places, misc: same folded form, same words up to spelling, or short ↔ long
//! forms (طالبان ↔ حركة طالبان: the long form adds only trigger nouns in front, and at most one
//! word — an adjective — at the end: مجلس الأمن ↔ مجلس الأمن الدولي).

use std::collections::BTreeSet;

use rustc_hash::FxHashMap as HashMap;

use super::lexicon::Lexicon;
use super::{EntityKind, Mention};

/// Optimal string alignment distance (Levenshtein + adjacent transposition), on chars.
///
/// The common prefix and suffix are dropped first — they never change the distance (as in
/// RapidFuzz's OSA, which removes the common affix) — so two spellings of one name compare
/// only the few chars where they differ.
pub fn osa_distance(a: &str, b: &str) -> usize {
    osa_bounded(a, b, usize::MAX).unwrap_or_else(|| osa_distance_table(a, b))
}

/// True when `osa_distance(a, b) <= max`, computing only the band of the table within `max`
/// of its diagonal and stopping at the first row above `max` ([`osa_bounded`]).
pub fn osa_within(a: &str, b: &str, max: usize) -> bool {
    osa_bounded(a, b, max).is_some()
}

/// The OSA distance of `a` and `b` when it is at most `max`, else `None`. After the common
/// affix is dropped, only the cells within `max` of the table's diagonal are computed
/// (Ukkonen's band, *Algorithms for approximate string matching*, 1985; `max` is first
/// lowered to the longer length, which bounds the distance, so a large `max` is the full
/// table), and the computation stops at the first row whose band is all above `max`. When
/// what differs is 32 chars or more, the full table ([`osa_distance_table`]) is used.
fn osa_bounded(a: &str, b: &str, max: usize) -> Option<usize> {
    const SMALL: usize = 32;
    let (a, b) = strip_common_affix(a, b);
    let mut ca = ['\0'; SMALL];
    let mut cb = ['\0'; SMALL];
    let (mut na, mut nb) = (0, 0);
    for (chars, n, s) in [(&mut ca, &mut na, a), (&mut cb, &mut nb, b)] {
        for c in s.chars() {
            if *n == SMALL {
                let d = osa_distance_table(a, b);
                return (d <= max).then_some(d);
            }
            chars[*n] = c;
            *n += 1;
        }
    }
    if na.abs_diff(nb) > max {
        return None;
    }
    if na == 0 || nb == 0 {
        return Some(na.max(nb));
    }
    let max = max.min(na.max(nb));
    // Cells hold min(distance, max + 1); rows i - 2, i - 1 and i live at index i % 3.
    let inf = max + 1;
    let mut rows = [[inf; SMALL + 1]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate().take(nb.min(max) + 1) {
        *cell = j;
    }
    for i in 1..=na {
        let (cur, prev, before) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        let lo = i.saturating_sub(max).max(1);
        let hi = (i + max).min(nb);
        // The cells the band reads next to it: column 0, the one left of the band, and the
        // one right of it (read by the next row), all outside the band unless column 0.
        rows[cur][0] = i.min(inf);
        rows[cur][lo - 1] = if lo == 1 { i.min(inf) } else { inf };
        if hi < nb {
            rows[cur][hi + 1] = inf;
        }
        let mut best = inf;
        for j in lo..=hi {
            let cost = usize::from(ca[i - 1] != cb[j - 1]);
            let mut v = (rows[prev][j] + 1)
                .min(rows[cur][j - 1] + 1)
                .min(rows[prev][j - 1] + cost);
            if i > 1 && j > 1 && ca[i - 1] == cb[j - 2] && ca[i - 2] == cb[j - 1] {
                v = v.min(rows[before][j - 2] + 1);
            }
            let v = v.min(inf);
            rows[cur][j] = v;
            best = best.min(v);
        }
        if best > max {
            return None;
        }
    }
    let d = rows[na % 3][nb];
    (d <= max).then_some(d)
}

/// `a` and `b` without the chars they share at the start and at the end (the suffix is
/// taken from what the prefix leaves, so the two never overlap).
fn strip_common_affix<'s>(a: &'s str, b: &'s str) -> (&'s str, &'s str) {
    let prefix: usize = a
        .chars()
        .zip(b.chars())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix: usize = a
        .chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    (&a[..a.len() - suffix], &b[..b.len() - suffix])
}

/// [`osa_distance`] with a full table, for long strings.
fn osa_distance_table(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// True when two folded name parts are the same name up to a small spelling difference: equal,
/// or (five letters or more, same first letter) one edit apart, or (eight or more) two.
pub fn same_part(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    // The first letters first: most pairs differ there, and that needs no count of letters.
    if a.chars().next() != b.chars().next() {
        return false;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    let short = la.min(lb);
    if short < 5 {
        return false;
    }
    // The distance is at least the difference in length: skip the table when it cannot pass.
    let max = if short >= 8 { 2 } else { 1 };
    if la.abs_diff(lb) > max {
        return false;
    }
    osa_within(a, b, max)
}

/// Name parts of a folded key, with compounds glued: عبد الله → عبدالله, امر الله → امرالله.
pub fn name_parts(key: &str) -> Vec<String> {
    let words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if (w == "عبد" || w == "ابو") && i + 1 < words.len() {
            out.push(format!("{w}{}", words[i + 1]));
            i += 2;
            continue;
        }
        if w == "الله"
            && let Some(prev) = out.last_mut()
        {
            prev.push_str(w);
            i += 1;
            continue;
        }
        out.push(w.to_string());
        i += 1;
    }
    out
}

fn same_parts(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_part(x, y))
}

/// True when `short` occurs as a contiguous run inside `long` at `at`.
fn occurs_at(short: &[String], long: &[String], at: usize) -> bool {
    at + short.len() <= long.len() && short.iter().zip(&long[at..]).all(|(x, y)| same_part(x, y))
}

/// A mention ready for merging.
#[derive(Clone, Debug)]
pub(crate) struct Item<'a> {
    /// The mention.
    pub mention: Mention,
    /// Folded key.
    pub key: &'a str,
    /// Name parts ([`name_parts`] of `key`).
    pub parts: &'a [String],
    /// `key` without its spaces.
    pub joined: &'a str,
    /// [`distinctive_short_form`] of `parts`.
    pub distinctive: bool,
}

fn person_compatible(item: &Item<'_>, member: &Item<'_>) -> bool {
    let (a, b) = (item.parts, member.parts);
    if a.len() == 1 {
        return b.len() == 1 && same_part(&a[0], &b[0])
            || b.len() > 1 && (same_part(&a[0], &b[b.len() - 1]) || same_part(&a[0], &b[0]));
    }
    if same_parts(a, b) {
        return true;
    }
    // A contiguous tail of a longer name (شاه مسعود ⊂ أحمد شاه مسعود).
    a.len() < b.len() && occurs_at(a, b, b.len() - a.len())
}

fn is_trigger(w: &str) -> bool {
    let lx = Lexicon::get();
    lx.org_triggers.contains(w)
        || lx.org_trigger_continuations.contains(w)
        || lx.loc_triggers.contains(w)
}

/// True when the words of an organization's short form (its name without the trigger noun)
/// are distinctive enough to stand for it alone: a gazetteer name (الأمم المتحدة) or at least one
/// word without the article (طالبان، تاس، أنباء تاس). Definite common nouns alone are not
/// (اتحاد المزارعين ↛ المزارعين; وزارة المياه والري ↛ المياه والري).
pub fn distinctive_short_form(words: &[String]) -> bool {
    Lexicon::get().lookup(&words.join(" ")).is_some()
        || words
            .iter()
            .any(|w| !w.starts_with("ال") && !w.starts_with("وال"))
}

fn short_long(short_item: &Item<'_>, long_item: &Item<'_>) -> bool {
    let (short, long) = (short_item.parts, long_item.parts);
    if short.len() >= long.len() || !short_item.distinctive {
        return false;
    }
    let short_has_trigger = short.first().is_some_and(|w| is_trigger(w));
    (0..=long.len() - short.len()).any(|at| {
        let tail = long.len() - at - short.len();
        occurs_at(short, long, at)
            && long[..at].iter().all(|w| is_trigger(w))
            && (at == 0 || !short_has_trigger)
            && tail <= 1
            && (at > 0 || tail > 0)
    })
}

fn other_compatible(item: &Item<'_>, member: &Item<'_>) -> bool {
    if item.joined == member.joined {
        return true;
    }
    if item.mention.kind != member.mention.kind {
        return false;
    }
    same_parts(item.parts, member.parts) || short_long(item, member) || short_long(member, item)
}

/// One distinct form (group, key, kind): its group, its first member (the representative whose
/// key and parts compatibility is tested on) and the starts of its members.
type Form = (usize, usize, BTreeSet<usize>);

/// The forms of [`group`] indexed by what any compatible item must share with them, so that a
/// new item is tested against the few forms it may be compatible with instead of every form:
/// the joined key, the last part, the part before it and the first part — each found again up
/// to spelling ([`same_part`]: equal, or at least five letters with the same first letter and
/// one or two edits, so a bucket of parts by first letter and length holds every variant).
/// Every form compatible with an item is among [`FormIndex::candidates`] (a superset; callers
/// still test compatibility).
#[derive(Default)]
struct FormIndex<'a> {
    by_joined: HashMap<&'a str, Vec<usize>>,
    by_last: HashMap<&'a str, Vec<usize>>,
    by_second: HashMap<&'a str, Vec<usize>>,
    by_first: HashMap<&'a str, Vec<usize>>,
    /// (first letter, length in chars) → the distinct indexed parts of five letters or more,
    /// with their [`letter_bits`].
    fuzzy: HashMap<(char, usize), Vec<(&'a str, u64)>>,
    fuzzy_seen: rustc_hash::FxHashSet<&'a str>,
    /// Per queried part: its variants found so far and, per bucket it reads (by length from
    /// its length − 2), how many of the bucket's parts were tested — each (part, indexed part)
    /// pair is tested once per [`group`] call.
    memo: HashMap<&'a str, ([usize; 5], Vec<&'a str>)>,
    /// Forms with no name part (compared with every item).
    empty: Vec<usize>,
}

/// The set of letters of `s` as bits (letter code modulo 64). Parts within two edits of each
/// other ([`same_part`]) differ in at most four bits: a substitution changes at most two, an
/// insertion or deletion one, a transposition none.
pub(crate) fn letter_bits(s: &str) -> u64 {
    s.chars().fold(0, |bits, c| bits | 1 << (c as u32 % 64))
}

/// Which of an item's parts may be matched against which of a form's (see [`group`]).
#[derive(Clone, Copy)]
enum Probe {
    /// Multi-word person: the item's last part against the forms' last parts.
    Person,
    /// One-word person: its part against the forms' last and first parts.
    OneWord,
    /// Any other kind: joined key; last part against last and second-to-last parts;
    /// second-to-last part against last parts.
    Other,
}

impl<'a> FormIndex<'a> {
    fn add(&mut self, f: usize, item: &Item<'a>) {
        self.by_joined.entry(item.joined).or_default().push(f);
        let parts: &'a [String] = item.parts;
        let Some(last) = parts.last() else {
            self.empty.push(f);
            return;
        };
        self.by_last.entry(last).or_default().push(f);
        self.fuzzy_add(last);
        if parts.len() >= 2 {
            let second = &parts[parts.len() - 2];
            self.by_second.entry(second).or_default().push(f);
            self.fuzzy_add(second);
        }
        self.by_first.entry(&parts[0]).or_default().push(f);
        self.fuzzy_add(&parts[0]);
    }

    fn fuzzy_add(&mut self, part: &'a str) {
        let n = part.chars().count();
        if n >= 5
            && self.fuzzy_seen.insert(part)
            && let Some(c) = part.chars().next()
        {
            self.fuzzy
                .entry((c, n))
                .or_default()
                .push((part, letter_bits(part)));
        }
    }

    /// The indexed parts `p` with [`same_part`]`(q, p)`, `q` first.
    fn variants(&mut self, q: &'a str) -> Vec<&'a str> {
        let n = q.chars().count();
        let Some(c) = q.chars().next().filter(|_| n >= 5) else {
            return vec![q];
        };
        let (seen, found) = self.memo.entry(q).or_insert_with(|| ([0; 5], Vec::new()));
        let bits = letter_bits(q);
        for (k, len) in (n.saturating_sub(2).max(5)..=n + 2).enumerate() {
            if let Some(parts) = self.fuzzy.get(&(c, len)) {
                found.extend(
                    parts[seen[k]..]
                        .iter()
                        .filter(|&&(p, b)| {
                            (bits ^ b).count_ones() <= 4 && p != q && same_part(q, p)
                        })
                        .map(|&(p, _)| p),
                );
                seen[k] = parts.len();
            }
        }
        let mut out = Vec::with_capacity(found.len() + 1);
        out.push(q);
        out.extend_from_slice(found);
        out
    }

    /// The forms (indices, ascending, at least `from`) that may be compatible with `item`;
    /// `None` when every form may be (an item with no name part).
    fn candidates(&mut self, item: &Item<'a>, probe: Probe, from: usize) -> Option<Vec<usize>> {
        let parts: &'a [String] = item.parts;
        let last = parts.last()?;
        let last_variants = self.variants(last);
        let second_variants = match (probe, parts.len()) {
            (Probe::Other, 2..) => self.variants(&parts[parts.len() - 2]),
            _ => Vec::new(),
        };
        let mut out: Vec<usize> = self.empty.clone();
        let mut take = |map: &HashMap<&'a str, Vec<usize>>, q: &str| {
            if let Some(fs) = map.get(q) {
                out.extend(fs.iter().copied().filter(|&f| f >= from));
            }
        };
        match probe {
            Probe::Person => {
                for p in &last_variants {
                    take(&self.by_last, p);
                }
            }
            Probe::OneWord => {
                for p in &last_variants {
                    take(&self.by_last, p);
                    take(&self.by_first, p);
                }
            }
            Probe::Other => {
                take(&self.by_joined, item.joined);
                for p in &last_variants {
                    take(&self.by_last, p);
                    take(&self.by_second, p);
                }
                for p in &second_variants {
                    take(&self.by_last, p);
                }
            }
        }
        out.retain(|&f| f >= from);
        out.sort_unstable();
        out.dedup();
        Some(out)
    }
}

/// Groups of item indices (each group one entity), in order of first mention.
///
/// Cost: each new distinct form is tested against the forms [`FormIndex`] returns for it —
/// those sharing a joined key or a last (or second-to-last, or first) part up to spelling —
/// not against every earlier form; the result is the same as testing every form.
pub(crate) fn group<'a>(items: &[Item<'a>]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: Vec<Option<usize>> = vec![None; items.len()];
    let is_person = |i: usize| items[i].mention.kind == EntityKind::Person;

    // Distinct forms (group, key, kind) with their members' starts: compatibility depends on
    // the form only, so each call tests each candidate form once and finds the nearest member
    // by a range query.
    let mut forms: Vec<Form> = Vec::new();
    let mut form_index: HashMap<(usize, &'a str, EntityKind), usize> = HashMap::default();
    let mut index: FormIndex<'a> = FormIndex::default();
    let add = |forms: &mut Vec<Form>,
               form_index: &mut HashMap<(usize, &'a str, EntityKind), usize>,
               index: &mut FormIndex<'a>,
               g: usize,
               m: usize| {
        let key = (g, items[m].key, items[m].mention.kind);
        let f = *form_index.entry(key).or_insert_with(|| {
            forms.push((g, m, BTreeSet::new()));
            index.add(forms.len() - 1, &items[m]);
            forms.len() - 1
        });
        forms[f].2.insert(items[m].mention.span.start);
    };

    // Pass 1: people with multi-word names, and every non-person mention, in document order.
    // A form already seen joins the group of its last occurrence.
    let mut seen: HashMap<(&str, bool), usize> = HashMap::default();
    for i in 0..items.len() {
        if is_person(i) && items[i].parts.len() < 2 {
            continue;
        }
        if let Some(&g) = seen.get(&(items[i].key, is_person(i))) {
            groups[g].push(i);
            group_of[i] = Some(g);
            add(&mut forms, &mut form_index, &mut index, g, i);
            continue;
        }
        let ok = |m: usize| {
            if is_person(i) {
                is_person(m) && items[m].parts.len() >= 2 && person_compatible(&items[i], &items[m])
            } else {
                !is_person(m) && other_compatible(&items[i], &items[m])
            }
        };
        let probe = if is_person(i) {
            Probe::Person
        } else {
            Probe::Other
        };
        let candidates = index
            .candidates(&items[i], probe, 0)
            .unwrap_or_else(|| (0..forms.len()).collect());
        let found = nearest_group(
            items[i].mention.span.start,
            candidates
                .iter()
                .map(|&f| &forms[f])
                .filter(|(_, rep, _)| ok(*rep))
                .map(|(g, _, starts)| (*g, starts)),
        );
        let g = match found {
            Some(g) => g,
            None => {
                groups.push(Vec::new());
                groups.len() - 1
            }
        };
        groups[g].push(i);
        group_of[i] = Some(g);
        add(&mut forms, &mut form_index, &mut index, g, i);
        seen.insert((items[i].key, is_person(i)), g);
    }
    // Pass 2: one-word person mentions join the nearest compatible person. Compatibility
    // depends on the mention's key and the form only, and forms are only appended: per key,
    // the compatible forms found so far and how many forms were tested are remembered, so each
    // (key, form) pair is tested once.
    let mut compatible: HashMap<&str, (usize, Vec<usize>)> = HashMap::default();
    for i in 0..items.len() {
        if group_of[i].is_some() {
            continue;
        }
        let entry = compatible
            .entry(items[i].key)
            .or_insert_with(|| (0, Vec::new()));
        let candidates = if entry.0 == forms.len() {
            Vec::new() // no form added since this key was last tested
        } else {
            index
                .candidates(&items[i], Probe::OneWord, entry.0)
                .unwrap_or_else(|| (entry.0..forms.len()).collect())
        };
        for f in candidates {
            let rep = forms[f].1;
            if is_person(rep) && person_compatible(&items[i], &items[rep]) {
                entry.1.push(f);
            }
        }
        entry.0 = forms.len();
        let g = match nearest_group(
            items[i].mention.span.start,
            entry.1.iter().map(|&f| (forms[f].0, &forms[f].2)),
        ) {
            Some(g) => g,
            None => {
                groups.push(Vec::new());
                groups.len() - 1
            }
        };
        groups[g].push(i);
        group_of[i] = Some(g);
        add(&mut forms, &mut form_index, &mut index, g, i);
    }
    for g in &mut groups {
        g.sort_by_key(|&i| items[i].mention.span.start);
    }
    groups.retain(|g| !g.is_empty());
    groups.sort_by_key(|g| items[g[0]].mention.span.start);
    groups
}

/// Whether [`group`] may ever test `a` and `b` compatible, in either direction: the relation its
/// decisions follow. Two people: a multi-word name against a multi-word form (pass 1), a
/// one-word name against any person's form (pass 2); two other mentions: [`other_compatible`];
/// a person and another kind: never. Each of `group`'s joins (a new item to a compatible form,
/// a form already seen to its group) follows one such pair, so every group lies inside one
/// connected component of this relation over the items' distinct (key, kind) forms, and
/// `group` run on the items of a union of components returns those components' groups
/// ([`super::regroup`] relies on it). Only the keys, parts, kinds and `distinctive` flags are
/// read, not the spans.
pub(crate) fn may_join(a: &Item<'_>, b: &Item<'_>) -> bool {
    let person = |i: &Item<'_>| i.mention.kind == EntityKind::Person;
    match (person(a), person(b)) {
        (true, true) => {
            let tested = |x: &Item<'_>, y: &Item<'_>| {
                (x.parts.len() < 2 || y.parts.len() >= 2) && person_compatible(x, y)
            };
            tested(a, b) || tested(b, a)
        }
        (false, false) => other_compatible(a, b) || other_compatible(b, a),
        _ => false,
    }
}

/// Of `forms` (a group and the byte offsets where that form starts), the group of the occurrence
/// nearest before `start`, else of the nearest at or after it; `None` when `forms` has no
/// occurrence. Ties go to the earlier form in iteration order.
fn nearest_group<'a>(
    start: usize,
    forms: impl Iterator<Item = (usize, &'a BTreeSet<usize>)>,
) -> Option<usize> {
    let mut before: Option<(usize, usize)> = None;
    let mut after: Option<(usize, usize)> = None;
    for (g, starts) in forms {
        if let Some(&s) = starts.range(..start).next_back()
            && before.is_none_or(|(bs, _)| s > bs)
        {
            before = Some((s, g));
        }
        if let Some(&s) = starts.range(start..).next()
            && after.is_none_or(|(as_, _)| s < as_)
        {
            after = Some((s, g));
        }
    }
    before.or(after).map(|(_, g)| g)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`group`] testing every earlier form (the definition the index must agree with).
    fn group_scan(items: &[Item<'_>]) -> Vec<Vec<usize>> {
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut group_of: Vec<Option<usize>> = vec![None; items.len()];
        let is_person = |i: usize| items[i].mention.kind == EntityKind::Person;

        // Distinct forms (group, key, kind) with their members' starts: compatibility depends on
        // the form only, so each call tests each form once and finds the nearest member by a
        // range query (O(forms · log n) per call instead of a scan over every member).
        let mut forms: Vec<(usize, usize, std::collections::BTreeSet<usize>)> = Vec::new();
        let mut form_index: HashMap<(usize, &str, EntityKind), usize> = HashMap::default();
        let mut add = |forms: &mut Vec<(usize, usize, std::collections::BTreeSet<usize>)>,
                       g: usize,
                       m: usize| {
            let key = (g, items[m].key, items[m].mention.kind);
            let f = *form_index.entry(key).or_insert_with(|| {
                forms.push((g, m, std::collections::BTreeSet::new()));
                forms.len() - 1
            });
            forms[f].2.insert(items[m].mention.span.start);
        };
        // The group holding the member nearest before (else after) `i` that satisfies `ok`.
        let nearest = |forms: &Vec<(usize, usize, std::collections::BTreeSet<usize>)>,
                       i: usize,
                       ok: &dyn Fn(usize) -> bool|
         -> Option<usize> {
            nearest_group(
                items[i].mention.span.start,
                forms
                    .iter()
                    .filter(|(_, rep, _)| ok(*rep))
                    .map(|(g, _, starts)| (*g, starts)),
            )
        };

        // Pass 1: people with multi-word names, and every non-person mention, in document order.
        // A form already seen joins the group of its last occurrence.
        let mut seen: HashMap<(&str, bool), usize> = HashMap::default();
        for i in 0..items.len() {
            if is_person(i) && items[i].parts.len() < 2 {
                continue;
            }
            if let Some(&g) = seen.get(&(items[i].key, is_person(i))) {
                groups[g].push(i);
                group_of[i] = Some(g);
                add(&mut forms, g, i);
                continue;
            }
            let ok = |m: usize| {
                if is_person(i) {
                    is_person(m)
                        && items[m].parts.len() >= 2
                        && person_compatible(&items[i], &items[m])
                } else {
                    !is_person(m) && other_compatible(&items[i], &items[m])
                }
            };
            let g = match nearest(&forms, i, &ok) {
                Some(g) => g,
                None => {
                    groups.push(Vec::new());
                    groups.len() - 1
                }
            };
            groups[g].push(i);
            group_of[i] = Some(g);
            add(&mut forms, g, i);
            seen.insert((items[i].key, is_person(i)), g);
        }
        // Pass 2: one-word person mentions join the nearest compatible person. Compatibility
        // depends on the mention's key and the form only, and forms are only appended: per key,
        // the compatible forms found so far and how many forms were tested are remembered, so each
        // (key, form) pair is tested once.
        let mut compatible: HashMap<&str, (usize, Vec<usize>)> = HashMap::default();
        for i in 0..items.len() {
            if group_of[i].is_some() {
                continue;
            }
            let entry = compatible
                .entry(items[i].key)
                .or_insert_with(|| (0, Vec::new()));
            for (f, (_, rep, _)) in forms.iter().enumerate().skip(entry.0) {
                if is_person(*rep) && person_compatible(&items[i], &items[*rep]) {
                    entry.1.push(f);
                }
            }
            entry.0 = forms.len();
            let g = match nearest_group(
                items[i].mention.span.start,
                entry.1.iter().map(|&f| (forms[f].0, &forms[f].2)),
            ) {
                Some(g) => g,
                None => {
                    groups.push(Vec::new());
                    groups.len() - 1
                }
            };
            groups[g].push(i);
            group_of[i] = Some(g);
            add(&mut forms, g, i);
        }
        for g in &mut groups {
            g.sort_by_key(|&i| items[i].mention.span.start);
        }
        groups.retain(|g| !g.is_empty());
        groups.sort_by_key(|g| items[g[0]].mention.span.start);
        groups
    }

    /// The index gives exactly the groups of the pairwise scan, on random documents of names
    /// that share parts, spell them in variants (one or two edits), carry trigger nouns or are
    /// one word long.
    #[test]
    fn indexed_grouping_equals_the_pairwise_scan() {
        use crate::entities::MentionOrigin;
        use crate::text::Span;
        let words = [
            "احمد",
            "شاه",
            "مسعود",
            "مسعوود",
            "دميتري",
            "ديمتري",
            "بيسكوف",
            "بيسكوفف",
            "غوتيريش",
            "غوتيرش",
            "انطونيو",
            "عبدالله",
            "عبد",
            "الله",
            "ابو",
            "بكر",
            "حركة",
            "حركه",
            "طالبان",
            "طالبن",
            "مجلس",
            "الامن",
            "الدولي",
            "الامم",
            "المتحدة",
            "المتحده",
            "وزارة",
            "الصحة",
            "الجزائر",
            "الجزاير",
            "البرازيل",
            "ابرازيل",
            "كريم",
            "سارة",
            "محمد",
            "محمود",
            "الاتحاد",
            "الاوروبي",
            "الاوربي",
            "ابوظبي",
            "نيويورك",
            "اتحاد",
            "وكاله",
            "",
        ];
        let kinds = [
            EntityKind::Person,
            EntityKind::Person,
            EntityKind::Organization,
            EntityKind::Location,
            EntityKind::Misc,
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..300 {
            let n = 1 + next(120);
            let mut keys: Vec<String> = Vec::with_capacity(n);
            for _ in 0..n {
                let len = 1 + next(4);
                let mut key: Vec<&str> = Vec::with_capacity(len);
                for _ in 0..len {
                    let w = words[next(words.len())];
                    if !w.is_empty() || next(3) == 0 {
                        key.push(w);
                    }
                }
                keys.push(key.join(" "));
            }
            let parts: Vec<Vec<String>> = keys.iter().map(|k| name_parts(k)).collect();
            let joined: Vec<String> = keys.iter().map(|k| k.replace(' ', "")).collect();
            let mut items: Vec<Item<'_>> = Vec::with_capacity(n);
            for i in 0..n {
                items.push(Item {
                    mention: Mention {
                        span: Span::new(10 * i, 10 * i + 5),
                        kind: kinds[next(kinds.len())],
                        origin: MentionOrigin::Model,
                    },
                    key: &keys[i],
                    parts: &parts[i],
                    joined: &joined[i],
                    distinctive: distinctive_short_form(&parts[i]),
                });
            }
            assert_eq!(group(&items), group_scan(&items), "{keys:?}");
        }
    }

    #[test]
    fn osa_distance_on_the_stack_equals_the_table() {
        let words = [
            "",
            "ا",
            "اب",
            "با",
            "دميتري",
            "ديمتري",
            "غوتيريش",
            "غوتيرش",
            "غوتيريشين",
            "abcdef",
            "badcfe",
            "عبدالله",
            "عبداللة",
            "الجزائر",
            "الجزاير",
            "ابرازيل",
            "البرازيل",
        ];
        for a in words {
            for b in words {
                assert_eq!(osa_distance(a, b), osa_distance_table(a, b), "{a} / {b}");
            }
        }
        let long = "ا".repeat(40);
        assert_eq!(osa_distance(&long, "اا"), 38);
    }

    /// Every pair of strings of up to five chars over a three-letter alphabet (one of them two
    /// bytes long, so the affix is cut on char boundaries): the affix-stripped distance and the
    /// bounded test agree with the full table.
    #[test]
    fn affix_stripping_and_the_bound_equal_the_table_exhaustively() {
        let alphabet = ['a', 'ب', 'c'];
        let mut words = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..5 {
            last = last
                .iter()
                .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
                .collect();
            words.extend(last.iter().cloned());
        }
        for a in &words {
            for b in &words {
                let d = osa_distance_table(a, b);
                assert_eq!(osa_distance(a, b), d, "{a} / {b}");
                for max in 0..4 {
                    assert_eq!(osa_within(a, b, max), d <= max, "{a} / {b} <= {max}");
                }
            }
        }
    }
}
