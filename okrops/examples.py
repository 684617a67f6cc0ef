"""Where the example organisation (Kestrel Robotics) is.

In a source checkout it is the repository's ``okrs/``; an installed wheel
carries a copy as ``okrops/example/`` (a force-include in pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

from okrops.errors import OkropsError

PACKAGED = Path(__file__).resolve().parent / "example"
SOURCE = Path(__file__).resolve().parent.parent / "okrs"


def example_okrs_dir() -> Path:
    """The example organisation's okrs directory (it holds okrops.yaml)."""
    for candidate in (PACKAGED, SOURCE):
        if (candidate / "okrops.yaml").is_file():
            return candidate
    raise OkropsError(
        "the example organisation is missing from this installation of okrops "
        f"(looked in {PACKAGED} and {SOURCE}); reinstall okrops")
