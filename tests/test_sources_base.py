"""The shared HTTP loop of every adapter, against a real local server."""
import time
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

import pytest

import httpfake
from httpfake import FakeServer, slow
from social_crm.tools.sources import (AuthError, PayloadError, PayloadTooLarge, RateLimited,
                                      SourceError, get_adapter, normalize_url, platform_from)
from social_crm.tools.sources.base import (SourceAdapter, check_secret, load_json_body,
                                           parse_retry_after)

server, sleeps = httpfake.server, httpfake.sleeps  # pytest fixtures


class Probe(SourceAdapter):
    kind = "probe"
    label = "Probe"
    credential_fields = [("api_key", "API key", True)]


def probe(srv, sleeps, **kw):
    return Probe({"base_url": srv.url, "api_key": "s3cr3t-key"}, timeout=kw.pop("timeout", 2),
                 sleep=sleeps, **kw)


def test_429_retry_after_seconds_is_honoured(server, sleeps):
    server.route("GET", "/x", [(429, {"Retry-After": "7"}, "Please enhance your calm"),
                               {"ok": True}])
    assert probe(server, sleeps)._get_json("/x") == {"ok": True}
    assert sleeps == [7.0]
    assert len(server.calls("GET", "/x")) == 2


def test_429_retry_after_http_date(server, sleeps):
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    server.route("GET", "/x", [(429, {"Retry-After": when}, ""), {"ok": 1}])
    probe(server, sleeps)._get_json("/x")
    assert len(sleeps) == 1 and 25 <= sleeps[0] <= 31


def test_5xx_backs_off_exponentially_then_succeeds(server, sleeps):
    server.route("GET", "/x", [(502, "bad gateway"), (503, "busy"), (500, "oops"), {"ok": 1}])
    assert probe(server, sleeps)._get_json("/x") == {"ok": 1}
    assert sleeps == [1.0, 2.0, 4.0]


def test_5xx_gives_up_after_max_retries_with_readable_error(server, sleeps):
    server.route("GET", "/x", (503, {"message": "maintenance"}))
    with pytest.raises(SourceError) as exc:
        probe(server, sleeps, max_retries=2)._get_json("/x")
    assert exc.value.retryable and exc.value.status == 503
    assert "HTTP 503" in str(exc.value) and "maintenance" in str(exc.value)
    assert len(server.calls()) == 3


def test_long_retry_after_is_not_slept_but_raised(server, sleeps):
    server.route("GET", "/x", (429, {"Retry-After": "3600"}, "calm"))
    with pytest.raises(RateLimited) as exc:
        probe(server, sleeps)._get_json("/x")
    assert exc.value.retry_after == 3600 and sleeps == []


def test_timeout_is_retried_then_reported(server, sleeps):
    server.route("GET", "/slow", slow(0.6))
    started = time.monotonic()
    with pytest.raises(SourceError) as exc:
        probe(server, sleeps, timeout=0.2, max_retries=1)._get_json("/slow")
    assert "no answer within 0.2 s" in str(exc.value)
    assert exc.value.retryable and sleeps == [1.0]
    assert time.monotonic() - started < 2


def test_connection_refused_is_readable(sleeps):
    srv = FakeServer()
    url = srv.url
    srv.httpd.server_close()  # nothing listens there any more
    adapter = Probe({"base_url": url, "api_key": "k"}, sleep=sleeps, max_retries=0)
    with pytest.raises(SourceError, match="cannot connect"):
        adapter._get_json("/x")


def test_auth_failures(server, sleeps):
    server.route("GET", "/401", (401, {"message": "Invalid API key"}))
    server.route("GET", "/403", (403, "forbidden"))
    adapter = probe(server, sleeps)
    with pytest.raises(AuthError) as exc:
        adapter._get_json("/401")
    assert exc.value.status == 401 and "Invalid API key" in str(exc.value)
    with pytest.raises(AuthError) as exc:
        adapter._get_json("/403")
    assert exc.value.status == 403
    assert sleeps == []  # never retried


def test_malformed_page_names_it(server, sleeps):
    server.route("GET", "/page", (200, {"Content-Type": "application/json"}, "{not json"))
    with pytest.raises(SourceError, match="page 2: the answer is not JSON"):
        probe(server, sleeps)._get_json("/page", "page 2")


def test_secrets_never_appear_in_errors(server, sleeps):
    server.route("GET", "/k/s3cr3t-key/x", (400, "token s3cr3t-key rejected"))
    with pytest.raises(SourceError) as exc:
        probe(server, sleeps)._get_json("/k/s3cr3t-key/x")
    assert "s3cr3t-key" not in str(exc.value) and "***" in str(exc.value)


def test_check_secret_missing_wrong_unconfigured():
    check_secret("abc", "abc")
    with pytest.raises(AuthError) as exc:
        check_secret("", "abc")
    assert exc.value.status == 401
    with pytest.raises(AuthError) as exc:
        check_secret("abd", "abc")
    assert exc.value.status == 403
    with pytest.raises(AuthError):
        check_secret("abc", "")


def test_json_body_errors():
    with pytest.raises(PayloadTooLarge) as exc:
        load_json_body(b"[" + b"1," * 100 + b"1]", max_bytes=50)
    assert exc.value.status == 413
    with pytest.raises(PayloadError, match="not valid JSON"):
        load_json_body(b"{oops")
    with pytest.raises(PayloadError, match="empty"):
        load_json_body(b"  ")


