"""What an objective's words say: vague, business as usual, or tied to pay.

Vague is a shape, not a phrase list: hype and superlatives, or nothing but generic verbs and
evergreen nouns ("Improve customer satisfaction"). Concrete content clears it: a number, a time
frame, a clause that says what changes, or any word outside the evergreen vocabulary (a named
who, a place, a product). Business as usual starts with continue / keep / maintain or runs what
exists, unless it asks for more, better or new. Pay needs a tie: a pay word and a linking
phrase ("tied to", "counts toward", "feeds into", "determines") in the same text.
"""

from __future__ import annotations

from typing import Iterable, Optional, Sequence

from okrops.lint.language import Lexicon, Text, available, lexicon, lexicons_for, original, tokens

_SKIP_FOR_CONTENT = ("stopwords", "determiners", "generic_verbs", "generic_nouns", "evergreen", "hype",
                     "number_words", "superlative_words")


def _found(lexes: Sequence[Lexicon], name: str, text: Text) -> Optional[str]:
    for lex in lexes:
        hit = text.has(lex.list(name))
        if hit:
            return hit
    return None


def _superlative(text: Text, lexes: Sequence[Lexicon]) -> Optional[str]:
    """'Be the best ...', 'Become the market leader ...', 'Ser la mejor ...'."""
    words = text.words
    for lex in lexes:
        verbs = lex.group("superlative_frame", "verbs")
        best = lex.group("superlative_frame", "words")
        for index in range(min(len(words), 2)):
            if verbs.match_at(words, index):
                for later in range(index + 1, min(len(words), index + 5)):
                    phrase = best.match_at(words, later)
                    if phrase:
                        return " ".join(words[index:later + len(phrase)])
    return None


def _is_content(word: str, lexes: Sequence[Lexicon]) -> bool:
    if len(word) < 2 and not word.isdigit() or word in ("%", "&", "'"):
        return False
    if word.endswith("'"):
        return False
    for lex in lexes:
        for name in _SKIP_FOR_CONTENT:
            wordlist = lex.group("superlative_frame", "words") if name == "superlative_words" else lex.list(name)
            if wordlist.contains(word):
                return False
        if lex.compounds and _compound_of(word, lex.list("evergreen")):
            return False
    return True


def _compound_of(word: str, wordlist, depth: int = 0) -> bool:
    """A compound made of listed words, with German linking letters ("Kunden" + "erlebnis")."""
    if wordlist.contains(word) and depth:
        return True
    if depth > 2 or len(word) < 8:
        return False
    for cut in range(4, len(word) - 3):
        head, tail = word[:cut], word[cut:]
        for linked in (head, head[:-1] if head.endswith(("s", "n")) else None):
            if linked and wordlist.contains(linked) and (wordlist.contains(tail) or _compound_of(tail, wordlist, depth + 1)):
                return True
    return False


def anchored(text: Text, lexes: Sequence[Lexicon]) -> Optional[str]:
    """A number, a time frame or a clause that says what changes."""
    if text.has_digit:
        return "a number"
    for name in ("number_words", "time_words", "anchors"):
        hit = _found(lexes, name, text)
        if hit:
            return hit
    return None


def vague_reason(title: str, candidates: Sequence[str], phrases: Iterable[str] = ()) -> Optional[str]:
    """The words that make an objective vague, or None."""
    text = Text.of(title)
    lexes = lexicons_for(title, candidates)
    for phrase in phrases:  # the rule's own phrases (option), kept from earlier versions
        if _contains_phrase(text, phrase):
            return original(title, phrase)
    hype = _found(lexes, "hype", text) or _superlative(text, lexes)
    has_number = text.has_digit or _found(lexes, "number_words", text) or _found(lexes, "time_words", text)
    if hype and not has_number:
        return original(title, hype)
    if anchored(text, lexes):
        return None
    if any(_is_content(word, lexes) for word in text.words):
        return None
    return title.strip()


def _contains_phrase(text: Text, phrase: str) -> bool:
    parts = tokens(phrase)
    if not parts:
        return False
    words = text.words
    return any(tuple(words[i:i + len(parts)]) == tuple(parts) for i in range(len(words)))


def continue_reason(title: str, candidates: Sequence[str], words: Iterable[str] = ()) -> Optional[str]:
    """The words that make an objective business as usual, or None."""
    text = Text.of(title)
    if not text.words:
        return None
    lexes = lexicons_for(title, candidates)
    if _found(lexes, "clearing", text) or _found(lexes, "time_words", text):
        return None
    for word in words:  # the rule's own words (option), kept from earlier versions
        if _contains_phrase(Text.of(" ".join(text.words[:len(tokens(word))])), word):
            return word
    for lex in lexes:
        start = text.starts_with(lex.list("continue_words"))
        if not start and lex.verb_position in ("last", "both"):
            start = text.ends_with(lex.list("continue_words"))
        if start:
            return original(title, " ".join(start))
        phrase = text.has(lex.list("bau_phrases"))
        if phrase:
            return original(title, phrase)
        verb = text.starts_with(lex.list("bau_verbs"))
        if not verb and lex.verb_position in ("last", "both") and text.raw.split()[-1][:1].islower():
            verb = text.ends_with(lex.list("bau_verbs"))
        if verb:
            marker = text.has(lex.list("bau_markers"))
            if marker or len(text.words) <= 4:
                return original(title, " ".join(verb))
    return None


def pay_tie(text: str, candidates: Sequence[str], words: Iterable[str] = ()) -> Optional[str]:
    """The pay word of a text that ties OKRs to pay or individual ratings, or None."""
    body = Text.of(text)
    if not body.words:
        return None
    lexes = lexicons_for(text, candidates)
    extra = [w for w in words if _contains_phrase(body, w)]
    pay = extra[0] if extra else _found(lexes, "pay_terms", body)
    if not pay:
        return None
    tie = _found(lexes, "pay_ties", body)
    if tie and not _negated(body, lexes):
        return original(text, pay)
    return None


def _negated(text: Text, lexes: Sequence[Lexicon]) -> bool:
    """'No bonus is tied to OKRs', 'not linked to pay': the text denies the tie."""
    return bool(_found(lexes, "negations", text))


def pay_key(key: str) -> Optional[str]:
    """An x- key that attaches pay data to an OKR (x-bonus-weight, x-comp-plan)."""
    spaced = key.removeprefix("x-").replace("-", " ").replace("_", " ")
    body = Text.of(spaced)
    for code in available():
        found = body.has(lexicon(code).list("pay_terms"))
        if found:
            return found
    if "comp" in body.words:
        return "comp"
    return None
