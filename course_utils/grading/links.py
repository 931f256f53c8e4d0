"""Links in a released notebook that still work once it is unzipped anywhere.

In the repository an exercise links its chapter relatively (``../../chapters/NAME.ipynb``),
which opens the notebook next door. A released notebook lives in a student's download folder,
where that path leads nowhere, so :func:`published` rewrites every relative link of a markdown
cell (``[text](target)``, ``![alt](target)``, ``href="…"``, ``src="…"``):

- a page of the book (a ``.ipynb`` or ``.md`` file under the book's root) becomes its address
  in the published book, ``BASEURL/chapters/NAME.html``, anchors kept;
- a file the release ships beside the notebook stays as it is;
- anything else is an error naming the link, never a dead link in a student's hands.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urldefrag

from ..bookconfig import BookConfig

PAGE_SUFFIXES = (".ipynb", ".md")
_MARKDOWN_LINK = re.compile(r"(!?\[[^\]]*\]\()([^)\s]+)")
_HTML_LINK = re.compile(r"(\b(?:href|src)=[\"'])([^\"']+)")
_ABSOLUTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|#)")  # a scheme, the site root, an anchor


def published(
    markdown: str, folder: Path, config: BookConfig, shipped: frozenset[str] = frozenset()
) -> str:
    """``markdown`` (a cell of the notebook in ``folder``) with its relative links rewritten.

    Parameters
    ----------
    markdown : str
        The cell's text.
    folder : Path
        The folder the notebook sits in inside the repository (links are relative to it).
    config : BookConfig
        The book: its root folder and the address it is published at.
    shipped : frozenset of str
        Names of the files the release writes beside the notebook (links to them stay).

    Raises
    ------
    ValueError
        A relative link to something neither shipped nor a page of the book.
    """

    def rewrite(match: re.Match[str]) -> str:
        return match.group(1) + _address(match.group(2), folder, config, shipped)

    return _HTML_LINK.sub(rewrite, _MARKDOWN_LINK.sub(rewrite, markdown))


def _address(target: str, folder: Path, config: BookConfig, shipped: frozenset[str]) -> str:
    if _ABSOLUTE.match(target):
        return target
    path, anchor = urldefrag(target)
    if path in shipped:
        return target
    resolved = (folder / path).resolve()
    root = config.root.resolve()
    if resolved.suffix in PAGE_SUFFIXES and resolved.is_file() and resolved.is_relative_to(root):
        page = resolved.relative_to(root).with_suffix(".html").as_posix()
        return config.baseurl + page + (f"#{anchor}" if anchor else "")
    raise ValueError(
        f"{folder.name}: the link {target!r} leads to {resolved}, which is neither a page of"
        " the book nor a file the release ships; link the published book instead"
    )
