"""Schema and balance checks of the multi-domain training set in social_crm/tools/data/training/.

The stage and sentiment classifiers are trained on these files; a malformed line, a label outside
the kanban's codes, a duplicated text or a missing stage in one industry would silently bias them.
"""

import collections
import json
import pathlib
import re

import pytest

TRAINING = (
    pathlib.Path(__file__).resolve().parent.parent / "social_crm" / "tools" / "data" / "training"
)
# ../shared beside the checkout (the development set); the check is skipped without it
DEV_MENTIONS = (
    pathlib.Path(__file__).resolve().parents[2] / "shared" / "data" / "dev_mentions.jsonl"
)

FIELDS = {"id", "industry", "text", "stage", "sentiment", "lang", "platform", "rating"}
STAGES = {
    "general",
    "competitor",
    "product",
    "first_review",
    "negative",
    "support",
    "churn",
    "awkward",
}
SENTIMENTS = {"negative", "neutral", "positive"}
LANGS = {"ru", "kk", "uk", "en"}
REVIEW_SITES = {"otzovik", "irecommend", "yandex_maps", "2gis", "google_maps"}
PLATFORMS = REVIEW_SITES | {
    "vk",
    "telegram",
    "instagram",
    "facebook",
    "x",
    "youtube",
    "forum",
    "news",
    "tiktok",
}
# Share of all lines each language must at least reach (targets: ru 55 %, kk 15 %, uk 12 %, en 18 %).
LANG_FLOOR = {"ru": 0.45, "kk": 0.11, "uk": 0.09, "en": 0.14}
MIN_LINES_PER_INDUSTRY = 100
MIN_LINES_PER_LANG_PER_INDUSTRY = 8
MIN_INDUSTRIES = 15
MIN_TOTAL = 2000
# Brands of the development set: the training set must not share them.
DEV_BRANDS = re.compile(r"\b(aurora|аврор\w*|kenes|кенес\w*|dala finance|дала финанс\w*)\b", re.I)


def _norm(text):
    return " ".join(re.findall(r"\w+", text.lower().replace("ё", "е")))


def _industries():
    return json.loads((TRAINING / "industries.json").read_text(encoding="utf-8"))


def _files():
    return sorted(TRAINING.glob("*.jsonl"))


def _rows():
    rows = []
    for path in _files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            rows.append((path, number, line))
    return rows


@pytest.fixture(scope="module")
def records():
    parsed = []
    for path, number, line in _rows():
        try:
            parsed.append((path, json.loads(line)))
        except ValueError as exc:
            pytest.fail(f"{path.name}:{number} is not JSON: {exc}")
    return parsed


def test_every_line_has_the_schema(records):
    industries = _industries()
    seen_ids = set()
    for path, rec in records:
        where = f"{path.name} {rec.get('id')}"
        assert set(rec) == FIELDS, f"{where}: fields {sorted(rec)}"
        assert rec["industry"] == path.stem, f"{where}: industry {rec['industry']!r} in {path.name}"
        assert rec["industry"] in industries, f"{where}: industry missing from industries.json"
        assert re.fullmatch(rf"{re.escape(path.stem)}-\d{{4}}", rec["id"]), f"{where}: id format"
        assert rec["id"] not in seen_ids, f"{where}: duplicate id"
        seen_ids.add(rec["id"])
        assert (
            isinstance(rec["text"], str) and rec["text"].strip() == rec["text"] and rec["text"]
        ), where
        assert rec["stage"] in STAGES, f"{where}: stage {rec['stage']!r}"
        assert rec["sentiment"] in SENTIMENTS, f"{where}: sentiment {rec['sentiment']!r}"
        assert rec["lang"] in LANGS, f"{where}: lang {rec['lang']!r}"
        assert rec["platform"] in PLATFORMS, f"{where}: platform {rec['platform']!r}"


def test_star_ratings_only_on_review_sites_and_agree_with_sentiment(records):
    for path, rec in records:
        where = f"{path.name} {rec['id']}"
        rating = rec["rating"]
        if rec["platform"] in REVIEW_SITES:
            assert isinstance(rating, int) and 1 <= rating <= 5, (
                f"{where}: review site without 1..5 stars"
            )
            if rating <= 2:
                assert rec["sentiment"] != "positive", f"{where}: {rating} stars but positive"
            if rating >= 4:
                assert rec["sentiment"] != "negative", f"{where}: {rating} stars but negative"
        else:
            assert rating is None, f"{where}: a rating on {rec['platform']}, not a review site"


def test_no_duplicate_texts(records):
    seen = {}
    for _path, rec in records:
        key = _norm(rec["text"])
        assert key not in seen, f"{rec['id']} repeats {seen[key]}: {rec['text']!r}"
        seen[key] = rec["id"]


