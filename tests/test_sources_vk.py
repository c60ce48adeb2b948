"""VK: newsfeed.search windows and next_from, wall comments, Callback API, wall.createComment."""

import json
import pathlib

import httpfake
import pytest

from social_crm.tools.schema import normalize_batch
from social_crm.tools.sources import AuthError, PayloadError, RateLimited, SourceError, get_adapter

NOW = 1777629600  # 2026-05-01 10:00 UTC

server, sleeps = httpfake.server, httpfake.sleeps  # pytest fixtures


def post(owner, pid, date, text="Bank is slow today", from_id=77, **extra):
    item = {
        "id": pid,
        "owner_id": owner,
        "from_id": from_id,
        "date": date,
        "post_type": "post",
        "text": text,
        "likes": {"count": 3},
        "reposts": {"count": 1},
        "comments": {"count": 2},
        "views": {"count": 90},
    }
    item.update(extra)
    return item


PROFILES = [
    {
        "id": 77,
        "first_name": "Ivan",
        "last_name": "Petrov",
        "screen_name": "ivanp",
        "followers_count": 321,
    }
]
GROUPS = [{"id": 1, "name": "Bank", "screen_name": "bank", "members_count": 5000}]


def vk(srv, sleeps, **config):
    conf = {
        "base_url": srv.url,
        "access_token": "vk1.a.token",
        "query": "Bank",
        "now": NOW,
        "secret": "vk-secret",
        "confirmation": "e7e13fe2",
        "group_id": 1,
    }
    conf.update(config)
    return get_adapter("vk", conf, timeout=2, sleep=sleeps)


def test_search_pages_with_next_from_then_moves_the_window(server, sleeps):
    def search(req):
        assert req.headers["Authorization"] == "Bearer vk1.a.token"
        assert "access_token" not in req.query and req.query["v"] == "5.199"
        if req.query["start_time"] == str(NOW - 86400):
            assert req.query["end_time"] == str(NOW)
            if "start_from" not in req.query:
                return {
                    "response": {
                        "items": [post(-5, 11, NOW - 100), post(-5, 10, NOW - 200)],
                        "profiles": PROFILES,
                        "groups": [],
                        "next_from": "2/-5_10",
                        "count": 2,
                        "total_count": 3,
                    }
                }
            assert req.query["start_from"] == "2/-5_10"
            return {
                "response": {
                    "items": [post(-6, 3, NOW - 300, from_id=-1)],
                    "profiles": [],
                    "groups": GROUPS,
                    "count": 1,
                    "total_count": 3,
                }
            }
        assert req.query["start_time"] == str(NOW - 99)
        return {"response": {"items": [], "count": 0, "total_count": 0}}

    server.route("GET", "/newsfeed.search", search)
    adapter = vk(server, sleeps)
    first = adapter.fetch(None, limit=2)
    assert [r["external_id"] for r in first.records] == ["-5_11", "-5_10"]
    assert first.more and first.cursor["next_from"] == "2/-5_10"
    rec = first.records[0]
    assert rec["url"] == "https://vk.com/wall-5_11" and rec["platform"] == "vk"
    assert rec["author"] == {
        "external_id": "77",
        "name": "Ivan Petrov",
        "handle": "ivanp",
        "url": "https://vk.com/id77",
        "followers": 321,
    }
    assert (rec["likes"], rec["reposts"], rec["comments"]) == (3, 1, 2)
    second = adapter.fetch(first.cursor, limit=2)
    assert [r["external_id"] for r in second.records] == ["-6_3"]
    assert second.records[0]["author"]["url"] == "https://vk.com/club1"
    assert not second.more and second.cursor == {"start_time": NOW - 99}
    third = adapter.fetch(second.cursor)
    assert third.records == [] and third.cursor == {"start_time": NOW - 99}
    assert len(normalize_batch(first.records + second.records)[0]) == 3


