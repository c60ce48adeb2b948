"""People: identity keys, contact details in texts, address form, advocate score, scrubbing."""

from social_crm.tools import people as p
from social_crm.tools.schema import AuthorRecord, MentionRecord


def test_handles_compare_without_at_case_or_spaces_and_ids_are_not_handles():
    assert p.handle_key("@Aigul_S") == p.handle_key("aigul_s ") == "aigul_s"
    assert p.handle_key("ab") == ""
    assert p.handle_key("123456") == ""


def test_profile_urls_compare_without_scheme_www_query_or_slash():
    assert p.url_key("https://www.vk.com/Marat.K/?from=feed") == p.url_key("vk.com/marat.k")
    assert p.url_key("https://m.facebook.com/kate") == "facebook.com/kate"
    assert p.url_key("https://example.com") == "", "a site, not a profile"


def test_phones_and_emails_written_in_texts():
    text = "Звоните +7 (701) 555-12-34 или 8 701 555 12 34, почта Lena.P@Example.com"
    assert p.phones_in(text) == ["7015551234"]
    assert p.emails_in(text) == ["lena.p@example.com"]
    assert p.phones_in("заявка 12345, 2026-05-01") == [], "short numbers and dates are not phones"


def test_address_form_from_pronouns_and_imperatives():
    assert p.address_form(["Подскажи, как поменять тариф?", "ты можешь ответить?"]) == "informal"
    assert p.address_form(["Подскажите, пожалуйста, где ваш офис?"]) == "formal"
    assert p.address_form(["Третий день нет интернета."]) == ""


def test_advocate_score_grows_with_praise_reach_and_recency_and_falls_with_complaints():
    full = p.advocate_score(5, 3, 0, 100_000, 0)
    assert full == 100
    assert p.advocate_score(0, 0, 0, 1_000_000, 0) == 0
    one = p.advocate_score(1, 0, 0, 0, 0)
    assert 0 < one < p.advocate_score(3, 1, 0, 0, 0) < p.advocate_score(3, 1, 0, 5000, 0)
    assert p.advocate_score(3, 1, 0, 0, 200) < p.advocate_score(3, 1, 0, 0, 1)
    assert p.advocate_score(3, 1, 3, 0, 0) == round(p.advocate_score(3, 1, 0, 0, 0) / 2)


def test_recommendations_by_words_or_stars():
    assert p.is_recommendation("Всем рекомендую!")
    assert p.is_recommendation("I'd recommend them")
    assert p.is_recommendation("ok", rating=5)
    assert not p.is_recommendation("Спасибо", rating=3)


def test_scrub_removes_the_person_and_keeps_the_substance():
    tokens = p.personal_tokens("Мария Иванова", "@maria_iv", "https://vk.com/maria_iv", "98765")
    text = "Мария Иванова (id98765? no: 98765) пишет: нет интернета, +7 701 555 00 11, m@x.kz https://vk.com/maria_iv"
    clean = p.scrub_text(text, tokens, "[x]")
    for personal in ("Мария", "Иванова", "maria_iv", "98765", "555 00 11", "m@x.kz"):
        assert personal not in clean
    assert "нет интернета" in clean
    payload = {"author": {"name": "Мария"}, "items": [{"text": "maria_iv тут"}], "likes": 3}
    assert p.scrub_payload(payload, tokens, "[x]") == {"items": [{"text": "[x] тут"}], "likes": 3}


def test_forget_record_rewrites_the_author_and_cleans_the_record():
    record = MentionRecord(
        external_id="m1",
        text="Мария: нет интернета",
        url="https://vk.com/maria_iv?w=wall1_2",
        author=AuthorRecord(external_id="42", name="Мария", handle="maria_iv"),
        raw={"from": {"first_name": "Мария"}, "text": "Мария: нет интернета"},
    )
    clean = p.forget_record(record, "forgotten-7", "Forgotten author 7", "[x]")
    assert clean.author.external_id == "forgotten-7"
    assert clean.author.name == "Forgotten author 7" and not clean.author.handle
    assert clean.text == "[x]: нет интернета"
    assert clean.url == ""
    assert clean.raw == {"text": "[x]: нет интернета"}


def test_key_hash_is_keyed_and_one_way():
    one = p.key_hash("secret-a", 3, "12345")
    assert one == p.key_hash("secret-a", 3, "12345")
    assert one != p.key_hash("secret-b", 3, "12345")
    assert "12345" not in one
