"""What a company's staff taught by correcting labels: a per-company model on top of the shipped one.

`StageModel` keeps the corrections (text, language, label). For the brand configuration it
is used with, the stage model is first trained further — one more pass from its own weights,
at the step its training ended with — over the shipped training set
(data/stage_training.json.gz, thousands of mentions of many industries) plus the corrections,
each repeated `RETRAIN_REPEAT` times: the company's mentions then weigh like a few hundred
more training texts of its own industry, and every weight — words, prefixes, the rules' own
signals, the question form — may move, held in place by everything else the model knows. The
difference between that model and the shipped one is the company's shift. On top of it, the
corrections fit a multinomial logistic regression over the words of the
shipped stage model's features (words, 5-letter prefixes, word pairs; brand names already
replaced by placeholders). For stage labels the shipped model's logits are a fixed offset:
the company model learns only how this company's staff file mentions differently, so a few
dozen corrections already move decisions, and words no rule knows (product names, local
slang) get weights of their own. Beside it, the most similar corrected mentions vote (so
corrections the shipped model already agreed with still teach their wording). How strongly
each pulls is measured on held-out corrections (`_held_out_pull`): corrections that do not
carry over to new mentions do not change them.
Sentiment corrections are learnt the same way on top of the shipped sentiment model, with two
more pulls: the company's own label prior, and its prior within each stage (each correction
carries the stage its mention is filed in), for staff who read the tone of some kind of
mention their own way whatever its words. There the choice itself is checked too
(`_choice_carries_over`): pulls chosen on half the corrections must fix more of the other
half than none, or none is used — the shipped sentiment model already reads most businesses'
tone as their staff do, and the best of hundreds of pulls on a hundred corrections is often
only the luckiest. Any other label set gets a plain per-company logistic regression.

The corrections serialise to JSON, so Odoo keeps them in a Json field. Their fit (a few
seconds of CPU with the stage's pass over the training texts, four such passes from
`_MIN_CALIBRATION` corrections on, see `_shift_earned`) is made once, stored beside them
(`export_fit`: JSON and the shift's packed doubles) and loaded by every server process
(`import_fit`), bit for bit the same decisions; Odoo makes it in a background job, never while
a delivery waits.
"""

import hashlib
import json
import math
import sys
import zlib
from array import array

from .classify import STAGES
from .sentiment_model import LABELS as SENTIMENT_LABELS
from .sentiment_model import WEIGHTS_PATH as SENTIMENT_WEIGHTS_PATH
from .sentiment_model import base_logits as sentiment_base_logits
from .sentiment_model import features as sentiment_features
from .stage_model import WEIGHTS_PATH as STAGE_WEIGHTS_PATH
from .stage_model import (
    Features,
    Featurizer,
    LinearModel,
    base_model,
    softmax,
    stage_logits,
    train_linear,
)
from .text import tokenize

__all__ = [
    "StageModel",
    "SentimentLearner",
    "CompanyFit",
    "company_scale",
    "MAX_ROWS",
    "fit_corrections",
    "PULLS",
]