def test_vk_errors_in_200_bodies(server, sleeps):
    server.route(
        "GET",
        "/newsfeed.search",
        [
            {"error": {"error_code": 6, "error_msg": "Too many requests per second"}},
            {"response": {"items": [], "count": 0}},
        ],
    )
    vk(server, sleeps).fetch(None)
    assert sleeps == [1.0]
    server.route(
        "GET",
        "/newsfeed.search",
        {
            "error": {
                "error_code": 5,
                "error_msg": "User authorization failed: invalid access_token (4).",
            }
        },
    )
    with pytest.raises(AuthError) as exc:
        vk(server, sleeps).fetch(None)
    assert exc.value.status == 401 and "VK error 5" in str(exc.value)
    server.route(
        "GET", "/newsfeed.search", {"error": {"error_code": 29, "error_msg": "Rate limit reached"}}
    )
    with pytest.raises(RateLimited) as exc:
        vk(server, sleeps).fetch(None)
    assert exc.value.retry_after == 3600


def test_malformed_search_page(server, sleeps):
    server.route("GET", "/newsfeed.search", {"response": {"count": 3}})
    with pytest.raises(SourceError, match="no 'items' list"):
        vk(server, sleeps).fetch(None)
    server.route("GET", "/newsfeed.search", "<html>502</html>")
    with pytest.raises(SourceError, match="not JSON"):
        vk(server, sleeps).fetch(None)


def test_wall_comments_cursor_per_post(server, sleeps):
    comments = {
        20: [
            {
                "id": 100,
                "from_id": 77,
                "date": NOW - 50,
                "text": "Card blocked again",
                "likes": {"count": 1},
                "thread": {
                    "count": 1,
                    "items": [
                        {
                            "id": 102,
                            "from_id": -1,
                            "date": NOW - 40,
                            "text": "We will check",
                            "reply_to_comment": 100,
                        }
                    ],
                },
            },
            {
                "id": 101,
                "from_id": 78,
                "date": NOW - 45,
                "text": "Same here",
                "thread": {"count": 0, "items": []},
            },
        ],
    }

    def get_comments(req):
        pid = int(req.query["post_id"])
        start = int(req.query.get("start_comment_id", 0))
        assert req.query["sort"] == "asc" and req.query["owner_id"] == "-1"
        items = [c for c in comments.get(pid, []) if c["id"] >= start]
        return {
            "response": {
                "count": len(items),
                "items": items,
                "profiles": PROFILES,
                "groups": GROUPS,
            }
        }

    server.route(
        "GET",
        "/wall.get",
        {
            "response": {
                "count": 2,
                "items": [
                    post(-1, 20, NOW - 1000),
                    post(-1, 19, NOW - 2000, comments={"count": 0}),
                ],
            }
        },
    )
    server.route("GET", "/wall.getComments", get_comments)
    adapter = vk(server, sleeps, mode="wall")
    first = adapter.fetch(None)
    assert [r["external_id"] for r in first.records] == ["-1_20_100", "-1_20_102", "-1_20_101"]
    assert first.records[1]["parent_external_id"] == "-1_20_100"
    assert first.records[0]["parent_external_id"] == "-1_20"
    assert first.records[0]["url"] == "https://vk.com/wall-1_20?reply=100"
    assert first.cursor == {"posts": {"20": 101, "19": 0}}
    comments[20].append({"id": 103, "from_id": 79, "date": NOW, "text": "New one"})
    second = adapter.fetch(first.cursor)
    assert [r["external_id"] for r in second.records] == ["-1_20_103"]
    assert server.calls("GET", "/wall.getComments")[-1].query["start_comment_id"] == "101"


CALLBACK_COMMENT = {
    "type": "wall_reply_new",
    "group_id": 1,
    "event_id": "ab12cd34ef",
    "v": "5.199",
    "secret": "vk-secret",
    "object": {
        "id": 555,
        "from_id": 77,
        "date": NOW,
        "text": "Where is my card?",
        "post_owner_id": -1,
        "post_id": 20,
        "parents_stack": [],
    },
}


