"""What a company's staff taught by correcting labels: a per-company model on top of the shipped one.

`StageModel` keeps the corrections (text, language, label) and fits, for the brand
configuration it is used with, a multinomial logistic regression over the words of the
shipped stage model's features (words, 5-letter prefixes, word pairs; brand names already
replaced by placeholders). For stage labels the shipped model's logits are a fixed offset:
the company model learns only how this company's staff file mentions differently, so a few
dozen corrections already move decisions, and words no rule knows (product names, local
slang) get weights of their own. Beside it, the most similar corrected mentions vote (so
corrections the shipped model already agreed with still teach their wording). How strongly
each pulls is measured on held-out corrections (`_held_out_pull`): corrections that do not
carry over to new mentions do not change them.
Any other label set (sentiment) gets a plain per-company logistic regression.

The corrections serialise to JSON, so Odoo keeps them in a Json field; the fit is redone
(in a second or less) the first time a brand configuration uses them.
"""

import math

from .classify import STAGES
from .stage_model import (
    Features,
    Featurizer,
    LinearModel,
    base_model,
    softmax,
    stage_logits,
    train_linear,
)

__all__ = ["StageModel", "CompanyFit", "company_scale", "MAX_ROWS", "fit_corrections"]

# Most recent corrections a model keeps and fits on.
MAX_ROWS = 2000
# Example visits per fit: few corrections get many passes, thousands get few.
_FIT_BUDGET = 6000
# Below this many corrections their pull is not measured but set by `company_scale`.
_MIN_CALIBRATION = 12
HALF_SCALE_SAMPLES = 8
# Held-out folds, the most recent corrections they are drawn from, and the pulls tried.
_FOLDS = 3
_CALIBRATION_ROWS = 300
_SCALES = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)
# Pulls tried for the votes of the nearest corrections (a vote sums to the best similarity).
_RECALLS = (0.0, 1.0, 2.0, 4.0, 8.0, 16.0)
# Nearest corrections consulted, the similarity below which one does not vote, and the
# number of corrections beyond which a word is too common to find neighbours by.
_NEIGHBOURS = 5
_MIN_SIMILARITY = 0.3
_MAX_POSTING = 300
# Shorter words (в, на, и, of) are everywhere and teach a company model nothing.
_MIN_WORD = 3
# Step size and L2 decay of the company model's gradient descent.
_RATE = 0.3
_L2 = 1e-3


def company_scale(n_samples):
    """Pull of a handful of corrections, too few to measure it on held-out ones."""
    return 0.5 * n_samples / (n_samples + HALF_SCALE_SAMPLES) if n_samples else 0.0


