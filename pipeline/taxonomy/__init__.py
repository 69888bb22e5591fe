"""The label sets: WSIS action lines C1–C11 (with the C7 sub-areas) and the 17 SDGs with their 169
targets, each named, described and given a term lexicon in English and French, in our own words.

The YAML files beside this module are the versioned source; ``load_taxonomy`` validates them so a
typo in a data file fails loudly at load time, not as a silently missing label.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

LANGS = ("en", "fr")
ACTION_LINES = tuple(f"C{i}" for i in range(1, 12))
PRIORITY_LINES = ("C2", "C5", "C6")  # WTSA Resolution 75, resolves 4


class TaxonomyError(ValueError):
    """A taxonomy data file is malformed."""


@dataclass(frozen=True)
class Label:
    """One classifiable label with its bilingual texts."""

    code: str
    name: dict[str, str]
    description: dict[str, str]
    terms: dict[str, tuple[str, ...]]
    parent: str = ""  # a target's goal, a sub-area's action line
    series: tuple[str, ...] = ()  # Recommendation number blocks typical of the label ("D", "X.1000-X.1999")
    # per language, phrases in which the label's terms mean something else ("sécurité du personnel" is
    # safety, "food security" is not C5): a term found inside one of them is not evidence
    except_in: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        return f"{self.name[lang]}. {self.description[lang]}"

    def covers(self, number: str) -> bool:
        """Whether a Recommendation number ("X.1252", "L.161/L.46") falls in one of ``series``."""
        return any(_in_block(part.strip(), block) for part in number.split("/") for block in self.series)


SERIES_BLOCK = re.compile(r"^(?P<series>[A-Z]{1,3})(?:\.(?P<low>\d+)-(?:(?P=series)\.)?(?P<high>\d+))?$")
_NUMBER = re.compile(r"^(?P<series>[A-Z]{1,3})\.(?P<main>\d+)")


def _in_block(number: str, block: str) -> bool:
    wanted, found = SERIES_BLOCK.match(block), _NUMBER.match(number)
    if not found or found["series"] != wanted["series"]:
        return False
    return wanted["low"] is None or int(wanted["low"]) <= int(found["main"]) <= int(wanted["high"])


@dataclass(frozen=True)
class Exemplar:
    """A short text on an SDG's subjects, in English and French, labelled with its targets only: it
    teaches the goal and target heads what a text about a goal other than 9 looks like."""

    id: str
    targets: tuple[str, ...]
    text: dict[str, str]

    @property
    def rec_id(self) -> str:
        return f"exemplar:{self.id}"


@dataclass(frozen=True)
class Taxonomy:
    version: str
    action_lines: tuple[Label, ...]
    c7_subareas: tuple[Label, ...]
    goals: tuple[Label, ...]
    targets: tuple[Label, ...]
    links: tuple[tuple[str, str, str], ...]  # (action_line, sdg_goal, sdg_target or "")
    exemplars: tuple[Exemplar, ...] = ()

    def labels(self, taxonomy: str) -> tuple[Label, ...]:
        return {"action_line": self.action_lines, "sdg_goal": self.goals,
                "sdg_target": self.targets}[taxonomy]

    def by_code(self, taxonomy: str) -> dict[str, Label]:
        return {label.code: label for label in self.labels(taxonomy)}

    def name(self, taxonomy: str, code: str, lang: str = "en") -> str:
        return self.by_code(taxonomy)[code].name[lang]


def _bilingual(entry: dict, key: str, where: str) -> dict[str, str]:
    value = entry.get(key) or {}
    missing = [lang for lang in LANGS if not str(value.get(lang, "")).strip()]
    if missing:
        raise TaxonomyError(f"{where}: {key} is empty in {missing}")
    return {lang: " ".join(str(value[lang]).split()) for lang in LANGS}


def _terms(entry: dict, key: str, where: str) -> dict[str, tuple[str, ...]]:
    value = entry.get(key) or {}
    out = {}
    for lang in LANGS:
        terms = value.get(lang) or []
        if not isinstance(terms, list) or not terms:
            raise TaxonomyError(f"{where}: {key}.{lang} must be a non-empty list")
        out[lang] = _phrases(terms)
    return out


def _phrases(values: list) -> tuple[str, ...]:
    """Lexicon terms or exception phrases as matched: accents composed (NFC, as texts are), stripped,
    lower-cased, blanks and repeats dropped."""
    return tuple(dict.fromkeys(unicodedata.normalize("NFC", str(t)).strip().lower() for t in values if str(t).strip()))


def _label(entry: dict, where: str, terms_key: str, parent: str = "", code_key: str = "code") -> Label:
    code = str(entry.get(code_key, "")).strip()
    if not code:
        raise TaxonomyError(f"{where}: entry without {code_key}")
    here = f"{where} {code}"
    series = tuple(str(b).strip() for b in entry.get("series") or [])
    bad = [b for b in series if not SERIES_BLOCK.match(b)]
    if bad:
        raise TaxonomyError(f"{here}: series {bad} must look like \"D\" or \"X.1000-X.1999\"")
    except_in = entry.get("except_in") or {}
    if not isinstance(except_in, dict) or any(not isinstance(v, list) for v in except_in.values()):
        raise TaxonomyError(f"{here}: except_in must map a language to a list of phrases")
    unknown = sorted(set(except_in) - set(LANGS))
    if unknown:
        raise TaxonomyError(f"{here}: except_in has unknown languages {unknown}")
    return Label(code, _bilingual(entry, "name", here), _bilingual(entry, "description", here),
                 _terms(entry, terms_key, here), parent, series,
                 {lang: _phrases(phrases) for lang, phrases in except_in.items()})


def _read(name: str) -> str:
    return resources.files("pipeline.taxonomy").joinpath(name).read_text(encoding="utf-8")


def _parts(prefix: str) -> list[str]:
    return sorted(p.name for p in resources.files("pipeline.taxonomy").iterdir()
                  if p.name.startswith(prefix) and p.name.endswith(".yaml"))


def _exemplar(entry: dict, where: str, known_targets: set[str]) -> Exemplar:
    code = str(entry.get("id", "")).strip()
    here = f"{where} exemplar {code or '(no id)'}"
    targets = tuple(str(t).strip() for t in entry.get("targets") or [])
    if not code:
        raise TaxonomyError(f"{here}: entry without id")
    if not targets or not set(targets) <= known_targets:
        raise TaxonomyError(f"{here}: targets {list(targets)} must be known SDG target IDs (at least one)")
    return Exemplar(code, targets, _bilingual({"text": entry}, "text", here))


def _exemplars(known_targets: set[str]) -> tuple[Exemplar, ...]:
    out: dict[str, Exemplar] = {}
    for part in _parts("sdg_exemplars_"):
        for entry in yaml.safe_load(_read(part))["exemplars"]:
            exemplar = _exemplar(entry, part, known_targets)
            if exemplar.id in out:
                raise TaxonomyError(f"{part}: exemplar {exemplar.id} is listed twice")
            out[exemplar.id] = exemplar
    return tuple(out.values())


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    lines_doc = yaml.safe_load(_read("action_lines.yaml"))
    action_lines = tuple(_label(e, "action_lines.yaml", "lexicon") for e in lines_doc["action_lines"])
    if tuple(l.code for l in action_lines) != ACTION_LINES:
        raise TaxonomyError(f"action_lines.yaml: expected {ACTION_LINES} in order")
    subareas = tuple(_label(e, "action_lines.yaml", "lexicon", parent="C7")
                     for e in lines_doc.get("c7_subareas", []))

    goals, targets = [], []
    for part in _parts("sdg_goals_"):
        for entry in yaml.safe_load(_read(part))["goals"]:
            goal = _label(entry, part, "terms", code_key="id")
            goals.append(goal)
            for target in entry.get("targets", []):
                label = _label(target, part, "terms", parent=goal.code, code_key="id")
                if label.code.split(".")[0] != goal.code:
                    raise TaxonomyError(f"{part}: target {label.code} listed under goal {goal.code}")
                targets.append(label)
    goals.sort(key=lambda g: int(g.code))
    if [g.code for g in goals] != [str(i) for i in range(1, 18)]:
        raise TaxonomyError("sdg_goals_*.yaml: expected goals 1 to 17 exactly once")
    if len({t.code for t in targets}) != len(targets):
        raise TaxonomyError("sdg_goals_*.yaml: a target is listed twice")

    links = []
    known_targets = {t.code for t in targets}
    for row in csv.DictReader(io.StringIO(_read("wsis_sdg_links.csv"))):
        line, goal, target = row["action_line"], row["sdg_goal"], row["sdg_target"] or ""
        if line not in ACTION_LINES or goal not in {g.code for g in goals} or (
            target and target not in known_targets
        ):
            raise TaxonomyError(f"wsis_sdg_links.csv: unknown link {line} → {goal} {target}")
        links.append((line, goal, target))
    return Taxonomy(str(lines_doc.get("version", "")), action_lines, subareas, tuple(goals),
                    tuple(targets), tuple(links), _exemplars(known_targets))
