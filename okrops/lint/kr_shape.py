"""What a key result's fields and words say about it: an outcome, a task or output, or a KPI.

The numbers speak in every language: a yes/no target (0 -> 1, units like done or live), a count
of things the team produces going up, a rollout shape (0 -> 100 %) are work; a change in a
percentage, a time, an amount of money or a score (or anything going down) is an outcome, and
outweighs a task verb. The words add what the numbers cannot say: a task verb at the start
(checked to really be a verb, not the first word of a noun phrase such as "Build time falls"),
a deliverable stated as finished ("v2 live"), and keep-wording for KPIs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from okrops.lint.language import Lexicon, Text, WordList, lexicon, lexicons_for, original
from okrops.model import KeyResult

OUTCOME_CLASSES = ("percent", "time", "money", "score")


@dataclass(frozen=True)
class Shape:
    """Why a key result is a task (``task``) or a KPI (``kpi``); None when it is not."""

    task: Optional[str] = None
    kpi: Optional[str] = None


def _any(lexes: Sequence[Lexicon], name: str, text: Text) -> Optional[str]:
    for lex in lexes:
        found = text.has(lex.list(name))
        if found:
            return found
    return None


def unit_class(kr: KeyResult, lexes: Sequence[Lexicon]) -> str:
    """percent, time, money, score, binary, output or count: what the key result's number is."""
    unit = Text.of(kr.measure_unit)
    metric = Text.of(kr.metric)
    every = list(lexes) + [lexicon("en")]
    for cls in ("binary", "percent", "time", "money", "score"):
        if any(unit.words and lex.group("unit_classes", cls).match_at(unit.words, 0) for lex in every):
            if cls == "binary" and "%" in unit.raw and "complete" not in unit.folded:
                continue
            return cls
        if "%" in unit.raw and cls == "percent":
            return cls
    if not unit.words:
        for lex in every:
            if metric.find(lex.group("unit_classes", "percent")):
                return "percent"
    source = unit if unit.words else metric  # the unit says what is counted; the metric only without one
    if _head_output(source, every):
        return "output"
    return "count"


def _noun_use(words: list[str], after: int, lexes: Sequence[Lexicon]) -> bool:
    """True when the word before ``after`` starts a noun phrase ("Build time falls ...")."""
    if after >= len(words):
        return False
    nxt = words[after]
    for lex in lexes:
        if lex.list("determiners").contains(nxt) or nxt[0].isdigit():
            return False
    for lex in lexes:
        if lex.list("noun_heads").contains(nxt):
            return True
        finite = lex.list("finite_verbs")
        if any(finite.match_at(words, i) for i in range(after + 1, len(words))):
            return True
    return False


def _morphology_verb(text: Text, lex: Lexicon) -> Optional[str]:
    """An unlisted first word that has a verb's ending and is followed by a determiner."""
    words = text.words
    if len(words) < 2:
        return None
    first = words[0]
    if len(first) < 5 or lex.list("not_verbs").contains(first):
        return None
    if not any(first.endswith(s.lstrip("-")) for s in lex.strings("infinitive_suffixes")):
        return None
    if not (lex.list("determiners").contains(words[1]) or words[1][0].isdigit()):
        return None
    for name in ("change_verbs", "keep_verbs", "generic_verbs", "continue_words"):
        if lex.list(name).contains(first):
            return None
    return first


def _last_word_verb(text: Text, lex: Lexicon, wordlist: WordList) -> Optional[str]:
    """German style: the infinitive closes the sentence and is written in lower case."""
    raw_words = text.raw.split()
    if len(raw_words) < 2 or not raw_words[-1][:1].islower():
        return None
    found = text.ends_with(wordlist)
    return " ".join(found) if found else None


def task_verb(text: Text, lexes: Sequence[Lexicon], extra: Optional[WordList] = None) -> Optional[str]:
    """The task verb a title starts with (or, in German, ends with), checked to be used as a verb."""
    words = text.words
    if not words:
        return None
    if extra:
        phrase = extra.match_at(words, 0)
        if phrase and not _noun_use(words, len(phrase), lexes):
            return " ".join(phrase)
    for lex in lexes:
        verbs = lex.list("task_verbs")
        phrase = verbs.match_at(words, 0)
        if phrase and not lex.list("change_verbs").contains(words[0]) and not _noun_use(words, len(phrase), lexes):
            return " ".join(phrase)
        noun = lex.list("task_nouns").match_at(words, 0)
        if noun and not _noun_use(words, len(noun), lexes):
            return " ".join(noun)
        if lex.verb_position in ("last", "both"):
            found = _last_word_verb(text, lex, verbs)
            if found and not lex.list("change_verbs").contains(found):
                return found
        morph = _morphology_verb(text, lex)
        if morph and not _noun_use(words, 1, lexes):
            return morph
    return None


def _counted_output(kr: KeyResult, title: Text, lexes: Sequence[Lexicon], cls: str) -> Optional[str]:
    """A count of things the team produces that is asked to go up."""
    if cls in OUTCOME_CLASSES or kr.direction == "decrease":
        return None
    if kr.baseline is not None and kr.target is not None and kr.target <= kr.baseline:
        return None
    every = list(lexes) + [lexicon("en")]
    for source in (Text.of(kr.metric), title):
        if _any(every, "adoption_words", source):
            return None
    if cls == "output":
        found = _head_output(Text.of(kr.measure_unit) if kr.measure_unit.strip() else Text.of(kr.metric), every)
        if found:
            return found
    words = title.words
    for lex in every:
        nouns = lex.list("output_nouns")
        for index in range(len(words)):
            phrase = nouns.match_at(words, index)
            if not phrase:
                continue
            before = words[max(0, index - 3):index]
            if any(w[0].isdigit() or lex.list("number_words").contains(w) for w in before):
                return " ".join(before[-1:] + list(phrase))
    return None


