import pytest

from social_crm.tools.language import detect_language


@pytest.mark.parametrize("text, expected", [
    # Kazakh: langdetect has no profile; its letters decide
    ("Ұшақ тағы да кешікті, неге ескертпедіңіздер?", "kk"),
    ("Кофеханада кофе өте дәмді екен", "kk"),
    ("Интернет жоқ па бүгін?", "kk"),
    # Ukrainian vs Russian on short texts
    ("Рейс знову затримали на дві години", "uk"),
    ("Де моє замовлення? Чекаю вже тиждень", "uk"),
    ("Как поменять тариф в приложении?", "ru"),  # no ы/э/ъ: function words decide
    ("Рейс опять задержали на два часа", "ru"),
    ("Спасибо, всё пришло вовремя", "ru"),
    # English, including very short ones
    ("My parcel is lost again, thanks for nothing", "en"),
    ("Is there wifi on the flight?", "en"),
    ("How do I change my plan", "en"),
    # Other languages langdetect knows
    ("Das Paket ist leider immer noch nicht angekommen, sehr ärgerlich", "de"),
    ("Това е най-лошото обслужване, което съм виждал", "bg"),
    ("Ο καφές ήταν κρύος", "el"),
])
def test_detects_language_of_short_noisy_texts(text, expected):
    code, confidence = detect_language(text)
    assert code == expected
    assert 0.0 < confidence <= 1.0


def test_kazakh_brand_name_in_russian_text_stays_russian():
    assert detect_language("Заказал через Қазпошту, а посылка пропала, что делать?")[0] == "ru"


def test_russian_text_with_latin_brand_is_russian():
    assert detect_language("Перешёл с SkyNet на FlyMobile, пока всё нормально")[0] == "ru"


def test_source_hint_is_kept():
    assert detect_language("Рейс опять задержали", hint="uk") == ("uk", 1.0)
    assert detect_language("Flight delayed", hint="en-US") == ("en", 1.0)


def test_no_letters_gives_empty_code():
    assert detect_language("👍👍👍 !!! 123") == ("", 0.0)
    assert detect_language("") == ("", 0.0)


def test_deterministic():
    text = "ok ok super"
    assert len({detect_language(text) for _ in range(5)}) == 1
