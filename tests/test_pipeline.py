import json

from social_crm.tools.learn import StageModel
from social_crm.tools.pipeline import Analysis, Analyzer, AuthorHistory, BrandSpec, MentionInput

BRANDS = [
    BrandSpec("Qanat Air", ["Qanat", "Канат Эйр"], ["Qanat Miles"]),
    BrandSpec("Steppe Wings", ["Steppe"], [], is_competitor=True),
]


def test_analysis_fields():
    result, = Analyzer(BRANDS).analyse([MentionInput(text="Qanat Air потеряли мой чемодан, третий день никто не отвечает!")])
    assert isinstance(result, Analysis)
    assert result.lang == "ru" and 0 < result.lang_confidence <= 1
    assert result.sentiment == "negative" and -1 <= result.sentiment_score < 0
    assert result.stage == "negative"
    assert result.brands == ["Qanat Air"] and result.competitors == [] and result.products == []
    assert result.is_question is False
    assert "the tone is negative" in result.cues
    json.dumps(result.__dict__, ensure_ascii=False)  # storable as is


def test_source_language_and_sentiment_are_kept():
    item = MentionInput(text="Qanat Air потеряли мой чемодан", lang="kk", sentiment_score=0.4)
    result, = Analyzer(BRANDS).analyse([item])
    assert (result.lang, result.lang_confidence) == ("kk", 1.0)
    assert (result.sentiment_score, result.sentiment) == (0.4, "positive")


def test_rating_steers_sentiment():
    result, = Analyzer(BRANDS).analyse([MentionInput(text="Полёт Qanat в Астану", rating=1)])
    assert result.sentiment == "negative"
    result, = Analyzer(BRANDS).analyse([MentionInput(text="Полёт Qanat в Астану", rating=5)])
    assert result.sentiment == "positive"


def test_title_is_analysed_with_text():
    result, = Analyzer(BRANDS).analyse([MentionInput(title="Qanat Air или Steppe Wings?", text="Куда лететь дешевле")])
    assert result.stage == "competitor" and result.competitors == ["Steppe Wings"]


def test_product_found():
    result, = Analyzer(BRANDS).analyse([MentionInput(text="Сколько миль Qanat Miles дают за перелёт в Дубай?")])
    assert result.products == ["Qanat Miles"] and result.stage == "product" and result.is_question


def test_batch_keeps_order_and_length():
    texts = ["Qanat Air, how do I change my seat?", "Посоветуйте авиакомпанию для полёта в Сеул", ""]
    results = Analyzer(BRANDS).analyse([MentionInput(text=t) for t in texts])
    assert [r.stage for r in results[:2]] == ["support", "general"]
    assert results[2].lang == "" and results[2].sentiment == "neutral"


def test_learnt_model_changes_decisions_once_it_has_enough_labels():
    # This airline's staff file every «мили» question under support.
    corrections = [(f"Куда пропали мили за рейс номер {n}?", "ru", "support") for n in range(200)]
    text = "Куда пропали мили за рейс?"
    plain, = Analyzer(BRANDS).analyse([MentionInput(text=text)])
    learnt, = Analyzer(BRANDS, model=StageModel().train(corrections)).analyse([MentionInput(text=text)])
    few, = Analyzer(BRANDS, model=StageModel().train(corrections[:10])).analyse([MentionInput(text=text)])
    assert plain.stage != "support"
    assert learnt.stage == "support" and any("corrections" in cue for cue in learnt.cues)
    assert few.stage == plain.stage


def test_author_history_is_optional():
    item = MentionInput(text="Qanat, can I bring a guitar on board?", author=AuthorHistory(mentions=3, is_customer=True))
    assert Analyzer(BRANDS).analyse([item])[0].stage == "support"


def test_sentiment_learnt_from_corrections_shifts_the_label():
    """Staff keep marking a domain phrase as negative: after enough corrections it counts."""
    from social_crm.tools.learn import StageModel

    text = "дали место у туалета"
    baseline = Analyzer([]).analyse([MentionInput(text=text)])[0]
    assert baseline.sentiment != "negative"
    corrections = [(f"{text} на рейсе {i}", "ru", "negative") for i in range(150)]
    corrections += [(f"место у окна на рейсе {i}, спасибо", "ru", "positive") for i in range(150)]
    model = StageModel().train(corrections)
    learnt = Analyzer([], sentiment_model=model).analyse([MentionInput(text=text)])[0]
    assert learnt.sentiment == "negative"
    assert any("sentiment learnt" in cue for cue in learnt.cues)
    few = StageModel().train(corrections[:10])
    assert Analyzer([], sentiment_model=few).analyse([MentionInput(text=text)])[0].sentiment \
        == baseline.sentiment, "below the minimum number of corrections the lexicon decides"
