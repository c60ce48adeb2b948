"""The normalized record's ranges: each bad value is an error for its record only, with the
reason, while a good record beside it is accepted."""
import json
from datetime import datetime

import pytest

from social_crm.tools.schema import (MAX_INT, MAX_TEXT_CHARS, normalize_batch,
                                     normalize_record)

NOW = datetime(2026, 6, 1, 12, 0, 0)


def good(ext="good-1", **extra):
    record = {"external_id": ext, "text": "Карта не работает третий день", "platform": "vk",
              "published_at": "2026-05-01T10:00:00Z", "url": f"https://vk.com/wall-1_{ext}",
              "likes": 3, "author": {"external_id": "a1", "name": "Ivan", "followers": 120}}
    record.update(extra)
    return record


def bad(**extra):
    return good("bad-1", **extra)


def batch(*records):
    return normalize_batch(list(records), now=NOW)


BAD_VALUES = [
    ({"published_at": "9999-12-31T23:59:59Z"}, "published_at 9999-12-31T23:59:59 is in the future"),
    ({"published_at": 1e20}, "date 1e+20 is out of range"),
    ({"published_at": float("inf")}, "date inf is not a point in time"),
    ({"published_at": "Infinity"}, "unparseable date 'Infinity'"),
    ({"published_at": float("nan")}, "date nan is not a point in time"),
    ({"published_at": "1970-01-01T00:00:00Z"}, "published_at 1970-01-01T00:00:00 is before 1990-01-01"),
    ({"published_at": "2026-06-03T00:00:00Z"}, "published_at 2026-06-03T00:00:00 is in the future"),
    ({"published_at": True}, "unsupported date value True"),
    ({"likes": 10 ** 30}, "likes 1000000000000000000000000000000 is more than the largest count accepted (2147483647)"),
    ({"likes": "1e400"}, "likes is not a number: '1e400'"),
    ({"reach": MAX_INT + 1}, "reach 2147483648 is more than the largest count accepted (2147483647)"),
    ({"comments": float("nan")}, "comments is not a number: nan"),
    ({"reposts": "много"}, "reposts is not a number: 'много'"),
    ({"author": {"external_id": "a1", "followers": 10 ** 30}}, "author followers 1000000000000000000000000000000 is more than the largest count accepted (2147483647)"),
    ({"text": "Нет\x00связи"}, "text contains a NUL character (at position 4)"),
    ({"title": "\x00"}, "title contains a NUL character (at position 1)"),
    ({"text": "broken emoji \ud83d here"}, "text contains a broken character (a lone UTF-16 surrogate U+D83D at position 14)"),
    ({"author": {"external_id": "a1", "name": "Iv\udc80an"}}, "author name contains a broken character (a lone UTF-16 surrogate U+DC80 at position 3)"),
    ({"url": "https://vk.com/" + "x" * 2100}, "url is 2115 characters long, more than the 2048 accepted"),
    ({"parent_external_id": "p" * 300}, "parent_external_id is 300 characters long, more than the 255 accepted"),
    ({"author": {"external_id": "a" * 256}}, "author external_id is 256 characters long, more than the 255 accepted"),
    ({"author": {"handle": "h" * 300}}, "author handle is 300 characters long, more than the 255 accepted"),
    ({"sentiment_score": float("nan")}, "sentiment_score nan is not a finite number"),
    ({"sentiment_score": "Infinity"}, "sentiment_score 'Infinity' is not a finite number"),
    ({"sentiment": float("-inf")}, "sentiment -inf is not a finite number"),
    ({"rating": 6}, "rating 6 is outside 1…5"),
    ({"rating": 0.5}, "rating 0.5 is outside 1…5"),
    ({"rating": float("nan")}, "rating nan is not a number"),
    ({"private": "maybe"}, "private must be true or false, not 'maybe'"),
    ({"platform": "p" * 65}, "platform is 65 characters long, more than the 64 accepted"),
]