def test_callback_confirmation_handshake(sleeps):
    adapter = get_adapter("vk", {"secret": "vk-secret", "confirmation": "e7e13fe2", "group_id": 1})
    body = json.dumps({"type": "confirmation", "group_id": 1, "secret": "vk-secret"}).encode()
    assert adapter.parse_webhook({}, body, {}, None).reply == "e7e13fe2"
    body = json.dumps({"type": "confirmation", "group_id": 1, "secret": "nope"}).encode()
    with pytest.raises(AuthError):
        adapter.parse_webhook({}, body, {}, None)
    body = json.dumps({"type": "confirmation", "group_id": 2}).encode()
    with pytest.raises(AuthError, match="not 1"):
        adapter.parse_webhook({}, body, {}, None)


def test_callback_comment_secret_and_event_id():
    adapter = get_adapter("vk", {"secret": "vk-secret", "group_id": 1})
    result = adapter.parse_webhook({}, json.dumps(CALLBACK_COMMENT).encode(), {}, None)
    assert result.reply == "ok" and result.event_id == "ab12cd34ef" and not result.duplicate
    rec = result.records[0]
    assert rec["external_id"] == "-1_20_555" and rec["parent_external_id"] == "-1_20"
    assert rec["raw"]["event_id"] == "ab12cd34ef" and "secret" not in rec["raw"]
    for secret, status in ((None, 401), ("wrong", 403)):
        event = dict(CALLBACK_COMMENT, secret=secret)
        with pytest.raises(AuthError) as exc:
            adapter.parse_webhook({}, json.dumps(event).encode(), {}, None)
        assert exc.value.status == status


def test_callback_duplicate_event_via_hook():
    seen = set()
    adapter = get_adapter("vk", {"secret": "vk-secret"})
    adapter.seen_event = lambda event_id: event_id in seen or seen.add(event_id)
    body = json.dumps(CALLBACK_COMMENT).encode()
    first = adapter.parse_webhook({}, body, {}, None)
    again = adapter.parse_webhook({}, body, {}, None)
    assert first.records and not first.duplicate
    assert again.duplicate and again.records == [] and again.reply == "ok"


def test_callback_malformed_and_other_events():
    adapter = get_adapter("vk", {"secret": "vk-secret"})
    with pytest.raises(PayloadError, match="no 'type'"):
        adapter.parse_webhook({}, b'{"group_id": 1}', {}, None)
    with pytest.raises(PayloadError, match="has no 'object'"):
        adapter.parse_webhook(
            {},
            json.dumps({"type": "wall_reply_new", "secret": "vk-secret", "event_id": "x"}).encode(),
            {},
            None,
        )
    other = adapter.parse_webhook(
        {},
        json.dumps(
            {"type": "group_join", "secret": "vk-secret", "event_id": "y", "object": {}}
        ).encode(),
        {},
        None,
    )
    assert other.records == [] and other.reply == "ok"


def test_post_reply_create_comment(server, sleeps):
    def create(req):
        form = req.form()
        assert form["owner_id"] == "-1" and form["post_id"] == "20"
        assert form["reply_to_comment"] == "555" and form["from_group"] == "1"
        assert form["message"] == "Мы уже разбираемся" and len(form["guid"]) == 32
        return {"response": {"comment_id": 600}}

    server.route("POST", "/wall.createComment", create)
    out = vk(server, sleeps).post_reply({"external_id": "-1_20_555"}, "Мы уже разбираемся")
    assert out == {"external_id": "-1_20_600", "url": "https://vk.com/wall-1_20?reply=600"}


def test_post_reply_error_is_readable(server, sleeps):
    server.route(
        "POST",
        "/wall.createComment",
        {"error": {"error_code": 213, "error_msg": "Access to status replies denied"}},
    )
    with pytest.raises(AuthError, match="reply to -1_20.*Access to status replies denied"):
        vk(server, sleeps).post_reply({"external_id": "-1_20"}, "hi")
    with pytest.raises(SourceError, match="not a post or comment id"):
        vk(server, sleeps).post_reply({"external_id": "abc"}, "hi")


