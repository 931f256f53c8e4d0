"""The cell that makes a notebook run where ``course_utils`` is not installed.

Every chapter and every released exercise has it as its first code cell. Where
``course_utils`` imports (the course's own environment, Binder, a grader) it does nothing and
prints nothing, so its stored output is empty and nbval compares it honestly; elsewhere (Colab,
a downloaded notebook) it installs the package with pip from the course repository, as a zip
archive of its branch (no git needed), and the notebook then runs top to bottom. The
environment variable ``COURSE_UTILS_SOURCE`` (:data:`SOURCE_VARIABLE`) overrides where it
installs from: a local folder, a wheel or another URL pip understands. The cell is tagged
``remove-cell``, so the HTML book does not show it.

The address comes from ``_config.yml`` (:mod:`course_utils.bookconfig`): ``course-grade
release`` inserts the cell into each exercise it releases, and for the chapters

    python -m course_utils.install_cell chapters/*.ipynb

writes it (``make notebooks`` runs this first), so a fork changes ``repository.url`` and
nothing else.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

from . import bookconfig

CELL_ID = "install-course-utils"
SOURCE_VARIABLE = "COURSE_UTILS_SOURCE"
TAGS = ["remove-cell"]  # hidden in the HTML book; still in the .ipynb a reader downloads


def source(config: bookconfig.BookConfig) -> str:
    """The install cell's code for the course at ``config``'s repository."""
    return f"""\
# Setup: installs the course's package, course_utils, where it is missing (on Colab, or in a
# downloaded notebook); where it is installed, this cell does nothing. To install it from
# somewhere else (a fork, a local folder), set the environment variable {SOURCE_VARIABLE}.
import importlib.util

if importlib.util.find_spec("course_utils") is None:
    import os
    import subprocess
    import sys

    url = "{config.archive_url}"
    source = os.environ.get("{SOURCE_VARIABLE}", url)
    print(f"Installing course_utils from {{source}} (once; this takes a minute)")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", source], check=True)
    importlib.invalidate_caches()"""


def cell(config: bookconfig.BookConfig) -> dict[str, Any]:
    """The install cell as a notebook cell (nbformat 4.5), not yet executed."""
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": CELL_ID,
        "metadata": {"tags": list(TAGS)},
        "outputs": [],
        "source": source(config),
    }


def with_install_cell(nb: dict[str, Any], config: bookconfig.BookConfig) -> dict[str, Any]:
    """A copy of ``nb`` whose install cell is the current one.

    An existing install cell (found by its id) gets the current source and tags and keeps its
    outputs; otherwise the cell goes right after the first cell when that is markdown (the
    title and learning objectives), else first.
    """
    nb = copy.deepcopy(nb)
    cells = nb["cells"]
    for existing in cells:
        if existing.get("id") == CELL_ID:
            existing["source"] = source(config)
            existing.setdefault("metadata", {})["tags"] = list(TAGS)
            return nb
    at = 1 if cells and cells[0]["cell_type"] == "markdown" else 0
    cells.insert(at, cell(config))
    nb["nbformat_minor"] = max(nb.get("nbformat_minor", 0), 5)  # cell ids
    return nb


def _lines(text: str | list[str]) -> list[str]:
    return text.splitlines(keepends=True) if isinstance(text, str) else text


def notebook_text(nb: dict[str, Any]) -> str:
    """``nb`` as Jupyter writes it (sorted keys, one-space indent, sources as lists of lines),
    so a notebook read and written back is unchanged byte for byte."""
    nb = copy.deepcopy(nb)
    for each in nb["cells"]:
        each["source"] = _lines(each["source"])
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Refresh the install cell of each notebook named on the command line, in place."""
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.install_cell",
        description="Write the current install cell into notebooks (after the first cell).",
    )
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="the book's _config.yml (default: the nearest one above the first notebook)",
    )
    args = parser.parse_args(argv)
    config = (
        bookconfig.read(args.config) if args.config else bookconfig.find(args.notebooks[0].parent)
    )
    for path in args.notebooks:
        text = path.read_text(encoding="utf-8")
        updated = notebook_text(with_install_cell(json.loads(text), config))
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            print(f"{path}: install cell written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
