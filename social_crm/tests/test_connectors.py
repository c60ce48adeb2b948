"""Connectors against a real local HTTP server speaking each source's documented payloads:
the scheduled pull (cursors, pagination, back-off, pausing), per-kind webhooks, replies and
the connection test. Nothing here patches the code under test: sources point their API
address at the local server."""

import hashlib
import hmac
import json
import time
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from .common import post_webhook
from .httpfake import FakeServer, slow

CONNECTOR_LOG = "odoo.addons.social_crm.models.social_crm_source"
SOURCE_LOG = "odoo.addons.social_crm.models.social_crm_source"
NOW = 1777629600  # 2026-05-01 10:00 UTC


def youscan_mention(seq, text=None, **extra):
    item = {
        "id": f"m{seq}",
        "seq": seq,
        "postId": str(seq),
        "source": "vk.com",
        "sourceType": "social",
        "url": f"https://vk.com/wall-1_{seq}",
        "fullText": text or f"Банк снова заблокировал карту, пост {seq}",
        "published": "2026-05-01T10:00:00+05:00",
        "language": "rus",
        "sentiment": "negative",
        "postType": "post",
        "author": {
            "profileId": f"id{seq}",
            "name": f"Author {seq}",
            "nickname": f"user{seq}",
            "url": f"https://vk.com/id{seq}",
            "subscribers": 10,
        },
        "engagement": {"likes": 1, "comments": 0, "reposts": 0},
    }
    item.update(extra)
    return item


def telegram_update(update_id, message_id, text="Карта не работает, помогите"):
    return {
        "update_id": update_id,
        "message": {
            "message_id": message_id,
            "date": NOW,
            "chat": {
                "id": -1001234567890,
                "type": "supergroup",
                "title": "Bank clients",
                "username": "bankclients",
            },
            "from": {"id": 555, "is_bot": False, "first_name": "Olga", "username": "olgak"},
            "text": text,
        },
    }


class ConnectorCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = FakeServer().start()
        cls.addClassCleanup(cls.server.stop)
        cls.Source = cls.env["social_crm.source"]
        cls.Mention = cls.env["social_crm.mention"]
        cls.params = cls.env["ir.config_parameter"].sudo()
        for key, value in {
            "http_timeout": "2",
            "http_retries": "2",
            "max_retry_wait": "5",
            "pull_batch_size": "500",
            "cron_time_budget": "60",
            "max_failures": "5",
        }.items():
            cls.params.set_param(f"social_crm.{key}", value)
        cls.manager = new_test_user(
            cls.env,
            "source_manager_conn",
            name="Source Manager",
            groups="base.group_user,social_crm.group_manager",
        )

    def setUp(self):
        super().setUp()
        self.server.routes.clear()
        self.server.requests.clear()

    def make_source(self, kind="youscan", **values):
        vals = {
            "name": f"{kind} source",
            "source_type": kind,
            "base_url": self.server.url,
            "api_key": "key-1",
            "account": "1",
            "interval_minutes": 5,
            "user_id": self.manager.id,
        }
        vals.update(values)
        return self.Source.create(vals)

    def count(self, source):
        return self.Mention.search_count([("source_id", "=", source.id)])

    def run_cron(self):
        return self.Source._cron_import_due_sources()

    def make_due(self, *sources):
        for source in sources:
            source.next_run_at = False


