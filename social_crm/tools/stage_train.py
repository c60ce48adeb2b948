"""Training the shipped stage model from the multi-domain training set.

The set lives in data/training/: one `<industry>.jsonl` per industry (lines with id, industry,
text, stage, sentiment, lang, platform, rating) and `industries.json` with each industry's
brand, aliases, products and competitors. Every text is featurised with its own industry's
brand configuration, so brand names turn into placeholders and the model learns only how
people talk. Used by scripts/train_stage.py (the shipped weights) and bench/nlp.py
(leave-one-industry-out).
"""

import json
import pathlib

from .classify import STAGES
from .pipeline import Analyzer, BrandSpec, MentionInput
from .stage_model import LinearModel, train_linear

__all__ = [
    "TRAINING_DIR",
    "load_training",
    "brand_specs",
    "featurise",
    "train_stage_model",
    "EPOCHS",
]

TRAINING_DIR = pathlib.Path(__file__).resolve().parent / "data" / "training"
# Texts written for the stage borderlines the set is thin on (a complaint with a rhetorical
# question, sarcasm without a negative word, an angry request about an identified order):
# trained on, never measured (rows carry "extra": True).
EXTRA_DIR = pathlib.Path(__file__).resolve().parent / "data" / "stage_extra"
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


def featurise(rows, industries):
    """[(Prepared, stage)] of `rows`, each seen as ingest sees it (detected language, the
    lexicon's sentiment steered by the stars) with its industry's brand configuration."""
    analyzers = {}
    out = []
    for row in rows:
        industry = row.get("industry", "")
        if industry not in analyzers:
            analyzers[industry] = Analyzer(brand_specs(industries.get(industry)))
        item = MentionInput(text=row["text"], rating=row.get("rating") or None)
        out.append((analyzers[industry].prepare(item)[-1], row["stage"]))
    return out


def train_stage_model(prepared, epochs=EPOCHS):
    """A LinearModel over STAGES from [(Prepared, stage)]."""
    examples = [(p.features, stage) for p, stage in prepared]
    return train_linear(
        examples, STAGES, epochs=epochs, rate=RATE, l2=L2, model=LinearModel(STAGES)
    )
