"""OKR quality rules: ``okrops lint``.

Rule families live in their own modules (``structure``, ``key_results``,
``measures``, ``objectives``, ``alignment``, ``rhythm``) and register themselves in
:data:`okrops.lint.registry.RULES`. The judgement rules read the fields through
:mod:`okrops.lint.kr_shape`, :mod:`okrops.lint.wording` and :mod:`okrops.lint.owners`,
with word lists per language from ``okrops/lint/lang/`` (:mod:`okrops.lint.language`);
:mod:`okrops.lint.profiles` holds the presets of ``lint.profile``.
"""

from okrops.lint.registry import RULES, LintContext, Rule
from okrops.lint.runner import check_settings, lint, load_rules


def all_rules() -> dict[str, Rule]:
    load_rules()
    return dict(sorted(RULES.items()))


__all__ = ["RULES", "LintContext", "Rule", "all_rules", "check_settings", "lint"]
