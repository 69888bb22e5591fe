"""Which language detector should ingest use? Accuracy on short French and English summaries.

Ingest only needs a language when the source does not give one, and then the text is a Recommendation
summary or a title: short, formal, full of acronyms shared by both languages. This measures each
candidate on exactly that, at three lengths (title only, first 12 words of the summary, whole summary),
and counts "no answer" as a miss, since ingest turns it into an "unknown language" reject.

    .venv/bin/python bench/language.py [--shared ../shared]

Reads our bilingual sample (data/raw/sample) and, when present, ../shared/data/dev (dev_items.csv is
English, dev_fr.csv French) and the English abstracts of the in-force catalogue.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def corpus(shared: Path) -> pd.DataFrame:
    """(lang, title, summary) rows whose language is known from the source."""
    frames = []
    sample = pd.read_csv(ROOT / "data/raw/sample/recommendations.csv", dtype=str, keep_default_na=False)
    frames.append(sample[["lang", "title", "summary"]].assign(corpus="sample"))
    dev = shared / "data" / "dev"
    if dev.is_dir():
        en = pd.read_csv(dev / "dev_items.csv", dtype=str, keep_default_na=False)
        frames.append(pd.DataFrame({"lang": "en", "title": en["title_en"], "summary": en["abstract_en"],
                                    "corpus": "dev_en"}))
        fr = pd.read_csv(dev / "dev_fr.csv", dtype=str, keep_default_na=False)
        frames.append(pd.DataFrame({"lang": "fr", "title": fr["title_fr"], "summary": fr["abstract_fr"],
                                    "corpus": "dev_fr"}))
    catalogue = shared / "data" / "itu-t-relaton" / "itu_t_inforce_recommendations.csv"
    if catalogue.is_file():
        cat = pd.read_csv(catalogue, dtype=str, keep_default_na=False)
        cat = cat[cat["abstract_en"].str.strip() != ""]
        frames.append(pd.DataFrame({"lang": "en", "title": cat["title_en"], "summary": cat["abstract_en"],
                                    "corpus": "inforce_en"}))
    table = pd.concat(frames, ignore_index=True)
    return table[table["summary"].str.strip() != ""]


_EN = frozenset("the of and to in for is are this that with by which be on as it an or from its these "
                "describes specifies provides defines recommendation".split())
_FR = frozenset("le la les des du de et en pour est sont cette ce qui dans par une un sur aux au ces "
                "présente décrit spécifie définit fournit".split())


def stop_words(text: str) -> str:
    """The detector ingest used before (a vote on function words, at least 3 hits), kept here to compare."""
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœæ]+", text.lower())
    en, fr = sum(w in _EN for w in words), sum(w in _FR for w in words)
    if max(en, fr) < 3 or en == fr:
        return ""
    return "en" if en > fr else "fr"


def candidates() -> dict:
    from langdetect import DetectorFactory, LangDetectException, detect
    from lingua import Language, LanguageDetectorBuilder

    from pipeline.language import detect_language as chosen

    DetectorFactory.seed = 0

    def langdetect(text: str) -> str:
        try:
            return detect(text)
        except LangDetectException:
            return ""

    two = LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.FRENCH).build()

    def lingua(detector):
        def run(text: str) -> str:
            found = detector.detect_language_of(text)
            return found.iso_code_639_1.name.lower() if found else ""
        return run

    return {"stop words (before)": stop_words, "langdetect 1.0.9": langdetect,
            "lingua 2.1.1, en+fr only": lingua(two),
            "lingua 2.1.1, six ITU languages, confidence ≥ 0.5 (pipeline.language, chosen)": chosen}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    table = corpus(args.shared)
    views = {
        "title": table["title"],
        "12 words": table["summary"].map(lambda s: " ".join(s.split()[:12])),
        "summary": table["summary"],
    }
    counts = table.groupby("lang").size().to_dict()
    print(f"{len(table)} texts: {counts} ({table.groupby('corpus').size().to_dict()})\n")
    print("| detector | length | accuracy EN | accuracy FR | no answer | ms/text |")
    print("|---|---|---|---|---|---|")
    for name, detect in candidates().items():
        for view, texts in views.items():
            start = time.perf_counter()
            found = texts.map(detect)
            ms = (time.perf_counter() - start) * 1000 / len(texts)
            right = found == table["lang"]
            en, fr = right[table["lang"] == "en"].mean(), right[table["lang"] == "fr"].mean()
            print(f"| {name} | {view} | {en:.3f} | {fr:.3f} | {(found == '').mean():.3f} | {ms:.2f} |")


if __name__ == "__main__":
    main()
