"""Python 3.9 support: Gradescope images and older servers may still run it.

``zip(..., strict=...)`` arrived in Python 3.10; on 3.9 this module gives the built-in ``zip``
that keyword (imported first by the package, so every grading module sees it). Nothing
happens on 3.10 and later.
"""

from __future__ import annotations

import builtins
import itertools
import sys
from collections.abc import Iterable, Iterator
from typing import Any

_ZIP = builtins.zip


def zip_with_strict(*iterables: Iterable[Any], strict: bool = False) -> Iterator[tuple[Any, ...]]:
    """``zip`` as Python 3.10 has it: with ``strict=True``, unequal lengths raise
    :class:`ValueError`."""
    if not strict:
        yield from _ZIP(*iterables)
        return
    missing = object()
    for items in itertools.zip_longest(*iterables, fillvalue=missing):
        if any(item is missing for item in items):
            raise ValueError("zip() arguments have different lengths")
        yield items


if sys.version_info < (3, 10):  # noqa: UP036  (the Gradescope zip runs on 3.9 too)
    builtins.zip = zip_with_strict
