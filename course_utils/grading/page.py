"""HTML pages people read: the feedback a student opens and the class report.

Markdown becomes HTML with markdown-it-py (CommonMark plus tables), so what the grader writes
as ``**Score**`` or `` `mse` `` reads as bold and code. Part of that Markdown comes from the
submission (its folder name, the errors its cells raised, its written answers), so the
renderer is locked down:

- raw HTML is escaped, never passed through: a ``<script>`` in an answer shows as text;
- images are off and links are limited to markdown-it's safe schemes: a page opened offline,
  or by the instructor, fetches nothing a submission chose;
- ``$…$`` and ``$$…$$`` (mdit-py-plugins' dollarmath) become ``<span class="math">`` holding the
  escaped TeX, shown in a formula font: the page loads no script, so it works offline.

:func:`document` wraps a body in the course's page style (``feedback.css``, inlined: a page is
one self-contained file; system fonts, a readable width, a phone's viewport, light and dark).
markdown-it is imported on first use: the Gradescope autograder, which writes no HTML, ships
the grading package with NumPy only.
"""

from __future__ import annotations

import functools
import html
from importlib import resources
from typing import Any

STYLE_SHEET = "feedback.css"


@functools.cache
def _renderer() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")
    return md.use(dollarmath_plugin, double_inline=True)


def markdown_html(text: str) -> str:
    """Render Markdown blocks (paragraphs, lists, headings, quotes, code) as safe HTML."""
    return _renderer().render(text)


def inline_html(text: str) -> str:
    """Render one line of Markdown (code spans, emphasis, math) as safe inline HTML."""
    return _renderer().renderInline(text)


@functools.cache
def style_sheet() -> str:
    """The pages' CSS, read from the package (it ships in the wheel as package data)."""
    return resources.files(__package__).joinpath(STYLE_SHEET).read_text(encoding="utf-8")


def document(title: str, body: str) -> str:
    """A complete HTML page: ``title`` (plain text, escaped) and ``body`` (HTML)."""
    return (
        "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        "<meta name='color-scheme' content='light dark'>\n"
        f"<title>{html.escape(title)}</title>\n<style>\n{style_sheet()}</style>\n</head>\n"
        f"<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )
