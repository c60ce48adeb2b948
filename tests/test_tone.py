"""Tone of voice: variant rendering, compose, cutting to a limit and the pre-send check."""

import pathlib
import re
from xml.etree import ElementTree

import pytest

from social_crm.tools import tone as t

COFFEE = "— Команда «Зерно и Пена»"


def codes(findings):
    return [f.code for f in findings]


def words_flagged(findings, code):
    return [f.params["word"].lower() for f in findings if f.code == code]


# --------------------------------------------------------------------------- variants


def test_variants_pick_the_side_for_the_address_form():
    body = "[[Подскажите|Подскажи]], пожалуйста, [[ваш|твой]] номер заказа."
    assert t.apply_variants(body, "formal") == "Подскажите, пожалуйста, ваш номер заказа."
    assert t.apply_variants(body, "informal") == "Подскажи, пожалуйста, твой номер заказа."


def test_variants_allow_an_empty_side_and_leave_odoo_placeholders_alone():
    body = "Рады помочь[[ Вам|]]! {{ object.author_id.name }} {% if x %}[[a|b]]{% endif %}"
    assert (
        t.apply_variants(body, "informal")
        == "Рады помочь! {{ object.author_id.name }} {% if x %}b{% endif %}"
    )
    assert t.apply_variants(body, "formal").startswith("Рады помочь Вам!")


def test_malformed_markers_stay_as_written():
    for text in ("[[один]]", "[[a|b|c]]", "[a|b]", "[[a|\nb]]"):
        assert t.apply_variants(text, "informal") == text


# --------------------------------------------------------------------------- compose

BODY_RU = (
    "[[Подскажите|Подскажи]], пожалуйста, номер заказа в личных сообщениях — "
    "мы проверим, где курьер, и [[вернёмся к Вам|вернёмся к тебе]] в течение часа."
)


def test_compose_russian_formal():
    tone = t.ToneSpec(address_form="formal", friendliness="neutral", signature=COFFEE)
    reply = t.compose(BODY_RU, tone, "ru", name="Марина")
    lines = reply.split("\n")
    assert lines[0] == "Здравствуйте, Марина!"
    assert lines[1].startswith("Подскажите, пожалуйста")
    assert "вернёмся к Вам" in lines[1]
    assert lines[2] == "Спасибо, что написали нам!"
    assert lines[-1] == COFFEE
    assert "[[" not in reply
    assert t.address_forms_used(reply, "ru") and all(
        form == "formal" for _, form, _ in t.address_forms_used(reply, "ru")
    )


def test_compose_russian_informal():
    tone = t.ToneSpec(address_form="informal", friendliness="informal", signature=COFFEE)
    reply = t.compose(BODY_RU, tone, "ru", name="Марина")
    assert reply.startswith("Привет, Марина!\nПодскажи, пожалуйста")
    assert "вернёмся к тебе" in reply
    assert "Хорошего дня!" in reply
    assert [f for f in t.check(reply, tone, "ru")] == []


def test_compose_english_both_forms():
    body = "Please send us your order number in a private message and we'll track the parcel."
    formal = t.compose(
        body, t.ToneSpec(address_form="formal", friendliness="formal"), "en", name="Tom"
    )
    informal = t.compose(
        body, t.ToneSpec(address_form="informal", friendliness="informal"), "en", name="Tom"
    )
    assert formal == ("Hello, Tom.\n" + body + "\nThank you for contacting us.")
    assert informal == ("Hi, Tom!\n" + body + "\nHave a great day!")


def test_compose_without_name_drops_the_name_cleanly():
    tone = t.ToneSpec()
    assert t.compose("Текст.", tone, "ru").startswith("Здравствуйте!\n")
    assert t.compose("Text.", tone, "en").startswith("Hello!\n")


@pytest.mark.parametrize(
    "template,name,expected",
    [
        ("Привет, {name}!", "", "Привет!"),
        ("{name}, добрый день!", "", "Добрый день!"),
        ("{name}, добрый день!", "Ольга", "Ольга, добрый день!"),
        ("Hi {name} —", "", "Hi —"),
        ("Здравствуйте!", "Ольга", "Здравствуйте!"),
    ],
)
def test_fill_name(template, name, expected):
    assert t.fill_name(template, name) == expected


def test_compose_uses_the_tones_own_greeting_and_closing_with_markers():
    tone = t.ToneSpec(
        address_form="informal",
        greetings={"ru": "[[Доброго дня|Хэй]], {name}!"},
        closings={"ru": "", "en": "Cheers!"},
    )
    reply = t.compose("Всё получится.", tone, "ru", name="Олег")
    assert reply == "Хэй, Олег!\nВсё получится."
    assert t.compose("Fine.", tone, "en_US").endswith("\nCheers!")


def test_compose_does_not_greet_twice():
    tone = t.ToneSpec()
    reply = t.compose("Марина, добрый день! Заказ уже в пути.", tone, "ru", name="Марина")
    assert reply.startswith("Марина, добрый день!")
    assert "Здравствуйте" not in reply


