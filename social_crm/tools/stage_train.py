"""Training the shipped stage model from the multi-domain training set.

The set lives in data/training/: one `<industry>.jsonl` per industry (lines with id, industry,
text, stage, sentiment, lang, platform, rating) and `industries.json` with each industry's
brand, aliases, products and competitors. Every text is featurised with its own industry's
brand configuration, so brand names turn into placeholders and the model learns only how
people talk. Used by scripts/train_stage.py (the shipped weights) and bench/nlp.py
(leave-one-industry-out).
"""

import gzip
import json
import pathlib

from .classify import STAGES
from .pipeline import Analyzer, BrandSpec, MentionInput
from .stage_model import Features, LinearModel, train_linear

__all__ = [
    "TRAINING_DIR",
    "load_training",
    "brand_specs",
    "featurise",
    "train_stage_model",
    "train_examples",
    "training_examples",
    "write_training_examples",
    "read_training_examples",
    "read_training_sentiments",
    "sentiment_scores",
    "EXAMPLES_PATH",
    "EPOCHS",
]

TRAINING_DIR = pathlib.Path(__file__).resolve().parent / "data" / "training"
# Texts written for the stage borderlines the set is thin on (a complaint with a rhetorical
# question, sarcasm without a negative word, an angry request about an identified order):
# trained on, never measured (rows carry "extra": True).
EXTRA_DIR = pathlib.Path(__file__).resolve().parent / "data" / "stage_extra"
# The training set as the model sees it (hashed features per text), shipped beside the
# weights so that a company's corrections can be learnt by training the model again with
# them (learn.py) without reading and featurising thousands of texts in a server process.
EXAMPLES_PATH = pathlib.Path(__file__).resolve().parent / "data" / "stage_training.json.gz"
# Feature values are stored to this many decimals (the shipped model is trained on the same).
_DIGITS = 4
# Passes, step size and L2 decay chosen on leave-one-industry-out macro-F1 (bench/nlp.py).
EPOCHS = 5
RATE = 0.3
L2 = 1e-3


def _read_jsonl(directory, extra):
    rows = []
    for path in sorted(pathlib.Path(directory).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(dict(json.loads(line), extra=extra))
    return rows


def load_training(directory=TRAINING_DIR, extra_directory=EXTRA_DIR):
    """(rows, industries): every labelled line of every industry file (and of the extra
    borderline texts, marked "extra"), sorted by industry and id."""
    directory = pathlib.Path(directory)
    industries = json.loads((directory / "industries.json").read_text(encoding="utf-8"))
    rows = _read_jsonl(directory, False)
    if extra_directory is not None:
        rows += [r for r in _read_jsonl(extra_directory, True) if r.get("industry") in industries]
    rows = [r for r in rows if r.get("stage") in STAGES and r.get("text")]
    rows.sort(key=lambda r: (r.get("industry", ""), str(r.get("id", ""))))
    return rows, industries


def brand_specs(config):
    """BrandSpecs of one industry's entry in industries.json."""
    if not config:
        return []
    brand = config.get("brand") or {}
    specs = [
        BrandSpec(
            brand.get("name", ""),
            list(brand.get("aliases", [])),
            list(brand.get("product_names", brand.get("products", []))),
        )
    ]
    for competitor in config.get("competitors", []):
        specs.append(
            BrandSpec(
                competitor.get("name", ""),
                list(competitor.get("aliases", [])),
                list(competitor.get("product_names", [])),
                is_competitor=True,
            )
        )
    return [s for s in specs if s.name]


def _items(rows, industries, sentiments=None):
    """(Analyzer with the row's industry's brand configuration, MentionInput) of each row;
    `sentiments` ({row id: score}) stand for the sentiment model's score where given."""
    analyzers = {}
    for row in rows:
        industry = row.get("industry", "")
        if industry not in analyzers:
            analyzers[industry] = Analyzer(brand_specs(industries.get(industry)))
        # A given score is taken as a source's own sentiment is: as it is (stars already in it).
        score = (sentiments or {}).get(row.get("id"))
        item = MentionInput(
            text=row["text"], rating=row.get("rating") or None, sentiment_score=score
        )
        yield analyzers[industry], item


def featurise(rows, industries, sentiments=None):
    """[(Prepared, stage)] of `rows`, each seen as ingest sees it (detected language, the
    sentiment steered by the stars) with its industry's brand configuration.

    `sentiments`: {row id: sentiment score} to use instead of the shipped sentiment model's
    (`cross_fitted` ones: see read_training_sentiments)."""
    return [
        (analyzer.prepare(item)[-1], row["stage"])
        for (analyzer, item), row in zip(_items(rows, industries, sentiments), rows, strict=True)
    ]


def sentiment_scores(rows, industries):
    """{row id: the sentiment score ingest gives the row} with the sentiment model in use
    (stars included, rounded as stored)."""
    return {
        row["id"]: round(analyzer.read_mention(item)[3], _DIGITS)
        for (analyzer, item), row in zip(_items(rows, industries), rows, strict=True)
    }


def training_examples(prepared):
    """[(Features, stage)] of [(Prepared, stage)], feature values rounded as they are stored."""
    return [
        (Features({k: round(v, _DIGITS) for k, v in p.features.values.items()}), stage)
        for p, stage in prepared
    ]


def train_examples(examples, epochs=EPOCHS):
    """A LinearModel over STAGES from [(Features, stage)]."""
    return train_linear(
        examples, STAGES, epochs=epochs, rate=RATE, l2=L2, model=LinearModel(STAGES)
    )


def train_stage_model(prepared, epochs=EPOCHS):
    """A LinearModel over STAGES from [(Prepared, stage)]."""
    return train_examples(training_examples(prepared), epochs=epochs)


def write_training_examples(examples, path=EXAMPLES_PATH, sentiments=None):
    """Store [(Features, stage)] and the {row id: sentiment score} they were featurised with
    (deterministic bytes: sorted keys, no gzip timestamp)."""
    index = {stage: k for k, stage in enumerate(STAGES)}
    payload = {
        "labels": list(STAGES),
        "sentiments": dict(sorted((sentiments or {}).items())),
        "examples": [
            [index[stage], sorted([k, v] for k, v in features.values.items())]
            for features, stage in examples
        ],
    }
    data = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as handle,
    ):
        handle.write(data)


_EXAMPLES = {}


def _read(path):
    key = str(path)
    if key not in _EXAMPLES:
        examples, sentiments = [], {}
        if pathlib.Path(path).exists():
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                payload = json.load(handle)
            labels = payload["labels"]
            examples = [
                (Features({k: v for k, v in pairs}), labels[label])
                for label, pairs in payload["examples"]
            ]
            sentiments = payload.get("sentiments") or {}
        _EXAMPLES[key] = examples, sentiments
    return _EXAMPLES[key]


def read_training_examples(path=EXAMPLES_PATH):
    """The shipped training examples [(Features, stage)] (empty when the file is absent);
    read once per process."""
    return _read(path)[0]


def read_training_sentiments(path=EXAMPLES_PATH):
    """{row id: sentiment score} the shipped training examples were featurised with: for each
    text, the score of a sentiment model trained without its industry (scripts/train_stage.py
    says why)."""
    return _read(path)[1]
