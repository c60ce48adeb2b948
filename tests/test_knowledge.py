"""Knowledge search (word forms, ranking, language and stage, thresholds) and question clusters."""

import json
import random

import pytest

from social_crm.tools import knowledge as k
from social_crm.tools.knowledge import GOOD_SCORE, AnswerDoc, KnowledgeIndex, cluster_questions

# A food-delivery service, a scooter sharing app and an online school: not one brand.
DOCS = [
    AnswerDoc(
        "pizza-delivery",
        ["Сколько стоит доставка пиццы?", "Доставка платная?"],
        "Доставка бесплатная от 1500 рублей, иначе 199 рублей.",
        "ru",
        ["product"],
        ["доставка"],
    ),
    AnswerDoc(
        "late-order",
        ["Где мой заказ? Курьер опаздывает"],
        "Напишите номер заказа в личные сообщения, проверим, где курьер.",
        "ru",
        ["negative", "support"],
        [],
    ),
    AnswerDoc(
        "refund",
        ["Как вернуть деньги за отменённый заказ?"],
        "Деньги возвращаются на карту за 3–5 рабочих дней.",
        "ru",
        ["support"],
        [],
    ),
    AnswerDoc(
        "scooter-battery",
        ["Самокат разрядился во время поездки"],
        "Завершите поездку в приложении, мы вернём стоимость.",
        "ru",
        ["negative"],
        [],
    ),
    AnswerDoc(
        "course-cert",
        ["Выдаёте ли вы сертификат после курса?"],
        "Да, сертификат приходит на почту после финального теста.",
        "ru",
        ["product"],
        [],
    ),
    AnswerDoc(
        "delivery-en",
        ["How much is delivery?", "Is delivery free?"],
        "Delivery is free on orders over $20.",
        "en",
        ["product"],
        [],
    ),
    AnswerDoc(
        "delivery-uk",
        ["Скільки коштує доставка?"],
        "Доставка безкоштовна від 500 гривень.",
        "uk",
        ["product"],
        [],
    ),
    AnswerDoc(
        "delivery-kk",
        ["Жеткізу қанша тұрады?"],
        "Жеткізу 5000 теңгеден бастап тегін.",
        "kk",
        ["product"],
        [],
    ),
    AnswerDoc(
        "app-login",
        ["Не могу войти в приложение"],
        "Обновите приложение и попробуйте войти по коду из SMS.",
        "ru",
        ["support"],
        [],
    ),
]


@pytest.fixture(scope="module")
def index():
    return KnowledgeIndex.build(DOCS)


def ids(results):
    return [doc_id for doc_id, _ in results]


@pytest.mark.parametrize(
    "mention",
    [
        "А доставку вы делаете бесплатно?",
        "сколько стоит доставки пицц",
        "Доставкой пользоваться дорого? какая стоимость у доставки",
    ],
)
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
    assert (
        ids(index.search("А скільки коштують доставки до Львова?", lang="uk"))[0] == "delivery-uk"
    )
    assert ids(index.search("Жеткізуді қанша тұрады?", lang="kk"))[0] == "delivery-kk"


def test_a_question_asked_amid_chatter_is_still_found(index):
    mention = (
        "Ну вот опять, сижу голодный уже час, курьер опаздывает, где мой заказ вообще?? "
        "Больше не закажу"
    )
    results = index.search(mention, lang="ru", stage="negative")
    assert ids(results)[0] == "late-order"
    assert results[0][1] >= GOOD_SCORE


def test_the_exact_question_scores_one_and_scores_stay_in_range(index):
    results = index.search("Сколько стоит доставка пиццы?", lang="ru", limit=0)
    assert results[0] == ("pizza-delivery", 1.0)
    assert all(0.0 < score <= 1.0 for _, score in results)
    assert [s for _, s in results] == sorted((s for _, s in results), reverse=True)


def test_unrelated_mentions_have_no_good_answer(index):
    for mention in ("Какая сегодня погода в Казани?", "Отличный концерт был вчера!", "ну и ну"):
        results = index.search(mention, lang="ru")
        assert not results or results[0][1] < GOOD_SCORE, (mention, results)
    assert index.search("", lang="ru") == []
    assert index.search("и в на", lang="ru") == []


