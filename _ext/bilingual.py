"""The English and the Chinese edition as one site, loaded from `_config.yml`.

The Chinese edition (`_ext/edition.py html zh_CN`) is the same sources with Sphinx's
``language`` set to ``zh_CN``: the paragraphs come from the catalogs under ``locale/``. This
extension adds what Sphinx and the theme leave out:

1. **A language switch on every page** that lands on the same page in the other edition. The
   English book is ``_build/html/``, the Chinese one ``_build/html/zh/``, so the link is
   relative and works offline and on any host.
2. **Strings the theme keeps in English.** sphinx-togglebutton's hints ("Click to show") and
   myst-nb's code-cell prompts have no Chinese of their own (the togglebutton catalog is named
   ``zh-cn``, which the language ``zh_CN`` does not find); Jupyter Book sets the search box's
   placeholder and the footer in English; the book theme's catalog misses some header buttons.
   The title, author and footer are ours. (The theme's own templates' strings with no
   catalog entry are in ``locale/zh_CN/LC_MESSAGES/sphinx.po``.)
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
    "author": "从零实现损失函数课程组",
    "togglebutton_hint": "点击显示",
    "togglebutton_hint_hide": "点击隐藏",
    "nb_code_prompt_show": "显示代码单元",
    "nb_code_prompt_hide": "隐藏代码单元",
}

CHINESE_FOOTER = "<p>本书显示所需的一切（公式、交互控件、搜索）都随书提供，下载后可离线阅读。</p>"

#: The header buttons' labels the book theme has no Chinese for (its catalog's gaps).
CHINESE_BUTTON_TEXT = {
    "Launch interactive content": "启动交互式笔记本",
    "Launch on Binder": "在 Binder 上启动",
    "Launch on Colab": "在 Colab 上启动",
    "Launch on JupyterHub": "在 JupyterHub 上启动",
    "Source repositories": "源码库",
    "Repository": "源码库",
    "Open issue": "提交问题",
    "Print to PDF": "打印为 PDF",
    "列印成 PDF": "打印为 PDF",  # the theme's zh_CN catalog has the Taiwanese wording
    "Download as MyST Markdown (text, no outputs)": "下载为 MyST Markdown（纯文本，不含输出）",
}


def _edition(language: str | None) -> str:
    return "zh_CN" if (language or "en").lower().startswith("zh") else "en"


def _set_chinese_strings(app: Sphinx, config: Config) -> None:
    if _edition(config.language) != "zh_CN":
        return
    for name, value in CHINESE_SETTINGS.items():
        config[name] = value
    # Jupyter Book sets the search box's placeholder and the footer as theme options.
    config.html_theme_options = {
        **config.html_theme_options,
        "search_bar_text": "搜索本书……",
        "extra_footer": CHINESE_FOOTER,
    }


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


def _translate_buttons(buttons: list[dict[str, Any]]) -> None:
    for button in buttons:
        for key in ("text", "tooltip"):
            if button.get(key) in CHINESE_BUTTON_TEXT:
                button[key] = CHINESE_BUTTON_TEXT[button[key]]
        _translate_buttons(button.get("buttons", []))


def _add_language_switch(app: Sphinx, pagename: str, templatename: str, context, doctree):
    here = _edition(app.config.language)
    there = "en" if here == "zh_CN" else "zh_CN"
    buttons = context.get("header_buttons")
    if buttons is None:
        return
    if here == "zh_CN":
        _translate_buttons(buttons)
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
    # Before sphinx-togglebutton writes its hints into the page scripts (default priority 500).
    app.connect("config-inited", _set_chinese_strings, priority=100)
    # The theme opens every header link in a new tab; the switch replaces the page instead.
    app.add_js_file("language-switch.js", loading_method="defer")
    app.add_transform(ReattachTranslatedNodes)
    app.add_source_parser(TranslatedNotebookParser, override=True)
    # After the book theme has filled the header buttons (its handlers run at priority 500).
    app.connect("html-page-context", _add_language_switch, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
