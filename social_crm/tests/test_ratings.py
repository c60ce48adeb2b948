from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import SocialCrmCase, make_record

NOW = datetime(2031, 4, 7, 12, 0)


@tagged("post_install", "-at_install")
class TestReviewRatings(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.otzovik = cls.env.ref("social_crm.platform_otzovik")
        cls.agent = new_test_user(
            cls.env, login="quality_rating_agent", groups="social_crm.group_user"
        )
        cls.Report = cls.env["social_crm.rating.report"]

    def _reviews(self, stars, platform="otzovik"):
        records = [
            make_record(
                f"r{platform}{i}",
                text=f"Отзыв {i} об отделении на Абая",
                platform=platform,
                published_at=(NOW - timedelta(days=1, minutes=i)).isoformat() + "+00:00",
                url=f"https://otzovik.com/review_{platform}{i}.html",
                rating=value,
            )
            for i, value in enumerate(stars)
        ]
        with freeze_time(NOW):
            mentions = self.source._ingest(records)["mentions"]
        return mentions.sorted(lambda m: m.external_id)

    def _group(self, domain=None):
        ids = self.Report.search(
            domain
            or [
                ("platform_id", "=", self.otzovik.id),
                ("published_at", ">=", NOW - timedelta(days=2)),
            ]
        ).ids
        (group,) = self.Report.read_group(
            [("id", "in", ids)],
            [
                "rating:avg",
                "five_star_needed",
                "review_count:sum",
                "rated_count:sum",
                "unanswered_count:sum",
            ],
            [],
        )
        return group

    def test_ratings_are_averaged_over_rated_reviews_with_the_5_star_figure(self):
        reviews = self._reviews([2, 3, 3, None])
        self.assertFalse(reviews[3].rating, "no stars stay empty, not 0")
        group = self._group()
        self.assertAlmostEqual(group["rating"], 8 / 3)
        self.assertEqual(group["rated_count"], 3)
        self.assertEqual(group["review_count"], 4)
        # (8 + 5n) / (3 + n) ≥ 4 ⇔ n ≥ 4
        self.assertEqual(group["five_star_needed"], 4)
        # the mentions' own pivot measure averages too (it summed to 8.0 before)
        (mention_group,) = self.Mention.read_group([("id", "in", reviews.ids)], ["rating:avg"], [])
        self.assertAlmostEqual(mention_group["rating"], 8 / 3)
        (plain,) = self.Mention.read_group([("id", "in", reviews.ids)], ["rating"], [])
        self.assertAlmostEqual(plain["rating"], 8 / 3, msg="the field's own aggregate is avg")

    def test_per_group_needed_is_worked_out_per_group(self):
        self._reviews([2, 3, 3])
        self._reviews([5, 5, 5, 5, 1], platform="yandex_maps")
        groups = self.Report.read_group(
            [("published_at", ">=", NOW - timedelta(days=2))],
            ["rating:avg", "five_star_needed", "rating_target:max"],
            ["platform_id"],
        )
        by_code = {
            self.env["social_crm.platform"].browse(g["platform_id"][0]).code: g for g in groups
        }
        self.assertEqual(by_code["otzovik"]["five_star_needed"], 4)
        self.assertEqual(by_code["yandex_maps"]["five_star_needed"], 0)  # 4.2 is above 4
        self.assertAlmostEqual(by_code["yandex_maps"]["rating"], 4.2)
        # the total is worked out from all the stars, not as a sum of the groups' figures
        (total,) = self.Report.read_group(
            [("published_at", ">=", NOW - timedelta(days=2))], ["five_star_needed"], []
        )
        # (29 + 5n) / (8 + n) ≥ 4 ⇔ n ≥ 3 (the groups' figures would add up to 4)
        self.assertEqual(total["five_star_needed"], 3)

    def test_unanswered_reviews_first_positive_included(self):
        reviews = self._reviews([5, 2, 4])
        with freeze_time(NOW):
            reviews[1].with_user(self.agent).action_mark_answered()
        rows = self.Report.search([("mention_id", "in", reviews.ids)])
        self.assertEqual(
            [r.is_answered for r in rows], [False, False, True], "unanswered reviews come first"
        )
        self.assertIn(reviews[0], rows.filtered(lambda r: not r.is_answered).mention_id)
        action = self.env.ref("social_crm.social_crm_mention_action_unanswered_reviews")
        to_answer = self.Mention.search(
            [("id", "in", reviews.ids)] + self._eval_domain(action.domain)
        )
        self.assertEqual(to_answer, reviews[0] | reviews[2], "5-star reviews are answered too")

    def _eval_domain(self, domain):
        from odoo.tools.safe_eval import safe_eval

        return safe_eval(domain)

    def test_request_removal_of_a_false_review(self):
        reviews = self._reviews([2, 3, 3])
        false_review = reviews[0]
        action = false_review.with_user(self.agent).action_request_removal()
        self.assertEqual(action["res_model"], "social_crm.removal.request")
        request = (
            self.env["social_crm.removal.request"]
            .with_user(self.agent)
            .with_context(**action["context"])
            .create(
                {
                    "contacted": "Модераторы Otzovik, support@otzovik.com",
                    "reason": "Такого заказа не было: номер договора не существует.",
                }
            )
        )
        self.assertEqual(request.mention_id, false_review)
        self.assertEqual(false_review.removal_state, "requested")
        self.assertIn("support@otzovik.com", false_review.message_ids[:1].body)
        request.with_user(self.agent).action_mark_removed()
        self.assertEqual(false_review.removal_state, "removed")
        self.assertEqual(false_review.state, "closed")
        self.assertTrue(request.decided_on)
        with self.assertRaises(UserError):
            request.with_user(self.agent).action_mark_refused()
        # a review the site took down no longer counts: (6 + 5n) / (2 + n) ≥ 4 ⇔ n ≥ 2
        group = self._group()
        self.assertAlmostEqual(group["rating"], 3.0)
        self.assertEqual(group["five_star_needed"], 2)

    def test_refused_removal_keeps_the_review(self):
        reviews = self._reviews([1])
        request = self.env["social_crm.removal.request"].create(
            {"mention_id": reviews.id, "contacted": "Otzovik", "reason": "Конкурент"}
        )
        request.outcome = "Отзыв соответствует правилам площадки"
        request.action_mark_refused()
        self.assertEqual(reviews.removal_state, "refused")
        self.assertIn("Отзыв соответствует правилам площадки", reviews.message_ids[:1].body)
        self.assertEqual(self._group()["rated_count"], 1)

    def test_removal_only_for_reviews(self):
        (post,) = self.source._ingest([make_record("not-a-review")])["mentions"]
        with self.assertRaises(UserError):
            self.env["social_crm.removal.request"].create(
                {"mention_id": post.id, "contacted": "VK", "reason": "Неправда"}
            )