def test_questions_weigh_more_than_the_answer_text():
    docs = [
        AnswerDoc(
            "answer-mentions-it",
            ["Как оплатить курс?"],
            "Оплатить можно картой; сертификат придёт позже.",
            "ru",
        ),
        AnswerDoc(
            "question-asks-it",
            ["Когда придёт сертификат?"],
            "В течение недели после экзамена.",
            "ru",
        ),
    ]
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
    docs = [
        AnswerDoc("for-product", ["Есть ли подарочные карты?"], "Есть.", "ru", ["product"]),
        AnswerDoc("for-support", ["Есть ли подарочные карты?"], "Есть.", "ru", ["support"]),
    ]
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
    words = (
        "доставка заказ курьер оплата карта тариф приложение магазин возврат товар скидка "
        "подписка пароль бонус адрес чек гарантия ремонт самокат поездка курс урок "
        "сертификат пицца столик бронь меню"
    ).split()
    forms = ("", "у", "и", "ой", "ами")

    def phrase(n_words):
        return " ".join(rng.choice(words).rstrip("аи") + rng.choice(forms) for _ in range(n_words))

    docs = [
        AnswerDoc(
            i,
            [phrase(rng.randint(2, 4)) for _ in range(rng.randint(1, 2))],
            phrase(rng.randint(5, 15)),
            rng.choice(["ru", "ru", "uk", ""]),
            [rng.choice(["product", "support", "negative"])],
        )
        for i in range(n)
    ]
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
    for a, b in zip(fast, slow, strict=False):
        assert [s for _, s in a] == pytest.approx([s for _, s in b], abs=1e-4)


def test_matched_terms_explain_a_suggestion(index):
    assert index.matched_terms("pizza-delivery", "А доставку вы делаете бесплатно?", "ru") == [
        "доставку",
        "бесплатно",
    ]


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
    assert (
        delivery.representative == dict((i, t) for i, t, _ in QUESTIONS)[delivery.representative_id]
    )
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
    index = KnowledgeIndex.build(
        [{"id": 7, "questions": ["Где мой заказ?"], "answer": "", "lang": "ru"}]
    )
    assert index.search("где заказ", lang="ru") == [(7, 1.0)]


SMS_QUESTIONS = [
    (1, "Почему не приходит SMS с кодом для входа в приложение?", "ru"),
    (2, "Не приходят смс коды для входа в приложение, что делать?", "ru"),
    (3, "Третий день не приходит SMS-код для входа в приложении", "ru"),
    (4, "Как оформить возврат товара ненадлежащего качества?", "ru"),
]


def _unrelated_questions(n, seed=11):
    rng = random.Random(seed)
    words = (
        "тариф роутер договор отделение вклад кредит кэшбэк курьер пицца самокат "
        "сертификат столик бронь меню гарантия ремонт чек скидка подписка пароль"
    ).split()
    return [(100 + i, " ".join(rng.sample(words, rng.randint(3, 6))) + "?", "ru") for i in range(n)]


@pytest.mark.parametrize("others", [0, 5, 60, 400])
def test_a_cluster_does_not_depend_on_what_else_was_asked(others):
    # «SMS-код» is one token; its parts are what the other two wordings share
    clusters = cluster_questions(SMS_QUESTIONS + _unrelated_questions(others))
    sms = [sorted(c.member_ids) for c in clusters if {1, 2, 3} & set(c.member_ids)]
    assert sms == [[1, 2, 3]]
    assert all(4 not in c.member_ids for c in clusters)


def test_a_hyphenated_compound_shares_its_parts():
    clusters = cluster_questions(
        [(1, "Не приходит смс-код", "ru"), (2, "Код по смс не приходит", "ru")]
    )
    assert [sorted(c.member_ids) for c in clusters] == [[1, 2]]


# --------------------------------------------------------------------------- incremental update


def _top1(index, mentions, lang="ru", stage="support"):
    return [
        (index.search(m, lang=lang, stage=stage, limit=1) or [(None, 0.0)])[0] for m in mentions
    ]


def test_an_update_finds_new_and_edited_answers_and_forgets_removed_ones():
    docs, _ = _random_corpus(seed=7, n=400)
    docs = [doc for doc in docs if doc.lang == "ru"]
    base = KnowledgeIndex.build(docs)
    edited = AnswerDoc(
        docs[5].id, ["Работает ли кальянная на крыше по ночам?"], "Да, до 4 утра.", "ru"
    )
    added = AnswerDoc(1000, ["Можно ли прийти с собакой в коворкинг?"], "Да, с маленькой.", "ru")
    updated = base.updated([edited, added], removed_ids=[docs[7].id])
    assert updated.overlay_size == 3 and len(updated) == len(docs)
    assert ids(updated.search("кальянная на крыше ночью работает?", lang="ru"))[0] == docs[5].id
    assert updated.search("Можно ли с собакой прийти в коворкинг?", lang="ru")[0] == (1000, 1.0)
    old_question = docs[5].questions[0]
    assert dict(base.search(old_question, lang="ru", limit=0))[docs[5].id] == 1.0
    assert docs[5].id not in ids(updated.search(old_question, lang="ru", limit=0))
    everything = {
        doc_id for m in docs[7].questions for doc_id in ids(updated.search(m, lang="ru", limit=0))
    }
    assert docs[7].id not in everything
    assert updated.matched_terms(docs[7].id, docs[7].questions[0], "ru") == []
    assert updated.matched_terms(docs[5].id, "кальянная на крыше", "ru") == ["кальянная", "крыше"]
    # the index it came from is untouched: a thread still searching it sees the old answers
    assert len(base) == len(docs) and base.overlay_size == 0
    assert docs[7].id in ids(base.search(docs[7].questions[0], lang="ru", limit=0))
    assert base.search("Можно ли с собакой прийти в коворкинг?", lang="ru") == []


