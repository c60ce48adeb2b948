"""Knowledge search (word forms, ranking, language and stage, thresholds) and question clusters."""
import json
import random

import pytest

from social_crm.tools import knowledge as k
from social_crm.tools.knowledge import GOOD_SCORE, AnswerDoc, KnowledgeIndex, cluster_questions

# A food-delivery service, a scooter sharing app and an online school: not one brand.
DOCS = [
    AnswerDoc("pizza-delivery", ["Сколько стоит доставка пиццы?", "Доставка платная?"],
              "Доставка бесплатная от 1500 рублей, иначе 199 рублей.", "ru", ["product"],
              ["доставка"]),
    AnswerDoc("late-order", ["Где мой заказ? Курьер опаздывает"],
              "Напишите номер заказа в личные сообщения, проверим, где курьер.", "ru",
              ["negative", "support"], []),
    AnswerDoc("refund", ["Как вернуть деньги за отменённый заказ?"],
              "Деньги возвращаются на карту за 3–5 рабочих дней.", "ru", ["support"], []),
    AnswerDoc("scooter-battery", ["Самокат разрядился во время поездки"],
              "Завершите поездку в приложении, мы вернём стоимость.", "ru", ["negative"], []),
    AnswerDoc("course-cert", ["Выдаёте ли вы сертификат после курса?"],
              "Да, сертификат приходит на почту после финального теста.", "ru", ["product"],
              []),
    AnswerDoc("delivery-en", ["How much is delivery?", "Is delivery free?"],
              "Delivery is free on orders over $20.", "en", ["product"], []),
    AnswerDoc("delivery-uk", ["Скільки коштує доставка?"],
              "Доставка безкоштовна від 500 гривень.", "uk", ["product"], []),
    AnswerDoc("delivery-kk", ["Жеткізу қанша тұрады?"],
              "Жеткізу 5000 теңгеден бастап тегін.", "kk", ["product"], []),
    AnswerDoc("app-login", ["Не могу войти в приложение"],
              "Обновите приложение и попробуйте войти по коду из SMS.", "ru", ["support"], []),
]


@pytest.fixture(scope="module")
def index():
    return KnowledgeIndex.build(DOCS)


def ids(results):
    return [doc_id for doc_id, _ in results]


@pytest.mark.parametrize("mention", [
    "А доставку вы делаете бесплатно?",
    "сколько стоит доставки пицц",
    "Доставкой пользоваться дорого? какая стоимость у доставки",
])
def test_russian_word_forms_rank_the_right_answer_first(index, mention):
    assert ids(index.search(mention, lang="ru"))[0] == "pizza-delivery"


def test_the_same_question_in_other_word_forms_is_a_good_answer(index):
    # «доставка / доставку / доставки» are one term: only word forms differ here
    results = index.search("Сколько стоят доставки пицц?", lang="ru")
    assert results[0] == ("pizza-delivery", 1.0)
    assert index.search("доставки", lang="ru")[0][0] == "pizza-delivery"
    assert index.search("доставкой", lang="ru")[0][0] == "pizza-delivery"


def test_word_forms_in_english_ukrainian_and_kazakh(index):
    assert ids(index.search("Are deliveries free?", lang="en"))[0] == "delivery-en"
    assert ids(index.search("А скільки коштують доставки до Львова?", lang="uk"))[0] == \
        "delivery-uk"
    assert ids(index.search("Жеткізуді қанша тұрады?", lang="kk"))[0] == "delivery-kk"


def test_a_question_asked_amid_chatter_is_still_found(index):
    mention = ("Ну вот опять, сижу голодный уже час, курьер опаздывает, где мой заказ вообще?? "
               "Больше не закажу")
    results = index.search(mention, lang="ru", stage="negative")
    assert ids(results)[0] == "late-order"
    assert results[0][1] >= GOOD_SCORE


def test_the_exact_question_scores_one_and_scores_stay_in_range(index):
    results = index.search("Сколько стоит доставка пиццы?", lang="ru", limit=0)
    assert results[0] == ("pizza-delivery", 1.0)
    assert all(0.0 < score <= 1.0 for _, score in results)
    assert [s for _, s in results] == sorted((s for _, s in results), reverse=True)


def test_unrelated_mentions_have_no_good_answer(index):
    for mention in ("Какая сегодня погода в Казани?", "Отличный концерт был вчера!",
                    "ну и ну"):
        results = index.search(mention, lang="ru")
        assert not results or results[0][1] < GOOD_SCORE, (mention, results)
    assert index.search("", lang="ru") == []
    assert index.search("и в на", lang="ru") == []


