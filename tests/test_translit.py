"""Russian, Ukrainian and Kazakh typed in Latin letters: detected, read in Cyrillic, analysed."""

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


def test_kazakh_typed_in_latin_letters_finds_its_words():
    # «k» stands for к and қ, «u» for у ұ ү, «a» for а ә: the words are looked up
    assert to_cyrillic("rahmet, bari zhaksy", "kk") == "рахмет, бәрі жақсы"
    assert to_cyrillic("Sálem, tapsyrysym áli kelmedi", "kk") == "Сәлем, тапсырысым әлі келмеді"
    assert to_cyrillic("15 minut kuttik, zhok qoi", "kk") == "15 минут күттік, жоқ қой"


def test_names_digits_and_other_languages_are_left_alone():
    assert to_cyrillic("Tamshy zakaz 12345", "ru", keep={"tamshy"}) == "Tamshy заказ 12345"
    assert to_cyrillic("Thanks a lot", "en") == "Thanks a lot"
    assert as_read("Купил iPhone, доволен", "ru") == "Купил iPhone, доволен"  # mostly Cyrillic
    assert as_read("zakaz ne prishel", "en") == "zakaz ne prishel"


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


def test_a_kazakh_complaint_in_latin_letters_is_read_as_kazakh():
    brands = [BrandSpec("Tamshy", [])]
    latin, cyrillic = Analyzer(brands).analyse(
        [
            MentionInput(text="Tamshy, tapsyrysym ali kelmedi, eki apta kuttim. Uyat!"),
            MentionInput(text="Tamshy, тапсырысым әлі келмеді, екі апта күттім. Ұят!"),
        ]
    )
    assert latin.lang == cyrillic.lang == "kk"
    assert (latin.sentiment, latin.stage) == (cyrillic.sentiment, cyrillic.stage)
    assert latin.sentiment == "negative"