# Most recent corrections a model keeps and fits on.
MAX_ROWS = 2000
# Times each correction counts when the stage model is trained further with the corrections
# (chosen on the learning curve of bench/nlp.py: 3 and 6 gave the same). The shift counts
# in full from `RETRAIN_FULL` corrections on, by the square of their share below (one or two
# mistaken corrections move little).
RETRAIN_REPEAT = 3
RETRAIN_FULL = 10
# One pass, at the step the shipped model's training ends with (stage_train: RATE / (1 + 4 · 0.5)).
RETRAIN_EPOCHS = 1
RETRAIN_RATE = 0.1
# Weight differences below this are not kept in a company's shift.
_SHIFT_EPSILON = 1e-6
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
# Pulls tried for the company's own label prior: a bias per label fitted to the corrections on
# top of the shipped logits (a business whose staff call more mentions neutral than the
# training set's writers do), its L2 penalty `_PRIOR_STRENGTH` per unit of bias (the gradient
# of a correction's log-loss is at most 1: a bias needs several corrections behind it); it is
# used only where it wins on held-out corrections, like the other pulls.
_PRIORS = (0.0, 0.5, 1.0)
_PRIOR_STRENGTH = 2.0
_PRIOR_STEPS = 60
# ... and for a label set read beside a group (sentiment beside the mention's stage): a bias
# per group on top of the company's prior (staff who call every support request negative, or
# every first review positive, whatever its words), tried at these pulls (the same penalty:
# a harder one left most of such a convention unlearnt after 100 corrections).
_GROUP_PRIORS = (0.0, 0.5, 1.0)
# What a fit's `pull` reports, in this order (0 for each when nothing was earned).
PULLS = ("shift", "words", "nearest", "prior", "group prior")
# Nearest corrections consulted, the similarity below which one does not vote, and the
# number of corrections beyond which a word is too common to find neighbours by.
_NEIGHBOURS = 5
_MIN_SIMILARITY = 0.3
_MAX_POSTING = 300
# How similar the nearest correction must be for a pull earned on confidence alone to change
# a decision (a brand name and one common word shared with a confirmed mention are not enough).
_GUARD_SIMILARITY = 0.5
# Shorter words (в, на, и, of) are everywhere and teach a company model nothing.
_MIN_WORD = 3
# Step size and L2 decay of the company model's gradient descent.
_RATE = 0.3
_L2 = 1e-3
# What the company's stage model learns from: "words" (words, prefixes, word pairs) or "all"
# (every feature of the shipped model, its generic signals included).
STAGE_DELTA = "words"
# How the pulls are chosen on held-out corrections: "errors" (fewest wrong, then log-loss)
# or "loss" (log-loss alone).
SELECT_BY = "errors"
# Held-out corrections a pull must fix beyond none: this many plus this share of them.
_MIN_GAIN = 2
_MIN_GAIN_SHARE = 0.02
# ... or the held-out log-loss a pull must reach, as a share of the loss with none.
_MIN_LOSS_RATIO = 0.8
# Sentiment: outer folds on which the choice of pulls itself is checked, and the held-out
# corrections it must fix beyond none over them (see `_choice_carries_over`).
_OUTER_FOLDS = 2
_MIN_OUTER_GAIN = 1
# What the company's sentiment model learns from: "lexical" (words, stems, character
# n-grams, emoji) or "all" (the shipped model's signals and bias too).
SENTIMENT_DELTA = "lexical"


def company_scale(n_samples):
    """Pull of a handful of corrections, too few to measure it on held-out ones."""
    return 0.5 * n_samples / (n_samples + HALF_SCALE_SAMPLES) if n_samples else 0.0


