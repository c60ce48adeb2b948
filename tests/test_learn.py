"""Learning from a company's corrections: new vocabulary, calibrated pull, storage."""

import json

from social_crm.tools.learn import MAX_ROWS, StageModel
from social_crm.tools.pipeline import Analyzer, BrandSpec, MentionInput

BRANDS = [
    BrandSpec("Dastarkhan", ["Дастархан"], []),
    BrandSpec("Kazan Grill", [], [], is_competitor=True),
]

# A café chain's staff: «тойбастар» (their banquet package, a word no rule knows) questions are
# product questions; «кешбэк не пришёл на карту гостя» how-tos are support.
PRODUCT_SLANG = [
    "Тойбастар на 40 человек в пятницу свободен?",
    "а тойбастар с живой музыкой бывает",
    "Тойбастар для юбилея мамы, что входит?",
    "Тойбастар на выпускной можно на веранде",
    "тойбастар в субботу вечером ещё есть места",
    "Тойбастар с казы и бешбармаком, меню пришлите",
    "тойбастар для корпоратива на 25 гостей",
    "Тойбастар можно с детским аниматором?",
    "Той бастар на 60 человек в октябре",
    "тойбастар без алкоголя, со своим тортом",
    "Тойбастар в зале на втором этаже свободен 12 числа?",
    "тойбастар на свадьбу в ноябре, нужна предоплата?",
]
GUEST_CARD = [
    "Кешбэк не пришёл на карту гостя после ужина",
    "карта гостя не показывает баллы за вчера",
    "Как привязать карту гостя к номеру телефона",
    "баллы на карте гостя сгорели раньше срока",
    "Карта гостя: как перенести баллы на новый номер",
    "не списались баллы с карты гостя при оплате",
    "карту гостя потерял, как восстановить баллы",
    "Кешбэк по карте гостя начисляется на доставку?",
    "Карта гостя не сканируется на кассе",
    "баллы карты гостя не видно в приложении",
    "как оплатить баллами с карты гостя половину чека",
    "Карта гостя заблокирована, баллы вернут?",
]
CORRECTIONS = [(t, "ru", "product") for t in PRODUCT_SLANG] + [
    (t, "ru", "support") for t in GUEST_CARD
]


def _stage(model, text):
    return Analyzer(BRANDS, model=model).analyse([MentionInput(text=text)])[0]


def test_corrections_teach_words_no_rule_knows():
    text = "хотим тойбастар в пятницу"
    before = _stage(None, text)
    model = StageModel().train(CORRECTIONS)
    after = _stage(model, text)
    assert before.stage != "product"
    assert after.stage == "product"
    assert after.cues[0] == f"learnt from {len(CORRECTIONS)} corrections"
    assert after.cue_codes[0] == ("learnt", {"count": len(CORRECTIONS)})


def test_corrections_also_teach_support_vocabulary():
    model = StageModel().train(CORRECTIONS)
    assert _stage(model, "баллы с карты гостя пропали").stage == "support"
    assert model.predict("баллы с карты гостя пропали", "ru") == "support"


def test_a_few_corrections_move_only_what_they_are_about():
    """The decisions on unrelated mentions stay what the shipped model says."""
    model = StageModel().train(CORRECTIONS)
    for text in (
        "Посоветуйте кафе с детской комнатой в Алматы",
        "Dastarkhan или Kazan Grill — где вкуснее плов?",
        "Правда ли, что Дастархан закрывают за антисанитарию?",
    ):
        assert _stage(model, text).stage == _stage(None, text).stage, text


def test_untrained_model_predicts_nothing():
    model = StageModel()
    assert model.n_samples == 0 and model.predict_proba("что угодно", "ru") == {}
    assert Analyzer(BRANDS, model=model).fit is None


def test_round_trip_through_json():
    model = StageModel().train(CORRECTIONS)
    restored = StageModel.from_dict(json.loads(json.dumps(model.to_dict())))
    text = "Тойбастар на 50 человек"
    assert restored.n_samples == model.n_samples
    assert restored.predict_proba(text, "ru") == model.predict_proba(text, "ru")


