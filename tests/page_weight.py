"""Page-weight report of the built book: each chapter page's size with its images.

Usage (after `make book`)::

    python tests/page_weight.py          # prints the table; exit status 1 if a page is too heavy

A chapter page weighs its HTML plus every image it shows; that must stay under
`LIMIT_BYTES` (3 MB), which is why figures are compressed PNG or SVG. The scripts and style
sheets a page loads (theme, MathJax, the widget embedder) are shared by every page and cached
after the first one, so they get their own column and do not count toward the limit; fonts
that style sheets pull in are not counted at all.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from book_pages import chapter_docnames, html_dir

LIMIT_BYTES = 3 * 1024 * 1024


class _Assets(HTMLParser):
    """Collects the local files a page loads: images, scripts and style sheets."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.shared: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "img" and a.get("src"):
            self.images.append(a["src"])
        elif tag == "script" and a.get("src"):
            self.shared.append(a["src"])
        elif tag == "link" and a.get("rel") == "stylesheet" and a.get("href"):
            self.shared.append(a["href"])


@dataclass(frozen=True)
class PageWeight:
    docname: str
    html_bytes: int
    image_count: int
    image_bytes: int
    shared_bytes: int

    @property
    def page_bytes(self) -> int:
        """HTML plus images: the figure the 3 MB limit applies to."""
        return self.html_bytes + self.image_bytes


def _local_size(page: Path, url: str) -> int:
    """Size of the file a page-relative URL points at (0 for remote or inline data)."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:  # data: URIs, or a remote file (the browser test forbids)
        return 0
    target = (page.parent / unquote(parts.path)).resolve()
    return target.stat().st_size if target.is_file() else 0


def measure(html: Path, docname: str) -> PageWeight:
    """Weigh one built page (`docname` as in the TOC, e.g. ``"chapters/01_loss_functions"``)."""
    page = html / f"{docname}.html"
    parser = _Assets()
    parser.feed(page.read_text(encoding="utf-8"))
    images = set(parser.images)
    return PageWeight(
        docname=docname,
        html_bytes=page.stat().st_size,
        image_count=len(images),
        image_bytes=sum(_local_size(page, src) for src in images),
        shared_bytes=sum(_local_size(page, src) for src in set(parser.shared)),
    )


def report(weights: list[PageWeight]) -> str:
    """A plain-text table, one row per page, sizes in KiB."""
    rows = [
        f"{'page':<40} {'html':>8} {'images':>12} {'page+img':>9} {'shared js/css':>14}",
        "-" * 87,
    ]
    for w in weights:
        flag = "  TOO HEAVY" if w.page_bytes > LIMIT_BYTES else ""
        rows.append(
            f"{w.docname:<40} {w.html_bytes / 1024:>7.0f}K "
            f"{w.image_count:>3} × {w.image_bytes / 1024:>5.0f}K "
            f"{w.page_bytes / 1024:>8.0f}K {w.shared_bytes / 1024:>13.0f}K{flag}"
        )
    rows.append(f"limit for html + images: {LIMIT_BYTES / 1024:.0f}K per chapter page")
    return "\n".join(rows)


def main() -> int:
    html = html_dir()
    if not (html / "index.html").is_file():
        print(f"no built book in {html}: run `make book` first", file=sys.stderr)
        return 2
    weights = [measure(html, name) for name in chapter_docnames()]
    print(report(weights))
    return 1 if any(w.page_bytes > LIMIT_BYTES for w in weights) else 0


if __name__ == "__main__":
    sys.exit(main())
