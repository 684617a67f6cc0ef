"""The okrops command line: one module per group of commands, over the library.

:mod:`okrops.cli.group` is the ``okrops`` group and its entry point; :mod:`okrops.cli.options`
holds what the commands share. No OKR logic lives in this package.
"""

from okrops.cli.group import cli, main

__all__ = ["cli", "main"]
