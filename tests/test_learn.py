import json

from social_crm.tools.learn import MIN_SAMPLES, StageModel, blend, model_weight

STAGES = ["general", "competitor", "product", "first_review", "negative", "support", "churn", "awkward"]

# Corrections a café's staff made: «десерт» questions are product questions there,
# «карта лояльности» how-tos are support.
SAMPLES = [
    ("Есть ли у вас десерты без сахара?", "ru", "product"),
    ("Какие десерты сегодня в меню?", "ru", "product"),
    ("Сколько стоит десерт дня?", "ru", "product"),
    ("Как привязать карту лояльности к приложению?", "ru", "support"),
    ("Не списались баллы карты лояльности, как вернуть?", "ru", "support"),
    ("Карта лояльности не показывает баллы", "ru", "support"),
    ("Do you have vegan desserts?", "en", "product"),
    ("How do I add my loyalty card?", "en", "support"),
]


def test_learns_the_vocabulary_of_corrections():
    model = StageModel().train(SAMPLES)
    assert model.n_samples == len(SAMPLES)
    assert model.predict("А десерты с ягодами бывают?", "ru") == "product"
    assert model.predict("Баллы на карте лояльности пропали", "ru") == "support"
    proba = model.predict_proba("десерт", "ru")
    assert abs(sum(proba.values()) - 1.0) < 1e-9


def test_untrained_model_predicts_nothing():
    model = StageModel()
    assert model.n_samples == 0 and model.predict_proba("что угодно", "ru") == {}


def test_round_trip_through_json():
    model = StageModel().train(SAMPLES)
    restored = StageModel.from_dict(json.loads(json.dumps(model.to_dict())))
    text = "Карта лояльности не работает"
    assert restored.predict_proba(text, "ru") == model.predict_proba(text, "ru")
    assert restored.n_samples == model.n_samples


def test_incremental_training_adds_up():
    model = StageModel().train(SAMPLES[:4]).train(SAMPLES[4:])
    assert model.n_samples == len(SAMPLES)
    assert model.to_dict() == StageModel().train(SAMPLES).to_dict()


def test_model_is_ignored_below_minimum_labels():
    assert model_weight(MIN_SAMPLES - 1) == 0.0
    stage, confidence, weight = blend("general", 0.6, {"support": 1.0}, MIN_SAMPLES - 1, STAGES)
    assert (stage, confidence, weight) == ("general", 0.6, 0.0)


def test_model_weight_grows_with_labels():
    assert 0 < model_weight(MIN_SAMPLES) < model_weight(300) < model_weight(3000) < 1


def test_confident_model_with_many_labels_overrides_unsure_rules():
    stage, confidence, weight = blend("general", 0.3, {"support": 0.95, "general": 0.05}, 2000, STAGES)
    assert stage == "support" and weight > 0.5


def test_few_labels_do_not_override_confident_rules():
    stage, _, _ = blend("churn", 0.9, {"support": 0.9, "churn": 0.1}, MIN_SAMPLES + 5, STAGES)
    assert stage == "churn"
