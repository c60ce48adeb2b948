import pytest

from social_crm.tools.sentiment import analyse_sentiment


@pytest.mark.parametrize("text, lang, label", [
    # plain praise / complaint
    ("Кофе просто отличный, бариста очень вежливые", "ru", "positive"),
    ("Ужасная авиакомпания, потеряли мой багаж", "ru", "negative"),
    ("Чудова кав'ярня, дуже смачна кава", "uk", "positive"),
    ("Жахливий сервіс, посилку загубили", "uk", "negative"),
    ("Ұшақ кешікті, қызмет нашар", "kk", "negative"),
    ("Кофе өте дәмді, рахмет!", "kk", "positive"),
    ("The flight crew was lovely and helpful", "en", "positive"),
    ("Worst airline ever, they lost my luggage", "en", "negative"),
    # neutral facts and questions
    ("Во сколько открывается кофейня на вокзале?", "ru", "neutral"),
    ("О котрій відкривається відділення пошти?", "uk", "neutral"),
    ("What time does boarding start?", "en", "neutral"),
])
def test_polarity(text, lang, label):
    assert analyse_sentiment(text, lang)[1] == label


@pytest.mark.parametrize("text, lang", [
    ("Интернет опять не работает", "ru"),
    ("Курьер не приехал, заказ не пришёл", "ru"),
    ("Додаток не працює з ранку", "uk"),
    ("The app doesn't work and nobody responds", "en"),
])
def test_negated_function_verbs_are_complaints(text, lang):
    assert analyse_sentiment(text, lang)[1] == "negative"


def test_negated_negative_is_faint_praise():
    score, label = analyse_sentiment("Доставка не плохая", "ru")
    assert score > 0
    assert analyse_sentiment("Доставка плохая", "ru")[0] < 0


def test_negated_praise_is_negative():
    assert analyse_sentiment("Не рекомендую этот магазин", "ru")[1] == "negative"
    assert analyse_sentiment("Кава не смачна", "uk")[1] == "negative"
    assert analyse_sentiment("Тамақ жақсы емес", "kk")[1] == "negative"
    assert analyse_sentiment("Тамақ ұнамады", "kk")[1] == "negative"


def test_intensifier_strengthens():
    plain = analyse_sentiment("Связь плохая", "ru")[0]
    strong = analyse_sentiment("Связь очень плохая", "ru")[0]
    assert strong < plain < 0


def test_softener_and_mixed_review_stay_neutral():
    assert analyse_sentiment("Доставили быстро, но упаковка порвана", "ru")[1] == "neutral"


def test_waiting_for_days_is_negative():
    assert analyse_sentiment("Жду возврат уже третью неделю", "ru")[1] == "negative"
    assert analyse_sentiment("Still waiting for my refund", "en")[1] == "negative"


def test_praise_inside_request_for_advice_is_neutral():
    assert analyse_sentiment("Посоветуйте хороший и удобный тариф для интернета", "ru")[1] == "neutral"
    assert analyse_sentiment("Which airline has the best legroom?", "en")[1] == "neutral"


@pytest.mark.parametrize("text, label", [
    ("Рейс задержали 😡", "negative"),
    ("Заказ привезли 👍", "positive"),
    ("Пришла посылка)))", "positive"),
    ("Опять без кофе остался :(", "negative"),
])
def test_emoji_and_emoticons(text, label):
    assert analyse_sentiment(text, "ru")[1] == label


def test_greeting_is_not_praise():
    assert analyse_sentiment("Добрый день! Во сколько закрывается магазин?", "ru")[1] == "neutral"


def test_score_bounds_and_empty():
    score, _ = analyse_sentiment("Ужасно ужасно ужасно отвратительно кошмар!!! 😡😡😡", "ru")
    assert -1.0 <= score < -0.7
    assert analyse_sentiment("", "ru") == (0.0, "neutral")


@pytest.mark.parametrize("text, lang, label", [
    ("Заказ привезли вовремя, упаковано аккуратно", "ru", "positive"),
    ("Посилка прийшла вчасно", "uk", "positive"),
    ("Трекинг не обновляется, посылку везут уже 12 дней", "ru", "negative"),
    ("I'm leaving this gym for good", "en", "neutral"),  # not praise; leaving is judged by the stage
])
def test_service_vocabulary(text, lang, label):
    assert analyse_sentiment(text, lang)[1] == label