def test_no_text_or_brand_from_the_development_set(records):
    for _path, rec in records:
        assert not DEV_BRANDS.search(rec["text"]), f"{rec['id']} names a development-set brand"
    if not DEV_MENTIONS.exists():
        pytest.skip("development set not present on this machine")
    dev_texts = [
        json.loads(line)["text"]
        for line in DEV_MENTIONS.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    dev_exact = {_norm(t) for t in dev_texts}
    # Any run of 6 words shared with a development text means it was copied or lightly paraphrased.
    dev_shingles = set()
    for t in dev_texts:
        words = _norm(t).split()
        dev_shingles.update(tuple(words[i : i + 6]) for i in range(len(words) - 5))
    for _path, rec in records:
        words = _norm(rec["text"]).split()
        assert _norm(rec["text"]) not in dev_exact, f"{rec['id']} copies a development text"
        shared = [
            w for w in (tuple(words[i : i + 6]) for i in range(len(words) - 5)) if w in dev_shingles
        ]
        assert not shared, f"{rec['id']} shares {' '.join(shared[0])!r} with a development text"


def test_every_industry_has_all_stages_sentiments_and_languages(records):
    by_industry = collections.defaultdict(list)
    for _path, rec in records:
        by_industry[rec["industry"]].append(rec)
    for industry, recs in by_industry.items():
        assert len(recs) >= MIN_LINES_PER_INDUSTRY, f"{industry}: {len(recs)} lines"
        stages = collections.Counter(r["stage"] for r in recs)
        assert set(stages) == STAGES, f"{industry}: missing stages {STAGES - set(stages)}"
        assert min(stages.values()) >= 8, f"{industry}: thin stage {stages.most_common()[-1]}"
        sentiments = collections.Counter(r["sentiment"] for r in recs)
        assert set(sentiments) == SENTIMENTS, (
            f"{industry}: missing sentiments {SENTIMENTS - set(sentiments)}"
        )
        langs = collections.Counter(r["lang"] for r in recs)
        for lang in LANGS:
            assert langs[lang] >= MIN_LINES_PER_LANG_PER_INDUSTRY, (
                f"{industry}: {langs[lang]} lines in {lang}"
            )


def test_totals_and_language_shares(records):
    industries = {rec["industry"] for _path, rec in records}
    assert len(industries) >= MIN_INDUSTRIES, f"only {len(industries)} industries"
    assert len(records) >= MIN_TOTAL, f"{len(records)} lines in total"
    langs = collections.Counter(rec["lang"] for _path, rec in records)
    for lang, floor in LANG_FLOOR.items():
        share = langs[lang] / len(records)
        assert share >= floor, f"{lang}: {share:.1%} of lines, floor {floor:.0%}"


def test_industries_json_describes_brand_and_competitors():
    industries = _industries()
    assert {p.stem for p in _files()} <= set(industries)
    cyrillic, latin = re.compile(r"[а-яёәғқңөұүһіїєґ]", re.I), re.compile(r"[a-z]", re.I)
    for industry, info in industries.items():
        brand = info["brand"]
        assert brand["name"] and brand["product_names"], industry
        assert any(cyrillic.search(a) for a in brand["aliases"]), f"{industry}: no Cyrillic alias"
        assert any(latin.search(a) for a in brand["aliases"]), f"{industry}: no Latin alias"
        assert 1 <= len(info["competitors"]) <= 3, industry
        for comp in info["competitors"]:
            assert comp["name"] and comp["aliases"], industry
            assert any(cyrillic.search(a) for a in comp["aliases"]), (
                f"{industry}/{comp['name']}: no Cyrillic alias"
            )


def _alias_pattern(aliases):
    """One regex for a brand's aliases that also matches their inflected forms (Ирбиса, Сигнуме)."""
    parts = []
    for alias in aliases:
        words = []
        for word in alias.lower().replace("ё", "е").split():
            stem = word[:-1] if len(word) >= 5 and word[-1] in "аеиоуыяьйaeiouy" else word
            words.append(re.escape(stem) + r"\w*")
        parts.append(r"\s+".join(words))
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")", re.I)


def _names(text, aliases):
    return bool(_alias_pattern(aliases).search(text.replace("ё", "е").replace("Ё", "Е")))


def test_texts_name_the_brands_of_industries_json(records):
    """The brand's aliases and product names must really be what people write, so brand
    matching works on these texts (a product named is the brand mentioned)."""
    industries = _industries()
    by_industry = collections.defaultdict(list)
    for _path, rec in records:
        by_industry[rec["industry"]].append(rec)
    for industry, recs in by_industry.items():
        brand = industries[industry]["brand"]
        names = brand["aliases"] + brand.get("product_names", [])
        ours = [r for r in recs if _names(r["text"], names)]
        assert len(ours) >= 0.4 * len(recs), (
            f"{industry}: only {len(ours)} of {len(recs)} lines name the brand or its products"
        )
        theirs = [
            r
            for r in recs
            if r["stage"] == "competitor"
            and any(_names(r["text"], c["aliases"]) for c in industries[industry]["competitors"])
        ]
        comp_lines = sum(r["stage"] == "competitor" for r in recs)
        assert len(theirs) >= 0.5 * comp_lines, (
            f"{industry}: competitor lines rarely name a competitor"
        )


def test_no_text_is_another_industrys_text_with_the_brand_swapped(records):
    """Each industry is written on its own: a template re-used with another brand would teach the
    classifier the template, not the stage."""
    industries = _industries()
    patterns = {}
    for industry, info in industries.items():
        names = info["brand"]["aliases"] + info["brand"]["product_names"]
        names += [alias for comp in info["competitors"] for alias in comp["aliases"]]
        patterns[industry] = _alias_pattern(names)
    seen = {}
    for _path, rec in records:
        masked = patterns[rec["industry"]].sub(
            " BRAND ", rec["text"].replace("ё", "е").replace("Ё", "Е")
        )
        key = _norm(re.sub(r"\d+", " 0 ", masked))
        if len(key.split()) < 3:
            continue
        assert key not in seen, f"{rec['id']} is {seen[key]} with another brand: {rec['text']!r}"
        seen[key] = rec["id"]
