"""Russian and Ukrainian typed in Latin letters: detected, read in Cyrillic, analysed."""

import random

from social_crm.tools.language import detect_language
from social_crm.tools.pipeline import Analyzer, BrandSpec, MentionInput
from social_crm.tools.translit import as_read, to_cyrillic, to_latin


def test_common_spellings_come_back_in_cyrillic():
    assert to_cyrillic("privet, zakaz uzhe nedelyu zhdu", "ru") == "привет, заказ уже неделю жду"
    assert to_cyrillic("ho4u vernut' den'gi, eto uzhas", "ru") == "хочу вернуть деньги, это ужас"
    assert to_cyrillic("moy novyy telefon", "ru") == "мой новый телефон"
    assert to_cyrillic("Jdu uje dva dnya", "ru") == "Жду уже два дня"
    assert to_cyrillic("chomu ne pratsyuye dodatok", "uk") == "чому не працює додаток"
    assert to_cyrillic("miy zapyt", "uk") == "мій запит"


def test_names_digits_and_other_languages_are_left_alone():
    assert to_cyrillic("Tamshy zakaz 12345", "ru", keep={"tamshy"}) == "Tamshy заказ 12345"
    assert to_cyrillic("Thanks a lot", "en") == "Thanks a lot"
    assert as_read("Купил iPhone, доволен", "ru") == "Купил iPhone, доволен"  # mostly Cyrillic
    assert as_read("zakaz ne prishel", "kk") == "zakaz ne prishel"


def test_to_latin_is_reproducible_and_round_trips_closely():
    text = "Когда будет доставка? Жду уже неделю"
    first = to_latin(text, "ru", random.Random(5))
    assert first == to_latin(text, "ru", random.Random(5))
    assert first.isascii()
    back = to_cyrillic(first, "ru").lower().split()
    assert sum(a == b for a, b in zip(back, text.lower().split(), strict=True)) >= 4


def test_translit_is_detected_as_its_language():
    assert detect_language("privet, u menya problema s zakazom, uzhe nedelyu zhdu")[0] == "ru"
    assert detect_language("spasibo bolshoe, vse otlichno")[0] == "ru"
    assert detect_language("chomu ne pratsyuye dodatok? chekayu vzhe tyzhden")[0] == "uk"
    # Kazakh in Latin letters, English and Polish keep their own codes
    assert detect_language("Sálem, tapsyrysym áli kelmedi")[0] == "kk"
    assert detect_language("Thanks, the order arrived on time")[0] == "en"
    assert detect_language("Bardzo polecam ten sklep")[0] == "pl"


def test_a_translit_complaint_is_analysed_like_the_cyrillic_one():
    brands = [BrandSpec("Tamshy", ["Tamshy Water"])]
    latin, cyrillic = Analyzer(brands).analyse(
        [
            MentionInput(text="Tamshy, zakaz tak i ne prishel, zhdu uzhe nedelyu. Uzhas!"),
            MentionInput(text="Tamshy, заказ так и не пришел, жду уже неделю. Ужас!"),
        ]
    )
    assert latin.lang == "ru"
    assert latin.brands == ["Tamshy"]
    assert (latin.sentiment, latin.stage) == (cyrillic.sentiment, cyrillic.stage)
    assert latin.sentiment == "negative"