_PER = {"per", "por", "par", "pro", "je", "a", "each"}


def _head_output(text: Text, lexes: Sequence[Lexicon]) -> Optional[str]:
    """An output noun that is what a metric counts: the head of its phrase, not a qualifier
    ("demo requests" counts requests) nor a denominator ("pages per session")."""
    words = text.words
    for lex in lexes:
        participle = text.has(lex.list("output_participles"))
        if participle and len(words) <= 2:
            return participle
        nouns = lex.list("output_nouns")
        for index in range(len(words)):
            phrase = nouns.match_at(words, index)
            if not phrase or (index and words[index - 1] in _PER):
                continue
            end = index + len(phrase)
            if end == len(words) or words[end] in _PER or any(
                    other.list(name).contains(words[end]) for other in lexes
                    for name in ("stopwords", "output_participles")):
                return " ".join(phrase)
    return None


def _rollout(kr: KeyResult, title: Text, lexes: Sequence[Lexicon], cls: str) -> bool:
    if kr.direction == "decrease" or kr.target is None:
        return False
    if cls == "percent" and kr.target >= 100 and (kr.baseline == 0 or kr.baseline is None and
                                                  _any(lexes, "rollout_words", title)):
        return True
    return cls in ("count", "output") and kr.baseline == 0 and bool(_any(lexes, "rollout_words", title)) \
        and bool(_any(lexes, "finished_words", title))


def _binary(kr: KeyResult, title: Text, lexes: Sequence[Lexicon], cls: str) -> bool:
    if kr.target is None or kr.baseline not in (None, 0):
        return False
    if cls == "binary" and "%" in kr.measure_unit:
        return kr.target >= 100
    if kr.target != 1 or kr.direction == "decrease":
        return False
    return cls not in OUTCOME_CLASSES  # 0 -> 1 of anything that is not a rate, a time, money or a score


def outcome_evidence(kr: KeyResult, cls: str) -> bool:
    """A real change in a percentage, time, money or score, or a number asked to go down."""
    if kr.baseline is None or kr.target is None or kr.baseline == kr.target:
        return False
    return cls in OUTCOME_CLASSES or kr.target < kr.baseline or kr.direction == "decrease"


def kpi_reason(kr: KeyResult, title: Text, lexes: Sequence[Lexicon]) -> Optional[str]:
    if kr.direction == "range":
        if kr.range_min is None or kr.range_max is None:
            return None
        start = kr.baseline
        if start is not None and not (kr.range_min <= start <= kr.range_max):
            return None
        return "only asks to stay within a range"
    if kr.target is None or (kr.baseline is not None and kr.baseline != kr.target):
        return None
    for lex in lexes:
        keep = title.starts_with(lex.list("keep_verbs"))
        if not keep and lex.verb_position in ("last", "both"):
            keep = title.ends_with(lex.list("keep_verbs"))
        if keep:
            return f"asks to keep a value ('{' '.join(keep)} ...'), not to change it"
        threshold = title.has(lex.list("threshold_words"))
        if threshold:
            return f"asks to stay on one side of a threshold ('{threshold}') with no change from a baseline"
    return None


def analyse(kr: KeyResult, candidates: Sequence[str], extra_verbs: Sequence[str] = ()) -> Shape:
    """The shape of a key result, judged in the language of its title (and English)."""
    title = Text.of(kr.title)
    lexes = lexicons_for(kr.title, candidates)
    kpi = kpi_reason(kr, title, lexes)
    if kpi or kr.direction == "range":
        return Shape(kpi=kpi)
    cls = unit_class(kr, lexes)
    extra = WordList(extra_verbs) if extra_verbs else None
    if _binary(kr, title, lexes, cls):
        verb = task_verb(title, lexes, extra)
        if verb:
            return Shape(task=f"reads as a task ('{original(kr.title, verb)} ...'), not an outcome, and its target is yes/no")
        return Shape(task=f"is a yes/no deliverable (target {kr.target:g}{' ' + kr.measure_unit if kr.measure_unit else ''}): "
                          "done or not done is a milestone of an initiative, not a result")
    if _rollout(kr, title, lexes, cls):
        return Shape(task=f"has a rollout shape ({kr.baseline or 0:g} -> {kr.target:g}{kr.measure_unit}): "
                          "it measures the team's work reaching everyone, not what changes for them")
    if outcome_evidence(kr, cls):
        return Shape()
    output = _counted_output(kr, title, lexes, cls)
    if output:
        return Shape(task=f"counts outputs ('{output}'), which are easy to game and say nothing about value")
    verb = task_verb(title, lexes, extra)
    if verb:
        return Shape(task=f"reads as a task ('{original(kr.title, verb)} ...'), not an outcome")
    finished = _any(lexes, "finished_words", title)
    if finished and not (kr.baseline is not None and kr.target is not None and kr.baseline != kr.target and kr.baseline != 0):
        return Shape(task=f"states a deliverable as finished ('{finished}'): that is a milestone, not a change")
    return Shape()