# -- Callback API payloads written from VK's documentation (tests/fixtures/vk) --------------

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures" / "vk"
GROUP = 218000001


def callback(name):
    return (FIXTURES / f"callback_{name}.json").read_bytes()


def odoo_config(**extra):
    """What the Odoo source passes: a webhook token always, a secret only when set."""
    return dict(
        {"webhook_token": "generated-webhook-token", "group_id": GROUP, "confirmation": "c0nf1rm"},
        **extra,
    )


def test_event_without_secret_is_accepted_when_the_source_has_none():
    adapter = get_adapter("vk", odoo_config())
    result = adapter.parse_webhook({}, callback("wall_reply_new_without_secret"), {}, None)
    assert result.reply == "ok" and [r["external_id"] for r in result.records] == [
        f"-{GROUP}_4410_9102"
    ]
    assert adapter.parse_webhook({}, callback("confirmation"), {}, None).reply == "c0nf1rm"


def test_event_without_secret_is_refused_when_the_source_has_one():
    adapter = get_adapter("vk", odoo_config(secret="vk-secret"))
    with pytest.raises(AuthError, match="secret is missing") as exc:
        adapter.parse_webhook({}, callback("wall_reply_new_without_secret"), {}, None)
    assert exc.value.status == 401
    assert adapter.parse_webhook({}, callback("wall_reply_new"), {}, None).records
    with pytest.raises(AuthError, match="secret is wrong"):
        get_adapter("vk", odoo_config(secret="other")).parse_webhook(
            {}, callback("wall_reply_new"), {}, None
        )


def test_a_secret_vk_sends_must_match_even_without_one_on_the_source():
    body = json.loads(callback("wall_reply_new"))
    with pytest.raises(AuthError, match="secret is wrong"):
        get_adapter("vk", odoo_config()).parse_webhook({}, json.dumps(body).encode(), {}, None)
    body["secret"] = "generated-webhook-token"  # the webhook token used as VK's secret key
    assert (
        get_adapter("vk", odoo_config())
        .parse_webhook({}, json.dumps(body).encode(), {}, None)
        .records
    )
    with pytest.raises(AuthError, match="none is configured on this source"):
        get_adapter("vk", {"group_id": GROUP}).parse_webhook(
            {}, callback("wall_reply_new"), {}, None
        )


def test_community_message_is_a_private_record():
    adapter = get_adapter("vk", odoo_config(secret="vk-secret"))
    (rec,) = adapter.parse_webhook({}, callback("message_new"), {}, None).records
    assert rec["external_id"] == "msg512000111_3051" and rec["private"] is True
    assert rec["url"] == "" and rec["platform"] == "vk"
    assert rec["author"]["url"] == "https://vk.com/id512000111"
    assert rec["published_at"] == "2026-05-01T10:01:40Z"
    assert "secret" not in rec["raw"] and rec["raw"]["type"] == "message_new"
    (edit,) = adapter.parse_webhook({}, callback("message_edit"), {}, None).records
    assert edit["external_id"] == rec["external_id"] and "до 7.2" in edit["text"]
    accepted, errors = normalize_batch([rec, edit])
    assert errors == [] and len(accepted) == 1


@pytest.mark.parametrize(
    "name, reason",
    [
        ("message_new_sticker", "msg512000111_3052 has no text (sticker)"),
        ("message_reply", "a message the community itself sent"),
        ("message_allow", "'message_allow' is a service event"),
        ("message_typing_state", "'message_typing_state' is a service event"),
        ("like_add", "'like_add' is a service event"),
        ("group_join", "'group_join' is a service event"),
        ("wall_reply_delete", f"comment -{GROUP}_4410_9103 was deleted on VK"),
    ],
)
def test_events_without_words_are_ignored_with_the_reason(name, reason):
    result = get_adapter("vk", odoo_config(secret="vk-secret")).parse_webhook(
        {}, callback(name), {}, None
    )
    assert result.records == [] and result.reply == "ok"
    assert len(result.ignored) == 1 and reason in result.ignored[0]["reason"]


