"""A released exercise, zipped and unzipped far from the repository, has no dead link.

The links are found by a Markdown parser (markdown-it-py, as the book's toolchain reads
Markdown), not by the regular expressions the release rewrites with, plus every ``href``/``src``
of raw HTML. Each must be an anchor, a file inside the unzipped release, or an https address:
under the published book's base URL, a page the book builds; elsewhere, a site on the list
below.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from book_pages import toc_docnames
from markdown_it import MarkdownIt

from course_utils import bookconfig
from course_utils.grading import links
from course_utils.grading.cli import main

ROOT = Path(__file__).resolve().parents[1]
CONFIG = bookconfig.read(ROOT / "_config.yml")
EXTERNAL_SITES = {"github.com", "colab.research.google.com", "mybinder.org", "doi.org"}
_HTML_LINK = re.compile(r"\b(?:href|src)=[\"']([^\"']+)")


def markdown_links(text: str) -> list[str]:
    found = []
    for token in MarkdownIt("commonmark").parse(text):
        for child in [token, *(token.children or [])]:
            if child.type == "link_open":
                found.append(child.attrs["href"])
            elif child.type == "image":
                found.append(child.attrs["src"])
            elif child.type in ("html_inline", "html_block"):
                found += _HTML_LINK.findall(child.content)
    return found


@pytest.fixture(scope="module")
def unzipped(tmp_path_factory) -> Path:
    """Every exercise released, zipped one by one (as `make book` does), unzipped elsewhere."""
    out = tmp_path_factory.mktemp("release")
    assert main(["release", "--source", str(ROOT / "exercises"), "--out", str(out)]) == 0
    elsewhere = tmp_path_factory.mktemp("downloads")
    for folder in sorted(p for p in out.iterdir() if p.is_dir()):
        archive = out / f"{folder.name}.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            for file in sorted(folder.rglob("*")):
                zf.write(file, file.relative_to(out).as_posix())
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(elsewhere)
    return elsewhere


def test_no_released_link_is_relative_to_the_repository(unzipped):
    notebooks = sorted(unzipped.glob("*/*.ipynb"))
    assert len(notebooks) == len(list((ROOT / "exercises").glob("*/*.ipynb")))
    pages = set(toc_docnames())
    seen = 0
    for notebook in notebooks:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in (c for c in cells if c["cell_type"] == "markdown"):
            for link in markdown_links("".join(cell["source"])):
                seen += 1
                where = f"{notebook.name}: {link}"
                path, _ = urldefrag(link)
                parts = urlsplit(link)
                if not parts.scheme:
                    assert not path or (notebook.parent / path).resolve().is_file(), where
                    continue
                assert parts.scheme == "https", where
                if link.startswith(CONFIG.baseurl):
                    page = path[len(CONFIG.baseurl) :].removesuffix(".html")
                    assert page in pages, f"{where}: not a page of the book"
                else:
                    assert parts.hostname in EXTERNAL_SITES, where
    assert seen >= len(notebooks)  # every exercise links at least its chapter


def test_a_chapter_link_becomes_the_chapter_page_with_its_anchor(tmp_path):
    folder = ROOT / "exercises" / "ex04_l2_blur"
    text = (
        "See [the figure](../../chapters/04_l2_blur.ipynb#the-best-constant) and [data](x.json)."
    )
    published = links.published(text, folder, CONFIG, frozenset({"x.json"}))
    assert published == (
        f"See [the figure]({CONFIG.baseurl}chapters/04_l2_blur.html#the-best-constant)"
        " and [data](x.json)."
    )
    html = '<a href="../../chapters/04_l2_blur.ipynb">chapter</a>'
    assert f'href="{CONFIG.baseurl}chapters/04_l2_blur.html"' in links.published(
        html, folder, CONFIG
    )


@pytest.mark.parametrize(
    "target", ["../../tests/conftest.py", "../../chapters/missing.ipynb", "figure.png"]
)
def test_a_link_the_release_would_break_is_an_error_that_names_it(target):
    with pytest.raises(ValueError, match=re.escape(repr(target))):
        links.published(f"[x]({target})", ROOT / "exercises" / "ex04_l2_blur", CONFIG)
