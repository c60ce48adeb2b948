import base64

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged

from .common import SocialCrmCase, make_record
from .httpfake import FakeServer


@tagged("post_install", "-at_install")
class TestSecurity(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})
        cls.user = new_test_user(cls.env, "sc_user", groups="social_crm.group_user")
        cls.manager = new_test_user(cls.env, "sc_manager", groups="social_crm.group_manager")
        cls.employee = new_test_user(cls.env, "sc_employee", groups="base.group_user")
        cls.source.api_key = "secret-key"
        cls.mention = cls.source.ingest([make_record(1)])
        other_source = cls.env["social_crm.source"].create(
            {
                "name": "Other company source",
                "source_type": "webhook",
                "company_id": cls.other_company.id,
            }
        )
        cls.foreign = other_source.ingest([make_record(2)])

    def test_user_works_mentions(self):
        mention = self.mention.with_user(self.user)
        mention.read(["text", "stage_id", "sentiment"])
        mention.write({"user_id": self.user.id})
        self.assertEqual(mention.state, "in_progress", "assigning takes a new mention in work")
        with self.assertRaises(AccessError):
            mention.unlink()

    def test_user_cannot_configure(self):
        with self.assertRaises(AccessError):
            self.source.with_user(self.user).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.env["social_crm.brand"].with_user(self.user).create({"name": "X"})
        with self.assertRaises(AccessError):
            self.env["social_crm.stage"].with_user(self.user).create({"name": "X"})
        self.source.with_user(self.manager).write({"name": "Renamed"})
        self.env["social_crm.brand"].with_user(self.manager).create({"name": "X"})

    def test_credentials_for_system_administrators_only(self):
        for user in (self.user, self.manager):
            source = self.source.with_user(user)
            source.read(["name", "last_error"])
            with self.assertRaises(AccessError, msg=f"{user.login} must not read the API key"):
                source.read(["api_key"])
            with self.assertRaises(AccessError):
                source.read(["webhook_token"])
        self.assertEqual(
            self.source.with_user(self.env.ref("base.user_admin")).api_key, "secret-key"
        )

    def test_other_company_mentions_are_invisible(self):
        visible = self.env["social_crm.mention"].with_user(self.user).search([])
        self.assertIn(self.mention, visible)
        self.assertNotIn(self.foreign, visible)
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.user).read(["text"])

    def test_employee_without_group_sees_nothing(self):
        with self.assertRaises(AccessError):
            self.env["social_crm.mention"].with_user(self.employee).search([])