def test_wall_comments_replies_edits_and_suggested_posts():
    adapter = get_adapter("vk", odoo_config(secret="vk-secret"))
    read = {
        name: adapter.parse_webhook({}, callback(name), {}, None).records[0]
        for name in (
            "wall_reply_new",
            "wall_reply_new_reply",
            "wall_reply_edit",
            "wall_post_new_suggested_photo",
        )
    }
    assert read["wall_reply_new_reply"]["parent_external_id"] == f"-{GROUP}_4410_9101"
    assert read["wall_reply_edit"]["external_id"] == read["wall_reply_new"]["external_id"]
    post = read["wall_post_new_suggested_photo"]
    assert post["url"] == f"https://vk.com/wall-{GROUP}_4420"
    assert post["author"]["url"] == "https://vk.com/id512000555"
    assert all(not r.get("private") and r["url"] for r in read.values())


def test_private_answer_goes_through_messages_send(server, sleeps):
    sent = []

    def send(req):
        form = req.form()
        sent.append(form)
        assert req.headers["Authorization"] == "Bearer vk1.a.token"
        assert set(form) == {"peer_id", "random_id", "message", "v"}
        assert form["peer_id"] == "512000111" and form["message"] == "Обновите до 7.2.1"
        assert 0 < int(form["random_id"]) < 2**31
        return {"response": 3060}

    server.route("POST", "/messages.send", send)
    (rec,) = (
        get_adapter("vk", odoo_config(secret="vk-secret"))
        .parse_webhook({}, callback("message_new"), {}, None)
        .records
    )
    adapter = vk(server, sleeps)
    target = {"external_id": rec["external_id"], "url": "", "raw": rec["raw"]}
    assert adapter.post_reply(target, "Обновите до 7.2.1") == {
        "external_id": "msg512000111_3060",
        "url": "",
    }
    # the same answer sent again carries the same random_id: VK delivers it once
    adapter.post_reply({"external_id": rec["external_id"]}, "Обновите до 7.2.1")
    assert sent[0]["random_id"] == sent[1]["random_id"]
    assert server.calls("POST", "/wall.createComment") == []
    with pytest.raises(SourceError, match="at most 4096"):
        adapter.post_reply(target, "я" * 4097)
    assert len(sent) == 2


def test_private_answer_refused_by_vk_is_readable(server, sleeps):
    server.route(
        "POST",
        "/messages.send",
        {
            "error": {
                "error_code": 901,
                "error_msg": "Can't send messages for users without permission",
            }
        },
    )
    with pytest.raises(
        SourceError, match="answer to message msg512000111_3051.*without permission"
    ):
        vk(server, sleeps).post_reply({"external_id": "msg512000111_3051"}, "hi")


def test_a_poison_post_never_stalls_the_search(server, sleeps):
    """One post VK sends that can't be read (a date in year 9999) is an error of the run;
    the others are returned and the search moves on."""
    good = {"id": 1, "owner_id": -5, "from_id": 77, "date": 1767225600, "text": "Связь пропала"}
    bad = dict(good, id=2, date=253402300799)
    server.route("GET", "/newsfeed.search", [{"response": {"items": [bad, good], "next_from": ""}}])
    adapter = get_adapter(
        "vk",
        {"base_url": server.url, "access_token": "t", "query": "Орбита"},
        timeout=2,
        sleep=sleeps,
    )
    result = adapter.fetch(None, limit=100)
    assert [r["external_id"] for r in result.records] == ["-5_1"]
    assert len(result.errors) == 1 and "VK post -5_2" in result.errors[0]["record"]
