"""Word lists per language for the judgement rules, and a small language detector.

Each language is a data file ``okrops/lint/lang/<code>.yaml`` (see the README.md beside them).
:class:`Lexicon` reads one; :func:`lexicons_for` gives the lexicons to judge one text with:
the text's language (set with ``lint.language`` or detected) and English, whose OKR words turn
up in every language. :class:`Text` tokenises a text once and answers "does it contain this
phrase / start with this word" questions against a word list.

The detector counts, per language, the words of the text that the language's lists know
(stop-words and every rule vocabulary), plus a point for letters only that language uses; the
language with the most wins, English on a tie or when nothing is known.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional, Sequence

from okrops.yamlio import load_fast

LANG_DIR = Path(__file__).resolve().parent / "lang"
DEFAULT = "en"
_WORD = re.compile(r"[^\W_]+(?:['’\-./][^\W_]+)*|[%$€£#&]|->|→", re.UNICODE)
_LETTERS = {"de": "äöüß", "es": "ñ¿¡", "pt": "ãõ", "fr": "èêëîïûœ"}


def available() -> list[str]:
    """Codes of the installed languages (one data file each)."""
    return list(_available())


@lru_cache(maxsize=None)
def _available() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in LANG_DIR.glob("*.yaml") if p.stem != "names" and len(p.stem) <= 3))


def fold(text: str) -> str:
    """Lower case with typographic apostrophes made plain (for matching)."""
    return unicodedata.normalize("NFC", text).replace("’", "'").casefold()


_ELISION = re.compile(r"^(l|d|qu|j|n|s|c|m|t|dell|dall|nell|sull|all|un)'(.+)$")


def tokens(text: str) -> list[str]:
    """Lower-case words; French and Italian elisions are split ("l'expérience" -> "l'", "expérience")."""
    return list(_tokens(text or ""))


@lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    result: list[str] = []
    for word in _WORD.findall(fold(text)):
        elided = _ELISION.match(word)
        result.extend((elided.group(1) + "'", elided.group(2)) if elided else (word,))
    return tuple(result)


class WordList:
    """Phrases (token sequences) and suffixes ("-driven") of one list, for fast matching."""

    def __init__(self, entries: Iterable[str], compounds: bool = False):
        self.phrases: dict[str, list[tuple[str, ...]]] = {}
        self.suffixes: list[str] = []
        self.compounds = compounds
        self.words: set[str] = set()
        for entry in entries:
            entry = fold(str(entry)).strip()
            if entry.startswith("-") and len(entry) > 1:
                self.suffixes.append(entry)
                continue
            parts = tuple(tokens(entry)) or (entry,)
            self.phrases.setdefault(parts[0], []).append(parts)
            self.words.update(parts)
        for group in self.phrases.values():
            group.sort(key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self.phrases or self.suffixes)

    def match_at(self, words: Sequence[str], index: int) -> Optional[tuple[str, ...]]:
        """The longest phrase of this list starting at words[index]."""
        word = words[index]
        for phrase in self.phrases.get(word, ()):
            if tuple(words[index:index + len(phrase)]) == phrase:
                return phrase
        for suffix in self.suffixes:
            if word.endswith(suffix) or (word.endswith(suffix[1:]) and len(word) > len(suffix) + 2):
                return (word,)
        if self.compounds and len(word) > 6:
            for tail in self._single:
                if len(tail) >= 5 and word.endswith(tail):
                    return (word,)
        return None

    @property
    def _single(self) -> list[str]:
        cached = getattr(self, "_single_cache", None)
        if cached is None:
            cached = [p[0] for group in self.phrases.values() for p in group if len(p) == 1]
            self._single_cache = cached
        return cached

    def contains(self, word: str) -> bool:
        return self.match_at([word], 0) is not None


class Lexicon:
    """One language's word lists (missing lists are empty)."""

    def __init__(self, code: str, data: dict):
        self.code = code
        self.name = data.get("name", code)
        self.compounds = bool(data.get("compounds", False))
        self.verb_position = data.get("verb_position", "first")
        self.data = data
        self._lists: dict[str, WordList] = {}

    def list(self, name: str) -> WordList:
        found = self._lists.get(name)
        if found is None:
            entries = self.data.get(name, [])
            if isinstance(entries, dict):
                entries = [e for values in entries.values() for e in values]
            compounds = self.compounds and name in _COMPOUND_LISTS
            found = self._lists[name] = WordList(entries, compounds)
        return found

    def group(self, name: str, key: str) -> WordList:
        cache_key = f"{name}.{key}"
        found = self._lists.get(cache_key)
        if found is None:
            found = self._lists[cache_key] = WordList((self.data.get(name) or {}).get(key, []))
        return found

    def strings(self, name: str) -> list[str]:
        value = self.data.get(name, [])
        return [str(v) for v in value] if isinstance(value, list) else []

    @property
    def known_words(self) -> set[str]:
        cached = getattr(self, "_known", None)
        if cached is None:
            cached = set()
            for name, value in self.data.items():
                if isinstance(value, list) and name not in ("infinitive_suffixes", "from_to"):
                    cached.update(w for w in self.list(name).words if len(w) > 1)
            cached -= _SHARED_WORDS
            self._known = cached
        return cached


