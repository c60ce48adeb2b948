"""Brand Analytics feed.messages: tsFrom/tsTo windows paged by offset, ?token= auth."""
import pytest

import httpfake
from social_crm.tools.schema import normalize_batch
from social_crm.tools.sources import AuthError, SourceError, get_adapter

NOW = 1777629600

server, sleeps = httpfake.server, httpfake.sleeps  # pytest fixtures


def message(n, **extra):
    item = {"id": 9000 + n, "hash": f"{n:032x}20260501", "externalId": f"-179002674_{n}",
            "url": f"https://vk.com/wall-179002674_{n}", "title": "",
            "text": f"<p>Текст {n} про <span class=\"highlight\">Банк</span></p>",
            "textNorm": f"Текст {n} про Банк", "timeCreate": NOW - 3600, "timeStore": NOW - 60,
            "hubName": "vk.com", "hubtypeId": 3, "lang": "ru", "toneMark": -1,
            "authorRow": {"id_external": "1", "fullname": "Иван", "nickname": "ivan",
                          "url": "https://vk.com/id1", "readers_count": 150},
            "audienceCount": 900, "likesCount": 2, "repostsCount": 1, "commentsCount": 4,
            "isComment": 0, "review_rating": []}
    item.update(extra)
    return item


def ba(srv, sleeps, **config):
    conf = {"base_url": srv.url, "token": "ba-token-xyz", "theme_id": 14131230, "now": NOW}
    conf.update(config)
    return get_adapter("brand_analytics", conf, timeout=2, sleep=sleeps)


def test_window_paged_by_offset_then_moves_on(server, sleeps):
    store = [message(n) for n in range(1, 6)]

    def feed(req):
        q = req.query
        assert q["token"] == "ba-token-xyz" and q["themeId"] == "14131230"
        assert q["sortingField"] == "time_store" and q["sortingOrder"] == "ASC"
        if q["tsFrom"] == str(NOW - 86400):
            assert q["tsTo"] == str(NOW)
            offset, limit = int(q["offset"]), int(q["limit"])
            return {"data": store[offset:offset + limit]}
        assert q["tsFrom"] == str(NOW) and q["offset"] == "0"
        return {"data": []}

    server.route("GET", "/feed.messages", feed)
    adapter = ba(server, sleeps)
    first = adapter.fetch(None, limit=2)
    assert len(first.records) == 2 and first.more
    assert first.cursor == {"ts_from": NOW - 86400, "ts_to": NOW, "offset": 2}
    second = adapter.fetch(first.cursor, limit=150)
    assert len(second.records) == 3 and not second.more
    assert second.cursor == {"ts_from": NOW}
    assert adapter.fetch(second.cursor).records == []

    rec = first.records[0]
    assert rec["external_id"] == f"{1:032x}20260501" and rec["text"] == "Текст 1 про Банк"
    assert rec["platform"] == "vk" and rec["lang"] == "ru" and rec["reach"] == 900
    assert rec["author"]["followers"] == 150 and rec["rating"] is None
    accepted, errors = normalize_batch(first.records + second.records)
    assert len(accepted) == 5 and errors == [] and accepted[0].sentiment == "negative"


def test_reviews_comments_and_list_envelope(server, sleeps):
    server.route("GET", "/feed.messages", [[  # one response: a bare JSON list
        message(1, hubName="market.yandex.ru", hubtypeId=7, review_rating={"result": 2},
                toneMark=0),
        message(2, isComment=1, root_hash="ab" * 20, hubName="forum.kz", hubtypeId=6),
        {"id": None, "text": "no key"}]])
    result = ba(server, sleeps).fetch({"ts_from": NOW - 10})
    first, second = result.records
    assert first["rating"] == 2 and first["platform"] == "web"
    assert second["parent_external_id"] == "ab" * 20 and second["platform"] == "forum"
    assert result.errors == [{"record": "Brand Analytics message at offset 2",
                              "reason": "message has neither hash nor id"}]


def test_token_never_leaks_and_auth_errors(server, sleeps):
    server.route("GET", "/feed.messages", (401, {"error": "invalid token ba-token-xyz"}))
    with pytest.raises(AuthError) as exc:
        ba(server, sleeps).fetch(None)
    assert "ba-token-xyz" not in str(exc.value)


def test_rate_limit_then_malformed_page(server, sleeps):
    server.route("GET", "/feed.messages", [(429, {"Retry-After": "5"}, ""), {"total": 3}])
    with pytest.raises(SourceError, match="holds no list of messages"):
        ba(server, sleeps).fetch(None)
    assert sleeps == [5.0]
    server.route("GET", "/feed.messages", {"error": "themeId not found"})
    with pytest.raises(SourceError, match="themeId not found"):
        ba(server, sleeps).fetch(None)


def test_poison_messages_are_errors_and_the_offset_moves_on(server, sleeps):
    store = [message(1), message(2, timeCreate=1e20), message(3, textNorm="a\x00b"),
             message(4, likesCount=10 ** 30), message(5, authorRow="broken"), message(6)]
    server.route("GET", "/feed.messages",
                 lambda req: {"data": store[int(req.query["offset"]):]
                              if req.query["tsFrom"] == str(NOW - 86400) else []})
    result = ba(server, sleeps).fetch(None, limit=150)
    assert [r["external_id"] for r in result.records] == [message(1)["hash"], message(6)["hash"]]
    assert [e["record"] for e in result.errors] == [
        f"Brand Analytics message {message(n)['hash']}" for n in (2, 3, 4, 5)]
    assert [e["reason"][:30] for e in result.errors] == [
        "date '1e+20' is not a point in", "text contains a NUL character ",
        "likes 100000000000000000000000", "cannot be read (AttributeError"]
    assert result.cursor == {"ts_from": NOW} and not result.more
