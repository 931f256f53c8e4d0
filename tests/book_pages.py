"""The pages of the built book, as the table of contents lists them.

Shared by the browser test (`tests/test_book_browser.py`) and the page-weight report
(`bench/page_weight.py`), so both always walk exactly the pages in `_toc.yml`, whatever
chapters exist at the time.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

#: Pages the build adds besides the TOC's own: Sphinx's index (a redirect to the root), general
#: index and search page, and sphinx-proof's index of theorems and proofs.
GENERATED_PAGES = frozenset({"index", "genindex", "search", "prf-prf"})


def html_dir() -> Path:
    """The built book: `_build/html` at the repository root, or `$BOOK_HTML_DIR` if set."""
    return Path(os.environ.get("BOOK_HTML_DIR", ROOT / "_build" / "html"))


def toc_docnames(toc_path: Path | None = None) -> list[str]:
    """Every document of the TOC, in reading order, without suffix (``"chapters/01_x"``)."""
    toc = yaml.safe_load((toc_path or ROOT / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                names.append(str(Path(entry["file"]).with_suffix("")))
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    walk(toc.get("parts", []) + toc.get("chapters", []))
    return names


def chapter_docnames(toc_path: Path | None = None) -> list[str]:
    """The TOC's documents under `chapters/` (the pages the page-weight limit applies to)."""
    return [name for name in toc_docnames(toc_path) if name.startswith("chapters/")]


def built_docnames(html: Path) -> set[str]:
    """Every HTML page of a built book, outside Sphinx's own asset folders and the Chinese
    edition's folder (`zh/`, the same pages again; `tests/test_translation.py` checks it)."""
    skip = {"_static", "_sources", "_images", "zh"}
    return {
        str(page.relative_to(html).with_suffix(""))
        for page in html.rglob("*.html")
        if not skip & set(page.relative_to(html).parts)
    }
