"""A per-database stage model learnt from staff corrections, and its blend with the rules.

Multinomial naive Bayes over word stems (and stem bigrams), Laplace-smoothed. It is tiny,
trains in milliseconds on thousands of corrections, and serialises to JSON so Odoo can keep
it in a Text field. The rules stay in charge until enough corrections exist; after that the
model's weight grows with the number of labels it has seen.
"""
import math
from collections import Counter

from .text import normalize, stems

__all__ = ["StageModel", "blend", "MIN_SAMPLES", "features"]

# Below this many corrections the model is not consulted at all.
MIN_SAMPLES = 30
# Number of corrections at which the model weighs as much as the rules.
HALF_WEIGHT_SAMPLES = 150
# Highest weight the model can reach in the blend.
MAX_MODEL_WEIGHT = 0.8


def _context_features(text, lang):
    """Brand-independent signals of the rules: which stage vocabularies fire, question, mood.

    They let a few dozen corrections generalise beyond their exact words: the model learns
    how *this* company's staff file, say, a question that also sounds like leaving.
    """
    from .classify import CUE_STAGES, cue_hits, is_question
    from .sentiment import analyse_sentiment

    norm = normalize(text)
    feats = [f"@cue_{stage}" for stage in CUE_STAGES if cue_hits(stage, norm)]
    if is_question(text):
        feats.append("@question")
    feats.append("@sent_" + analyse_sentiment(text, lang)[1])
    return feats


def features(text, lang):
    """Stems, stem bigrams and the rules' context signals of `text`."""
    words = [s for s in stems(text, lang) if len(s) > 1]
    return words + [f"{a}_{b}" for a, b in zip(words, words[1:])] + _context_features(text, lang)


class StageModel:
    """Multinomial naive Bayes: stage → P(stage | text)."""

    VERSION = 1

    def __init__(self, alpha=0.5):
        self.alpha = alpha
        self.class_counts = Counter()   # stage → number of samples
        self.feature_counts = {}        # stage → Counter(feature → count)
        self.totals = Counter()         # stage → number of feature occurrences
        self.vocabulary = set()

    @property
    def n_samples(self):
        return sum(self.class_counts.values())

    @property
    def stages(self):
        return sorted(self.class_counts)

    def train(self, samples):
        """Add `samples` — (text, lang, stage) tuples — to what the model knows."""
        for text, lang, stage in samples:
            if not stage:
                continue
            counts = self.feature_counts.setdefault(stage, Counter())
            feats = features(text or "", lang or "")
            counts.update(feats)
            self.totals[stage] += len(feats)
            self.class_counts[stage] += 1
            self.vocabulary.update(feats)
        return self

    def predict_proba(self, text, lang):
        """{stage: probability} over the stages seen in training (empty when untrained)."""
        if not self.class_counts:
            return {}
        feats = [f for f in features(text or "", lang or "") if f in self.vocabulary]
        n = self.n_samples
        size = len(self.vocabulary) or 1
        logs = {}
        for stage, count in self.class_counts.items():
            counts = self.feature_counts.get(stage, {})
            denominator = math.log(self.totals[stage] + self.alpha * size)
            log_p = math.log(count / n)
            for f in feats:
                log_p += math.log(counts.get(f, 0) + self.alpha) - denominator
            logs[stage] = log_p
        top = max(logs.values())
        exp = {s: math.exp(v - top) for s, v in logs.items()}
        total = sum(exp.values())
        return {s: v / total for s, v in exp.items()}

    def predict(self, text, lang):
        proba = self.predict_proba(text, lang)
        return max(proba, key=proba.get) if proba else ""

    def to_dict(self):
        return {
            "version": self.VERSION,
            "alpha": self.alpha,
            "class_counts": dict(self.class_counts),
            "feature_counts": {s: dict(c) for s, c in self.feature_counts.items()},
        }

    @classmethod
    def from_dict(cls, data):
        model = cls(alpha=data.get("alpha", 0.5))
        if not data or data.get("version") != cls.VERSION:
            return model
        model.class_counts = Counter(data.get("class_counts", {}))
        model.feature_counts = {s: Counter(c) for s, c in data.get("feature_counts", {}).items()}
        model.totals = Counter({s: sum(c.values()) for s, c in model.feature_counts.items()})
        model.vocabulary = {f for c in model.feature_counts.values() for f in c}
        return model


def model_weight(n_samples):
    """How much the learnt model counts against the rules, from its number of labels."""
    if n_samples < MIN_SAMPLES:
        return 0.0
    return MAX_MODEL_WEIGHT * n_samples / (n_samples + HALF_WEIGHT_SAMPLES)


def blend(rule_stage, rule_confidence, model_proba, n_samples, stages):
    """Combine the rules' decision with the model's probabilities.

    The rules contribute their confidence to their stage and the rest evenly; the model
    contributes its distribution, weighted by `model_weight`. Returns (stage, confidence,
    model_weight).
    """
    weight = model_weight(n_samples)
    if not weight or not model_proba:
        return rule_stage, rule_confidence, 0.0
    others = (1.0 - rule_confidence) / max(len(stages) - 1, 1)
    combined = {}
    for stage in stages:
        rule_p = rule_confidence if stage == rule_stage else others
        combined[stage] = (1 - weight) * rule_p + weight * model_proba.get(stage, 0.0)
    best = max(stages, key=lambda s: (combined[s], s == rule_stage))
    return best, round(combined[best], 3), weight