@tagged("post_install", "-at_install")
class TestConnectors(ConnectorCase):
    # -- scheduling, cursors, pagination ----------------------------------------------------
    def test_youscan_pages_advance_the_cursor_and_rerun_adds_nothing(self):
        store = [youscan_mention(n) for n in range(1, 6)]

        def mentions(req):
            assert req.headers["X-API-KEY"] == "key-1"
            since, size = int(req.query.get("sinceSeq", 0)), int(req.query["size"])
            return {
                "total": len(store),
                "lastSeq": 5,
                "mentions": [m for m in store if m["seq"] > since][:size],
            }

        self.server.route("GET", "/topics/1/mentions", mentions)
        self.params.set_param("social_crm.pull_batch_size", "2")
        source = self.make_source()
        before = fields.Datetime.now()
        self.assertEqual(self.run_cron(), (1, 0))
        self.assertEqual(self.count(source), 5)
        self.assertEqual(source.cursor, {"since_seq": 5})
        self.assertEqual([r.query.get("sinceSeq") for r in self.server.calls()], [None, "2", "4"])
        self.assertEqual(source.created_count, 5)
        self.assertFalse(source.last_error)
        self.assertGreaterEqual(source.next_run_at, before + timedelta(minutes=5))
        mention = self.Mention.search(
            [("source_id", "=", source.id), ("external_id", "=", "vk.com:3")]
        )
        self.assertEqual(mention.author_id.name, "Author 3")
        self.assertEqual((mention.sentiment, mention.sentiment_origin), ("negative", "source"))

        # Not due again before its own interval; once due, nothing is doubled.
        self.server.requests.clear()
        self.run_cron()
        self.assertEqual(self.server.calls(), [])
        self.make_due(source)
        store.append(youscan_mention(6))
        self.run_cron()
        self.assertEqual(self.server.calls()[0].query["sinceSeq"], "5")
        self.assertEqual(self.count(source), 6)

    def test_each_source_runs_at_its_own_interval(self):
        self.server.route("GET", "/topics/1/mentions", {"mentions": [youscan_mention(1)]})
        self.server.route("GET", "/topics/2/mentions", {"mentions": [youscan_mention(2)]})
        due = self.make_source(account="1", interval_minutes=5)
        later = self.make_source(
            account="2",
            interval_minutes=60,
            next_run_at=fields.Datetime.now() + timedelta(minutes=30),
        )
        webhook_only = self.make_source(account="2", interval_minutes=0)
        self.run_cron()
        self.assertEqual(self.count(due), 1)
        self.assertEqual(self.count(later), 0)
        self.assertEqual(self.count(webhook_only), 0)
        self.assertEqual([r.path for r in self.server.calls()], ["/topics/1/mentions"])

    def test_backlog_continues_in_the_next_run_with_progress(self):
        store = [youscan_mention(n) for n in range(1, 8)]
        self.server.route(
            "GET",
            "/topics/1/mentions",
            lambda req: {
                "mentions": [m for m in store if m["seq"] > int(req.query.get("sinceSeq", 0))][
                    : int(req.query["size"])
                ]
            },
        )
        self.params.set_param("social_crm.pull_batch_size", "3")
        self.params.set_param("social_crm.cron_time_budget", "0")
        source = self.make_source()
        cron = self.env.ref("social_crm.ir_cron_import_sources")
        progress = self.env["ir.cron.progress"].create(
            {"cron_id": cron.id, "done": 0, "remaining": 0}
        )
        Source = self.Source.with_context(ir_cron_progress_id=progress.id)
        self.assertEqual(Source._cron_import_due_sources(), (1, 1))
        self.assertEqual((progress.done, progress.remaining), (1, 1))
        self.assertEqual(self.count(source), 3)
        self.assertEqual(source.cursor, {"since_seq": 3})
        self.assertLessEqual(source.next_run_at, fields.Datetime.now())
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        Source._cron_import_due_sources()
        Source._cron_import_due_sources()
        self.assertEqual(self.count(source), 7)
        self.assertEqual(source.cursor, {"since_seq": 7})
        self.assertEqual((progress.done, progress.remaining), (1, 0))

    # -- resilience ----------------------------------------------------------------------------
    def test_rate_limit_waits_for_retry_after_then_imports(self):
        self.server.route(
            "GET",
            "/topics/1/mentions",
            [
                (429, {"Retry-After": "1"}, "Please enhance your calm"),
                {"mentions": [youscan_mention(1)]},
            ],
        )
        source = self.make_source()
        started = time.monotonic()
        self.run_cron()
        self.assertGreaterEqual(time.monotonic() - started, 0.9)
        self.assertEqual(len(self.server.calls()), 2)
        self.assertEqual(self.count(source), 1)
        self.assertEqual(source.failure_count, 0)

    def test_long_retry_after_defers_only_that_source(self):
        self.server.route(
            "GET", "/topics/1/mentions", (429, {"Retry-After": "900"}, "Please enhance your calm")
        )
        self.server.route("GET", "/topics/2/mentions", {"mentions": [youscan_mention(2)]})
        limited = self.make_source(account="1")
        healthy = self.make_source(account="2")
        with self.assertLogs(CONNECTOR_LOG, "WARNING") as logs:
            self.run_cron()
        self.assertIn("rate limited (HTTP 429)", logs.output[0])
        self.assertIn("rate limited (HTTP 429)", limited.last_error)
        self.assertEqual(limited.failure_count, 1)
        wait = (limited.next_run_at - fields.Datetime.now()).total_seconds()
        self.assertTrue(880 <= wait <= 900, wait)
        self.assertEqual(self.count(limited), 0)
        self.assertEqual(self.count(healthy), 1)
        self.assertFalse(healthy.last_error)

    def test_server_errors_are_retried_then_backed_off(self):
        unavailable = (503, {"Retry-After": "0"}, "Service Unavailable")
        self.server.route(
            "GET",
            "/topics/1/mentions",
            [unavailable, unavailable, {"mentions": [youscan_mention(1)]}],
        )
        source = self.make_source()
        self.run_cron()
        self.assertEqual(len(self.server.calls()), 3)
        self.assertEqual(self.count(source), 1)

        self.server.route("GET", "/topics/1/mentions", (500, {}, "Internal Server Error"))
        self.params.set_param("social_crm.http_retries", "0")
        self.make_due(source)
        with self.assertLogs(CONNECTOR_LOG, "WARNING"):
            self.run_cron()
        self.assertIn("server error HTTP 500", source.last_error)
        wait = (source.next_run_at - fields.Datetime.now()).total_seconds()
        self.assertTrue(280 <= wait <= 300, wait)  # one interval, doubling with each failure
        self.make_due(source)
        with self.assertLogs(CONNECTOR_LOG, "WARNING"):
            self.run_cron()
        wait = (source.next_run_at - fields.Datetime.now()).total_seconds()
        self.assertTrue(580 <= wait <= 600, wait)
        self.assertEqual(source.cursor, {"since_seq": 1})

    def test_timeout_is_recorded_and_the_cursor_kept(self):
        self.params.set_param("social_crm.http_timeout", "0.3")
        self.params.set_param("social_crm.http_retries", "0")
        self.server.route("GET", "/topics/1/mentions", slow(1.0, {"mentions": []}))
        source = self.make_source(cursor={"since_seq": 41})
        with self.assertLogs(CONNECTOR_LOG, "WARNING"):
            self.run_cron()
        self.assertIn("no answer within 0.3 s", source.last_error)
        self.assertEqual(source.cursor, {"since_seq": 41})

    def test_malformed_page_keeps_the_cursor_and_next_run_recovers(self):
        self.params.set_param("social_crm.http_retries", "0")
        self.server.route(
            "GET",
            "/topics/1/mentions",
            [
                (200, {"Content-Type": "application/json"}, '{"mentions": [{"id": '),
                {"mentions": [youscan_mention(1), youscan_mention(2)]},
            ],
        )
        source = self.make_source()
        with self.assertLogs(CONNECTOR_LOG, "WARNING"):
            self.run_cron()
        self.assertIn("the answer is not JSON", source.last_error)
        self.assertFalse(source.cursor)
        self.assertEqual(self.count(source), 0)
        self.make_due(source)
        self.run_cron()
        self.assertEqual(self.count(source), 2)
        self.assertEqual(source.cursor, {"since_seq": 2})
        self.assertFalse(source.last_error)
        self.assertEqual(source.failure_count, 0)

    def test_records_the_adapter_skips_are_reported_and_the_rest_imported(self):
        bad = youscan_mention(2)
        del bad["seq"]
        self.server.route(
            "GET", "/topics/1/mentions", {"mentions": [youscan_mention(1), bad, youscan_mention(3)]}
        )
        source = self.make_source()
        with self.assertLogs(CONNECTOR_LOG, "WARNING"):
            self.run_cron()
        self.assertEqual(self.count(source), 2)
        self.assertEqual(source.rejected_count, 1)
        self.assertIn("mention m2: has no seq", source.last_error)
        self.assertEqual(source.cursor, {"since_seq": 3})

    def test_auth_failure_is_readable(self):
        self.server.route("GET", "/topics/1/mentions", (401, {"message": "Invalid API key"}))
        source = self.make_source()
        with self.assertLogs(CONNECTOR_LOG, "WARNING"):
            self.run_cron()
        self.assertIn("not authenticated (HTTP 401)", source.last_error)
        self.assertIn("Invalid API key", source.last_error)
        self.assertNotIn("key-1", source.last_error)

    def test_repeated_failures_pause_the_source_with_an_activity(self):
        self.params.set_param("social_crm.max_failures", "2")
        self.params.set_param("social_crm.http_retries", "0")
        self.server.route("GET", "/topics/1/mentions", (403, {"message": "Theme forbidden"}))
        source = self.make_source(name="Brand topic")
        for _run in range(2):
            self.make_due(source)
            with self.assertLogs(CONNECTOR_LOG, "WARNING"):
                self.run_cron()
        self.assertTrue(source.paused)
        activity = source.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("Brand topic", activity.summary)
        self.assertIn("access denied (HTTP 403)", str(activity.note))
        self.make_due(source)
        self.server.requests.clear()
        self.run_cron()
        self.assertEqual(self.server.calls(), [], "a paused source is not pulled")
        source.action_resume()
        self.server.route("GET", "/topics/1/mentions", {"mentions": [youscan_mention(1)]})
        self.run_cron()
        self.assertFalse(source.paused)
        self.assertEqual(self.count(source), 1)

    def test_import_now_and_test_connection_buttons(self):
        self.server.route("GET", "/topics/1/mentions", {"mentions": [youscan_mention(1)]})
        self.server.route("GET", "/topics", {"topics": [{"id": 1, "name": "Bank"}]})
        source = self.make_source()
        action = source.action_import_now()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("1 mention(s) created", action["params"]["message"])
        action = source.action_test_connection()
        self.assertIn("topic 'Bank' is reachable", action["params"]["message"])
        self.server.route("GET", "/topics", (401, {"message": "bad key"}))
        with self.assertRaisesRegex(UserError, "connection test failed.*HTTP 401"):
            source.action_test_connection()
        webhook = self.Source.create({"name": "Hook", "source_type": "webhook"})
        with self.assertRaisesRegex(UserError, "nothing to pull"):
            webhook.action_import_now()

    def test_secrets_are_for_system_administrators_only(self):
        source = self.make_source("facebook", api_secret="app-secret", verify_token="vt")
        as_manager = source.with_user(self.manager)
        arch = as_manager.get_views([(False, "form")])["views"]["form"]["arch"]
        for secret in (
            "api_key",
            "api_secret",
            "verify_token",
            "reply_token",
            "feed_url",
            "webhook_token",
        ):
            self.assertNotIn(f'name="{secret}"', arch)
        self.assertIn('name="connection_help"', arch)
        self.assertEqual(as_manager.read(["name", "account"])[0]["account"], "1")
        with self.assertRaises(AccessError):
            as_manager.read(["api_secret"])
        admin_arch = source.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="api_secret"', admin_arch)

    # -- every pullable kind -----------------------------------------------------------------
    def test_telegram_updates_confirmed_only_after_they_are_stored(self):
        queue = [telegram_update(100 + n, n) for n in range(1, 4)]

        def get_updates(req):
            offset = req.json().get("offset", 0)
            queue[:] = [u for u in queue if u["update_id"] >= offset]
            return {"ok": True, "result": queue[: req.json()["limit"]]}

        self.server.route("POST", "/botT:1/getUpdates", get_updates)
        source = self.make_source("telegram", api_key="T:1")
        self.run_cron()
        self.assertEqual(self.count(source), 3)
        self.assertEqual(source.cursor, {"offset": 104})
        self.make_due(source)
        self.run_cron()
        self.assertEqual(self.server.calls()[-1].json()["offset"], 104)
        self.assertEqual(self.count(source), 3)

    def test_vk_search_windows(self):
        def search(req):
            assert req.headers["Authorization"] == "Bearer vk-token"
            if "start_from" not in req.query:
                return {
                    "response": {
                        "items": [
                            {
                                "id": 11,
                                "owner_id": -5,
                                "from_id": 77,
                                "date": NOW - 100,
                                "text": "Банк не отвечает третий день",
                                "likes": {"count": 3},
                            }
                        ],
                        "profiles": [{"id": 77, "first_name": "Ivan", "last_name": "Petrov"}],
                        "groups": [],
                        "next_from": "2/-5_11",
                    }
                }
            return {
                "response": {
                    "items": [
                        {
                            "id": 3,
                            "owner_id": -6,
                            "from_id": -1,
                            "date": NOW - 300,
                            "text": "Перешёл в Банк, доволен",
                        }
                    ],
                    "profiles": [],
                    "groups": [],
                }
            }

        self.server.route("GET", "/newsfeed.search", search)
        source = self.make_source("vk", api_key="vk-token", search_query="Банк", account="")
        self.run_cron()
        self.assertEqual(
            sorted(self.Mention.search([("source_id", "=", source.id)]).mapped("external_id")),
            ["-5_11", "-6_3"],
        )
        self.assertEqual(list(source.cursor), ["start_time"])  # the window is done
        mention = self.Mention.search([("external_id", "=", "-5_11")])
        self.assertEqual(mention.url, "https://vk.com/wall-5_11")
        self.assertEqual(mention.author_id.name, "Ivan Petrov")

    def test_brand_analytics_window(self):
        def feed(req):
            assert req.query["token"] == "ba-token" and req.query["themeId"] == "77"
            if req.query["offset"] != "0":
                return {"data": []}
            return {
                "data": [
                    {
                        "id": 1,
                        "hash": "a" * 32,
                        "url": "https://vk.com/wall-2_1",
                        "textNorm": "Банк берёт комиссию",
                        "timeCreate": NOW - 500,
                        "timeStore": NOW - 100,
                        "hubName": "vk.com",
                        "toneMark": -1,
                        "authorRow": {"id_external": "9", "fullname": "Иван"},
                    }
                ]
            }

        self.server.route("GET", "/feed.messages", feed)
        source = self.make_source("brand_analytics", api_key="ba-token", account="77")
        self.run_cron()
        self.assertEqual(self.count(source), 1)
        self.assertIn("ts_from", source.cursor)
        self.assertEqual(self.Mention.search([("source_id", "=", source.id)]).sentiment, "negative")

    def test_youtube_comment_threads(self):
        def threads(req):
            assert (
                req.query["key"] == "yt-key"
                and req.query["allThreadsRelatedToChannelId"] == "UCbank"
            )
            snippet = {
                "videoId": "vid1",
                "textOriginal": "Приложение банка вылетает",
                "authorDisplayName": "Olga",
                "authorChannelId": {"value": "UColga"},
                "publishedAt": "2026-05-05T10:00:00Z",
                "likeCount": 2,
            }
            return {
                "items": [
                    {
                        "id": "t1",
                        "snippet": {
                            "videoId": "vid1",
                            "totalReplyCount": 0,
                            "topLevelComment": {"id": "t1", "snippet": snippet},
                        },
                    }
                ]
            }

        self.server.route("GET", "/commentThreads", threads)
        source = self.make_source("youtube", api_key="yt-key", account="UCbank")
        self.run_cron()
        self.assertEqual(self.count(source), 1)
        self.assertEqual(source.cursor, {"newest": "2026-05-05T10:00:00Z"})

    def test_rss_feed_conditional_get(self):
        feed = (
            """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
            <title>Forum</title><language>ru</language>
            <item><title>Очередь</title><link>https://forum.city.kz/t/77</link>
            <guid>forum-77</guid><pubDate>Fri, 01 May 2026 13:00:00 +0300</pubDate>
            <description>Час стоял в очереди в банке</description></item>
            </channel></rss>"""
        ).encode()

        def handler(req):
            if req.headers.get("If-None-Match") == '"v1"':
                return 304, {}, b""
            return 200, {"ETag": '"v1"', "Content-Type": "application/rss+xml"}, feed

        self.server.route("GET", "/feed", handler)
        source = self.make_source("rss", feed_url=self.server.url + "/feed", api_key=False)
        self.run_cron()
        self.assertEqual(self.count(source), 1)
        self.make_due(source)
        self.run_cron()
        self.assertEqual(self.server.calls()[-1].headers.get("If-None-Match"), '"v1"')
        self.assertEqual(self.count(source), 1)

    def test_facebook_comments_poll(self):
        self.server.route("GET", "/PAGE1/posts", {"data": [{"id": "PAGE1_POST9"}]})
        self.server.route(
            "GET",
            "/PAGE1_POST9/comments",
            {
                "data": [
                    {
                        "id": "POST9_C1",
                        "message": "Where is my refund?",
                        "created_time": "2026-05-01T10:00:00+0000",
                        "from": {"id": "1", "name": "A"},
                    }
                ]
            },
        )
        source = self.make_source("facebook", api_key="page-token", account="PAGE1")
        self.run_cron()
        self.assertEqual(self.count(source), 1)
        self.assertEqual(source.cursor, {"newest": "2026-05-01T10:00:00Z"})

    def test_authors_of_webhook_events_are_named_by_the_cron(self):
        source = self.make_source(
            "vk", api_key="vk-token", account="1", api_secret="vk-secret", interval_minutes=0
        )
        for event_id, from_id in (("e1", 77), ("e2", -5)):
            event = {
                "type": "wall_reply_new",
                "group_id": 1,
                "event_id": event_id,
                "secret": "vk-secret",
                "object": {
                    "id": 20 + from_id,
                    "from_id": from_id,
                    "date": NOW,
                    "post_id": 10,
                    "owner_id": -1,
                    "text": "Когда починят приложение?",
                },
            }
            report = source._webhook_receive(json.dumps(event).encode(), headers={})
            self.assertEqual((report["created"], report["reply"]), (1, "ok"))
        authors = self.Mention.search([("source_id", "=", source.id)]).author_id
        self.assertEqual(len(authors), 2)
        self.assertFalse(any(authors.mapped("handle")))

        def users_get(req):
            assert req.query["user_ids"] == "77"
            return {
                "response": [
                    {
                        "id": 77,
                        "first_name": "Ivan",
                        "last_name": "Petrov",
                        "screen_name": "ivanp",
                        "followers_count": 321,
                    }
                ]
            }

        self.server.route("GET", "/users.get", users_get)
        self.server.route(
            "GET",
            "/groups.getById",
            {
                "response": {
                    "groups": [
                        {
                            "id": 5,
                            "name": "City news",
                            "screen_name": "citynews",
                            "members_count": 900,
                        }
                    ]
                }
            },
        )
        self.run_cron()
        person = authors.filtered(lambda a: a.external_id == "77")
        self.assertEqual(
            (person.name, person.handle, person.followers), ("Ivan Petrov", "ivanp", 321)
        )
        group = authors.filtered(lambda a: a.external_id == "-5")
        self.assertEqual((group.name, group.handle), ("City news", "citynews"))
        self.server.requests.clear()
        self.run_cron()  # named once: not asked again
        self.assertEqual(self.server.calls(), [])

    # -- replies -------------------------------------------------------------------------------
    def mention_of(self, source, external_id, raw=None):
        source.ingest(
            [
                {
                    "external_id": external_id,
                    "text": "Help please",
                    "published_at": "2026-05-01T10:00:00Z",
                    "raw": raw or {},
                }
            ]
        )
        return self.Mention.search(
            [("source_id", "=", source.id), ("external_id", "=", external_id)]
        )

    def test_replies_are_posted_back(self):
        def vk_comment(req):
            form = req.form()
            assert form["owner_id"] == "-1" and form["post_id"] == "10"
            assert form["reply_to_comment"] == "20" and form["message"] == "Мы поможем"
            return {"response": {"comment_id": 21}}

        self.server.route("POST", "/wall.createComment", vk_comment)
        vk = self.make_source("vk", api_key="vk-token", account="1")
        out = vk._post_reply(self.mention_of(vk, "-1_10_20"), "Мы поможем")
        self.assertEqual(
            out, {"external_id": "-1_10_21", "url": "https://vk.com/wall-1_10?reply=21"}
        )

        def send_message(req):
            body = req.json()
            assert body["reply_parameters"]["message_id"] == 7
            return {
                "ok": True,
                "result": {
                    "message_id": 8,
                    "chat": body and {"id": -100555, "username": "bankclients"},
                },
            }

        self.server.route("POST", "/botT:1/sendMessage", send_message)
        telegram = self.make_source("telegram", api_key="T:1")
        out = telegram._post_reply(self.mention_of(telegram, "-100555:7"), "Напишите нам")
        self.assertEqual(out, {"external_id": "-100555:8", "url": "https://t.me/bankclients/8"})

        self.server.route(
            "POST",
            "/comments",
            lambda req: {"id": "t1.r1", "snippet": {"videoId": "vid1", "parentId": "t1"}},
        )
        youtube = self.make_source("youtube", api_key="yt-key", reply_token="ya29")
        out = youtube._post_reply(self.mention_of(youtube, "t1"), "Thanks!")
        self.assertEqual(out["external_id"], "t1.r1")
        self.assertEqual(
            self.server.calls("POST", "/comments")[0].headers["Authorization"], "Bearer ya29"
        )

    def test_reply_errors_are_readable(self):
        self.server.route(
            "POST",
            "/wall.createComment",
            {
                "error": {
                    "error_code": 15,
                    "error_msg": "Access denied: no access to call this method",
                }
            },
        )
        vk = self.make_source("vk", name="VK bank", api_key="vk-token")
        mention = self.mention_of(vk, "-1_10")
        with self.assertRaisesRegex(UserError, "VK bank.*could not post.*Access denied"):
            vk._post_reply(mention, "Hello")
        youscan = self.make_source("youscan")
        with self.assertRaisesRegex(UserError, "does not allow replying"):
            youscan._post_reply(self.mention_of(youscan, "x1"), "Hello")
        with self.assertRaisesRegex(UserError, "empty"):
            vk._post_reply(mention, "  ")
        self.assertTrue(vk.can_reply)
        self.assertFalse(youscan.can_reply)


