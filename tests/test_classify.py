"""Stage rules on brands and domains the module was not developed on (telecom, airline, café, marketplace)."""

import pytest

from social_crm.tools.classify import BrandMatcher, StageRules, is_question, skeleton
from social_crm.tools.pipeline import Analyzer, AuthorHistory, BrandSpec, MentionInput
from social_crm.tools.sentiment import analyse_sentiment
from social_crm.tools.text import tokenize

BRANDS = [
    BrandSpec("Tengri", ["Тенгри", "Tengri Mobile"], ["Безлимит+", "Tengri TV"]),
    BrandSpec("Nomad Telecom", ["Nomad", "Номад"], [], is_competitor=True),
    BrandSpec("SkyJet", ["Скайджет"], []),
    BrandSpec("AirSteppe", [], [], is_competitor=True),
    BrandSpec("Bean Bar", [], []),
    BrandSpec("Coffee Point", [], [], is_competitor=True),
    BrandSpec("Bazaar", ["Базар"], ["Bazaar Plus"]),
    BrandSpec("Shopline", [], [], is_competitor=True),
]


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer(BRANDS)


def stage_of(analyzer, text, author=None):
    return analyzer.analyse([MentionInput(text=text, author=author)])[0]


# --- brand matching -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Орбита",
        "Орбиты нет",
        "с Орбитой",
        "Орбите",
        "в Орбіті",
        "Орбітою",
        "Орбитаның",
        "Орбитадан",
        "Orbita",
        "Orbita-ға",
        "#OrbitaMobile",
        "ORBITA",
    ],
)
def test_alias_matches_inflected_and_agglutinated_forms(text):
    matcher = BrandMatcher([BrandSpec("Orbita", ["Орбита", "Orbita Mobile"], [])])
    assert [m.name for m in matcher.find(tokenize(text))] == ["Orbita"]


@pytest.mark.parametrize("text", ["орбитальная станция", "Орбиталь", "орел"])
def test_alias_does_not_match_other_words(text):
    matcher = BrandMatcher([BrandSpec("Orbita", ["Орбита"], [])])
    assert matcher.find(tokenize(text)) == []


def test_latin_alias_finds_cyrillic_spelling():
    matcher = BrandMatcher([BrandSpec("Kaspian Air", ["Kaspian"], [], is_competitor=True)])
    found = matcher.find(tokenize("Летал с Каспианом, нормально"))
    assert [(m.name, m.kind) for m in found] == [("Kaspian Air", "competitor")]


def test_short_names_match_whole_words_only():
    matcher = BrandMatcher([BrandSpec("KFC", [], [])])
    assert matcher.find(tokenize("KFC-де кезек")) and not matcher.find(tokenize("kfcx"))


def test_product_and_multiword_alias(analyzer):
    result = stage_of(analyzer, "Tengri TV можна підключити без приставки?")
    assert result.products == ["Tengri TV"] and result.brands == ["Tengri"]
    assert skeleton("Tengri") == skeleton("Тенгри")


# --- question detection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Во сколько вылет", True),
        ("Як змінити тариф", True),
        ("Интернет бар ма", True),
        ("How do I change my seat", True),
        ("Кофе был отличный.", False),
        ("Flight landed on time", False),
        # the «?» of a link's query asks nothing; one outside it does
        ("Банк открыл офис на Абая https://news.kz/article?id=55&utm_source=tg", False),
        ("Это правда? https://news.kz/article?id=55", True),
    ],
)
def test_question_detection(text, expected):
    assert is_question(text) is expected


# --- stages ----------------------------------------------------------------------------------