def test_parse_retry_after():
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("garbage") is None


def test_platform_and_url_normalization():
    assert platform_from("https://m.vk.com/wall-1_2") == "vk"
    assert platform_from("telegram.me") == "telegram"
    assert platform_from("t.me") == "telegram"
    assert platform_from("otzovik.com") == "otzovik"
    assert platform_from("maps.yandex.ru") == "yandex_maps"
    assert platform_from("2gis.kz") == "2gis"
    assert platform_from("twitter.com") == "x"
    assert platform_from("somebank-forum.kz", "forum") == "forum"
    assert platform_from("tengrinews.kz", "news") == "news"
    assert platform_from("example.com") == "web"
    assert normalize_url("http://WWW.Example.com/a?utm_source=x&id=2#frag") == \
        "https://example.com/a?id=2"
    assert normalize_url("https://m.vk.com/wall1_2") == "https://vk.com/wall1_2"


def test_get_adapter_unknown_kind():
    with pytest.raises(SourceError, match="no adapter for source kind 'nope'"):
        get_adapter("nope", {})


def test_registry_contract():
    from social_crm.tools.sources import ADAPTERS
    assert {"webhook", "file", "youscan", "brand_analytics", "vk", "telegram", "youtube", "rss",
            "facebook"} <= set(ADAPTERS)
    for kind, cls in ADAPTERS.items():
        assert cls.kind == kind
        for fields in (cls.credential_fields, cls.config_fields):
            for name, label, secret in fields:
                assert name and label and isinstance(secret, bool)
        adapter = get_adapter(kind, {})
        if not cls.can_fetch:
            with pytest.raises(SourceError):
                adapter.fetch(None)
    assert get_adapter("webhook").credential_fields == []
    with pytest.raises(SourceError, match="does not allow replying"):
        get_adapter("youscan", {}).post_reply({"external_id": "x"}, "hi")


def test_file_source_adapter_uses_its_preset_and_tz():
    adapter = get_adapter("file", {"tz": "Asia/Almaty"})
    records, errors, _ = adapter.parse_file(
        "m.csv", "external_id;text;published_at\nf1;hello;01.05.2026 15:00\n".encode())
    assert errors == [] and records[0]["published_at"] == "2026-05-01T10:00:00Z"
    assert "nothing to connect" in adapter.test_connection()


def test_adapter_timeout_against_a_slow_api(server, sleeps):
    server.route("GET", "/topics/1/mentions", slow(0.5, {"mentions": []}))
    adapter = get_adapter("youscan", {"base_url": server.url, "api_key": "k", "topic_id": 1},
                          timeout=0.2, max_retries=0, sleep=sleeps)
    with pytest.raises(SourceError, match="YouScan topic 1 .*no answer within 0.2 s"):
        adapter.fetch({"since_seq": 3})


def test_json_nested_too_deep_is_a_bad_request_not_a_crash():
    with pytest.raises(PayloadError, match="nested too deep") as exc:
        load_json_body(b"[" * 5000 + b"]" * 5000)
    assert exc.value.status == 400


def test_map_item_turns_any_failure_of_one_item_into_an_error_entry():
    from social_crm.tools.sources.base import item_label, map_item

    good = {"external_id": "1", "text": "ok", "published_at": "2026-05-01T10:00:00Z"}
    assert map_item(good, dict, "item 1") == ([good], [])
    assert map_item({"id": 2}, lambda item: item["missing"], "item 2") == (
        [], [{"record": "item 2", "reason": "cannot be read (KeyError: 'missing')"}])
    records, errors = map_item(None, lambda _item: [good, dict(good, external_id="2",
                                                                likes=10 ** 30)], "thread 9")
    assert records == [good]
    assert errors[0]["record"] == "thread 9, record 2"
    assert errors[0]["reason"].startswith("likes 1000000000000000000000000000000 is more than")
    assert item_label("VK post", {"id": "x" * 100}, "id") == "VK post " + "x" * 60 + "…"
    assert item_label("VK post", "junk", "id") == "VK post ?"


def test_counts_and_dates_beyond_any_range_are_errors_not_crashes():
    from social_crm.tools.sources.base import iso_utc, to_int

    assert to_int(10 ** 30) == 10 ** 30  # passed on: the normalized schema refuses it
    assert to_int("12 345") == 12345 and to_int("n/a") == 0 and to_int(True) == 1
    with pytest.raises(ValueError, match="beyond any count"):
        to_int("1e400")
    with pytest.raises(ValueError, match="not a point in time"):
        iso_utc(1e20)
    with pytest.raises(ValueError, match="not a point in time"):
        iso_utc(float("nan"))


def test_a_non_json_answer_is_quoted_without_the_key(server, sleeps):
    server.route("GET", "/x", (200, {"Content-Type": "text/html"},
                               "<html>Upstream refused: X-API-KEY: s3cr3t-key</html>"))
    with pytest.raises(SourceError, match="not JSON") as exc:
        probe(server, sleeps)._get_json("/x")
    assert "s3cr3t-key" not in str(exc.value) and "***" in str(exc.value)
