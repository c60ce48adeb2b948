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


def _training_words():
    import json
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent / "social_crm" / "tools" / "data"
    words = set()
    for path in sorted((root / "training").glob("*.jsonl")) + [root / "lang" / "ru.txt"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = json.loads(line)["text"] if path.suffix == ".jsonl" else line
                words.update(tokenize(text))
    return sorted(words)


def test_russian_stems_are_nltks_on_every_training_word():
    from nltk.stem.snowball import SnowballStemmer

    from social_crm.tools.russian_stem import FastRussianStemmer

    nltk_stemmer, fast = SnowballStemmer("russian"), FastRussianStemmer()
    words = _training_words()
    # Participles, reflexive verbs and gerunds exercise every step and the «а / я» rule.
    words += ["читающими", "играющая", "написавшись", "умывшись", "сделавши", "продолжавший"]
    words += [w + "ся" for w in words[::7]] + [w.upper() for w in words[::11]]
    assert len(words) > 20000
    differing = [w for w in words if fast.stem(w) != nltk_stemmer.stem(w)]
    assert differing == []


def test_retweet_markers_are_stripped():
    from social_crm.tools.text import strip_retweet

    assert strip_retweet("RT @user_12: всё плохо") == "всё плохо"
    assert strip_retweet("rt @a: RT @b: hi") == "hi"
    assert strip_retweet("thanks (via @bob)") == "thanks"
    assert strip_retweet("made by @studio") == "made by @studio"  # «by» is content
    assert strip_retweet("RTfoo bar") == "RTfoo bar"
    assert strip_retweet("RT @x") == "RT @x"  # nothing left: kept as it came
    long = "RT " + " " * 100_000 + "x via"
    assert strip_retweet(long).endswith("x via")


def test_only_emoji_that_tell_a_feeling_count():
    from social_crm.tools.text import feels

    assert all(feels(c) for c in "🙂😡👍👎❤💔🔥🤡🙏")
    assert not any(feels(c) for c in "☕📦🚗🏠📱🛒🏽")