def test_questions_weigh_more_than_the_answer_text():
    docs = [AnswerDoc("answer-mentions-it", ["Как оплатить курс?"],
                      "Оплатить можно картой; сертификат придёт позже.", "ru"),
            AnswerDoc("question-asks-it", ["Когда придёт сертификат?"],
                      "В течение недели после экзамена.", "ru")]
    results = KnowledgeIndex.build(docs).search("сертификат", lang="ru")
    assert ids(results) == ["question-asks-it", "answer-mentions-it"]
    assert results[0][1] > results[1][1] / k.ANSWER_WEIGHT * 0.99


def test_the_mentions_language_is_preferred(index):
    ru = index.search("Доставка платная?", lang="ru")
    assert ids(ru)[0] == "pizza-delivery"
    uk = index.search("Доставка платна? Скільки коштує доставка?", lang="uk")
    assert ids(uk)[0] == "delivery-uk"
    # the same words in a Russian answer count less for a Ukrainian mention
    assert dict(uk).get("pizza-delivery", 0) < dict(uk)["delivery-uk"]


def test_unknown_language_searches_every_language(index):
    assert ids(index.search("How much is delivery?"))[0] == "delivery-en"
    assert ids(index.search("Сколько стоит доставка пиццы?"))[0] == "pizza-delivery"


def test_stage_boost_breaks_a_tie():
    docs = [AnswerDoc("for-product", ["Есть ли подарочные карты?"], "Есть.", "ru", ["product"]),
            AnswerDoc("for-support", ["Есть ли подарочные карты?"], "Есть.", "ru", ["support"])]
    index = KnowledgeIndex.build(docs)
    assert ids(index.search("подарочные карты есть?", lang="ru"))[0] == "for-product"
    boosted = index.search("подарочные карты есть?", lang="ru", stage="support")
    assert ids(boosted)[0] == "for-support"
    assert boosted[0][1] <= 1.0


def test_limit_and_min_score(index):
    everything = index.search("доставка заказ курьер", lang="ru", limit=0)
    assert len(everything) > 2
    assert len(index.search("доставка заказ курьер", lang="ru", limit=2)) == 2
    strict = index.search("доставка заказ курьер", lang="ru", limit=0, min_score=0.4)
    assert strict == [r for r in everything if r[1] >= 0.4]


def test_round_trip_through_plain_data(index):
    data = json.loads(json.dumps(index.to_dict()))
    again = KnowledgeIndex.from_dict(data)
    assert len(again) == len(index)
    for mention in ("доставку бесплатно?", "курьер опаздывает", "Is delivery free?"):
        assert again.search(mention, lang="ru") == index.search(mention, lang="ru")


def _random_corpus(seed=3, n=300):
    rng = random.Random(seed)
    words = ("доставка заказ курьер оплата карта тариф приложение магазин возврат товар скидка "
             "подписка пароль бонус адрес чек гарантия ремонт самокат поездка курс урок "
             "сертификат пицца столик бронь меню").split()
    forms = ("", "у", "и", "ой", "ами")

    def phrase(n_words):
        return " ".join(rng.choice(words).rstrip("аи") + rng.choice(forms)
                        for _ in range(n_words))
    docs = [AnswerDoc(i, [phrase(rng.randint(2, 4)) for _ in range(rng.randint(1, 2))],
                      phrase(rng.randint(5, 15)), rng.choice(["ru", "ru", "uk", ""]),
                      [rng.choice(["product", "support", "negative"])])
            for i in range(n)]
    mentions = [phrase(rng.randint(1, 8)) for _ in range(60)]
    return docs, mentions


def test_index_and_linear_scan_agree():
    docs, mentions = _random_corpus()
    index = KnowledgeIndex.build(docs)
    for mention in mentions:
        for lang, stage in (("ru", ""), ("uk", "support"), ("", "negative")):
            fast = index.search(mention, lang=lang, stage=stage, limit=10)
            slow = index.search_linear(mention, lang=lang, stage=stage, limit=10)
            assert [s for _, s in fast] == pytest.approx([s for _, s in slow], abs=1e-4)
            assert ids(fast) == ids(slow) or [s for _, s in fast] == [s for _, s in slow]


def test_pure_python_path_matches_numpy():
    if k._np is None:
        pytest.skip("numpy is not installed: only the pure-Python path exists")
    docs, mentions = _random_corpus(seed=5)
    index = KnowledgeIndex.build(docs)
    fast = [index.search(m, lang="ru", stage="support") for m in mentions]
    index._arrays = None
    slow = [index.search(m, lang="ru", stage="support") for m in mentions]
    for a, b in zip(fast, slow):
        assert [s for _, s in a] == pytest.approx([s for _, s in b], abs=1e-4)