def test_incremental_training_adds_up():
    model = StageModel().train(CORRECTIONS[:5]).train(CORRECTIONS[5:])
    assert model.to_dict() == StageModel().train(CORRECTIONS).to_dict()


def test_keeps_the_most_recent_corrections():
    rows = [(f"текст {n}", "ru", "general") for n in range(MAX_ROWS + 10)]
    model = StageModel().train(rows)
    assert model.n_samples == MAX_ROWS and model.rows[0][0] == "текст 10"


def test_a_label_set_of_its_own_is_learnt_from_scratch():
    """Sentiment corrections are another label set: a plain per-company model."""
    rows = [(f"дали место у туалета на рейсе {n}", "ru", "negative") for n in range(20)]
    rows += [(f"место у окна на рейсе {n}, спасибо", "ru", "positive") for n in range(20)]
    model = StageModel().train(rows)
    proba = model.predict_proba("опять место у туалета", "ru")
    assert set(proba) == {"negative", "positive"}
    assert max(proba, key=proba.get) == "negative"


def test_corrections_the_shipped_model_agrees_with_still_teach_their_words():
    """Staff confirm (re-file) every «выписка по милям» question as support: the nearest
    corrected mentions carry that to a much shorter wording the shipped model files elsewhere."""
    texts = [
        f"Вопрос {i}: где в приложении Дастархан выписка по бонусам за месяц {i}?"
        for i in range(30)
    ]
    model = StageModel().train([(t, "ru", "support") for t in texts])
    query = "где выписка по бонусам"
    assert _stage(None, query).stage != "support"
    learnt = _stage(model, query)
    assert learnt.stage == "support"
    assert learnt.cue_codes[0] == ("learnt", {"count": 30})


# --- sentiment: what the running module learns from hand-set sentiments ----------------------

# A doughnut café's staff: «зашквар» (slang, awful) and «пушка» (slang, great) are words the
# shipped lexicon reads differently or not at all.
SLANG = [
    ("Кофе зашквар, пышка зашквар, всё зашквар", "negative"),
    ("Зашквар у вас с кассой, час стоял", "negative"),
    ("сегодняшние пышки зашквар", "negative"),
    ("Зашквар полный с доставкой", "negative"),
    ("Пышка Макс пушка, беру третий раз", "positive"),
    ("Новая начинка пушка!", "positive"),
    ("Бариста на Абая пушка, всегда с улыбкой", "positive"),
    ("Какао у вас пушка", "positive"),
    ("Во сколько открываетесь на Абая?", "neutral"),
    ("Есть ли доставка пышек в офис?", "neutral"),
    ("Пышка Макс с какой начинкой?", "neutral"),
    ("Сколько стоит набор из шести пышек?", "neutral"),
] * 3


def test_sentiment_corrections_teach_slang():
    from social_crm.tools.learn import SentimentLearner
    from social_crm.tools.sentiment import analyse_sentiment

    unseen = [("Сегодня эклер зашквар какой-то", "negative"), ("эклеры у вас пушка", "positive")]
    base = [analyse_sentiment(t, "ru")[1] for t, _ in unseen]
    model = SentimentLearner().train([(t, "ru", label) for t, label in SLANG])
    learnt = [model.predict(t, "ru") for t, _ in unseen]
    assert learnt == [label for _, label in unseen]
    assert base != learnt, "the shipped model alone already knew both"
    assert model.pull["words"] > 0 or model.pull["nearest"] > 0
    # what the shipped model knows stays
    assert model.predict("Ужасный сервис, верните деньги", "ru") == "negative"
    assert model.predict("Огромное спасибо, всё прекрасно", "ru") == "positive"