CASES = [
    # general: a category question, no brand named
    ("general", "Какого оператора выбрать для поездок по области, чтобы связь везде ловила?"),
    ("general", "Which airline flies Almaty to Istanbul with the most legroom?"),
    ("general", "Порадьте, де замовити техніку з доставкою за день"),
    ("general", "Қай оператордың интернеті жылдам? Кеңес беріңіздер"),
    ("general", "Кто где покупает электронику онлайн, куда лучше заказывать?"),
    # competitor: comparison, competitor's offer, switch to us
    ("competitor", "Tengri или Nomad — у кого интернет стабильнее в горах?"),
    ("competitor", "Shopline delivers in one day, Bazaar takes a week. Why?"),
    ("competitor", "Перешёл с Номада на Тенгри, связь намного лучше"),
    ("competitor", "AirSteppe дешевле на этом направлении, SkyJet, снизите цены?"),
    ("competitor", "Що краще для кави з собою: Bean Bar чи Coffee Point?"),
    # product: pre-purchase question
    ("product", "Сколько стоит тариф Безлимит+ от Тенгри в месяц?"),
    ("product", "SkyJet, is there free baggage on flights to Dubai?"),
    ("product", "Базар, есть ли доставка в Шымкент и сколько она стоит?"),
    ("product", "Bean Bar, у вас есть растительное молоко?"),
    ("product", "Tengri TV можна підключити без приставки?"),
    # first_review: first impressions after buying / visiting
    ("first_review", "Вчера подключил Тенгри, интернет летает, пока всё нравится"),
    ("first_review", "First flight with SkyJet today: on time, friendly crew"),
    ("first_review", "Сьогодні вперше замовила на Bazaar, все прийшло вчасно"),
    ("first_review", "Кеше Bean Bar-да алғаш рет кофе іштім, өте дәмді"),
    ("first_review", "Первый заказ на Базаре пришёл за два дня, упаковано аккуратно"),
    # negative: complaint
    ("negative", "SkyJet lost my luggage and nobody answers the hotline. Disgusting"),
    ("negative", "Bazaar прислал не тот товар, продавец не отвечает неделю"),
    ("negative", "Тенгри, байланыс мүлдем жоқ, ешкім жауап бермейді!"),
    # support: how-to of an existing customer
    ("support", "Тенгри, как перенести остаток гигабайт на следующий месяц?"),
    ("support", "SkyJet, how can I add a bag to my existing booking?"),
    ("support", "Bazaar, як змінити адресу доставки в замовленні?"),
    ("support", "Как сбросить пароль от личного кабинета Тенгри?"),
    ("support", "Тенгри, бонустарды қалай пайдалануға болады?"),
    # churn: leaving, cancelling, switching away — polite or not
    ("churn", "Перехожу в Nomad, Тенгри больше не нужен. Как отключить номер?"),
    ("churn", "Cancelling my Bazaar Plus subscription, not worth it anymore"),
    ("churn", "Відмовляюсь від Tengri, розриваю договір"),
    ("churn", "After five years with SkyJet I'm switching to AirSteppe for good"),
    ("churn", "Всё, удаляю приложение Базара и ухожу к конкурентам"),
    ("churn", "Bean Bar, кофе холодный, бариста грубит. Больше не приду"),
    # awkward: rumours, data, regulators, ownership
    ("awkward", "Правда ли, что Тенгри продаёт данные абонентов рекламщикам?"),
    ("awkward", "SkyJet, comment on the report that your pilots work 16-hour shifts?"),
    ("awkward", "Говорят, у Базара сменился владелец и теперь продавцов штрафуют за отзывы"),
    ("awkward", "Чи правда, що Bean Bar не платить бариста зарплату вчасно?"),
    ("awkward", "Антимонопольное ведомство начало расследование против Bazaar"),
]


@pytest.mark.parametrize("stage, text", CASES)
def test_stage(analyzer, stage, text):
    result = stage_of(analyzer, text)
    assert result.stage == stage, result.cues
    assert result.cues, "the decision must be explained"
    assert 0 < result.stage_confidence <= 1


def test_cues_quote_the_text(analyzer):
    result = stage_of(analyzer, "Как расторгнуть договор с Тенгри?")
    assert result.stage == "churn"
    assert any("расторгнуть" in cue for cue in result.cues)


def test_switch_direction_decides_competitor_or_churn(analyzer):
    assert (
        stage_of(analyzer, "Moved from AirSteppe to SkyJet, much better food").stage == "competitor"
    )
    assert stage_of(analyzer, "Moved from SkyJet to AirSteppe last month").stage == "churn"


# --- author history --------------------------------------------------------------------------


