"""The Chinese edition: complete, faithful to the English sources, and built.

Sphinx shows the English paragraph, without a warning, wherever a catalog entry is missing,
empty or fuzzy, and shows a broken ``$…$`` as raw text; so these tests do what the build does
not:

- every catalog entry passes `translation_checks` (translated, not fuzzy, the same math, code,
  links and role targets as the English, the glossary's Chinese names);
- the catalogs hold exactly the paragraphs of the current sources (the templates `make book`
  writes into `_build/gettext`): an English edit without `make catalogs` fails here;
- the glossary's own catalog names each term as the glossary decides;
- the built Chinese site has a page per TOC entry, in Chinese, with no untranslated element,
  and each page of each edition links to the same page in the other.

The checks themselves are tested on entries made to break each rule.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from book_pages import ROOT, html_dir, toc_docnames
from translation_checks import LOCALE, check_catalog, check_entry, glossary_terms

CATALOGS = LOCALE / "zh_CN" / "LC_MESSAGES"
TEMPLATES = ROOT / "_build" / "gettext"
#: Catalogs of the theme's template strings, not of a page (no template of their own).
THEME_CATALOGS = {"sphinx"}
PAGES = toc_docnames()
TERMS = glossary_terms()


def _catalog_paths() -> list[Path]:
    return sorted(CATALOGS.rglob("*.po"))


def _name(path: Path, base: Path) -> str:
    return str(path.relative_to(base).with_suffix(""))


def _ids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


@pytest.mark.parametrize("catalog", _catalog_paths(), ids=lambda p: _name(p, CATALOGS))
def test_catalog_is_complete_and_faithful(catalog: Path) -> None:
    problems = check_catalog(catalog, TERMS)
    assert not problems, f"{len(problems)} entries to fix (see locale/README.md):\n" + "\n".join(
        map(str, problems[:40])
    )


def test_every_page_has_a_catalog() -> None:
    assert {_name(p, CATALOGS) for p in _catalog_paths()} - THEME_CATALOGS == set(PAGES)


def _templates() -> list[Path]:
    if not TEMPLATES.is_dir():
        pytest.skip("no templates in _build/gettext: run `make book` first")
    return sorted(TEMPLATES.rglob("*.pot"))


def test_catalogs_hold_the_current_paragraphs() -> None:
    """An English paragraph added, changed or deleted since `make catalogs` fails here."""
    stale = []
    for template in _templates():
        name = _name(template, TEMPLATES)
        catalog = CATALOGS / f"{name}.po"
        source, translated = _ids(template), _ids(catalog) if catalog.is_file() else set()
        if source != translated:
            stale.append(
                f"{name}: {len(source - translated)} new or changed paragraph(s), "
                f"{len(translated - source)} no longer in the source"
            )
    assert not stale, "run `make catalogs`, then translate:\n" + "\n".join(stale)


def test_glossary_catalog_names_each_term_as_the_glossary_does() -> None:
    with (CATALOGS / "glossary.po").open("rb") as handle:
        catalog = {message.id: message.string for message in read_po(handle) if message.id}
    assert set(TERMS) <= set(catalog), "a glossary term is missing from glossary.po"
    wrong = {term: catalog[term] for term, chinese in TERMS.items() if catalog[term] != chinese}
    assert not wrong, f"glossary terms not named as glossary.md decides: {wrong}"


# --- the checks can fail --------------------------------------------------------------------

SOURCE = (
    "The {term}`softmax` of $s$ costs {glue:text}`ch3_cost` by `np.exp` {cite}`bishop2006` "
    "(see [the page](https://example.org/a))."
)
FAITHFUL = (
    "$s$ 的 {term}`softmax 函数 <softmax>` 用 `np.exp` 计算，代价为 {glue:text}`ch3_cost` "
    "{cite}`bishop2006`（见[该页](https://example.org/a)）。"
)


def test_a_faithful_translation_passes() -> None:
    assert check_entry("t", SOURCE, FAITHFUL, False, TERMS) == []


@pytest.mark.parametrize(
    ("broken", "rule"),
    [
        ("", "untranslated"),
        (FAITHFUL.replace("$s$", "$s"), "odd number of $"),
        (FAITHFUL.replace("$s$", "$t$"), "inline math differ"),
        (FAITHFUL.replace("`np.exp`", "np.exp"), "inline code differ"),
        (FAITHFUL.replace("{cite}`bishop2006`", ""), "roles differ"),
        (FAITHFUL.replace("ch3_cost", "ch3_other"), "roles differ"),
        (FAITHFUL.replace("<softmax>", "<sigmoid>"), "roles differ"),
        (FAITHFUL.replace("https://example.org/a", "https://example.org/b"), "link targets"),
        (FAITHFUL.replace("softmax 函数 <softmax>", "归一化 <softmax>"), "names 'softmax'"),
    ],
)
def test_a_broken_translation_fails(broken: str, rule: str) -> None:
    problems = check_entry("t", SOURCE, broken, False, TERMS)
    assert any(rule in problem.what for problem in problems), problems


def test_a_fuzzy_entry_fails() -> None:
    problems = check_entry("t", SOURCE, FAITHFUL, True, TERMS)
    assert [problem.what.split(":")[0] for problem in problems] == ["fuzzy"]


# --- the built Chinese edition --------------------------------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def chinese() -> Path:
    html = html_dir() / "zh"
    if not (html / "intro.html").is_file():
        pytest.skip(f"no Chinese edition in {html}: run `make book` first")
    return html


@pytest.mark.parametrize("docname", PAGES)
def test_chinese_page_is_built_in_chinese(chinese: Path, docname: str) -> None:
    html = (chinese / f"{docname}.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN"' in html
    # Sphinx marks a figure "untranslated" even when it has translated its alt text (it looks
    # for a translation of the image itself), so figures are checked by their alt text.
    untranslated = [
        tag for tag in re.findall(r"<(\w+)[^>]*\buntranslated\b[^>]*>", html) if tag != "img"
    ]
    assert not untranslated, f"{docname}: {len(untranslated)} untranslated element(s)"
    english_alt = [
        alt
        for alt in re.findall(r'<img alt="([^"]*)"', html)
        if alt and not CJK.search(alt) and "logo" not in alt
    ]
    assert not english_alt, f"{docname}: figures with English alt text: {english_alt}"
    article = re.search(r"<article.*?</article>", html, re.S).group(0)
    text = re.sub(r"<(pre|script|style)\b.*?</\1>|<[^>]+>", " ", article, flags=re.S)
    # (the references page is mostly the works' own titles: a heading and a paragraph)
    assert len(CJK.findall(text)) > 40, f"{docname}: hardly any Chinese in the article"


@pytest.mark.parametrize("docname", PAGES)
def test_each_edition_links_to_the_same_page_in_the_other(chinese: Path, docname: str) -> None:
    switch = re.compile(r'<a href="([^"]+)"[^>]*\n?\s*class="[^"]*btn-language-switch-button')
    for here in (html_dir(), chinese):
        page = here / f"{docname}.html"
        links = switch.findall(page.read_text(encoding="utf-8"))
        assert len(links) == 1, f"{page}: {len(links)} language switches"
        target = (page.parent / links[0]).resolve()
        other = chinese if here == html_dir() else html_dir()
        assert target == (other / f"{docname}.html").resolve(), f"{page} → {links[0]}"


def test_chinese_search_index_has_chinese_words(chinese: Path) -> None:
    """Sphinx indexes Chinese body text only with jieba installed; without it, no warning."""
    index = (chinese / "searchindex.js").read_text(encoding="utf-8")
    # jieba's segmentation of a longer term can differ between runs ("交叉熵" → "交叉", "熵"),
    # so the test asks for short words every chapter uses.
    for word in ("梯度", "损失", "交叉", "正则"):
        forms = {json.dumps(word), json.dumps(word, ensure_ascii=False)}
        assert any(form in index for form in forms), f"{word}: not a search term of the edition"


def test_a_changed_display_formula_fails() -> None:
    formula = "\n\\text{Lasso:}\\quad \\alpha\\|w\\|_1\n"
    assert check_entry("t", formula, formula, False, TERMS) == []
    changed = check_entry("t", formula, formula.replace("Lasso", "套索回归"), False, TERMS)
    assert [problem.what for problem in changed] == ["display math changed"]