def test_an_update_ranks_like_a_full_rebuild():
    docs, mentions = _random_corpus(seed=9, n=600)
    base = KnowledgeIndex.build(docs)
    rng = random.Random(4)
    current = list(docs)
    for i in rng.sample(range(len(docs)), 20):  # 3.3 % of the answers: still an overlay
        current[i] = AnswerDoc(
            current[i].id,
            current[i].questions[::-1] + [mentions[i % 60]],
            current[i].answer,
            current[i].lang,
            current[i].stages,
        )
    changed = [doc for doc, old in zip(current, docs, strict=False) if doc is not old]
    updated = base.updated(changed, removed_ids=[current[0].id])
    assert updated.overlay_size > 0
    full = KnowledgeIndex.build(current[1:])
    inc, ref = _top1(updated, mentions), _top1(full, mentions)
    assert sum(a[0] == b[0] for a, b in zip(inc, ref, strict=False)) >= 0.95 * len(mentions)
    assert max(abs(a[1] - b[1]) for a, b in zip(inc, ref, strict=False) if a[0] == b[0]) < 0.05
    # and an update of an update is the same as one update with both changes
    twice = base.updated(changed[:10]).updated(changed[10:], removed_ids=[current[0].id])
    assert _top1(twice, mentions) == inc


def test_ties_keep_the_order_of_a_full_build():
    docs = [AnswerDoc(i, ["Есть ли подарочные карты?"], "Есть.", "ru") for i in range(40)]
    base = KnowledgeIndex.build(docs)
    updated = base.updated(
        [
            AnswerDoc(3, ["Есть ли подарочные карты?"], "Есть!", "ru"),
            AnswerDoc(99, ["Есть ли подарочные карты?"], "Есть.", "ru"),
        ],
        removed_ids=[0],
    )
    assert ids(updated.search("подарочные карты", lang="ru", limit=4)) == [1, 2, 3, 4]
    assert ids(updated.search("подарочные карты", lang="ru", limit=0))[-1] == 99


def test_many_changes_rebuild_in_full():
    docs, mentions = _random_corpus(seed=3, n=200)
    base = KnowledgeIndex.build(docs)
    few = base.updated(docs[: int(200 * k.REBUILD_FRACTION)])
    assert few.overlay_size == int(200 * k.REBUILD_FRACTION)
    many = few.updated(docs[20:30])
    assert many.overlay_size == 0, "past REBUILD_FRACTION the result is a full build"
    assert [many.search(m, lang="ru") for m in mentions] == [
        base.search(m, lang="ru") for m in mentions
    ]


def test_a_language_leaves_with_its_last_answer():
    docs = [AnswerDoc(1, ["Is delivery free?"], "Yes.", "en")] + [
        AnswerDoc(i, [f"Доставка в город {i}?"], "Да.", "ru") for i in range(2, 40)
    ]
    base = KnowledgeIndex.build(docs)
    assert base._langs == ("en", "ru")
    assert base.updated(removed_ids=[1])._langs == ("ru",)
    assert base.updated([AnswerDoc(1, ["Is delivery free?"], "Yes.", "")])._langs == ("ru",)
    assert base.updated([AnswerDoc(99, ["Чи є доставка?"], "Так.", "uk")])._langs == (
        "en",
        "ru",
        "uk",
    )


def test_pure_python_and_numpy_agree_on_an_updated_index():
    if k._np is None:
        pytest.skip("numpy is not installed: only the pure-Python path exists")
    docs, mentions = _random_corpus(seed=5)
    updated = KnowledgeIndex.build(docs).updated(
        [AnswerDoc(3, ["курьер самокат"], "бронь", "ru"), AnswerDoc(999, ["пицца меню"], "", "")],
        removed_ids=[4],
    )
    fast = [updated.search(m, lang="ru", stage="support") for m in mentions]
    updated._arrays = None
    slow = [updated.search(m, lang="ru", stage="support") for m in mentions]
    linear = [updated.search_linear(m, lang="ru", stage="support") for m in mentions]
    for a, b, c in zip(fast, slow, linear, strict=True):
        assert [s for _, s in a] == pytest.approx([s for _, s in b], abs=1e-4)
        assert [s for _, s in b] == pytest.approx([s for _, s in c], abs=1e-4)