def test_existing_customers_how_question_is_support(analyzer):
    text = "Tengri, can I use the roaming pack in Turkey?"
    customer = AuthorHistory(mentions=4, is_customer=True)
    assert stage_of(analyzer, text, customer).stage == "support"


def test_first_mention_right_after_buying_is_first_review(analyzer):
    text = "Got the Tengri router set up, internet is fast and stable"
    newcomer = AuthorHistory(mentions=0, is_customer=True, days_since_first=2)
    assert stage_of(analyzer, text, newcomer).stage == "first_review"


def test_polite_leaving_customer_is_churn(analyzer):
    text = "Спасибо за шесть лет, вы были лучшими! Переезжаем в другой город, закрываю счёт"
    customer = AuthorHistory(mentions=12, is_customer=True, last_stage="support")
    result = stage_of(analyzer, text, customer)
    assert result.stage == "churn"
    # The author's tone is kept: a thankful goodbye is not made negative because it is churn.
    assert result.sentiment == "positive"
    # Leaving for another provider keeps whatever tone its words have (here on the edge).
    text = "Спасибо за годы работы, но с понедельника мы уходим к другому провайдеру"
    polite = stage_of(analyzer, text, customer)
    assert polite.stage == "churn"
    assert polite.sentiment_score == round(analyse_sentiment(text, polite.lang)[0], 3)
    angry = stage_of(
        analyzer, "Всё, достали. Расторгаю договор, ноги моей у вас не будет", customer
    )
    assert (angry.stage, angry.sentiment) == ("churn", "negative")


def test_rules_alone_without_context():
    rules = StageRules()
    assert rules.classify("Посоветуйте кофейню с хорошим десертом").stage == "general"
    assert (
        rules.classify("Ужасный сервис, опять ничего не работает", sentiment_score=-0.6).stage
        == "negative"
    )


# A second set: parcel delivery, fitness club, ride-hailing.
BRANDS_2 = [
    BrandSpec("Jetpost", ["Джетпост", "Джет пост"], ["Jetpost Express"], is_competitor=False),
    BrandSpec("FastBox", ["Фастбокс"], [], is_competitor=True),
    BrandSpec("FitZone", ["ФитЗон", "Фитзона"], ["FitZone Premium"], is_competitor=False),
    BrandSpec("PowerGym", [], [], is_competitor=True),
    BrandSpec("Yol Taxi", ["Йол", "Yol"], [], is_competitor=False),
    BrandSpec("Drive KZ", [], [], is_competitor=True),
]
CASES_2 = [
    ("general", "Подскажите нормальную курьерскую службу по Казахстану, чтобы посылки не терялись"),
    ("general", "Is there any gym near Esentai with a decent pool? Open to suggestions"),
    ("general", "Яким таксі ви користуєтесь вночі в Алмати? Що надійніше?"),
    ("general", "Алматыда қай фитнес-клуб жақсы? Бағасы қолжетімді болса"),
    ("general", "Кто заказывал доставку из Китая, через кого выгоднее возить?"),
    ("competitor", "Jetpost vs FastBox — кто быстрее доставит в Караганду?"),
    ("competitor", "В PowerGym абонемент на 20% дешевле, FitZone, будете снижать?"),
    ("competitor", "Раньше ездил только на Drive KZ, теперь на Yol — машины чище"),
    ("competitor", "FastBox дешевше за Jetpost на міжнародних, але довше"),
    ("competitor", "Drive KZ gives first ride free, what does Yol Taxi offer new users?"),
    ("product", "Jetpost, сколько стоит отправить 5 кг в Астану?"),
    ("product", "FitZone, is the pool included in the basic membership?"),
    ("product", "Йол, а детское кресло можно заказать заранее?"),
    ("product", "ФитЗон, есть ли пробное занятие бесплатно?"),
    ("product", "Jetpost Express Шымкентке неше күнде жетеді? Бағасы қанша?"),
    ("first_review", "Первый раз отправил посылку через Джетпост, дошла за сутки, приятно удивлён"),
    (
        "first_review",
        "Just had my first ride with Yol Taxi, driver was polite and the car spotless",
    ),
    ("first_review", "Вчора записалась у FitZone, тренер все показав, зал чистий 💪"),
    ("first_review", "Бүгін FitZone-ға алғаш рет бардым, зал үлкен, ұнады"),
    ("first_review", "Купил абонемент в Фитзону на прошлой неделе, пока всё устраивает"),
    ("negative", "Yol driver cancelled three times in a row, I was late for my flight. Awful"),
    ("negative", "FitZone, в душевых опять нет горячей воды, а абонемент не дешёвый"),
    ("negative", "Jetpost посилку пошкодили, коробка мокра, ніхто не відповідає"),
    ("support", "Jetpost, как изменить адрес получателя, если посылка уже в пути?"),
    ("support", "FitZone, how do I freeze my membership while I'm travelling?"),
    ("support", "Yol, де в застосунку подивитися історію поїздок?"),
    ("support", "Йол қосымшасында картаны қалай байланыстырамын?"),
    ("support", "Не могу войти в личный кабинет FitZone, пишет неверный код"),
    ("churn", "Отменяю подписку FitZone Premium, хожу в зал раз в месяц"),
    ("churn", "Deleting the Yol app, Drive KZ works better for me"),
    ("churn", "Більше не користуюсь Jetpost, відправляю все через FastBox"),
    ("churn", "Как вернуть деньги за неиспользованный абонемент FitZone и расторгнуть договор?"),
    ("churn", "Jetpost-пен жұмысты тоқтатамыз, енді FastBox арқылы жібереміз"),
    ("awkward", "Правда, что Йол не оформляет водителей официально и не платит налоги?"),
    (
        "awkward",
        "Jetpost, why were your couriers filmed throwing parcels over fences? Any comment?",
    ),
    ("awkward", "Говорят, в FitZone продают стероиды прямо в зале. Это как вообще?"),
    ("awkward", "Чи правда, що власник Jetpost пов'язаний з митними схемами?"),
    ("awkward", "Налоговая проверяет Yol Taxi, в новостях пишут про серые зарплаты"),
]