def _epochs(n_samples):
    return max(3, min(15, _FIT_BUDGET // max(n_samples, 1)))


class CompanyFit:
    """The corrections fitted for one brand configuration."""

    def __init__(
        self,
        model,
        labels,
        is_stage,
        n_samples,
        base=None,
        scale=1.0,
        memory=None,
        recall=0.0,
        shift=None,
        guarded=False,
        prior=None,
        group_priors=None,
    ):
        self.model = model
        # the company's label bias times its earned pull (None: none earned)
        self.prior = prior
        # {group: the bias of the label set within that group times its earned pull}
        self.group_priors = group_priors or {}
        # The pull was earned by predicting agreeing corrections more confidently, not by
        # fixing any: it may then change a decision only where similar corrections vote so.
        self.guarded = guarded
        # weights of the model trained further with the corrections minus the shipped ones
        self.shift = shift
        self.base = base
        self.labels = labels
        self.is_stage = is_stage
        self.scale = scale
        self.n_samples = n_samples
        self.memory = memory
        self.recall = recall

    @property
    def pull(self):
        """How strongly the corrections pull: the word model's scale, the nearest
        corrections' weight (both earned on held-out corrections)."""
        return {
            "shift": 1.0 if self.shift is not None else 0.0,
            "words": self.scale,
            "nearest": self.recall,
            "prior": max(map(abs, self.prior)) if self.prior else 0.0,
            "group prior": max(
                (abs(b) for bias in self.group_priors.values() for b in bias), default=0.0
            ),
        }

    @property
    def explainer(self):
        """The model whose word weights explain a decision the corrections changed."""
        if self.shift is not None and self.base is not None:
            return _Shifted(self.base, self.shift)
        return self.model

    def offset(self, prepared):
        """The logits the company's pull is added to (None for a label set of its own)."""
        return _offset(prepared, self.base) if self.is_stage else None

    def logits(self, features, offset=None, keys=None, group=None):
        """Offset (the shipped model's / the rules' logits) plus the company's pull: its
        word model, its label prior (within `group`, when the corrections earned one there)
        and the votes of the most similar corrected mentions (found by `keys`, by default the
        words of `features`)."""
        own = self.model.logits(features)
        if offset is None:
            return own
        if self.shift is not None:
            trust = min(1.0, self.n_samples / RETRAIN_FULL) ** 2
            moved = self.shift.logits(features)
            offset = [o + trust * m for o, m in zip(offset, moved, strict=True)]
        logits = [o + self.scale * w for o, w in zip(offset, own, strict=True)]
        for bias in (self.prior, self.group_priors.get(group)):
            if bias:
                logits = [v + b for v, b in zip(logits, bias, strict=True)]
        votes = None
        if self.memory is not None and (self.recall or self.guarded):
            votes = self.memory.votes(_word_keys(features) if keys is None else keys)
        if votes is not None and self.recall:
            logits = [v + self.recall * n for v, n in zip(logits, votes, strict=True)]
        if self.guarded:
            decided = logits.index(max(logits))
            if decided != offset.index(max(offset)) and not _backed(votes, decided):
                return offset
        return logits

    def to_store(self):
        """(JSON-able dict, bytes or None): everything `from_store` needs to rebuild this fit
        exactly — the shift, a row per weight of the stage model, as packed doubles."""
        meta = {
            "labels": list(self.labels),
            "is_stage": self.is_stage,
            "n_samples": self.n_samples,
            "base": self.base is not None,
            "scale": self.scale,
            "recall": self.recall,
            "guarded": self.guarded,
            "prior": self.prior,
            "group_priors": self.group_priors,
            "model": {
                "labels": list(self.model.labels),
                "keys": list(self.model.weights),
                "rows": [list(row) for row in self.model.weights.values()],
            },
            "memory": self.memory.to_json() if self.memory is not None else None,
        }
        return meta, (pack_rows(self.shift) if self.shift is not None else None)

    @classmethod
    def from_store(cls, meta, blob=None):
        own = meta["model"]
        memory = meta["memory"]
        return cls(
            LinearModel(own["labels"], dict(zip(own["keys"], own["rows"], strict=True))),
            tuple(meta["labels"]),
            meta["is_stage"],
            meta["n_samples"],
            base_model() if meta["base"] else None,
            meta["scale"],
            _Memory(memory["keysets"], memory["labels"], memory["names"]) if memory else None,
            meta["recall"],
            shift=unpack_rows(blob) if blob else None,
            guarded=meta["guarded"],
            prior=meta["prior"],
            group_priors=meta["group_priors"],
        )


def pack_rows(model):
    """A LinearModel with integer keys as compressed bytes (its rows' doubles as they are)."""
    keys = array("q", model.weights)
    values = array("d")
    for row in model.weights.values():
        values.extend(row)
    head = json.dumps({"labels": list(model.labels), "n": len(keys), "order": sys.byteorder})
    head = head.encode()
    return zlib.compress(
        len(head).to_bytes(4, "little") + head + keys.tobytes() + values.tobytes(), 1
    )


def unpack_rows(blob):
    """The LinearModel `pack_rows` packed (rows as read-only arrays of doubles)."""
    raw = zlib.decompress(blob)
    size = int.from_bytes(raw[:4], "little")
    head = json.loads(raw[4 : 4 + size])
    start = 4 + size
    keys, values = array("q"), array("d")
    keys.frombytes(raw[start : start + 8 * head["n"]])
    values.frombytes(raw[start + 8 * head["n"] :])
    if head["order"] != sys.byteorder:
        keys.byteswap()
        values.byteswap()
    width = len(head["labels"])
    return LinearModel(
        head["labels"], {key: values[i * width : (i + 1) * width] for i, key in enumerate(keys)}
    )


_SHIPPED_VERSION = {}


def shipped_version():
    """Identifies the shipped stage and sentiment weights a fit was made on top of: a stored fit
    made on other weights (before a module upgrade) is not used."""
    if "version" not in _SHIPPED_VERSION:
        digest = hashlib.sha1(usedforsecurity=False)
        for path in (STAGE_WEIGHTS_PATH, SENTIMENT_WEIGHTS_PATH):
            try:
                with open(path, "rb") as handle:
                    digest.update(handle.read())
            except OSError:
                digest.update(b"-")
        _SHIPPED_VERSION["version"] = digest.hexdigest()[:16]
    return _SHIPPED_VERSION["version"]


def brands_key(featurizer):
    """The brand configuration a stage fit was made for, as a string."""
    return json.dumps(featurizer.key, ensure_ascii=False) if featurizer is not None else ""


def _export(fit, featurizer=None):
    meta, blob = fit.to_store()
    return {"shipped": shipped_version(), "brands": brands_key(featurizer), "fit": meta}, blob


def _imported(stored, blob):
    """The CompanyFit `stored` holds, or None when made on other shipped weights."""
    if not stored or stored.get("shipped") != shipped_version():
        return None
    return CompanyFit.from_store(stored["fit"], blob)


def _backed(votes, label):
    """Whether the nearest corrections vote mostly for `label`, the best of them sharing at
    least half its words with the mention (`_GUARD_SIMILARITY`)."""
    return bool(votes) and votes[label] == max(votes) and sum(votes) >= _GUARD_SIMILARITY


class _Shifted(LinearModel):
    """The shipped weights plus a company's shift, for explaining a decision."""

    def __init__(self, base, shift):
        super().__init__(base.labels)
        self.base, self.shift = base, shift

    def row(self, key):
        base, shift = self.base.weights.get(key), self.shift.weights.get(key)
        if base is None or shift is None:
            return base if shift is None else list(shift)
        return [a + b for a, b in zip(base, shift, strict=True)]


class _Memory:
    """The corrected mentions as sets of word keys, for the nearest ones to a new mention.

    Cosine similarity of word-key sets through an inverted index; keys shared by more than
    `_MAX_POSTING` corrections are too common to tell mentions apart and are skipped.
    """

    def __init__(self, keysets, labels, names):
        index = {name: k for k, name in enumerate(names)}
        self.names = tuple(names)
        self.size = len(names)
        self.keysets = [frozenset(keys) for keys in keysets]
        self.labels = [index[label] for label in labels]
        self.postings = {}
        for i, keys in enumerate(self.keysets):
            for key in keys:
                self.postings.setdefault(key, []).append(i)

    def to_json(self):
        return {
            "keysets": [sorted(keys) for keys in self.keysets],
            "labels": [self.names[k] for k in self.labels],
            "names": list(self.names),
        }

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


def _fit_prior(offsets, labels, names):
    """A bias per label that, added to `offsets`, best predicts `labels` (penalty
    `_PRIOR_STRENGTH` times the squared bias / 2): a company's own label prior, one number per
    label however many corrections there are."""
    index = {name: k for k, name in enumerate(names)}
    targets = [index[label] for label in labels]
    bias = [0.0] * len(names)
    # gradient descent at the step the loss's curvature allows (softmax: at most 1/2 per label)
    rate = 2.0 / (len(targets) + _PRIOR_STRENGTH)
    for _ in range(_PRIOR_STEPS):
        grad = [_PRIOR_STRENGTH * b for b in bias]
        for offset, target in zip(offsets, targets, strict=True):
            proba = softmax([o + b for o, b in zip(offset, bias, strict=True)])
            for k, p in enumerate(proba):
                grad[k] += p - (k == target)
        bias = [b - rate * g for b, g in zip(bias, grad, strict=True)]
    mean = sum(bias) / len(bias)
    return [b - mean for b in bias]


def _fit_group_priors(offsets, labels, names, groups, prior):
    """{group: bias} fitted on each group's corrections on top of `offsets` plus the
    company's `prior` (a group with few corrections stays near the company's prior)."""
    members = {}
    for i, group in enumerate(groups):
        if group:
            members.setdefault(group, []).append(i)
    return {
        group: _fit_prior(
            [[o + b for o, b in zip(offsets[i], prior, strict=True)] for i in rows],
            [labels[i] for i in rows],
            names,
        )
        for group, rows in members.items()
    }


def _with_priors(offsets, groups, prior, within):
    """`offsets` plus the company's label prior and its prior within each one's group: what
    the word model learns on top of, so that its words explain what the priors do not."""
    zero = [0.0] * len(prior)
    return [
        [
            o + b + g
            for o, b, g in zip(
                offset, prior, within.get(groups[i], zero) if groups else zero, strict=True
            )
        ]
        for i, offset in enumerate(offsets)
    ]


def _folds(n):
    """The held-out folds of `n` corrections: indices of the most recent `_CALIBRATION_ROWS`,
    dealt in turn into `_FOLDS` lists."""
    recent = list(range(n))[-_CALIBRATION_ROWS:]
    return [[i for k, i in enumerate(recent) if k % _FOLDS == fold] for fold in range(_FOLDS)]


def _held_out_pull(examples, names, offsets, keysets, groups=None, fold_offsets=None):
    """The pulls of the word model and of the nearest corrections that best predict
    corrections they were not fitted on.

    The corrections are split in `_FOLDS`; a word model and a memory built from the others
    score each fold at every candidate pair, and the pair with the lowest held-out log-loss
    wins ((0, 0) when the corrections teach nothing that carries over to new mentions).
    The company's label prior (`_fit_prior`) is tried at each pull of `_PRIORS` beside them,
    and with `groups` (one per correction) the prior within each group at `_GROUP_PRIORS`.
    `fold_offsets`, when given, holds per fold the offsets of every correction by a model that
    did not see that fold's corrections (instead of `offsets`).
    Returns (scale, recall, prior, group prior, guarded): guarded when the choice fixes no
    more held-out corrections than none and was chosen for its confidence alone (see
    CompanyFit).
    """
    folds = _folds(len(examples))
    recent = [i for fold in folds for i in fold]
    group_pulls = _GROUP_PRIORS if groups and any(groups) else (0.0,)
    grid = [
        (scale, recall, prior, group)
        for scale in _SCALES
        for recall in _RECALLS
        for prior in _PRIORS
        for group in group_pulls
    ]
    loss = dict.fromkeys(grid, 0.0)
    errors = dict.fromkeys(grid, 0)
    labels = [label for _, label in examples]
    index = {name: k for k, name in enumerate(names)}
    for fold, held in enumerate(folds):
        these = fold_offsets[fold] if fold_offsets else offsets
        held_set = set(held)
        kept = [i for i in range(len(examples)) if i not in held_set]
        memory = _Memory([keysets[i] for i in kept], [labels[i] for i in kept], names)
        kept_offsets, kept_labels = [these[i] for i in kept], [labels[i] for i in kept]
        kept_groups = [groups[i] for i in kept] if groups else None
        bias = _fit_prior(kept_offsets, kept_labels, names)
        within = (
            _fit_group_priors(kept_offsets, kept_labels, names, kept_groups, bias)
            if len(group_pulls) > 1
            else {}
        )
        model = _train(
            [examples[i] for i in kept],
            names,
            _with_priors(kept_offsets, kept_groups, bias, within),
        )
        zero = [0.0] * len(names)
        for i in held:
            own = model.logits(examples[i][0])
            votes = memory.votes(keysets[i]) or zero
            extra = within.get(groups[i], zero) if within else zero
            for scale, recall, prior, group in grid:
                logits = [
                    o + scale * w + recall * v + prior * b + group * g
                    for o, w, v, b, g in zip(these[i], own, votes, bias, extra, strict=True)
                ]
                proba = softmax(logits)
                key = scale, recall, prior, group
                loss[key] -= math.log(max(proba[index[labels[i]]], 1e-12))
                errors[key] += _misses(proba, index[labels[i]])
    return _choose_pull(grid, errors, loss, len(recent))


def _min_gain(held):
    """Held-out corrections a pull must fix beyond none, of `held` corrections."""
    return _MIN_GAIN + _MIN_GAIN_SHARE * held


def _choose_pull(grid, errors, loss, held):
    """(scale, recall, prior, group prior, guarded) of the `grid` by held-out `errors` and
    `loss` over `held` corrections (see `_held_out_pull`)."""
    if SELECT_BY == "errors":
        none = (0.0, 0.0, 0.0, 0.0)
        best = min(grid, key=lambda pair: (errors[pair], round(loss[pair], 6), pair))
        # Among hundreds of pulls one wins on held-out corrections by luck alone: a pull is used when
        # it fixes clearly more held-out corrections than none does, or, fixing as many,
        # predicts them much more confidently (corrections the shipped model agreed with).
        if errors[none] - errors[best] >= _min_gain(held):
            return (*best, False)
        safe = min(
            (pair for pair in grid if errors[pair] <= errors[none]),
            key=lambda pair: (round(loss[pair], 6), pair),
        )
        if loss[safe] <= _MIN_LOSS_RATIO * loss[none]:
            return (*safe, True)
        return (*none, False)
    return (*min(grid, key=lambda pair: (round(loss[pair], 6), pair)), False)


def _fit_offset_model(
    features,
    offsets,
    keysets,
    labels,
    names,
    is_stage=False,
    base=None,
    groups=None,
    fold_offsets=None,
):
    """A CompanyFit of corrections on top of fixed `offsets`, with the pulls earned on
    held-out corrections (a set pull below `_MIN_CALIBRATION` corrections); `fold_offsets`
    as `_held_out_pull` takes them."""
    examples = list(zip(features, labels, strict=True))
    if len(examples) >= _MIN_CALIBRATION:
        pulls = _held_out_pull(examples, names, offsets, keysets, groups, fold_offsets)
        if (
            not is_stage
            and any(pulls[:4])
            and not _choice_carries_over(examples, names, offsets, keysets, groups)
        ):
            pulls = (0.0, 0.0, 0.0, 0.0, False)
    else:
        pulls = company_scale(len(examples)), 0.0, 0.0, 0.0, False
    return _company_fit(examples, names, offsets, keysets, groups, pulls, is_stage, base)


def _company_fit(examples, names, offsets, keysets, groups, pulls, is_stage=False, base=None):
    """The CompanyFit of `examples` ((features, label) pairs) on top of `offsets` at `pulls`
    (scale, recall, prior, group prior, guarded)."""
    scale, recall, prior, group, guarded = pulls
    labels = [label for _, label in examples]
    bias = _fit_prior(offsets, labels, names) if prior or group else None
    within = _fit_group_priors(offsets, labels, names, groups, bias) if group else {}
    model = _train(
        examples, names, _with_priors(offsets, groups, bias, within) if bias else offsets
    )
    memory = _Memory(keysets, labels, names)
    # A stage's offsets are the model trained further with these very corrections: that it
    # already predicts the held-out ones says nothing of whether they only confirm the shipped
    # model, so the guard is for label sets learnt on the shipped model alone (sentiment).
    return CompanyFit(
        model,
        names,
        is_stage,
        len(examples),
        base,
        scale,
        memory,
        recall,
        guarded=guarded and not is_stage,
        prior=[prior * b for b in bias] if prior else None,
        group_priors={g: [group * b for b in values] for g, values in within.items()},
    )


def _choice_carries_over(examples, names, offsets, keysets, groups):
    """Whether pulls chosen the way `_held_out_pull` chooses them, on all the corrections but
    an outer fold, predict that fold better than none does (summed over `_OUTER_FOLDS`).

    Among the hundreds of pulls tried one wins on held-out corrections by luck alone: the
    choice, not each pull, is what has to carry over to the company's other mentions (a
    business whose staff read tone as the shipped model does gains nothing, and the lucky
    winner cost it points; a house convention wins over the outer folds too)."""
    folds = _outer_folds(len(examples))
    gain = 0
    for held in folds:
        held_set = set(held)
        kept = [i for i in range(len(examples)) if i not in held_set]
        if len(kept) < _MIN_CALIBRATION:
            # too few to choose pulls on: the choice on all of them stands unchecked
            return True

        def part(values, rows=kept):
            return [values[i] for i in rows] if values else values

        pulls = _held_out_pull(part(examples), names, part(offsets), part(keysets), part(groups))
        if not any(pulls[:4]):
            continue
        fit = _company_fit(part(examples), names, part(offsets), part(keysets), part(groups), pulls)
        for i in held:
            target = names.index(examples[i][1])
            logits = fit.logits(
                examples[i][0], offsets[i], keysets[i], group=groups[i] if groups else None
            )
            gain += _misses(offsets[i], target) - _misses(logits, target)
    return gain >= _MIN_OUTER_GAIN


def _outer_folds(n):
    """The outer folds of `n` corrections: the most recent `_CALIBRATION_ROWS`, dealt in
    turn into `_OUTER_FOLDS` lists (across the inner folds' deal)."""
    recent = list(range(n))[-_CALIBRATION_ROWS:]
    return [
        [i for k, i in enumerate(recent) if (k // _FOLDS) % _OUTER_FOLDS == fold]
        for fold in range(_OUTER_FOLDS)
    ]


def _misses(scores, target):
    """Whether `scores` (probabilities or logits) rank another label above `target`."""
    return scores[target] < max(scores)


def _difference(model, base):
    """A LinearModel of `model`'s weights minus `base`'s (the rows that differ)."""
    zero = [0.0] * len(model.labels)
    weights = {}
    for key in set(model.weights) | set(base.weights):
        row = [
            a - b
            for a, b in zip(model.weights.get(key, zero), base.weights.get(key, zero), strict=True)
        ]
        if any(abs(v) > _SHIFT_EPSILON for v in row):
            weights[key] = array("d", row)  # no float objects: a shift is kept per company
    return LinearModel(model.labels, weights)


def _retrained(prepared, labels, base, training):
    """The stage model trained further on `training` (the examples `base` was trained on; the
    shipped ones for the shipped model) plus the corrections, or None when they are unknown."""
    from .stage_train import L2, read_training_examples, training_examples

    if training is None:
        if base is not base_model():
            return None
        training = read_training_examples()
    if not training or not prepared:
        return None
    own = training_examples(list(zip(prepared, labels, strict=True)))
    # Trained further, not again from nothing: the model `base` (its own weights copied) makes
    # one more pass over its training examples with the corrections among them, at the step of
    # its last epochs — a fifth of a full training's time (the set has grown to over 10,000 texts).
    model = LinearModel(STAGES, {key: list(row) for key, row in base.weights.items()})
    return train_linear(
        list(training) + own * RETRAIN_REPEAT,
        STAGES,
        epochs=RETRAIN_EPOCHS,
        rate=RETRAIN_RATE,
        l2=L2,
        model=model,
    )


def _shift_earned(prepared, labels, base, training):
    """(offsets per fold, earned): for each fold of `_folds`, the offsets of every correction
    by `base` trained further without that fold's corrections; earned when those models file
    clearly more held-out corrections right than `base` alone (as a word pull must:
    `_MIN_GAIN` + `_MIN_GAIN_SHARE`). On two rounds of new writers' businesses the shift
    always applied left the rest of their mentions 0.1-0.7 points of macro-F1 below no
    correction, and kept whenever it merely predicted held-out corrections more confidently,
    0.2-0.4 points below (bench/held_out.py --curve): a company whose staff file mentions as
    the training set's writers do gains nothing from moving every weight of the model."""
    index = {name: k for k, name in enumerate(STAGES)}
    score = {"base": [0, 0.0], "shift": [0, 0.0]}
    per_fold = []
    folds = _folds(len(prepared))
    for held in folds:
        held_set = set(held)
        kept = [i for i in range(len(prepared)) if i not in held_set]
        model = _retrained([prepared[i] for i in kept], [labels[i] for i in kept], base, training)
        offsets = [_offset(p, model) for p in prepared]
        per_fold.append(offsets)
        for i in held:
            target = index[labels[i]]
            for name, logits in (("base", _offset(prepared[i], base)), ("shift", offsets[i])):
                proba = softmax(logits)
                score[name][0] += _misses(proba, target)
                score[name][1] -= math.log(max(proba[target], 1e-12))
    held = sum(map(len, folds))
    return per_fold, score["base"][0] - score["shift"][0] >= _min_gain(held)


def fit_corrections(prepared, labels, base=None, training=None):
    """A CompanyFit from corrections: `prepared` (stage_model.Prepared) and their labels.

    Stage labels: the model `base` (the shipped one by default) is trained further on its
    training examples (`training`; the shipped ones for the shipped model) plus the
    corrections, and the corrections' word model and nearest corrections are learnt on top of
    that, with the pull they earn on held-out corrections. Any other label set is learnt from
    scratch.
    """
    base = base or base_model()
    is_stage = all(label in STAGES for label in labels)
    names = STAGES if is_stage else tuple(sorted(set(labels)))
    if not is_stage:
        examples = [(p.features, label) for p, label in zip(prepared, labels, strict=True)]
        return CompanyFit(_train(examples, names, None), names, False, len(examples))
    retrained = _retrained(prepared, labels, base, training) if base is not None else None
    fold_offsets = None
    if retrained is not None and len(prepared) >= _MIN_CALIBRATION:
        # the shift, and the pulls on top of it, are measured on corrections the model
        # trained further did not see
        fold_offsets, earned = _shift_earned(prepared, labels, base, training)
        if not earned:
            retrained = fold_offsets = None
    features = [_words_only(p.features) if STAGE_DELTA == "words" else p.features for p in prepared]
    fit = _fit_offset_model(
        features,
        [_offset(p, retrained or base) for p in prepared],
        [_word_keys(p.features) for p in prepared],
        list(labels),
        names,
        is_stage=True,
        base=base,
        fold_offsets=fold_offsets,
    )
    if retrained is not None:
        fit.shift = _difference(retrained, base)
    return fit


class StageModel:
    """Corrections of one company → P(label | text), learnt on top of the shipped model."""

    VERSION = 2

    def __init__(self):
        self.rows = []  # [(text, lang, label)], oldest first
        self._fits = {}  # {brands_key: CompanyFit}
        # Loaded from storage to be used as it is: a brand configuration it was not fitted for
        # gets the stored fit rather than a fit made on the spot (see `fitted`).
        self.frozen = False

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
        """The corrections fitted with `featurizer`'s brand configuration (cached); a frozen
        model answers with the fit it was loaded with whatever the configuration."""
        key = brands_key(featurizer)
        fit = self._fits.get(key)
        if fit is None and self.rows:
            if self.frozen and self._fits:
                return next(iter(self._fits.values()))
            fit = self._fits[key] = self._fit(featurizer)
        return fit

    def export_fit(self, featurizer):
        """(JSON-able dict, bytes or None): the fit for `featurizer`'s brand configuration, made
        now unless already made, for `import_fit` in another process."""
        return _export(self.fitted(featurizer), featurizer)

    def import_fit(self, stored, blob=None):
        """Use a fit `export_fit` made (for these very corrections); False when it was made on
        other shipped weights (it is then ignored)."""
        fit = _imported(stored, blob)
        if fit is not None:
            self._fits[stored["brands"]] = fit
        return fit is not None

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


# --- sentiment -------------------------------------------------------------------------------


def _sentiment_keys(text):
    """Word keys of a text for the nearest corrected mentions: 5-letter prefixes of its
    words of 3+ letters (a stem in any language)."""
    return sorted({token[:5] for token in tokenize(text or "") if len(token) >= _MIN_WORD})


# Tried for sentiment and not kept (learning curve of bench/nlp.py on 8 industries outside the
# ones the figures are measured on, 2-3 shuffles, accuracy of the rest after 25 / 50 / 100
# corrections): the word model at pull 0.5 or 1 or the nearest corrections at pull 2, a prior
# shift fitted to the corrections and always applied, and the shipped weights trained one pass
# further over 3,000 training mentions plus the corrections each lost 0.15-1.2 points. The
# training set's writers label sentiment alike across industries (support mentions are 44-52 %
# negative in 8 industries of 10, churn 57-69 %): a business's corrections hold little its
# model has not learnt from the others. Where a company's staff do read tone their own way
# (bench/held_out.py --convention), the priors earned on held-out corrections — overall and
# within a stage — are what moves the rest of its mentions (tests/test_learn.py).
class SentimentLearner:
    """Corrected sentiments of one company → P(negative / neutral / positive | text), learnt
    on top of the shipped sentiment model the same way stages are: the shipped logits are a
    fixed offset, a company model over the same features (words, stems, character n-grams,
    emoji, the lexicon's signals) learns what this company's staff read differently, and the
    most similar corrected mentions vote. A correction may carry the mention's stage: the
    company's label prior is then also learnt per stage (staff who call every support request
    negative whatever its words, or every review with stars positive), and a mention's
    sentiment is read beside its stage once the stage is decided. Every pull is earned on
    held-out corrections.

    Interface: ``train``, ``predict_proba``, ``predict``, ``n_samples``, ``reads_stages``,
    ``to_dict`` / ``from_dict`` (sentiment.learnt_sentiment() and the pipeline use it).
    """

    VERSION = 2

    def __init__(self):
        self.rows = []  # [(text, lang, label, stage code or "")], oldest first
        self._fit = None
        self.frozen = False  # loaded from storage (kept for the same interface as StageModel)

    @property
    def n_samples(self):
        return len(self.rows)

    @property
    def pull(self):
        fit = self.fitted()
        return fit.pull if fit is not None else dict.fromkeys(PULLS, 0.0)

    @property
    def reads_stages(self):
        """Whether the corrections earned a label prior within some stage (the sentiment
        then depends on the mention's stage)."""
        fit = self.fitted()
        return bool(fit is not None and fit.group_priors)

    def train(self, samples):
        """Add `samples` — (text, lang, label) or (text, lang, label, stage) tuples, label one
        of sentiment_model.LABELS, stage the mention's stage code when known."""
        for text, lang, label, *stage in samples:
            if label in SENTIMENT_LABELS and text:
                self.rows.append((text, lang or "", label, (stage[0] if stage else "") or ""))
        del self.rows[:-MAX_ROWS]
        self._fit = None
        return self

    def export_fit(self, featurizer=None):
        """(JSON-able dict, None): the fit, made now unless already made, for `import_fit` in
        another process (`featurizer` is not used: tone reads no brand configuration)."""
        return _export(self.fitted())

    def import_fit(self, stored, blob=None):
        """Use a fit `export_fit` made (for these very corrections); False when it was made on
        other shipped weights."""
        fit = _imported(stored, blob)
        if fit is not None:
            self._fit = fit
        return fit is not None

    def fitted(self):
        if self._fit is None and self.rows:
            prepared = [self._prepare(text, lang) for text, lang, _, _ in self.rows]
            self._fit = _fit_offset_model(
                [f for f, _, _ in prepared],
                [o for _, o, _ in prepared],
                [k for _, _, k in prepared],
                [label for _, _, label, _ in self.rows],
                SENTIMENT_LABELS,
                groups=[stage for _, _, _, stage in self.rows],
            )
        return self._fit

    @staticmethod
    def _prepare(text, lang):
        text = str(text or "")
        lexical = SENTIMENT_DELTA == "lexical"
        features = Features(dict(sentiment_features(text, lang or "", lexical_only=lexical)))
        return features, list(sentiment_base_logits(text, lang or "")), _sentiment_keys(text)

    def logits(self, text, lang, stage=None):
        features, offset, keys = self._prepare(text, lang)
        fit = self.fitted()
        return fit.logits(features, offset, keys, group=stage) if fit is not None else offset

    def predict_proba(self, text, lang, stage=None):
        """{label: probability} for `text` (of `stage`, when known), corrections included."""
        return dict(zip(SENTIMENT_LABELS, softmax(self.logits(text, lang, stage)), strict=True))

    def predict(self, text, lang, stage=None):
        from .sentiment import THRESHOLD, label_of
        from .sentiment_model import score_of

        return label_of(score_of(self.predict_proba(text, lang, stage), THRESHOLD))

    def to_dict(self):
        return {"version": self.VERSION, "rows": [list(row) for row in self.rows]}

    @classmethod
    def from_dict(cls, data):
        model = cls()
        if data and data.get("version") == cls.VERSION:
            model.train(tuple(row) for row in data.get("rows", []))
        return model