@tagged("post_install", "-at_install")
class TestConnectorWebhooks(HttpCase):
    """The webhook endpoint per source kind, through Odoo's HTTP server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Source = cls.env["social_crm.source"]
        cls.Mention = cls.env["social_crm.mention"]

    def post(self, source, body, headers=None, path_token=None, query=""):
        return post_webhook(self, source, body, headers, path_token, query)

    def count(self, source):
        return self.Mention.search_count([("source_id", "=", source.id)])

    def test_youscan_token_in_path(self):
        source = self.Source.create(
            {"name": "YouScan hook", "source_type": "youscan", "interval_minutes": 0}
        )
        token = source.webhook_token
        mention = {
            "mentionId": 123456,
            "topicId": 42,
            "postId": "-1_77",
            "sourceName": "vk.com",
            "resourceType": "social",
            "url": "https://vk.com/wall-1_77",
            "text": "Очередь в <b>Банке</b> два часа",
            "published": "2026-05-01T10:00:00+05:00",
            "author": {"profileId": "id77", "name": "Ivan"},
            "sentiment": "negative",
        }
        response = self.post(source, mention, path_token=token)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json(), {"created": 1, "updated": 0, "errors": []})
        record = self.Mention.search([("source_id", "=", source.id)])
        self.assertEqual(record.text, "Очередь в Банке два часа")
        again = self.post(source, mention, path_token=token)
        self.assertEqual(again.json(), {"created": 0, "updated": 0, "errors": []})
        self.assertEqual(self.count(source), 1)
        self.assertEqual(self.post(source, mention).status_code, 403)
        self.assertEqual(self.post(source, mention, path_token="nope").status_code, 403)
        bad = self.post(source, b"{not json", path_token=token)
        self.assertEqual(bad.status_code, 400)
        self.assertIn("not valid JSON", bad.json()["error"])
        not_youscan = self.post(source, {"hello": 1}, path_token=token)
        self.assertEqual(not_youscan.status_code, 400)
        self.assertIn("not a YouScan WebhookMention", not_youscan.json()["error"])

    def test_telegram_secret_header_and_update_id_replay(self):
        source = self.Source.create(
            {
                "name": "Bot",
                "source_type": "telegram",
                "api_secret": "tg-secret_1",
                "interval_minutes": 0,
            }
        )
        header = {"X-Telegram-Bot-Api-Secret-Token": "tg-secret_1"}
        update = telegram_update(900, 5)
        response = self.post(source, update, header)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["created"], 1)
        # An edit of the same message arrives as another update with a new id: it updates.
        edited = {
            "update_id": 901,
            "edited_message": dict(update["message"], text="Карта снова работает"),
        }
        self.assertEqual(self.post(source, edited, header).json()["updated"], 1)
        replay = self.post(source, update, header)  # update 900 again: nothing changes
        self.assertEqual(replay.json(), {"created": 0, "updated": 0, "errors": []})
        record = self.Mention.search([("source_id", "=", source.id)])
        self.assertEqual((len(record), record.text), (1, "Карта снова работает"))
        self.assertEqual(
            self.env["social_crm.webhook.event"].search_count([("source_id", "=", source.id)]), 2
        )
        self.assertEqual(self.post(source, update).status_code, 403)
        self.assertEqual(
            self.post(source, update, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}).status_code, 403
        )
        sticker = {
            "update_id": 902,
            "message": {"message_id": 6, "date": NOW, "chat": {"id": 1}, "sticker": {}},
        }
        self.assertEqual(self.post(source, sticker, header).json()["created"], 0)
        self.assertEqual(self.post(source, {"message": {}}, header).status_code, 400)
        big = self.post(source, b"{" + b" " * (5 * 1024 * 1024 + 1) + b"}", header)
        self.assertEqual(big.status_code, 413)

    def test_vk_callback_confirmation_secret_and_event_id(self):
        source = self.Source.create(
            {
                "name": "VK group",
                "source_type": "vk",
                "account": "1",
                "api_secret": "vk-secret",
                "confirmation_code": "e7e13fe2",
                "interval_minutes": 0,
            }
        )
        confirm = self.post(source, {"type": "confirmation", "group_id": 1})
        self.assertEqual((confirm.status_code, confirm.text), (200, "e7e13fe2"))
        self.assertTrue(confirm.headers["Content-Type"].startswith("text/plain"))
        event = {
            "type": "wall_reply_new",
            "group_id": 1,
            "event_id": "abc123",
            "secret": "vk-secret",
            "v": "5.199",
            "object": {
                "id": 20,
                "from_id": 77,
                "date": NOW,
                "post_id": 10,
                "owner_id": -1,
                "post_owner_id": -1,
                "text": "Почему не работает перевод?",
            },
        }
        response = self.post(source, event)
        self.assertEqual((response.status_code, response.text), (200, "ok"))
        record = self.Mention.search([("source_id", "=", source.id)])
        self.assertEqual(record.external_id, "-1_10_20")
        self.assertNotIn("secret", record.sudo().raw)
        # VK redelivers the same event_id (e.g. our answer was late): "ok", nothing changes.
        changed = dict(event, object=dict(event["object"], text="changed text"))
        again = self.post(source, changed)
        self.assertEqual(again.text, "ok")
        self.assertEqual(record.text, "Почему не работает перевод?")
        self.assertEqual(self.count(source), 1)
        wrong = self.post(source, dict(event, event_id="x2", secret="nope"))
        self.assertEqual(wrong.status_code, 403)
        other = self.post(source, dict(event, event_id="x3", group_id=2))
        self.assertEqual(other.status_code, 403)
        self.assertEqual(self.post(source, {"group_id": 1}).status_code, 400)

    def test_meta_handshake_and_signature(self):
        source = self.Source.create(
            {
                "name": "FB page",
                "source_type": "facebook",
                "api_secret": "app-secret",
                "verify_token": "vt-1",
                "interval_minutes": 0,
            }
        )
        url = self.base_url() + f"/social_crm/webhook/{source.id}"
        ok = self.opener.get(
            url,
            params={
                "hub.mode": "subscribe",
                "hub.verify_token": "vt-1",
                "hub.challenge": "1158201444",
            },
            timeout=30,
        )
        self.assertEqual((ok.status_code, ok.text), (200, "1158201444"))
        bad = self.opener.get(
            url,
            params={"hub.mode": "subscribe", "hub.verify_token": "x", "hub.challenge": "1"},
            timeout=30,
        )
        self.assertEqual(bad.status_code, 403)
        event = {
            "object": "page",
            "entry": [
                {
                    "id": "PAGE1",
                    "time": NOW,
                    "changes": [
                        {
                            "field": "feed",
                            "value": {
                                "item": "comment",
                                "verb": "add",
                                "comment_id": "POST9_CMT1",
                                "post_id": "PAGE1_POST9",
                                "from": {"id": "4242", "name": "Aigerim"},
                                "message": "Why was my transfer declined?",
                                "created_time": NOW,
                            },
                        }
                    ],
                }
            ],
        }
        body = json.dumps(event).encode()
        signature = "sha256=" + hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
        response = self.post(source, body, {"X-Hub-Signature-256": signature})
        self.assertEqual((response.status_code, response.text), (200, "EVENT_RECEIVED"))
        self.assertEqual(self.count(source), 1)
        self.post(source, body, {"X-Hub-Signature-256": signature})
        self.assertEqual(self.count(source), 1)
        self.assertEqual(self.post(source, body).status_code, 403)
        tampered = body.replace(b"declined", b"accepted")
        self.assertEqual(
            self.post(source, tampered, {"X-Hub-Signature-256": signature}).status_code, 403
        )

    def test_bodies_a_stranger_sends_tell_nothing_about_the_source(self):
        """Where credentials are in or over the body (VK's secret, Meta's signature), an
        oversized or too deeply nested body is answered like an unknown source: a stranger
        can't learn that the id exists; the token holder of a webhook source learns why."""
        vk = self.Source.create(
            {"name": "VK hook", "source_type": "vk", "account": "1", "interval_minutes": 0}
        )
        meta = self.Source.create(
            {"name": "Meta hook", "source_type": "meta", "api_secret": "app-secret"}
        )
        missing = self.Source.browse(max(vk.id, meta.id) + 1000)
        oversized = b"{" + b" " * (5 * 1024 * 1024 + 1) + b"}"
        deep = b"[" * 5000 + b"]" * 5000
        signed = {"X-Hub-Signature-256": "sha256=" + "0" * 64}
        # A declared oversized body is refused by the route's limit before any source is
        # looked at; a too deeply nested one after it: the same answer for every id.
        for body, status in ((oversized, 413), (deep, 403)):
            answers = {
                (r.status_code, r.text)
                for r in (
                    self.post(missing, body),
                    self.post(vk, body),
                    self.post(meta, body, signed),
                )
            }
            self.assertEqual(len(answers), 1, answers)
            self.assertEqual(next(iter(answers))[0], status)
        # Telegram's secret header authenticates before the body is read: its sender is
        # told what is wrong with the body; a stranger is not.
        telegram = self.Source.create(
            {"name": "Bot", "source_type": "telegram", "api_key": "1:x", "interval_minutes": 0}
        )
        header = {"X-Telegram-Bot-Api-Secret-Token": telegram.webhook_token}
        self.assertEqual(self.post(telegram, deep, header).status_code, 400)
        self.assertEqual(self.post(telegram, deep).status_code, 403)
        self.assertEqual(self.count(vk) + self.count(meta) + self.count(telegram), 0)

    def test_kinds_without_webhook_and_unknown_sources(self):
        rss = self.Source.create({"name": "Feed", "source_type": "rss"})
        response = self.post(rss, {"x": 1}, path_token=rss.webhook_token)
        self.assertEqual(response.status_code, 400)
        self.assertIn("does not receive webhooks", response.json()["error"])
        rss.active = False
        self.assertEqual(self.post(rss, {"x": 1}).status_code, 403)