def test_emoji_policy_none_strips_and_mirror_follows_the_author():
    body = "Уже передали повару 🙂 Скоро всё будет 👍🏽!"
    none = t.compose(body, t.ToneSpec(emoji_policy="none"), "ru")
    assert not t.find_emoji(none)
    assert "Уже передали повару Скоро всё будет!" in none
    mirror = t.ToneSpec(emoji_policy="mirror")
    assert not t.find_emoji(t.compose(body, mirror, "ru", mention_text="Где пицца?"))
    assert t.find_emoji(t.compose(body, mirror, "ru", mention_text="Где пицца? 😡"))
    assert t.find_emoji(t.compose(body, t.ToneSpec(emoji_policy="allowed"), "ru"))


# --------------------------------------------------------------------------- cut_to_limit

LONG = (
    "Спасибо, что рассказали о поездке. Нам очень жаль, что самокат разрядился посреди "
    "маршрута. Мы вернули стоимость поездки на карту и передали номер самоката "
    "технической службе, чтобы его проверили сегодня же."
)


def test_cut_prefers_a_sentence_end():
    cut = t.cut_to_limit(LONG, 110)
    assert cut == (
        "Спасибо, что рассказали о поездке. Нам очень жаль, что самокат разрядился "
        "посреди маршрута."
    )


def test_cut_falls_back_to_a_word_boundary_with_an_ellipsis():
    cut = t.cut_to_limit(LONG, 30)
    assert cut.endswith("…") and len(cut) <= 30
    assert LONG.startswith(cut[:-1])
    assert LONG[len(cut) - 1] == " "  # the last word is whole


@pytest.mark.parametrize("limit", range(12, len(LONG) + 5))
def test_cut_never_exceeds_the_limit_nor_breaks_a_word(limit):
    cut = t.cut_to_limit(LONG, limit)
    assert len(cut) <= limit
    head = cut[:-1] if cut.endswith("…") else cut
    assert LONG.startswith(head)
    rest = LONG[len(head) :]
    assert rest == "" or not rest[0].isalnum(), (limit, cut)


def test_cut_keeps_the_signature():
    text = LONG + "\n" + COFFEE
    cut = t.cut_to_limit(text, 140, keep_tail=COFFEE)
    assert cut.endswith("\n" + COFFEE)
    assert len(cut) <= 140
    assert cut.startswith("Спасибо, что рассказали о поездке.")


def test_cut_with_no_limit_or_short_text_changes_nothing():
    assert t.cut_to_limit(LONG, 0) == LONG
    assert t.cut_to_limit("Коротко.", 280) == "Коротко."


def test_compose_fits_the_platform_limit_and_keeps_more_than_the_greeting():
    tone = t.ToneSpec(signature="— Velo Team")
    reply = t.compose(LONG, tone, "ru", name="Ира", limit=120)
    assert len(reply) <= 120
    assert reply.startswith("Здравствуйте, Ира!\nСпасибо")
    assert reply.endswith("— Velo Team")
    tiny = t.compose(LONG, t.ToneSpec(), "ru", name="Ира", limit=40)
    assert len(tiny) <= 40 and tiny != "Здравствуйте, Ира!"


# --------------------------------------------------------------------------- check

FORMAL = t.ToneSpec(address_form="formal", banned_words=["проблема", "к сожалению", "дурак*"])
INFORMAL = t.ToneSpec(address_form="informal")


def test_informal_forms_in_a_formal_tone():
    text = "Здравствуйте! Подскажи, где твой чек? Если можешь, напиши нам и не волнуйся."
    findings = t.check(text, FORMAL, "ru")
    assert words_flagged(findings, t.INFORMAL_IN_FORMAL) == [
        "подскажи",
        "твой",
        "можешь",
        "напиши",
        "волнуйся",
    ]
    first = findings[0]
    assert text[first.span[0] : first.span[1]] == "Подскажи"


def test_formal_forms_in_an_informal_tone():
    text = "Привет! Подскажите, пожалуйста, Ваш номер — вы можете свяжитесь с нами."
    findings = t.check(text, INFORMAL, "ru")
    assert words_flagged(findings, t.FORMAL_IN_INFORMAL) == [
        "подскажите",
        "ваш",
        "вы",
        "можете",
        "свяжитесь",
    ]
    assert t.INFORMAL_IN_FORMAL not in codes(findings)


def test_no_false_alarms_on_nouns_that_look_like_verbs():
    text = (
        "Здравствуйте! Лишь на нашем сайте, в интернете и в личном кабинете "
        "вы увидите бюджет о кредите и защите данных, 20 мегабайте хватит."
    )
    assert t.check(text, FORMAL, "ru") == []


def test_ukrainian_and_kazakh_address_forms():
    uk = t.check("Вітаємо! Підкажи, будь ласка, твій номер, якщо можеш.", FORMAL, "uk")
    assert words_flagged(uk, t.INFORMAL_IN_FORMAL) == ["підкажи", "твій", "можеш"]
    uk_inf = t.check("Привіт! Напишіть нам, ви отримаєте відповідь.", INFORMAL, "uk")
    assert words_flagged(uk_inf, t.FORMAL_IN_INFORMAL) == ["напишіть", "ви"]
    kk = t.check("Сәлеметсіз бе! Сен нөміріңді жаз.", FORMAL, "kk")
    assert words_flagged(kk, t.INFORMAL_IN_FORMAL) == ["сен"]