@tagged("post_install", "-at_install")
class TestEntryPointRights(HttpCase):
    """Every public method that changes data or calls out, called over JSON-RPC as each
    kind of user: only a Social CRM administrator of the source's company (and for where
    credentials are sent, a system administrator) gets through; the others get an access
    error and nothing changes — no token rotated, no source resumed, no request sent out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = FakeServer().start()
        cls.addClassCleanup(cls.server.stop)
        cls.env["ir.config_parameter"].sudo().set_param("web.base.url", "https://crm.example.com")
        company = cls.env.company
        other = cls.env["res.company"].create({"name": "Other Co"})
        cls.other_company = other
        cls.portal = new_test_user(cls.env, "rpc_portal", groups="base.group_portal")
        cls.internal = new_test_user(cls.env, "rpc_internal", groups="base.group_user")
        cls.agent = new_test_user(cls.env, "rpc_agent", groups="social_crm.group_user")
        cls.other_manager = new_test_user(
            cls.env,
            "rpc_other_manager",
            groups="social_crm.group_manager",
            company_id=other.id,
            company_ids=[(6, 0, [other.id])],
        )
        cls.manager = new_test_user(
            cls.env,
            "rpc_manager",
            groups="social_crm.group_manager",
            company_id=company.id,
            company_ids=[(6, 0, [company.id])],
        )
        cls.sysadmin = new_test_user(
            cls.env, "rpc_sysadmin", groups="base.group_system,social_crm.group_manager"
        )
        cls.refused_users = [cls.portal, cls.internal, cls.agent, cls.other_manager]

        Source = cls.env["social_crm.source"]
        cls.hook = Source.create(
            {"name": "Shop webhook", "source_type": "webhook", "company_id": company.id}
        )
        cls.pull = Source.create(
            {
                "name": "YouScan topic",
                "source_type": "youscan",
                "company_id": company.id,
                "base_url": cls.server.url,
                "api_key": "ys-key-7f3a9c",
                "account": "1",
                "interval_minutes": 5,
            }
        )
        cls.bot = Source.create(
            {
                "name": "Support bot",
                "source_type": "telegram",
                "company_id": company.id,
                "base_url": cls.server.url,
                "api_key": "123:bot-key-5d1e",
                "api_secret": "hook_s3",
                "interval_minutes": 0,
            }
        )
        cls.mention = cls.hook.ingest([make_record(1)])
        cls.attacker = FakeServer().start()
        cls.addClassCleanup(cls.attacker.stop)

    def setUp(self):
        super().setUp()
        for server in (self.server, self.attacker):
            server.routes.clear()
            server.requests.clear()
        self.server.route("GET", "/topics/1/mentions", {"total": 0, "lastSeq": 0, "mentions": []})
        self.server.route("GET", "/topics", {"topics": [{"id": 1, "name": "Bank"}]})
        self.server.route(
            "POST",
            "/bot123:bot-key-5d1e/getMe",
            {"ok": True, "result": {"id": 1, "username": "bank_bot"}},
        )
        self.server.route("POST", "/bot123:bot-key-5d1e/setWebhook", {"ok": True, "result": True})
        self.pull.write({"paused": True, "failure_count": 5, "last_error": "HTTP 500"})

    # -- helpers ------------------------------------------------------------------------------
    def rpc(self, user, model, method, ids, *args):
        self.authenticate(user.login, user.login)
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": [ids, *args], "kwargs": {}},
        )

    def assert_refused(self, user, model, method, ids, *args):
        with self.assertRaises(
            JsonRpcException, msg=f"{user.login} may call {model}.{method}"
        ) as caught:
            self.rpc(user, model, method, ids, *args)
        self.assertEqual(
            str(caught.exception),
            "odoo.exceptions.AccessError",
            f"{user.login} calling {model}.{method}: not an access error",
        )
        self.env.invalidate_all()

    def snapshot(self):
        self.env.invalidate_all()
        sources = self.hook | self.pull | self.bot
        return {
            "tokens": sources.sudo().mapped("webhook_token"),
            "pull": self.pull.read(["paused", "failure_count", "last_error", "base_url", "cursor"])[
                0
            ],
            "mentions": self.env["social_crm.mention"].search_count([]),
            "partners": self.env["res.partner"].with_context(active_test=False).search_count([]),
            "mention": self.mention.read(
                ["stage_id", "sentiment", "lang", "state", "reply", "first_response_at"]
            )[0],
            "requests": len(self.server.requests) + len(self.attacker.requests),
        }

    @staticmethod
    def changes(before, after):
        return {key: (before[key], after[key]) for key in before if before[key] != after[key]}

    # -- the tests -----------------------------------------------------------------------------
    def test_entry_points_refuse_whoever_may_not_manage_the_source(self):
        source_calls = [
            ("social_crm.source", "ingest", self.hook.ids, [make_record(99)]),
            ("social_crm.source", "action_regenerate_token", self.hook.ids),
            ("social_crm.source", "action_resume", self.pull.ids),
            ("social_crm.source", "action_import_now", self.pull.ids),
            ("social_crm.source", "action_test_connection", self.pull.ids),
            ("social_crm.source", "action_test_connection", self.bot.ids),
            ("social_crm.source", "action_register_webhook", self.bot.ids),
        ]
        # Working mentions is the agents' job; outsiders and other companies still can't.
        mention_calls = [
            ("social_crm.mention", "action_reanalyse", self.mention.ids),
            ("social_crm.author", "action_create_partner", self.mention.author_id.ids),
        ]
        before = self.snapshot()
        for user in self.refused_users:
            calls = source_calls + (mention_calls if user != self.agent else [])
            for model, method, ids, *args in calls:
                with self.subTest(user=user.login, method=method, ids=ids):
                    try:
                        self.assert_refused(user, model, method, ids, *args)
                    finally:
                        # each call is judged on its own, even after an earlier one failed
                        after = self.snapshot()
                        changed, before = self.changes(before, after), after
                    self.assertEqual(changed, {}, f"{user.login} {method} changed {changed}")

    def test_reply_composer_refuses_outsiders(self):
        """Sending a reply (which may post on the platform) goes through a composer on the
        mention: no one outside the mention's company and Social CRM may create or send it."""
        before = self.snapshot()
        for user in (self.portal, self.internal, self.other_manager):
            with self.subTest(user=user.login):
                self.authenticate(user.login, user.login)
                with self.assertRaises(JsonRpcException) as caught:
                    composer_id = self.make_jsonrpc_request(
                        "/web/dataset/call_kw/social_crm.reply.composer/create",
                        {
                            "model": "social_crm.reply.composer",
                            "method": "create",
                            "args": [
                                {
                                    "mention_id": self.mention.id,
                                    "post_mode": "manual",
                                    "body": "Здравствуйте! Доставка в Алматы есть.",
                                }
                            ],
                            "kwargs": {},
                        },
                    )
                    self.rpc(user, "social_crm.reply.composer", "action_send", [composer_id])
                self.assertEqual(str(caught.exception), "odoo.exceptions.AccessError")
                after = self.snapshot()
                changed, before = self.changes(before, after), after
                self.assertEqual(changed, {}, f"{user.login} replied: {changed}")

    def test_file_import_refuses_another_companys_manager(self):
        """The import wizard goes straight to the source's ingest: a manager of another
        company must not fill this company's source through it."""
        before = self.snapshot()
        content = "external_id,text,published_at\nw1,Где выписка?,2026-05-01T10:00:00Z\n"
        self.authenticate(self.other_manager.login, self.other_manager.login)
        with self.assertRaises(JsonRpcException) as caught:
            wizard_id = self.make_jsonrpc_request(
                "/web/dataset/call_kw/social_crm.import.wizard/create",
                {
                    "model": "social_crm.import.wizard",
                    "method": "create",
                    "args": [
                        {
                            "source_id": self.hook.id,
                            "preset": "normalized",
                            "filename": "rows.csv",
                            "file": base64.b64encode(content.encode()).decode(),
                        }
                    ],
                    "kwargs": {},
                },
            )
            self.rpc(self.other_manager, "social_crm.import.wizard", "action_import", [wizard_id])
        self.assertEqual(str(caught.exception), "odoo.exceptions.AccessError")
        self.assertEqual(self.changes(before, self.snapshot()), {})

    def test_managers_of_the_company_manage_their_sources(self):
        for user in (self.manager, self.sysadmin):
            with self.subTest(user=user.login):
                token = self.hook.sudo().webhook_token
                self.rpc(user, "social_crm.source", "action_regenerate_token", self.hook.ids)
                self.env.invalidate_all()
                self.assertNotEqual(self.hook.sudo().webhook_token, token)
                self.pull.write({"paused": True, "failure_count": 5})
                self.rpc(user, "social_crm.source", "action_resume", self.pull.ids)
                self.env.invalidate_all()
                self.assertEqual((self.pull.paused, self.pull.failure_count), (False, 0))
                result = self.rpc(user, "social_crm.source", "action_import_now", self.pull.ids)
                self.assertEqual(result["params"]["title"], "Import done", result)
                calls = self.server.calls("GET", "/topics/1/mentions")
                self.assertEqual(calls[-1].headers.get("X-API-KEY"), "ys-key-7f3a9c")

    def test_only_system_administrators_change_where_credentials_go(self):
        """The API key is for system administrators only; pointing the source at another
        host and importing would hand it to that host."""
        self.attacker.route("GET", "/topics/1/mentions", {"total": 0, "lastSeq": 0, "mentions": []})
        self.pull.write({"paused": False, "failure_count": 0})
        refused = []
        for method, args in (
            ("write", [{"base_url": self.attacker.url}]),
            ("action_import_now", []),
        ):
            try:
                self.rpc(self.manager, "social_crm.source", method, self.pull.ids, *args)
            except JsonRpcException as exc:
                refused.append((method, str(exc)))
                break
        self.env.invalidate_all()
        self.assertEqual(
            self.attacker.requests,
            [],
            "a Social CRM administrator sent the API key to another host",
        )
        self.assertTrue(refused, "changing the API address and importing went through")
        self.assertEqual(refused[0][1], "odoo.exceptions.AccessError", refused)
        self.assertEqual(self.pull.base_url, self.server.url)

        # A system administrator may move the source, and the import then goes there.
        self.rpc(
            self.sysadmin,
            "social_crm.source",
            "write",
            self.pull.ids,
            {"base_url": self.attacker.url},
        )
        result = self.rpc(self.sysadmin, "social_crm.source", "action_import_now", self.pull.ids)
        self.assertEqual(result["params"]["title"], "Import done", result)
        calls = self.attacker.calls("GET", "/topics/1/mentions")
        self.assertEqual([c.headers.get("X-API-KEY") for c in calls], ["ys-key-7f3a9c"])

    def test_webhook_events_stay_in_their_company(self):
        Event = self.env["social_crm.webhook.event"]
        other_bot = self.env["social_crm.source"].create(
            {
                "name": "Other bot",
                "source_type": "telegram",
                "api_key": "9:x",
                "company_id": self.other_company.id,
            }
        )
        self.assertTrue(Event._remember(self.bot, "900"))
        self.assertTrue(Event._remember(other_bot, "901"))
        mine = Event.search([("event_id", "in", ["900", "901"])])
        self.assertEqual(mine.mapped("company_id"), self.env.company | self.other_company)
        seen = Event.with_user(self.other_manager).search([("event_id", "in", ["900", "901"])])
        self.assertEqual(seen.mapped("event_id"), ["901"])
        seen = Event.with_user(self.manager).search([("event_id", "in", ["900", "901"])])
        self.assertEqual(seen.mapped("event_id"), ["900"])

    def test_expert_page_stays_in_the_mentions_company(self):
        """The page an expert answers on shows the customer's text: its expert and the
        administrators of the mention's company open it, another company's administrator
        does not."""
        question = "Когда откроется офис в Шымкенте?"
        expert = new_test_user(self.env, "rpc_expert", groups="base.group_user")
        self.mention._request_expert(expert, question, fields.Date.today())
        activity = self.mention.activity_ids.filtered(lambda a: a.user_id == expert)
        self.assertEqual(len(activity), 1)
        url = f"/social_crm/expert/{activity.id}"
        for user, sees in (
            (expert, True),
            (self.manager, True),
            (self.other_manager, False),
            (self.agent, False),
            (self.internal, False),
        ):
            with self.subTest(user=user.login):
                self.authenticate(user.login, user.login)
                page = self.url_open(url)
                self.assertEqual(page.status_code, 200)
                self.assertEqual(
                    question in page.text,
                    sees,
                    f"{user.login} {'cannot' if sees else 'can'} read the question",
                )
