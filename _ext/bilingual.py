"""The English and the Chinese edition as one site, loaded from `_config.yml`.

The Chinese edition (`_ext/edition.py html zh_CN`) is the same sources with Sphinx's
``language`` set to ``zh_CN``: the paragraphs come from the catalogs under ``locale/``. This
extension adds what Sphinx and the theme leave out:

1. **A language switch on every page** that lands on the same page in the other edition. The
   English book is ``_build/html/``, the Chinese one ``_build/html/zh/``, so the link is
   relative and works offline and on any host.
2. **Strings the theme keeps in English.** sphinx-togglebutton's hints ("Click to show") and
   myst-nb's code-cell prompts have no Chinese of their own (the togglebutton catalog is named
   ``zh-cn``, which the language ``zh_CN`` does not find), and the book's title is ours.
3. **Numbers from the computation in translated paragraphs.** Sphinx parses a translated
   paragraph on its own, outside the notebook, where myst-nb's ``{glue:text}`key``` finds no
   data (every glued number would be a warning and a blank). The paragraph's glue roles are
   pointed at their own notebook (``{glue:text}`03_cross_entropy.ipynb::key:s```), which myst-nb
   resolves from the notebook's saved glue data once the page is read.
4. **A translated build as fast as the English one.** Each paragraph Sphinx translates is
   parsed as a small document of its own, and its nodes keep a reference to that document,
   whose transformer reaches the whole build environment; the saved doctrees then carry a copy
   of it per paragraph (Sphinx 7.4: tens of MB, several times the English build's time).
   Re-attaching the translated nodes to their page right after the translation step keeps the
   doctrees as small as the English ones.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from myst_nb.sphinx_ import Parser as NotebookParser
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms import SphinxTransform

#: The folder of each edition inside the site, relative to the English root ("" for English).
EDITIONS = {"en": "", "zh_CN": "zh"}
#: The switch's label, in the language it leads to.
SWITCH_LABELS = {"en": "English", "zh_CN": "中文"}

CHINESE_SETTINGS = {
    "html_title": "从零实现损失函数",
    "togglebutton_hint": "点击显示",
    "togglebutton_hint_hide": "点击隐藏",
    "nb_code_prompt_show": "显示代码单元",
    "nb_code_prompt_hide": "隐藏代码单元",
}


def _edition(language: str | None) -> str:
    return "zh_CN" if (language or "en").lower().startswith("zh") else "en"


def _set_chinese_strings(app: Sphinx, config: Config) -> None:
    if _edition(config.language) != "zh_CN":
        return
    for name, value in CHINESE_SETTINGS.items():
        config[name] = value


class ReattachTranslatedNodes(SphinxTransform):
    """Point every node of a translated page at the page's own document (see item 4 above)."""

    default_priority = 21  # right after sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs: Any) -> None:
        if _edition(self.config.language) == "en":
            return
        for node in self.document.findall(nodes.Node):
            if node._document is not None and node._document is not self.document:
                node._document = self.document


# A text glue role whose key names no document: {glue:text}`key` or {glue:text}`key:fmt`.
_LOCAL_GLUE = re.compile(r"\{glue:text\}`([^`:]+)(:[^`:]*)?`")


class TranslatedNotebookParser(NotebookParser):
    """myst-nb's notebook parser, with glue roles in translated paragraphs made explicit."""

    def parse(self, inputstring: str, document: nodes.document) -> None:
        if document.current_source.endswith("<translated>"):
            notebook = Path(self.env.doc2path(self.env.docname)).name
            # The format must be explicit: myst-nb splits "doc::key:fmt" at its last colon.
            inputstring = _LOCAL_GLUE.sub(
                lambda m: f"{{glue:text}}`{notebook}::{m.group(1)}{m.group(2) or ':s'}`",
                inputstring,
            )
        super().parse(inputstring, document)


def _other_edition_url(pagename: str, here: str, there: str) -> str:
    """The relative URL of ``pagename`` in edition ``there``, from the same page in ``here``."""
    depth = pagename.count("/") + (1 if EDITIONS[here] else 0)
    prefix = "../" * depth + (f"{EDITIONS[there]}/" if EDITIONS[there] else "")
    return f"{prefix}{pagename}.html"


def _add_language_switch(app: Sphinx, pagename: str, templatename: str, context, doctree):
    here = _edition(app.config.language)
    there = "en" if here == "zh_CN" else "zh_CN"
    buttons = context.get("header_buttons")
    if buttons is None:
        return
    buttons.insert(
        0,
        {
            "type": "link",
            "url": _other_edition_url(pagename, here, there),
            "text": SWITCH_LABELS[there],
            "tooltip": "Read this page in English" if there == "en" else "阅读本页的中文版",
            "icon": "fas fa-language",
            "label": "language-switch-button",
        },
    )


def setup(app: Sphinx) -> dict[str, Any]:
    # After sphinx-togglebutton and myst-nb have registered their settings.
    app.connect("config-inited", _set_chinese_strings, priority=900)
    app.add_transform(ReattachTranslatedNodes)
    app.add_source_parser(TranslatedNotebookParser, override=True)
    # After the book theme has filled the header buttons (its handlers run at priority 500).
    app.connect("html-page-context", _add_language_switch, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
