from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import SocialCrmCase, make_record

# a Monday far from the demo's mentions, so only this test's mentions are in its windows
NOW = datetime(2031, 3, 10, 14, 20)
HOUR = datetime(2031, 3, 10, 14, 0)


@tagged("post_install", "-at_install")
class TestSpikeAlerts(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.brand = cls.env["social_crm.brand"].create({"name": "Квазар Банк"})
        cls.manager = new_test_user(
            cls.env,
            login="quality_alert_manager",
            groups="social_crm.group_manager",
            email="alerts@example.com",
        )
        cls.agent = new_test_user(
            cls.env, login="quality_alert_agent", groups="social_crm.group_user"
        )
        cls.Alert = cls.env["social_crm.alert"]
        cls.seq = 0

    def _mentions(self, moments, platform="vk", text=None, author=None, brand=True):
        """Negative mentions of our brand published at ``moments``, one each."""
        records = []
        for moment in moments:
            self.seq += 1
            ext = f"q{self.seq}"
            record = make_record(
                ext,
                text=text or f"Жалоба номер {self.seq}: снова списали деньги дважды",
                platform=platform,
                published_at=moment.isoformat() + "+00:00",
            )
            if author:
                record["author"] = dict(author)
            records.append(record)
        with freeze_time(max([NOW, *moments])):
            mentions = self.source._ingest(records)["mentions"]
        # what the analysis would find in real complaints, set for sure
        vals = {"sentiment": "negative", "brand_ids": [(6, 0, self.brand.ids if brand else [])]}
        mentions.with_context(social_crm_analysis=True).write(vals)
        return mentions

    def _baseline(self, platform, per_week):
        """Negative mentions at the same hour of the previous weeks: per_week[k-1] k weeks ago."""
        moments = []
        for weeks_back, count in enumerate(per_week, start=1):
            start = HOUR - timedelta(weeks=weeks_back)
            moments += [start + timedelta(minutes=5 * i) for i in range(count)]
        return self._mentions(moments, platform=platform)

    def _detect(self, moment=NOW):
        with freeze_time(moment):
            return self.Alert._cron_detect_alerts()

    def _ours(self, platform_code, kind="spike"):
        return self.Alert.search(
            [
                ("kind", "=", kind),
                ("platform_id.code", "=", platform_code),
                ("brand_id", "=", self.brand.id),
            ]
        )

    def test_spike_found_against_a_quiet_baseline(self):
        self._baseline("vk", [1, 2, 1, 1, 2, 1, 1, 2])
        burst = self._mentions([HOUR + timedelta(minutes=m) for m in range(0, 18, 2)])
        self._detect()
        alert = self._ours("vk")
        self.assertEqual(len(alert), 1)
        self.assertEqual(
            (alert.window, alert.window_start, alert.count, alert.baseline),
            ("hour", HOUR, 9, 1.0),
        )
        # (9 − median 1) / max(1.4826 × MAD 0, 1) = 8
        self.assertAlmostEqual(alert.score, 8.0)
        self.assertEqual(alert.mention_ids, burst)
        self.assertEqual(alert.state, "new")
        # the managers are told, and follow the alert
        notified = alert.message_ids.filtered(lambda m: self.manager.partner_id in m.partner_ids)
        self.assertEqual(len(notified), 1)
        self.assertIn(self.manager.partner_id, alert.message_partner_ids)
        self.assertNotIn(self.agent.partner_id, alert.message_partner_ids)

    def test_same_window_gives_no_second_alert(self):
        self._baseline("vk", [1, 2, 1, 1, 2, 1, 1, 2])
        self._mentions([HOUR + timedelta(minutes=m) for m in range(0, 18, 2)])
        self._detect()
        more = self._mentions([HOUR + timedelta(minutes=19)])
        self._detect(NOW + timedelta(minutes=15))
        alert = self._ours("vk")
        self.assertEqual(len(alert), 1, "one alert per brand, platform and window")
        self.assertEqual(alert.count, 10)
        self.assertIn(more, alert.mention_ids)
        # the update tells nobody again
        self.assertEqual(
            len(alert.message_ids.filtered(lambda m: self.manager.partner_id in m.partner_ids)), 1
        )
        # the hour just ended is still checked: still the same alert after the hour turns
        self._detect(HOUR + timedelta(hours=1, minutes=10))
        self.assertEqual(len(self._ours("vk")), 1)

    def test_normal_week_is_no_spike(self):
        self._baseline("telegram", [4, 6, 5, 3, 5, 6, 4, 5])
        self._mentions([HOUR + timedelta(minutes=m) for m in range(0, 60, 10)], platform="telegram")
        self._detect()
        self.assertFalse(self._ours("telegram"), "6 against a usual 5 is an ordinary hour")

    def test_few_mentions_are_no_spike_even_from_zero(self):
        self._baseline("vk", [0, 0, 1, 0, 0, 0, 0, 1])
        self._mentions([HOUR + timedelta(minutes=m) for m in range(4)])
        self._detect()
        self.assertFalse(self._ours("vk"), "4 is below the minimum count of an hour")

    def test_attack_burst_from_new_authors_is_flagged(self):
        text = "Квазар Банк ворует деньги с карт, срочно закрывайте счета! Не верьте им #{n}"
        burst = self.env["social_crm.mention"]
        for n in range(6):
            burst |= self._mentions(
                [NOW - timedelta(hours=3, minutes=n * 7)],
                text=text.replace("{n}", str(n)),
                author={"external_id": f"bot{n}", "name": f"Новый {n}", "handle": f"new{n}"},
            )
        # an ordinary complaint of an old customer in the same day is not part of it
        self._mentions([NOW - timedelta(hours=2)], text="Третий день не работает приложение")
        self._detect()
        attack = self._ours("vk", kind="attack")
        self.assertEqual(len(attack), 1)
        self.assertEqual(attack.mention_ids, burst)
        self.assertEqual((attack.author_count, attack.new_author_count), (6, 6))
        # a later run adds to the same alert
        late = self._mentions(
            [NOW + timedelta(minutes=5)],
            text=text.replace("{n}", "late"),
            author={"external_id": "bot-late", "name": "Новый", "handle": "newlate"},
        )
        self._detect(NOW + timedelta(minutes=15))
        attack = self._ours("vk", kind="attack")
        self.assertEqual(len(attack), 1)
        self.assertIn(late, attack.mention_ids)

    def test_same_text_from_long_known_authors_is_no_attack(self):
        text = "Квазар Банк опять поднял комиссию за переводы, это грабёж средь бела дня"
        for n in range(6):
            author = {"external_id": f"old{n}", "name": f"Клиент {n}", "handle": f"old{n}"}
            self._mentions([NOW - timedelta(days=90)], text=f"Спасибо за кредит {n}", author=author)
            self._mentions([NOW - timedelta(hours=1, minutes=n)], text=text, author=author)
        self._detect()
        self.assertFalse(self._ours("vk", kind="attack"))

    def test_only_managers_acknowledge(self):
        self._baseline("vk", [1, 2, 1, 1, 2, 1, 1, 2])
        self._mentions([HOUR + timedelta(minutes=m) for m in range(0, 18, 2)])
        self._detect()
        alert = self._ours("vk")
        with self.assertRaises(UserError):
            alert.with_user(self.agent).action_acknowledge()
        alert.with_user(self.manager).action_acknowledge()
        self.assertEqual(alert.state, "acknowledged")