def test_sentiment_learner_in_the_pipeline_and_json():
    from social_crm.tools.learn import SentimentLearner

    model = SentimentLearner().train([(t, "ru", label) for t, label in SLANG])
    copy = SentimentLearner.from_dict(json.loads(json.dumps(model.to_dict())))
    assert copy.n_samples == model.n_samples == len(SLANG)
    text = "эклеры у вас пушка"
    assert copy.predict_proba(text, "ru") == model.predict_proba(text, "ru")
    result = Analyzer([], sentiment_model=copy).analyse([MentionInput(text=text)])[0]
    assert result.sentiment == "positive"
    assert ("sentiment_learnt", {"count": len(SLANG)}) in result.cue_codes
    assert SentimentLearner.from_dict({"version": 1, "weights": {}}).n_samples == 0


def test_corrections_retrain_the_shipped_model_with_them():
    """The stage model is trained again on the shipped training set plus the corrections: the
    company's shift moves the rules' and generic signals too, not only its words, and it
    grows with the number of corrections."""
    from social_crm.tools import learn, stage_train
    from social_crm.tools.stage_model import Featurizer, base_model

    assert stage_train.read_training_examples(), "the featurised training set ships"
    featurizer = Featurizer(BRANDS)
    fit = StageModel().train(CORRECTIONS).fitted(featurizer)
    assert fit.shift is not None and fit.shift.weights
    words = {k for k, token in featurizer.prepare("тойбастар", "ru").features.words.items()}
    generic = set(fit.shift.weights) - words
    assert generic, "the shift is not limited to the corrections' words"
    # proportion of trust: two corrections move a mention less than twelve
    prepared = featurizer.prepare("Тойбастар на 30 человек, что входит?", "ru")
    base = learn._offset(prepared, base_model())
    few = StageModel().train(CORRECTIONS[:2]).fitted(featurizer)
    many = StageModel().train(CORRECTIONS[:12]).fitted(featurizer)
    product = learn.STAGES.index("product")

    def gain(one):
        return one.logits(prepared.features, base)[product] - base[product]

    assert 0 < gain(few) < gain(many)


