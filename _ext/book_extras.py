"""Two small fixes to the HTML that Jupyter Book 1 writes, loaded from `_config.yml`.

1. **No script twice.** Under Sphinx 7.4, an inline script that an extension adds after the
   builder starts (sphinx-thebe's `const THEBE_JS_URL = …`, sphinx-togglebutton's selector) is
   written into every page twice; the second `const` is a JavaScript error on every page. We
   drop exact repeats from the page's script list.
2. **A `.md` download for every chapter.** The theme's download menu offers a notebook page as
   `.ipynb` (its source) and `.pdf`; we add the same notebook as a MyST Markdown text file (no
   outputs), written next to the `.ipynb` under `_sources/`, for readers who want to read or
   diff the source as plain text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jupytext
from sphinx.application import Sphinx


def _drop_repeated_scripts(app: Sphinx, pagename: str, templatename: str, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    unique = []
    for script in scripts:
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique  # in place: the list is the builder's own, reset before each page


def _add_markdown_download(app: Sphinx, pagename: str, templatename: str, context, doctree):
    if context.get("page_source_suffix") != ".ipynb":
        return
    notebook = Path(app.srcdir) / f"{pagename}.ipynb"
    sourcename = f"{pagename}.md"
    target = Path(app.outdir) / "_sources" / sourcename
    target.parent.mkdir(parents=True, exist_ok=True)
    jupytext.write(jupytext.read(notebook), target, fmt="md:myst")

    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        buttons = group["buttons"]
        position = next(
            (i + 1 for i, b in enumerate(buttons) if b.get("label") == "download-source-button"),
            len(buttons),
        )
        buttons.insert(
            position,
            {
                "type": "link",
                "url": f"{context['pathto']('_sources', 1)}/{sourcename}",
                "text": ".md",
                "tooltip": "Download as MyST Markdown (text, no outputs)",
                "icon": "fas fa-file-lines",
                "label": "download-markdown-button",
            },
        )


def setup(app: Sphinx) -> dict[str, Any]:
    # After the book theme has built the download menu (its handlers run at priority 500).
    app.connect("html-page-context", _add_markdown_download, priority=600)
    # Last, once every extension has added its scripts for the page.
    app.connect("html-page-context", _drop_repeated_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
