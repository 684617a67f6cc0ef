"""What an objective's key results measure together: value, more than one number, something to steer by."""

from __future__ import annotations

from okrops.lint.registry import Issue, rule