@pytest.mark.parametrize("values,reason", BAD_VALUES, ids=[r for _v, r in BAD_VALUES])
def test_a_bad_value_is_an_error_for_its_record_only(values, reason):
    accepted, errors = batch(good(), bad(**values), good("good-2"))
    assert [r.external_id for r in accepted] == ["good-1", "good-2"]
    assert errors == [{"record": "record bad-1", "reason": reason}]


def test_a_huge_external_id_is_refused_and_named_briefly():
    huge = "x" * 1_000_000
    accepted, errors = batch(good(), good(huge))
    assert [r.external_id for r in accepted] == ["good-1"]
    assert errors[0]["reason"] == "external_id is 1000000 characters long, more than the 255 accepted"
    # The label quotes the start of the id, not a megabyte of it.
    assert errors[0]["record"] == "record " + "x" * 60 + "… (1000000 characters)"


def test_values_at_the_limits_are_accepted():
    rec = normalize_record(good(likes=MAX_INT, reach=str(MAX_INT), comments="1 200",
                                reposts=-1, published_at="1990-01-01T00:00:00Z", rating="4,5",
                                sentiment_score=-3, url="https://vk.com/" + "x" * 2033,
                                external_id="e" * 255, private=True), now=NOW)
    assert (rec.likes, rec.reach, rec.comments, rec.reposts) == (MAX_INT, MAX_INT, 1200, 0)
    assert rec.published_at == datetime(1990, 1, 1)
    assert (rec.rating, rec.sentiment_score, rec.sentiment) == (4.5, -1.0, "negative")
    assert rec.private is True and len(rec.url) == 2048
    # Up to a day ahead of the server's clock is a sender's clock skew, not an error.
    assert normalize_record(good(published_at="2026-06-02T11:00:00Z"), now=NOW).published_at \
        == datetime(2026, 6, 2, 11, 0)


def test_rating_zero_means_no_rating_and_private_defaults_to_public():
    rec = normalize_record(good(rating=0), now=NOW)
    assert rec.rating is None and rec.private is False
    assert normalize_record(good(private="false"), now=NOW).private is False


def test_a_long_text_is_cut_at_the_limit_and_flagged():
    text = "слово " * 40_000  # 240,000 characters
    rec = normalize_record(good(text=text, title="t" * 5000), now=NOW)
    assert len(rec.text) == MAX_TEXT_CHARS and text.startswith(rec.text)
    assert rec.truncated == ("text", "title")
    assert normalize_record(good(), now=NOW).truncated == ()


def test_raw_is_made_storable_not_refused():
    raw = {"note": "a\x00b", "emoji": "\ud83d", "score": float("nan"), "big": 10 ** 30,
           "nested": [{"inf": float("inf")}]}
    rec = normalize_record(good(raw=raw), now=NOW)
    assert rec.raw == {"note": "ab", "emoji": "\ufffd", "score": "nan", "big": 10 ** 30,
                       "nested": [{"inf": "inf"}]}
    # What PostgreSQL's json accepts: no NaN/Infinity literals, no \u0000, valid UTF-8.
    json.dumps(rec.raw, allow_nan=False).encode("utf-8")


def test_raw_nested_too_deep_is_an_error_for_that_record():
    deep = current = {}
    for _ in range(200):
        current["x"] = {}
        current = current["x"]
    accepted, errors = batch(good(), bad(raw=deep))
    assert len(accepted) == 1
    assert errors == [{"record": "record bad-1", "reason": "raw is nested more than 64 levels deep"}]


def test_webhook_json_with_nan_and_infinity_literals():
    # Python's json (and so the webhook) reads NaN / Infinity literals: they must not pass.
    body = ('[{"external_id": "n1", "text": "ok", "sentiment_score": NaN},'
            ' {"external_id": "n2", "text": "ok", "published_at": Infinity},'
            ' {"external_id": "n3", "text": "ok", "likes": 1e400}]')
    accepted, errors = batch(good(), *json.loads(body))
    assert [r.external_id for r in accepted] == ["good-1"]
    assert [e["record"] for e in errors] == ["record n1", "record n2", "record n3"]
    assert "not a finite number" in errors[0]["reason"]
