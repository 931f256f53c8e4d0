"""Reading notebooks (instructor and student) and cutting solutions out of them.

A solution region is any run of lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
(nbgrader's markers) in a code cell. In the student version the region, markers included,
becomes ``raise NotImplementedError`` at the indentation of the ``BEGIN`` marker. A code cell
tagged ``instructor`` is dropped from the student version altogether (use it for reference
helpers the checks need).
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUB = 'raise NotImplementedError("Replace this line with your solution.")'
INSTRUCTOR_TAG = "instructor"
MAX_NOTEBOOK_BYTES = 20 * 2**20
_MAGIC = re.compile(r"^(\s*)[%!].*$", re.MULTILINE)
_ANSWER = re.compile(r"\s*\*\*Your answer \((W\d+)\):\*\*(.*)", re.S)  # a whole markdown cell
UNANSWERED = "_write here_"
MAX_ANSWER_CHARS = 20_000  # a written answer longer than this is cut (the gradebook stays small)


class NotebookError(ValueError):
    """The file is not a notebook we can grade; the message says why, for the gradebook."""


def source_text(cell: dict[str, Any]) -> str:
    """A cell's source as one string (nbformat allows a string or a list of lines)."""
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    if isinstance(source, str):
        return source
    raise NotebookError("a cell's source is neither text nor a list of lines")


def read(path: Path) -> bytes:
    """A submission's bytes, never more than :data:`MAX_NOTEBOOK_BYTES` read (a sparse file of
    64 GiB costs nothing); :class:`NotebookError` when it is larger, :class:`OSError` when it
    cannot be read."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)  # a pipe never blocks
    with open(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise NotebookError("this is not a regular file (a pipe, a device or a socket?)")
        size = info.st_size
        if size > MAX_NOTEBOOK_BYTES:
            raise NotebookError(_too_large(size))
        data = handle.read(MAX_NOTEBOOK_BYTES + 1)
    if len(data) > MAX_NOTEBOOK_BYTES:  # it grew while we read it
        raise NotebookError(_too_large(len(data)))
    return data


def _too_large(size: int) -> str:
    return (
        f"the notebook is {size / 2**20:.0f} MB; the limit is"
        f" {MAX_NOTEBOOK_BYTES // 2**20} MB (clear the outputs and submit again)"
    )


def parse(data: bytes) -> dict[str, Any]:
    """Parse and sanity-check notebook bytes, or raise :class:`NotebookError` with a reason."""
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise NotebookError(_too_large(len(data)))
    if not data.strip():
        raise NotebookError("the file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotebookError(f"the file is not UTF-8 text (bad byte at {error.start})") from None
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(
            f"the file is not valid notebook JSON ({error.msg}, line {error.lineno})"
        ) from None
    except ValueError:  # Python refuses integers of more than 4300 digits
        raise NotebookError(
            "the file is not valid notebook JSON (a number in it has thousands of digits)"
        ) from None
    except RecursionError:
        raise NotebookError(
            "the file is not valid notebook JSON (nested too deeply to be a notebook)"
        ) from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError("the JSON has no list of cells; is this a Jupyter notebook?")
    if nb.get("nbformat") != 4:
        raise NotebookError(
            f"nbformat {nb.get('nbformat')!r} is not supported; save it with Jupyter (nbformat 4)"
        )
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            raise NotebookError("a cell is malformed (no valid cell_type)")
        source_text(cell)
    if not any(c["cell_type"] == "code" and source_text(c).strip() for c in nb["cells"]):
        raise NotebookError("the notebook has no code cells")
    return nb


def code_cells(nb: dict[str, Any]) -> list[str]:
    """The code of every code cell, with IPython magics (``%``, ``!`` lines) neutralised."""
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cells.append(_MAGIC.sub(r"\1pass", source_text(cell)))
    return cells


def solution_lines(nb: dict[str, Any]) -> list[str]:
    """Every non-blank line inside a solution region (what must never be released)."""
    lines = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        inside = False
        for line in source_text(cell).splitlines():
            if line.strip() == BEGIN:
                inside = True
            elif line.strip() == END:
                inside = False
            elif inside and line.strip():
                lines.append(line.strip())
    return lines


def strip_solutions(source: str) -> str:
    """Replace every solution region of one cell's code by a ``NotImplementedError`` stub."""
    out, inside = [], False
    for number, line in enumerate(source.splitlines(), 1):
        if line.strip() == BEGIN:
            if inside:
                raise ValueError(f"line {number}: {BEGIN} inside another solution region")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}# YOUR CODE HERE")
            out.append(f"{indent}{STUB}")
        elif line.strip() == END:
            if not inside:
                raise ValueError(f"line {number}: {END} without a {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{BEGIN} is never closed by {END}")
    return "\n".join(out)


def student_version(nb: dict[str, Any]) -> dict[str, Any]:
    """The notebook a student receives: stubs, no instructor cells, no outputs."""
    cells = []
    for cell in nb["cells"]:
        if INSTRUCTOR_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        new = {"cell_type": cell["cell_type"], "metadata": {}, "source": source_text(cell)}
        if "id" in cell:
            new["id"] = cell["id"]
        if cell["cell_type"] == "code":
            new.update(source=strip_solutions(new["source"]), outputs=[], execution_count=None)
        cells.append(new)
    metadata = {
        k: nb.get("metadata", {})[k]
        for k in ("kernelspec", "language_info")
        if k in nb.get("metadata", {})
    }
    return {
        "cells": cells,
        "metadata": metadata,
        "nbformat": 4,
        "nbformat_minor": nb.get("nbformat_minor", 5),
    }


def answer_cells(nb: dict[str, Any]) -> dict[str, str]:
    """``{"W1": text}``: every markdown cell that starts with ``**Your answer (W1):**``.

    The text is what follows the label, stripped and cut to ``MAX_ANSWER_CHARS``; a cell
    still holding the placeholder ``_write here_`` (or nothing) gives ``""``. When a label
    repeats, the first cell counts.
    """
    answers: dict[str, str] = {}
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        match = _ANSWER.match(source_text(cell))
        if match and match.group(1) not in answers:
            text = match.group(2).strip()
            answers[match.group(1)] = "" if text == UNANSWERED else text[:MAX_ANSWER_CHARS]
    return answers