def _epochs(n_samples):
    return max(3, min(15, _FIT_BUDGET // max(n_samples, 1)))


class CompanyFit:
    """The corrections fitted for one brand configuration."""

    def __init__(
        self, model, labels, is_stage, n_samples, base=None, scale=1.0, memory=None, recall=0.0
    ):
        self.model = model
        self.base = base
        self.labels = labels
        self.is_stage = is_stage
        self.scale = scale
        self.n_samples = n_samples
        self.memory = memory
        self.recall = recall

    def offset(self, prepared):
        """The logits the company's pull is added to (None for a label set of its own)."""
        return _offset(prepared, self.base) if self.is_stage else None

    def logits(self, features, offset=None):
        """Offset (the shipped model's / the rules' logits) plus the company's pull: its
        word model and the votes of the most similar corrected mentions."""
        own = self.model.logits(features)
        if offset is None:
            return own
        logits = [o + self.scale * w for o, w in zip(offset, own, strict=True)]
        if self.memory is not None and self.recall:
            votes = self.memory.votes(_word_keys(features))
            if votes is not None:
                logits = [v + self.recall * n for v, n in zip(logits, votes, strict=True)]
        return logits


class _Memory:
    """The corrected mentions as sets of word keys, for the nearest ones to a new mention.

    Cosine similarity of word-key sets through an inverted index; keys shared by more than
    `_MAX_POSTING` corrections are too common to tell mentions apart and are skipped.
    """

    def __init__(self, keysets, labels, names):
        index = {name: k for k, name in enumerate(names)}
        self.size = len(names)
        self.keysets = [frozenset(keys) for keys in keysets]
        self.labels = [index[label] for label in labels]
        self.postings = {}
        for i, keys in enumerate(self.keysets):
            for key in keys:
                self.postings.setdefault(key, []).append(i)

    def votes(self, keys, exclude=()):
        """Per label, the similarity-weighted votes of the nearest corrections (None when no
        correction is similar enough); they sum to the best similarity."""
        overlap = {}
        for key in keys:
            posting = self.postings.get(key)
            if posting is not None and len(posting) <= _MAX_POSTING:
                for i in posting:
                    overlap[i] = overlap.get(i, 0) + 1
        if not overlap or not keys:
            return None
        nearest = sorted(
            (
                (count / math.sqrt(len(keys) * len(self.keysets[i])), i)
                for i, count in overlap.items()
                if i not in exclude
            ),
            reverse=True,
        )[:_NEIGHBOURS]
        votes = [0.0] * self.size
        for similarity, i in nearest:
            if similarity >= _MIN_SIMILARITY:
                votes[self.labels[i]] += similarity
        total = sum(votes)
        if not total:
            return None
        best = nearest[0][0]
        return [v / total * best for v in votes]


def _offset(prepared, base):
    """The fixed logits a stage correction is learnt on top of: the shipped model's, or the
    rules' scores when no shipped model is installed."""
    if base is not None:
        return stage_logits(base, prepared)
    return [prepared.rules.scores[s] for s in STAGES]


def _words_only(features):
    """The word, prefix and word-pair features of words of 3+ letters.

    A company model over stage labels learns vocabulary only: were it to learn the generic
    signals too (question, length, tone, the per-stage bias), a day of corrections that
    happen to be mostly support questions would tilt every other mention towards support.
    """
    return Features(
        {
            key: features.values[key]
            for key, token in features.words.items()
            if len(token) >= _MIN_WORD
        },
        features.words,
    )


def _word_keys(features):
    return [key for key, token in features.words.items() if len(token) >= _MIN_WORD]


def _train(examples, names, offsets):
    return train_linear(
        examples,
        names,
        epochs=_epochs(len(examples)),
        rate=_RATE,
        l2=_L2,
        offsets=offsets,
        model=LinearModel(names),
    )


def _held_out_pull(examples, names, offsets, keysets):
    """The pulls of the word model and of the nearest corrections that best predict
    corrections they were not fitted on.

    The corrections are split in `_FOLDS`; a word model and a memory built from the others
    score each fold at every candidate pair, and the pair with the lowest held-out log-loss
    wins ((0, 0) when the corrections teach nothing that carries over to new mentions).
    """
    recent = list(range(len(examples)))[-_CALIBRATION_ROWS:]
    grid = [(scale, recall) for scale in _SCALES for recall in _RECALLS]
    loss = dict.fromkeys(grid, 0.0)
    labels = [label for _, label in examples]
    index = {name: k for k, name in enumerate(names)}
    for fold in range(_FOLDS):
        held = [i for n, i in enumerate(recent) if n % _FOLDS == fold]
        held_set = set(held)
        kept = [i for i in range(len(examples)) if i not in held_set]
        model = _train([examples[i] for i in kept], names, [offsets[i] for i in kept])
        memory = _Memory([keysets[i] for i in kept], [labels[i] for i in kept], names)
        for i in held:
            own = model.logits(examples[i][0])
            votes = memory.votes(keysets[i]) or [0.0] * len(names)
            for scale, recall in grid:
                logits = [
                    o + scale * w + recall * v
                    for o, w, v in zip(offsets[i], own, votes, strict=True)
                ]
                loss[scale, recall] -= math.log(max(softmax(logits)[index[labels[i]]], 1e-12))
    return min(grid, key=lambda pair: (round(loss[pair], 6), pair))


def fit_corrections(prepared, labels, base=None):
    """A CompanyFit from corrections: `prepared` (stage_model.Prepared) and their labels.

    Stage labels are learnt on top of `base` (the shipped model by default) with the pull
    the corrections earn on held-out corrections; any other label set is learnt from scratch.
    """
    base = base or base_model()
    is_stage = all(label in STAGES for label in labels)
    names = STAGES if is_stage else tuple(sorted(set(labels)))
    if not is_stage:
        examples = [(p.features, label) for p, label in zip(prepared, labels, strict=True)]
        return CompanyFit(_train(examples, names, None), names, False, len(examples))
    examples = [(_words_only(p.features), label) for p, label in zip(prepared, labels, strict=True)]
    offsets = [_offset(p, base) for p in prepared]
    keysets = [_word_keys(p.features) for p in prepared]
    if len(examples) >= _MIN_CALIBRATION:
        scale, recall = _held_out_pull(examples, names, offsets, keysets)
    else:
        scale, recall = company_scale(len(examples)), 0.0
    model = _train(examples, names, offsets)
    memory = _Memory(keysets, labels, names)
    return CompanyFit(model, names, True, len(examples), base, scale, memory, recall)


class StageModel:
    """Corrections of one company → P(label | text), learnt on top of the shipped model."""

    VERSION = 2

    def __init__(self):
        self.rows = []  # [(text, lang, label)], oldest first
        self._fits = {}

    @property
    def n_samples(self):
        return len(self.rows)

    @property
    def stages(self):
        return sorted({label for _, _, label in self.rows})

    def train(self, samples):
        """Add `samples` — (text, lang, label) tuples — to what the model knows."""
        for text, lang, label in samples:
            if label:
                self.rows.append((text or "", lang or "", label))
        del self.rows[:-MAX_ROWS]
        self._fits.clear()
        return self

    def fitted(self, featurizer):
        """The corrections fitted with `featurizer`'s brand configuration (cached)."""
        fit = self._fits.get(featurizer.key)
        if fit is None and self.rows:
            fit = self._fits[featurizer.key] = self._fit(featurizer)
        return fit

    def _fit(self, featurizer):
        prepared = [featurizer.prepare(text, lang) for text, lang, _ in self.rows]
        return fit_corrections(prepared, [label for _, _, label in self.rows])

    def predict_proba(self, text, lang, featurizer=None):
        """{label: probability} (empty when untrained); without a featurizer, brand names are
        read as plain words."""
        if not self.rows:
            return {}
        featurizer = featurizer or _plain_featurizer()
        fit = self.fitted(featurizer)
        prepared = featurizer.prepare(text or "", lang or "")
        logits = fit.logits(prepared.features, fit.offset(prepared))
        return dict(zip(fit.labels, softmax(logits), strict=True))

    def predict(self, text, lang):
        proba = self.predict_proba(text, lang)
        return max(proba, key=proba.get) if proba else ""

    def to_dict(self):
        return {"version": self.VERSION, "rows": [list(row) for row in self.rows]}

    @classmethod
    def from_dict(cls, data):
        model = cls()
        if data and data.get("version") == cls.VERSION:
            model.train(tuple(row) for row in data.get("rows", []))
        return model


_PLAIN = {}


def _plain_featurizer():
    if "featurizer" not in _PLAIN:
        _PLAIN["featurizer"] = Featurizer([])
    return _PLAIN["featurizer"]
