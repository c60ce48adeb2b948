from social_crm.tools.text import normalize, stem, stems, tokenize


def test_normalize_lowercases_yo_urls_and_spaces():
    assert normalize("  Ещё  ЁЖИК\thttps://t.me/x/1 смотри  www.example.com ") == "еще ежик смотри"


def test_normalize_empty():
    assert normalize(None) == "" and normalize("") == ""


def test_tokenize_keeps_kazakh_ukrainian_letters_and_apostrophes():
    assert tokenize("Ұшақ кешікті! Пам’ятаю, don't — what's up?") == [
        "ұшақ",
        "кешікті",
        "пам'ятаю",
        "don't",
        "what's",
        "up",
    ]


def test_tokenize_hyphenated_and_digits():
    assert tokenize("какой-то тариф 5G за 990₸") == ["какой-то", "тариф", "5g", "за", "990"]


def test_russian_and_english_forms_share_a_stem():
    assert stem("авиакомпании", "ru") == stem("авиакомпанией", "ru") == stem("авиакомпания", "ru")
    assert stem("delays", "en") == stem("delayed", "en") == stem("delay", "en")


def test_ukrainian_forms_share_a_stem():
    assert stem("кав'ярні", "uk") == stem("кав'ярнею", "uk") == stem("кав'ярня", "uk")


def test_kazakh_stacked_suffixes_are_stripped():
    assert stem("ұшақтарымыздың", "kk") == stem("ұшақ", "kk")
    assert stem("тарифтер", "kk") == stem("тарифке", "kk") == stem("тариф", "kk")


def test_unknown_language_keeps_word():
    assert stem("flughafen", "de") == "flughafen"
    assert stems("Кофе остыл", "ru") == [stem("кофе", "ru"), stem("остыл", "ru")]