# Complaints without an identified case or a request: negative by the decision rules. The
# trained model is near a tie between negative and support / churn on them (it flips from
# one retraining to the next), so they are held to the rules, which decide them firmly.
@pytest.mark.parametrize(
    "stage, text, sentiment",
    [
        (
            "negative",
            "Джетпост, посылку везут уже 12 дней, трекинг не обновляется. Что за бардак?",
            -0.6,
        ),
        ("negative", "Таксист Йол нахамил и высадил посреди дороги", -0.5),
        ("negative", "Тенгри, третий день нет интернета, сколько можно?!", -0.7),
    ],
)
def test_rules_on_complaints_the_model_is_unsure_about(stage, text, sentiment):
    tokens = tokenize(text)
    matches = BrandMatcher(BRANDS + BRANDS_2).find(tokens)
    result = StageRules().classify(text, tokens=tokens, matches=matches, sentiment_score=sentiment)
    assert result.stage == stage


@pytest.fixture(scope="module")
def analyzer_2():
    return Analyzer(BRANDS_2)


@pytest.mark.parametrize("stage, text", CASES_2)
def test_stage_other_services(analyzer_2, stage, text):
    result = stage_of(analyzer_2, text)
    assert result.stage == stage, result.cues


@pytest.mark.parametrize(
    "text",
    [
        "Летал Небесными Линиями вчера",  # ru instrumental plural, both words inflected
        "про Небесные линии ничего не слышал",
        "Небесних Ліній",  # uk genitive
        "в Красном Квадрате очередь",  # adjective + noun
    ],
)
def test_multiword_alias_inflects_every_word(text):
    matcher = BrandMatcher([BrandSpec("Skyline", ["Небесные Линии", "Красный Квадрат"])])
    assert [m.name for m in matcher.find(tokenize(text))] == ["Skyline"], text


@pytest.mark.parametrize("text", ["небесный линейный корабль", "Красная площадь"])
def test_multiword_alias_needs_every_word(text):
    matcher = BrandMatcher([BrandSpec("Skyline", ["Небесные Линии", "Красный Квадрат"])])
    assert matcher.find(tokenize(text)) == []
