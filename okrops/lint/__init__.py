"""OKR quality rules: ``okrops lint``.

Rule families live in their own modules (``structure``, ``key_results``,
``objectives``, ``alignment``, ``rhythm``) and register themselves in
:data:`okrops.lint.registry.RULES`.
"""

from okrops.lint.registry import RULES, LintContext, Rule
from okrops.lint.runner import check_settings, lint


def all_rules() -> dict[str, Rule]:
    from okrops.lint import alignment, key_results, objectives, rhythm, structure  # noqa: F401

    return dict(sorted(RULES.items()))


__all__ = ["RULES", "LintContext", "Rule", "all_rules", "check_settings", "lint"]
