"""Nothing lost, nothing doubled: drain a backlog the way the scheduler does, through an API
that fails now and then (5xx, timeouts, truncated pages), keeping the cursor only after a
successful call — then check every mention arrived under one key."""

import json

import httpfake
from httpfake import Sleeps

from social_crm.tools.schema import normalize_batch
from social_crm.tools.sources import SourceError, get_adapter

server = httpfake.server  # pytest fixture


def flaky(handler, failures):
    """Wrap a handler: call number n (1-based) in ``failures`` answers with that failure."""
    calls = {"n": 0}

    def wrapped(req):
        calls["n"] += 1
        failure = failures.get(calls["n"])
        if failure == "503":
            return 503, {"Retry-After": "0"}, "Service Unavailable"
        if failure == "truncated":
            return 200, {"Content-Type": "application/json"}, '{"mentions": [{"id": '
        if failure == "slow":
            return httpfake.slow(0.4, {})(req)
        return handler(req)

    return wrapped


def drain(adapter, cursor=None, limit=3, rounds=40, between=None):
    """The scheduler: fetch, store the records, then store the cursor; on error keep the old
    cursor and come back next run."""
    delivered, errors = [], 0
    for round_no in range(rounds):
        if between:
            between(round_no)
        try:
            result = adapter.fetch(cursor, limit=limit)
        except SourceError:
            errors += 1
            continue
        delivered.extend(r["external_id"] for r in result.records)
        cursor = result.cursor
        if not result.more:
            break
    return delivered, cursor, errors


def test_youscan_backlog_survives_failures_exactly_once(server):
    store = [
        {
            "id": f"m{n}",
            "seq": n,
            "postId": str(n),
            "source": "vk.com",
            "url": f"https://vk.com/wall-1_{n}",
            "fullText": f"mention {n}",
            "published": "2026-05-01T10:00:00Z",
        }
        for n in range(1, 11)
    ]

    def mentions(req):
        since, size = int(req.query.get("sinceSeq", 0)), int(req.query["size"])
        return {"mentions": [m for m in store if m["seq"] > since][:size]}

    server.route(
        "GET",
        "/topics/1/mentions",
        flaky(mentions, {2: "503", 4: "truncated", 6: "slow", 7: "503"}),
    )
    adapter = get_adapter(
        "youscan",
        {"base_url": server.url, "api_key": "k", "topic_id": 1},
        timeout=0.2,
        max_retries=0,
        sleep=Sleeps(),
    )
    delivered, cursor, errors = drain(adapter)
    assert errors == 4
    assert delivered == [f"vk.com:{n}" for n in range(1, 11)]  # each once, in order
    assert cursor == {"since_seq": 10}

    store.append(dict(store[0], id="m11", seq=11, postId="11", url="https://vk.com/wall-1_11"))
    more, cursor, _ = drain(adapter, cursor)
    assert more == ["vk.com:11"]


def test_telegram_updates_are_confirmed_only_after_they_were_stored(server):
    queue = [
        {
            "update_id": 500 + n,
            "channel_post": {
                "message_id": n,
                "date": 1777629600 + n,
                "chat": {"id": -100777, "type": "channel", "username": "news"},
                "text": f"post {n}",
            },
        }
        for n in range(1, 9)
    ]

    def get_updates(req):
        body = req.json()
        offset = body.get("offset", 0)
        # Telegram forgets what an offset confirms
        queue[:] = [u for u in queue if u["update_id"] >= offset]
        return {"ok": True, "result": queue[: body["limit"]]}

    server.route("POST", "/botT:1/getUpdates", flaky(get_updates, {2: "503", 3: "slow"}))
    adapter = get_adapter(
        "telegram",
        {"base_url": server.url, "bot_token": "T:1"},
        timeout=0.2,
        max_retries=0,
        sleep=Sleeps(),
    )
    delivered, cursor, errors = drain(adapter)
    assert errors == 2
    assert delivered == [f"-100777:{n}" for n in range(1, 9)]
    assert cursor == {"offset": 509}


def test_brand_analytics_windows_with_late_arrivals(server):
    now = {"t": 1777629600}
    store = [
        {
            "id": n,
            "hash": f"{n:032x}20260501",
            "url": f"https://vk.com/wall-2_{n}",
            "textNorm": f"message {n}",
            "timeCreate": now["t"] - 500,
            "timeStore": now["t"] - 100 + n,
            "hubName": "vk.com",
        }
        for n in range(1, 8)
    ]

    def feed(req):
        q = req.query
        lo, hi = int(q["tsFrom"]), int(q["tsTo"])
        window = sorted(
            (m for m in store if lo <= m["timeStore"] <= hi), key=lambda m: m["timeStore"]
        )
        offset, limit = int(q["offset"]), int(q["limit"])
        return {"data": window[offset : offset + limit]}

    server.route("GET", "/feed.messages", flaky(feed, {2: "503", 4: "truncated"}))
    adapter = get_adapter(
        "brand_analytics",
        {"base_url": server.url, "token": "t", "theme_id": 5, "now": now["t"]},
        timeout=1,
        max_retries=0,
        sleep=Sleeps(),
    )

    def late_arrival(round_no):
        if round_no == 2:  # saved by BA while we are paging the first window
            store.append(
                dict(
                    store[0],
                    id=99,
                    hash=f"{99:032x}20260501",
                    url="https://vk.com/wall-2_99",
                    timeStore=now["t"] + 5,
                )
            )

    delivered, cursor, errors = drain(adapter, between=late_arrival)
    assert errors == 2
    assert sorted(set(delivered)) == sorted(m["hash"] for m in store[:7])
    now["t"] += 60
    adapter.config["now"] = now["t"]
    more, cursor, _ = drain(adapter, cursor)
    assert f"{99:032x}20260501" in more
    everything = set(delivered) | set(more)
    assert everything == {m["hash"] for m in store}
    records = [{"external_id": e, "text": "x"} for e in delivered + more]
    assert len(normalize_batch(records)[0]) == len(store)  # re-reads update, never double


def test_webhook_redelivery_keeps_one_key():
    adapter = get_adapter("webhook", {"webhook_token": "t"})
    body = json.dumps({"records": [{"external_id": "w1", "text": "hello"}]}).encode()
    first = adapter.parse_webhook({"X-Social-CRM-Token": "t"}, body, {}, None)
    again = adapter.parse_webhook({"X-Social-CRM-Token": "t"}, body, {}, None)
    accepted, errors = normalize_batch(first.records + again.records)
    assert [r.external_id for r in accepted] == ["w1"] and errors == []
