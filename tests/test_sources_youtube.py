"""YouTube commentThreads: pageToken paging, stop at the last seen publishedAt, replies."""
import pytest

import httpfake
from social_crm.tools.schema import normalize_batch
from social_crm.tools.sources import AuthError, RateLimited, SourceError, get_adapter

server, sleeps = httpfake.server, httpfake.sleeps  # pytest fixtures


def comment(cid, published, text="Bank app crashed", parent=None, video="vid1"):
    snippet = {"videoId": video, "textDisplay": text, "textOriginal": text,
               "authorDisplayName": "Olga", "authorChannelUrl": "http://www.youtube.com/@olga",
               "authorChannelId": {"value": "UColga"}, "likeCount": 3,
               "publishedAt": published, "updatedAt": published, "canRate": True}
    if parent:
        snippet["parentId"] = parent
    return {"kind": "youtube#comment", "id": cid, "snippet": snippet}


def thread(tid, published, replies=()):
    item = {"kind": "youtube#commentThread", "id": tid,
            "snippet": {"channelId": "UCbank", "videoId": "vid1",
                        "topLevelComment": comment(tid, published),
                        "canReply": True, "totalReplyCount": len(replies), "isPublic": True}}
    if replies:
        item["replies"] = {"comments": list(replies)}
    return item


def yt(srv, sleeps, **config):
    conf = {"base_url": srv.url, "api_key": "AIza-key", "channel_id": "UCbank",
            "access_token": "ya29.token"}
    conf.update(config)
    return get_adapter("youtube", conf, timeout=2, sleep=sleeps)


def test_pages_and_stops_at_last_seen(server, sleeps):
    pages = {
        "": {"items": [thread("t5", "2026-05-05T10:00:00Z"), thread("t4", "2026-05-04T10:00:00Z")],
             "nextPageToken": "P2"},
        "P2": {"items": [thread("t3", "2026-05-03T10:00:00Z", [
            comment("t3.r1", "2026-05-06T08:00:00Z", "reply", parent="t3")])]},
    }

    def threads(req):
        assert req.query["allThreadsRelatedToChannelId"] == "UCbank"
        assert req.query["order"] == "time" and req.query["key"] == "AIza-key"
        assert req.query["part"] == "snippet,replies"
        return pages[req.query.get("pageToken", "")]

    server.route("GET", "/commentThreads", threads)
    adapter = yt(server, sleeps)
    first = adapter.fetch(None, limit=2)
    assert [r["external_id"] for r in first.records] == ["t5", "t4"]
    assert first.more and first.cursor["page_token"] == "P2"
    second = adapter.fetch(first.cursor, limit=2)
    assert [r["external_id"] for r in second.records] == ["t3", "t3.r1"]
    assert second.cursor == {"newest": "2026-05-06T08:00:00Z"} and not second.more
    rec = second.records[1]
    assert rec["parent_external_id"] == "t3"
    assert rec["url"] == "https://www.youtube.com/watch?v=vid1&lc=t3.r1"
    assert rec["author"]["external_id"] == "UColga"

    # next pass: one new thread, then an old one with a new reply → stop there
    pages[""] = {"items": [thread("t6", "2026-05-07T10:00:00Z"),
                           thread("t5", "2026-05-05T10:00:00Z",
                                  [comment("t5.r1", "2026-05-07T11:00:00Z", "late", "t5")]),
                           thread("t4", "2026-05-04T10:00:00Z")],
                 "nextPageToken": "P2"}
    third = adapter.fetch(second.cursor)
    assert [r["external_id"] for r in third.records] == ["t6", "t5.r1"]
    assert third.cursor == {"newest": "2026-05-07T10:00:00Z"} and not third.more
    assert len(normalize_batch(first.records + second.records + third.records)[0]) == 6


def test_quota_and_key_errors(server, sleeps):
    quota = {"error": {"code": 403, "message": "The request cannot be completed because you have "
                       "exceeded your quota.", "errors": [{"reason": "quotaExceeded"}]}}
    server.route("GET", "/commentThreads", (403, quota))
    with pytest.raises(RateLimited) as exc:
        yt(server, sleeps).fetch(None)
    assert "quota" in str(exc.value) and exc.value.retry_after == 3600 and sleeps == []
    server.route("GET", "/commentThreads", (400, {"error": {
        "code": 400, "message": "API key not valid.", "errors": [{"reason": "keyInvalid"}]}}))
    with pytest.raises(AuthError, match="API key not valid"):
        yt(server, sleeps).fetch(None)


def test_malformed_page(server, sleeps):
    server.route("GET", "/commentThreads", {"kind": "youtube#commentThreadListResponse"})
    with pytest.raises(SourceError, match="no 'items' list"):
        yt(server, sleeps).fetch(None)


def test_reply_goes_to_top_level_comment(server, sleeps):
    def insert(req):
        assert req.headers["Authorization"] == "Bearer ya29.token"
        assert req.json() == {"snippet": {"parentId": "t3", "textOriginal": "Thanks!"}}
        return {"kind": "youtube#comment", "id": "t3.new", "snippet": {"parentId": "t3"}}

    server.route("POST", "/comments", insert)
    target = {"external_id": "t3.r1", "raw": comment("t3.r1", "2026-05-06T08:00:00Z",
                                                     parent="t3")}
    out = yt(server, sleeps).post_reply(target, "Thanks!")
    assert out == {"external_id": "t3.new",
                   "url": "https://www.youtube.com/watch?v=vid1&lc=t3.new"}


def test_reply_error_is_readable(server, sleeps):
    server.route("POST", "/comments", (400, {"error": {
        "code": 400, "message": "The comment text is too long.",
        "errors": [{"reason": "commentTextTooLong"}]}}))
    with pytest.raises(SourceError, match="reply to comment t3: HTTP 400: The comment text"):
        yt(server, sleeps).post_reply({"external_id": "t3", "raw": {}}, "x" * 20000)


def test_poison_comment_is_an_error_and_does_not_move_the_newest_date(server, sleeps):
    poison = thread("t9", "9999-12-31T23:59:59Z")
    server.route("GET", "/commentThreads", {"items": [
        thread("t8", "2026-05-08T10:00:00Z",
               [comment("t8.r1", "2026-05-08T11:00:00Z", "ok\x00", parent="t8")]),
        poison, "junk", thread("t7", "2026-05-07T10:00:00Z")]})
    result = yt(server, sleeps).fetch(None)
    assert [r["external_id"] for r in result.records] == ["t8", "t7"]
    assert result.errors == [
        {"record": "YouTube thread t8, record t8.r1",
         "reason": "text contains a NUL character (at position 3)"},
        {"record": "YouTube thread t9",
         "reason": "published_at 9999-12-31T23:59:59 is in the future"},
        {"record": "YouTube thread ?", "reason": "a comment thread is not an object"}]
    # The pass ends at the newest accepted comment, not at the poison's year 9999.
    assert result.cursor == {"newest": "2026-05-08T10:00:00Z"}