def test_matched_terms_explain_a_suggestion(index):
    assert index.matched_terms("pizza-delivery", "А доставку вы делаете бесплатно?", "ru") == \
        ["доставку", "бесплатно"]


# --------------------------------------------------------------------------- clusters

QUESTIONS = [
    (1, "Сколько стоит доставка в Казань?", "ru"),
    (2, "Почему не работает приложение?", "ru"),
    (3, "доставку в Казань делаете? сколько стоит", "ru"),
    (4, "Приложение не работает второй день", "ru"),
    (5, "Какая стоимость доставки до Казани", "ru"),
    (6, "Люблю вашу пиццу", "ru"),
    (7, "приложение вылетает и не работает на айфоне", "ru"),
    (8, "Can I pay by card?", "en"),
    (9, "Can I pay with a card on delivery?", "en"),
]


def test_clusters_group_word_forms_and_leave_singletons_out():
    clusters = cluster_questions(QUESTIONS)
    members = [sorted(c.member_ids) for c in clusters]
    assert [1, 3, 5] in members
    assert [2, 4, 7] in members
    assert [8, 9] in members
    assert all(6 not in m for m in members)
    delivery = next(c for c in clusters if 1 in c.member_ids)
    assert delivery.representative_id in (1, 3, 5)
    assert delivery.representative == dict((i, t) for i, t, _ in QUESTIONS)[
        delivery.representative_id]
    assert "доставка" in delivery.key_terms or "доставки" in delivery.key_terms
    assert delivery.lang == "ru"
    assert clusters[-1].size == 2  # largest first


def test_clusters_are_deterministic_whatever_the_input_order():
    reference = {tuple(sorted(c.member_ids)) for c in cluster_questions(QUESTIONS)}
    for seed in range(5):
        shuffled = QUESTIONS[:]
        random.Random(seed).shuffle(shuffled)
        assert {tuple(sorted(c.member_ids)) for c in cluster_questions(shuffled)} == reference
    assert cluster_questions(QUESTIONS) == cluster_questions(QUESTIONS)


def test_min_size():
    assert all(c.size >= 3 for c in cluster_questions(QUESTIONS, min_size=3))
    assert len(cluster_questions(QUESTIONS, min_size=3)) == 2
    singles = cluster_questions(QUESTIONS, min_size=1)
    assert sorted(i for c in singles for i in c.member_ids) == list(range(1, 10))
    assert cluster_questions([]) == []


def test_empty_and_dict_inputs():
    assert KnowledgeIndex.build([]).search("доставка", lang="ru") == []
    assert KnowledgeIndex.build([AnswerDoc(1, [], "", "ru")]).search("доставка", lang="ru") == []
    index = KnowledgeIndex.build([{"id": 7, "questions": ["Где мой заказ?"], "answer": "",
                                   "lang": "ru"}])
    assert index.search("где заказ", lang="ru") == [(7, 1.0)]


SMS_QUESTIONS = [
    (1, "Почему не приходит SMS с кодом для входа в приложение?", "ru"),
    (2, "Не приходят смс коды для входа в приложение, что делать?", "ru"),
    (3, "Третий день не приходит SMS-код для входа в приложении", "ru"),
    (4, "Как оформить возврат товара ненадлежащего качества?", "ru"),
]


def _unrelated_questions(n, seed=11):
    rng = random.Random(seed)
    words = ("тариф роутер договор отделение вклад кредит кэшбэк курьер пицца самокат "
             "сертификат столик бронь меню гарантия ремонт чек скидка подписка пароль").split()
    return [(100 + i, " ".join(rng.sample(words, rng.randint(3, 6))) + "?", "ru")
            for i in range(n)]


@pytest.mark.parametrize("others", [0, 5, 60, 400])
def test_a_cluster_does_not_depend_on_what_else_was_asked(others):
    # «SMS-код» is one token; its parts are what the other two wordings share
    clusters = cluster_questions(SMS_QUESTIONS + _unrelated_questions(others))
    sms = [sorted(c.member_ids) for c in clusters if {1, 2, 3} & set(c.member_ids)]
    assert sms == [[1, 2, 3]]
    assert all(4 not in c.member_ids for c in clusters)


def test_a_hyphenated_compound_shares_its_parts():
    clusters = cluster_questions([(1, "Не приходит смс-код", "ru"),
                                  (2, "Код по смс не приходит", "ru")])
    assert [sorted(c.member_ids) for c in clusters] == [[1, 2]]
