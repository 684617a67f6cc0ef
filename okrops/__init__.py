"""okrops: OKRs as code, kept in git."""

__version__ = "0.1.0"