def test_shipped_training_examples_are_what_the_featurizer_makes():
    """data/stage_training.json.gz is rebuilt with the weights (scripts/train_stage.py): the
    stored features of a sample of training texts equal what the code makes of them today."""
    from social_crm.tools import stage_train

    rows, industries = stage_train.load_training()
    stored = stage_train.read_training_examples()
    assert len(stored) == len(rows)
    # Each text's sentiment is stored beside it: a sentiment model trained without its
    # industry gave it (scripts/train_stage.py), not the shipped one, which saw the text.
    sentiments = stage_train.read_training_sentiments()
    assert set(sentiments) == {row["id"] for row in rows}
    sample = list(range(0, len(rows), max(1, len(rows) // 40)))
    fresh = stage_train.training_examples(
        stage_train.featurise([rows[i] for i in sample], industries, sentiments)
    )
    for i, (features, stage) in zip(sample, fresh, strict=True):
        assert stored[i][1] == stage == rows[i]["stage"]
        assert stored[i][0].values == features.values, rows[i]["id"]


# A bank's staff file every tariff rise or branch closing as negative, news the shipped model
# reads as neutral facts: a convention of this company, learnt from its own corrections.
TARIFF_NEWS = [
    "Банк Алтын с 1 марта поднимает комиссию за переводы на карты других банков до 1,5%",
    "Алтын закрывает отделение на Абая 150 с понедельника",
    "С июня обслуживание премиальной карты Алтын будет стоить 4990 тенге в месяц",
    "Алтын вводит плату за SMS-информирование — 300 тенге в месяц",
    "Банк Алтын сокращает кешбэк в категории супермаркеты до 1%",
    "Лимит на бесплатные переводы в Алтын снижен до 100 тысяч",
]
BANK_OTHERS = [
    ("Спасибо Алтын, кредит одобрили за 10 минут", "positive"),
    ("Алтын, во сколько работает отделение на Достык?", "neutral"),
    ("Третий день не могу войти в приложение Алтын, ужас", "negative"),
    ("Какой курс доллара сегодня в Алтын?", "neutral"),
    ("Очень вежливый консультант в Алтын на Абая", "positive"),
    ("Алтын, как поменять номер телефона в приложении?", "neutral"),
]


def test_a_companys_sentiment_convention_is_learnt_from_a_dozen_corrections():
    from social_crm.tools.learn import SentimentLearner
    from social_crm.tools.sentiment import analyse_sentiment

    corrections = [(t, "ru", "negative") for t in TARIFF_NEWS]
    corrections += [(t, "ru", label) for t, label in BANK_OTHERS]
    unseen = [
        "Алтын с мая поднимает комиссию за обслуживание счёта ИП",
        "Банк Алтын закрывает отделение в Шымкенте на Тауке хана",
        "С 1 июля SMS-уведомления в Алтын станут платными",
    ]
    assert [analyse_sentiment(t, "ru")[1] for t in unseen] == ["neutral"] * 3
    model = SentimentLearner().train(corrections)
    assert [model.predict(t, "ru") for t in unseen] == ["negative"] * 3
    # the pull was earned on held-out corrections, not the default for a handful
    assert model.pull["words"] > 0.5
    for text in (
        "Какой курс евро сегодня в Алтын?",
        "Спасибо Алтын, всё быстро и удобно",
        "Алтын, приложение опять не работает, верните деньги",
    ):
        assert model.predict(text, "ru") == analyse_sentiment(text, "ru")[1], text


def test_sentiment_corrections_the_shipped_model_agrees_with_change_nothing():
    """Staff confirming what the shipped model says move no decision of theirs nor of like
    mentions. (They may earn a pull — predicting them more confidently is how confirmations
    teach their wording, see learn.py — but not change these labels.)"""
    from social_crm.tools.learn import SentimentLearner
    from social_crm.tools.sentiment import analyse_sentiment

    texts = TARIFF_NEWS + [t for t, _ in BANK_OTHERS]
    model = SentimentLearner().train((t, "ru", analyse_sentiment(t, "ru")[1]) for t in texts)
    others = (
        "Алтын открыл новое отделение на Абая",
        "Алтын снизил ставку по депозитам",
        "Спасибо Алтын, вернули деньги за ошибочный платёж",
    )
    for text in texts + list(others):
        assert model.predict(text, "ru") == analyse_sentiment(text, "ru")[1], text


def test_a_pull_earned_on_confidence_changes_a_decision_only_where_like_corrections_vote():
    """A dozen confirmed plain mentions of a bank (news, hours, rates) can earn their pull by
    confidence alone. Their word model then leans on what they share — the brand name — and
    would turn a complaint that shares only the brand and one common word with them («работает»)
    neutral; the guard keeps the shipped verdict there, while a mention like the confirmed ones
    still moves."""
    from social_crm.tools.learn import CompanyFit, _Memory
    from social_crm.tools.stage_model import Features, LinearModel

    names = ("negative", "neutral", "positive")
    word_model = LinearModel(names, {"алтын": [-2.0, 3.0, -1.0]})
    confirmed = [["алтын", "сколь", "работ", "отдел", "дост"], ["алтын", "комис", "перев"]]
    memory = _Memory(confirmed, ["neutral", "neutral"], names)
    offset = [1.0, -2.0, -4.0]  # the shipped model: a complaint
    complaint = Features({"алтын": 1.0})
    keys = ["алтын", "грани", "карта", "линии", "почем", "работ", "уже", "час"]

    def fit(guarded):
        return CompanyFit(word_model, names, False, 12, None, 1.5, memory, 16.0, guarded=guarded)

    def label(logits):
        return names[logits.index(max(logits))]

    assert label(fit(False).logits(complaint, offset, keys)) == "neutral"
    assert fit(True).logits(complaint, offset, keys) == offset
    like = ["алтын", "комис", "перев", "карта"]  # shares 3 of its 4 words with a confirmation
    assert label(fit(True).logits(complaint, offset, like)) == "neutral"


# A bank whose staff call every support request negative, however calmly it is worded: the
# shipped model reads these neutral.
SUPPORT_REQUESTS = [
    "Алтын, как восстановить пароль в приложении?",
    "Подскажите, где в приложении Алтын выписка за май",
    "Алтын, платёж по номеру заказа 4471 висит в обработке, что делать?",
    "Как перевыпустить карту Алтын, если срок истекает",
    "Алтын, как отключить автоплатёж за мобильную связь?",
    "Как поменять кодовое слово в Алтын через приложение",
    "Алтын, заявка на кредит 88213 какой статус?",
    "Где посмотреть реквизиты счёта в приложении Алтын",
    "Алтын, карта не проходит в терминале на заправке, что проверить?",
    "Как закрыть депозит Алтын досрочно через приложение",
    "Подскажите, как привязать Apple Pay к карте Алтын",
    "Алтын, не приходит смс с кодом для входа, помогите",
    "Перевод на карту другого банка из Алтын в статусе ожидание второй час",
    "Алтын, списали комиссию за перевод, объясните за что",
]
OTHER_STAGES = [
    ("Алтын открыл новое отделение на Абая", "general"),
    ("Какой процент по депозиту в Алтын на год?", "product"),
    ("Есть ли у Алтын кредитка с льготным периодом?", "product"),
    ("Алтын или Каспи, где дешевле перевод за границу?", "competitor"),
    ("Спасибо Алтын, всё быстро и удобно", "first_review"),
    ("Алтын снизил ставку по депозитам", "general"),
    ("Сколько стоит обслуживание премиальной карты Алтын?", "product"),
    ("Во сколько открывается отделение Алтын в субботу?", "general"),
    ("Алтын, есть ли ипотека без первого взноса?", "product"),
    ("Первый раз открыл счёт в Алтын, всё понравилось", "first_review"),
    ("Какие лимиты на снятие наличных у карты Алтын?", "product"),
    ("Алтын спонсирует марафон в Алматы в сентябре", "general"),
]


def _stage_convention_model(with_stages=True):
    from social_crm.tools.learn import SentimentLearner
    from social_crm.tools.sentiment import analyse_sentiment

    rows = [(t, "ru", "negative", "support") for t in SUPPORT_REQUESTS]
    rows += [(t, "ru", analyse_sentiment(t, "ru")[1], stage) for t, stage in OTHER_STAGES]
    return SentimentLearner().train(row if with_stages else row[:3] for row in rows)


def test_a_companys_tone_convention_for_one_stage_is_learnt_beside_the_stage():
    """Corrections carry the mention's stage: a company whose staff read every support request
    as negative earns a prior within the support stage, and its mentions are read beside the
    stage they are filed in — a calm support request turns negative, a product question with
    the same brand and words («карта», «кэшбэк») stays as the shipped model reads it."""
    from social_crm.tools.sentiment import analyse_sentiment

    model = _stage_convention_model()
    assert model.reads_stages and model.pull["group prior"] > 0
    unseen_support = [
        "Алтын, не вижу кэшбэк за прошлый месяц в приложении",
        "Как сменить номер телефона в профиле Алтын",
        "Алтын, платёж за коммуналку ушёл дважды, как вернуть?",
    ]
    assert [analyse_sentiment(t, "ru")[1] for t in unseen_support] == ["neutral"] * 3
    assert [model.predict(t, "ru", "support") for t in unseen_support] == ["negative"] * 3
    for text in ("Какой кэшбэк у карты Алтын на АЗС?", "Алтын открыл отделение в Шымкенте"):
        assert model.predict(text, "ru", "product") == "neutral", text
    # in the pipeline: the stage is decided, then the tone is read beside it
    analyzer = Analyzer([BrandSpec("Altyn", ["Алтын"], [])], sentiment_model=model)
    result = analyzer.analyse([MentionInput(text=unseen_support[1])])[0]
    assert (result.stage, result.sentiment) == ("support", "negative")
    assert ("sentiment_learnt", {"count": model.n_samples}) in result.cue_codes
    question = analyzer.analyse([MentionInput(text="Какой кэшбэк у карты Алтын на АЗС?")])[0]
    assert (question.stage, question.sentiment) == ("product", "neutral")


def test_corrections_without_stages_learn_no_stage_prior_and_keep_their_json():
    from social_crm.tools.learn import SentimentLearner

    plain = _stage_convention_model(with_stages=False)
    assert not plain.reads_stages and plain.pull["group prior"] == 0
    model = _stage_convention_model()
    copy = SentimentLearner.from_dict(json.loads(json.dumps(model.to_dict())))
    assert copy.rows == model.rows and copy.reads_stages
    text = "Как сменить номер телефона в профиле Алтын"
    assert copy.predict_proba(text, "ru", "support") == model.predict_proba(text, "ru", "support")
    # rows stored before corrections carried a stage still load
    old = {"version": 2, "rows": [[t, "ru", "negative"] for t in SUPPORT_REQUESTS]}
    assert SentimentLearner.from_dict(old).n_samples == len(SUPPORT_REQUESTS)


def test_the_shift_is_kept_only_where_it_predicts_held_out_corrections_better():
    """From a dozen corrections on, the model trained further must earn its shift: models
    trained without each third of the corrections predict that third better than the shipped
    model does. Corrections that only confirm the shipped model's decisions earn none (its
    decisions stay exactly the shipped ones); corrections that re-file a recurring kind of
    mention do (test_corrections_retrain_the_shipped_model_with_them)."""
    from social_crm.tools.stage_model import Featurizer

    featurizer = Featurizer(BRANDS)
    texts = [t for t, _ in BANK_OTHERS] + TARIFF_NEWS + PRODUCT_SLANG[:4] + GUEST_CARD[:4]
    confirmed = [(t, "ru", _stage(None, t).stage) for t in texts]
    fit = StageModel().train(confirmed).fitted(featurizer)
    assert len(confirmed) >= 12
    assert fit.shift is None and fit.pull["shift"] == 0
    assert StageModel().train(CORRECTIONS).fitted(featurizer).pull["shift"] == 1
    for text in ("Алтын, где мой перевод 5512?", "Тойбастар на 30 человек, что входит?"):
        assert _stage(StageModel().train(confirmed), text).stage == _stage(None, text).stage


def _stored(model, featurizer=None):
    """`model`'s fit as another server process reads it: through JSON and bytes."""
    stored, blob = model.export_fit(featurizer)
    return json.loads(json.dumps(stored)), (bytes(blob) if blob is not None else None)


def test_a_stored_fit_decides_exactly_as_the_fit_it_was_made_from():
    """Another process loads the stored fit instead of fitting again (the stage's shift and
    pulls, the sentiment's priors per stage): the same probabilities to the last bit, and it
    never fits on the spot — a frozen model answers every brand configuration with it."""
    from social_crm.tools.stage_model import Featurizer

    featurizer = Featurizer(BRANDS)
    model = StageModel().train(CORRECTIONS)
    stored, blob = _stored(model, featurizer)
    assert blob and model.fitted(featurizer).shift is not None, "the shift was earned and packed"
    copy = StageModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert copy.import_fit(stored, blob)
    copy.frozen = True
    texts = [t for t, _, _ in CORRECTIONS[::3]] + [
        "Тойбастар на 30 человек, что входит?",
        "Карта гостя не работает, баллы не начислились за заказ 5521",
        "Где ближайший ресторан?",
    ]
    for text in texts:
        assert copy.predict_proba(text, "ru", featurizer) == model.predict_proba(
            text, "ru", featurizer
        ), text
    fitted = copy.fitted(Featurizer([]))  # another configuration: the stored fit, no new one
    assert fitted is copy.fitted(featurizer)

    sentiment = _stage_convention_model()
    stored, blob = _stored(sentiment)
    assert blob is None and stored["fit"]["group_priors"]
    again = type(sentiment).from_dict(json.loads(json.dumps(sentiment.to_dict())))
    assert again.import_fit(stored)
    for text in ("Алтын, не вижу кэшбэк за прошлый месяц", "Какой кэшбэк у карты Алтын на АЗС?"):
        for stage in ("support", "product", None):
            assert again.predict_proba(text, "ru", stage) == sentiment.predict_proba(
                text, "ru", stage
            ), (text, stage)
    # a fit made on other shipped weights (before a module upgrade) is not used
    stored["shipped"] = "other"
    assert not type(sentiment)().train([("а", "ru", "neutral")]).import_fit(stored)
