"""What an objective's owner value is: a unit, a unit written the wrong way, a person, or neither.

The owner must be a unit's folder name. The wrong values people write have recognisable shapes:
a unit's display name or a near-spelling of its folder ("Fleet Platform", "growth team",
"Platform-SRE"); a team handle from the code host ("@org/team", which belongs in the unit's
maintainers); a person, in any script and case, with initials, titles, particles, apostrophes and
hyphens, a personal handle (@alice) or an e-mail address; a role held by one person ("CEO",
"Head of Sales"). Anything else is left to ``okrops validate`` (unknown-ref).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

from okrops.lint.language import available, fold, lexicon, names

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HANDLE = re.compile(r"^@[\w.-]+$")
_TEAM_HANDLE = re.compile(r"^@[\w.-]+/([\w.-]+)$")
_LOGIN = re.compile(r"^[a-z]\.[a-z][a-z'-]+$")  # j.smith
_PAREN = re.compile(r"\s*\([^)]*\)\s*")
_ARTICLES = {"the", "our", "el", "la", "le", "der", "die", "das", "o", "a", "il", "notre", "nuestro", "nosso"}


@dataclass(frozen=True)
class OwnerKind:
    kind: str  # unit, unit-name, team-handle, person, other
    detail: str = ""  # the unit meant (unit-name, team-handle) or why it is a person


def _slugify(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def _team_words() -> set[str]:
    words: set[str] = set()
    for code in available():
        words |= lexicon(code).list("team_words").words
    return words


def _role_or_title(words: list[str]) -> Optional[str]:
    for code in available():
        lex = lexicon(code)
        roles = lex.list("roles")
        if words and roles.match_at(words, 0):
            return "a role held by one person"
        if words and lex.list("person_titles").contains(words[0].rstrip(".")) and len(words) >= 2:
            return "a title and a name"
    return None


def _name_shape(value: str) -> Optional[str]:
    """Why ``value`` looks like a personal name, or None."""
    parts = [p for p in re.split(r"[\s,]+", value) if p]
    if not parts or len(parts) > 6 or any(ch.isdigit() for ch in value):
        return None
    if not all(re.fullmatch(r"[^\W\d_]+(?:['’.\-][^\W\d_]*)*\.?", p) for p in parts):
        return None
    folded = [fold(p).strip(".") for p in parts]
    if any(f in _team_words() for f in folded):
        return None
    given = names()["given_names"]
    particles = names()["particles"]
    cased = [p for p in parts if any(ch.isalpha() and (ch.isupper() or ch.islower()) for ch in p)]
    if not cased:  # a script without letter case (Chinese, Japanese, Arabic...): short is a name
        return "a name" if len(value.replace(" ", "")) <= 12 else None
    if folded[0] in given or (len(folded) > 1 and folded[-1] in given and "," in value):
        return "a given name"
    initials = [p for p in parts if re.fullmatch(r"[^\W\d_]\.?", p.rstrip(".")) or re.fullmatch(r"[^\W\d_]\.", p)]
    capitalised = [p for p in parts if p[:1].isupper()]
    rest = [f for f, p in zip(folded, parts) if not p[:1].isupper() and f not in particles]
    if len(parts) >= 2 and not rest and (capitalised or initials):
        if value.isupper() and len(parts) > 3:
            return None
        return "initials and a name" if initials else "a name"
    return None


def classify(value: str, org) -> OwnerKind:
    """The kind of an owner value in ``org`` (an Organisation)."""
    owner = value.strip()
    if owner in org.units:
        return OwnerKind("unit", owner)
    handle = _TEAM_HANDLE.match(owner)
    if handle:
        return OwnerKind("team-handle", handle.group(1) if handle.group(1) in org.units else "")
    if _HANDLE.match(owner):
        return OwnerKind("person", "a personal handle")
    if _EMAIL.match(owner):
        return OwnerKind("person", "an e-mail address")
    meant = _unit_meant(owner, org)
    if meant:
        return OwnerKind("unit-name", meant)
    bare = _PAREN.sub(" ", owner).strip()
    if _LOGIN.match(bare):
        return OwnerKind("person", "a login name")
    words = [fold(w).strip(".") for w in bare.split()]
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    reason = _role_or_title(words) or _name_shape(bare)
    if reason:
        return OwnerKind("person", reason)
    return OwnerKind("other")


def _unit_meant(owner: str, org) -> Optional[str]:
    """The unit whose display name (or folder name, spelled differently) the owner value is."""
    wanted = _slugify(owner)
    stripped = re.sub(r"^(the-)|(-(team|squad|group|unit|equipo|equipe|equipo|team))+$", "", wanted)
    for slug, unit in org.units.items():
        name = _slugify(unit.name)
        for candidate in {wanted, stripped}:
            if candidate and candidate in (slug, name, name.replace("-and-", "-")):
                return slug
    return None


def looks_like_person(owner: str) -> bool:
    """A handle (@alice), an e-mail address or a personal name (Jane Doe), without an organisation."""
    owner = owner.strip()
    if _TEAM_HANDLE.match(owner):
        return False
    if _HANDLE.match(owner) or _EMAIL.match(owner):
        return True
    bare = _PAREN.sub(" ", owner).strip()
    words = [fold(w).strip(".") for w in bare.split()]
    return bool(_LOGIN.match(bare) or _role_or_title(words) or _name_shape(bare))


def explained_by_lint(org, owner: str) -> bool:
    """True when a lint rule explains this owner value (so validate need not report it)."""
    return classify(owner, org).kind in ("person", "unit-name", "team-handle")