# Lists where a German compound matches by its last part ("Jahresprämie" is a "prämie").
_COMPOUND_LISTS = {"pay_terms", "evergreen", "hype", "output_nouns", "team_words", "lagging", "vanity"}
# Words every language shares (loan words, numbers' symbols): no evidence of a language.
_SHARED_WORDS = {"%", "$", "€", "£", "&", "#", "->", "→", "ceo", "nps", "csat", "ai", "it", "hr", "api",
                 "sso", "crm", "erp", "kpi", "okr", "app", "apps", "web", "online", "live", "workshop",
                 "workshops", "webinar", "webinars", "feature", "features", "posts", "post", "bonus",
                 "marketing", "team", "teams", "data", "video", "videos", "newsletter", "email", "emails",
                 "design", "service", "services", "innovation", "transformation", "digital", "performance",
                 "engagement", "communication", "culture", "excellence", "leader", "leaders", "sessions"}


@lru_cache(maxsize=None)
def lexicon(code: str) -> Lexicon:
    return Lexicon(code, load_fast((LANG_DIR / f"{code}.yaml").read_text(encoding="utf-8")) or {})


@lru_cache(maxsize=None)
def names() -> dict:
    data = load_fast((LANG_DIR / "names.yaml").read_text(encoding="utf-8")) or {}
    return {key: {fold(str(v)) for v in values} for key, values in data.items()}


@lru_cache(maxsize=None)
def _word_languages() -> dict[str, frozenset[str]]:
    """Every known word -> the installed languages whose lists know it."""
    index: dict[str, set[str]] = {}
    for code in available():
        for word in lexicon(code).known_words:
            index.setdefault(word, set()).add(code)
    return {word: frozenset(codes) for word, codes in index.items()}


def detect(text: str, candidates: Sequence[str]) -> str:
    """The candidate language whose lists know most of the text's words (the first candidate on a tie)."""
    folded = fold(text or "")
    scores = dict.fromkeys(candidates, 0.0)
    index = _word_languages()
    for word in _tokens(text or ""):
        for code in index.get(word, ()):
            if code in scores:
                scores[code] += 1
    for code in candidates:
        scores[code] += 0.5 * sum(1 for ch in _LETTERS.get(code, "") if ch in folded)
    best, best_score = candidates[0], 0.0
    for code in candidates:
        if scores[code] > best_score:
            best, best_score = code, scores[code]
    return best


def resolve(setting) -> tuple[str, ...]:
    """The candidate languages of a ``lint.language`` setting: auto, a code or a list of codes.

    Codes that are not installed are left out (``okrops validate`` reports them); with none
    left, every installed language is a candidate, as with auto."""
    codes = available()
    wanted = [setting] if isinstance(setting, str) else list(setting or [])
    chosen = tuple(c for c in wanted if isinstance(c, str) and c in codes)
    if chosen:
        return chosen
    return tuple([DEFAULT] + [c for c in codes if c != DEFAULT])


def lexicons_for(text: str, candidates: Sequence[str]) -> list[Lexicon]:
    """The lexicons to judge ``text`` with: its language, then English."""
    return list(_lexicons_for(text or "", tuple(candidates)))


@lru_cache(maxsize=65536)
def _lexicons_for(text: str, candidates: tuple[str, ...]) -> tuple[Lexicon, ...]:
    code = candidates[0] if len(candidates) == 1 else detect(text, candidates)
    result = [lexicon(code)]
    if code != DEFAULT and DEFAULT in available():
        result.append(lexicon(DEFAULT))
    return tuple(result)


class Text:
    """A text split into words once, with questions about it."""

    @staticmethod
    def of(text: str) -> "Text":
        """A shared Text for ``text`` (the same strings come back rule after rule)."""
        return _text(text or "")

    def __init__(self, text: str):
        self.raw = text or ""
        self.folded = fold(self.raw)
        self.words = tokens(self.raw)

    def find(self, wordlist: WordList, start: int = 0) -> Optional[tuple[int, tuple[str, ...]]]:
        for index in range(start, len(self.words)):
            phrase = wordlist.match_at(self.words, index)
            if phrase:
                return index, phrase
        return None

    def has(self, wordlist: WordList) -> Optional[str]:
        found = self.find(wordlist)
        return " ".join(found[1]) if found else None

    def starts_with(self, wordlist: WordList, skip: int = 0) -> Optional[tuple[str, ...]]:
        return wordlist.match_at(self.words, skip) if len(self.words) > skip else None

    def ends_with(self, wordlist: WordList) -> Optional[tuple[str, ...]]:
        for index in range(max(0, len(self.words) - 3), len(self.words)):
            phrase = wordlist.match_at(self.words, index)
            if phrase and index + len(phrase) == len(self.words):
                return phrase
        return None

    @property
    def has_digit(self) -> bool:
        return any(ch.isdigit() for ch in self.raw)

    def matches_any(self, patterns: Iterable[str]) -> bool:
        return any(re.search(p, self.folded) for p in patterns)


def original(raw: str, phrase: str) -> str:
    """``phrase`` (found in folded words) as written in ``raw``, for messages."""
    parts = tokens(phrase)
    if not parts:
        return phrase
    pattern = r"[\W_]*".join(re.escape(p.rstrip("'")) for p in parts)
    found = re.search(pattern, unicodedata.normalize("NFC", raw).replace("’", "'"), re.IGNORECASE)
    return found.group(0) if found else phrase


@lru_cache(maxsize=65536)
def _text(text: str) -> Text:
    return Text(text)