def test_english_has_no_t_v_distinction():
    text = "Hi Sam! You can write to us any time, your order is on its way."
    assert t.check(text, FORMAL, "en") == []
    assert t.check(text, INFORMAL, "en") == []


def test_banned_words_in_any_word_form_phrases_and_prefixes():
    text = "Здравствуйте! К сожалению, у нас проблемы с доставкой, не считайте нас дураками."
    findings = [f for f in t.check(text, FORMAL, "ru") if f.code == t.BANNED_WORD]
    assert [(f.params["banned"], f.params["word"]) for f in findings] == [
        ("к сожалению", "К сожалению"),
        ("проблема", "проблемы"),
        ("дурак*", "дураками"),
    ]
    assert all(text[f.span[0] : f.span[1]] == f.params["word"] for f in findings)


def test_too_long_missing_greeting_and_emoji():
    tone = t.ToneSpec(emoji_policy="none")
    findings = t.check("Заказ уже в пути 🚚", tone, "ru", limit=10)
    by_code = {f.code: f for f in findings}
    assert set(by_code) == {t.TOO_LONG, t.MISSING_GREETING, t.EMOJI_NOT_ALLOWED}
    assert by_code[t.TOO_LONG].params == {"length": 18, "limit": 10}
    assert by_code[t.TOO_LONG].severity == "error"
    assert by_code[t.EMOJI_NOT_ALLOWED].params["emoji"] == "🚚"
    assert by_code[t.MISSING_GREETING].params["greeting"] == "Здравствуйте!"
    assert t.MISSING_GREETING not in codes(
        t.check("Заказ в пути", tone, "ru", require_greeting=False)
    )


@pytest.mark.parametrize(
    "text,lang",
    [
        ("Анна, добрый день! Заказ в пути.", "ru"),
        ("Привет! Заказ в пути.", "ru"),
        ("Hi Tom, the order is on its way.", "en"),
        ("Dear Ms Lee, the order is on its way.", "en"),
        ("Вітаємо! Замовлення вже в дорозі.", "uk"),
        ("Сәлем! Тапсырыс жолда.", "kk"),
    ],
)
def test_greetings_are_recognised(text, lang):
    assert t.MISSING_GREETING not in codes(t.check(text, t.ToneSpec(address_form="informal"), lang))


def test_the_brands_own_greeting_counts():
    tone = t.ToneSpec(greetings={"ru": "Йо-хо-хо, {name}!"}, address_form="informal")
    assert t.check("Йо-хо-хо, Петя! Всё готово.", tone, "ru") == []


def test_findings_are_plain_data():
    finding = t.check("ты", FORMAL, "ru", require_greeting=False)[0]
    assert finding.as_dict() == {
        "code": "informal_in_formal",
        "severity": "warning",
        "params": {"word": "ты"},
        "span": [0, 2],
    }
    assert set(t.FINDING_CODES) >= {finding.code, t.BANNED_WORD, t.TOO_LONG}


# --------------------------------------------------------------------------- default templates


def _default_templates():
    """The default templates as the addon installs them (its XML data)."""
    path = (
        pathlib.Path(__file__).resolve().parent.parent
        / "social_crm"
        / "data"
        / "social_crm_reply_template_data.xml"
    )
    templates = []
    for record in ElementTree.parse(path).getroot().iter("record"):
        values = {f.get("name"): f for f in record.iter("field")}
        templates.append(
            {
                "stage": values["stage_id"].get("ref").removeprefix("stage_"),
                "lang": values["language"].text,
                "name": values["name"].text,
                "body": values["body"].text,
            }
        )
    return templates


def test_default_templates_cover_every_stage_in_russian_and_english():
    templates = _default_templates()
    stages = {
        "general",
        "competitor",
        "product",
        "first_review",
        "negative",
        "support",
        "churn",
        "awkward",
    }
    for lang in ("ru", "en"):
        assert {tpl["stage"] for tpl in templates if tpl["lang"] == lang} >= stages


@pytest.mark.parametrize("form", ["formal", "informal"])
def test_default_templates_render_cleanly_in_both_forms(form):
    tone = t.ToneSpec(address_form=form, friendliness="neutral", signature="— Команда")
    for tpl in _default_templates():
        reply = t.compose(tpl["body"], tone, tpl["lang"], name="Алекс")
        assert "[[" not in reply and "]]" not in reply and "{" not in reply, tpl["name"]
        findings = t.check(reply, tone, tpl["lang"])
        assert findings == [], (tpl["stage"], tpl["lang"], form, findings)
        fits = t.compose(tpl["body"], tone, tpl["lang"], name="Алекс", limit=200)
        assert len(fits) <= 200 and fits.endswith("— Команда")
        whole_words = set(re.findall(r"\w+", reply))
        assert set(re.findall(r"\w+", fits)) <= whole_words  # no word was cut in half
