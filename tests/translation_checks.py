"""What a translation catalog must keep from its English source, checked entry by entry.

Used by `tests/test_translation.py` and by translators on one catalog at a time::

    python tests/translation_checks.py locale/zh_CN/LC_MESSAGES/chapters/03_cross_entropy.po

Sphinx falls back to English without a word when an entry is untranslated or fuzzy, and shows a
broken ``$…$`` as raw text, so every rule here is one the build itself does not check:

- every entry is translated and none is fuzzy;
- inline math, inline code, link targets, citations, cross-references and glued numbers are
  carried over unchanged (the same multiset in the translation as in the source);
- a ``{term}`` reference keeps its target (``{term}`损失函数 <loss function>```);
- every glossary term the English names is given the Chinese name the glossary decides;
- a display formula (an entry of its own, starting with a line break) is copied unchanged.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "locale"
GLOSSARY = ROOT / "glossary.md"

# A MyST role: {name}`text` (``{glue:text}`key```, ``{prf:ref}`label```, …).
_ROLE = re.compile(r"\{([a-z:]+)\}`([^`]*)`")
_CODE = re.compile(r"(?<![`}])`([^`]+)`")
_MATH = re.compile(r"(?<![\\$])\$(?!\$)((?:\\.|[^$\\])+?)\$")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_TARGET = re.compile(r"<([^<>]+)>\s*$")


@dataclass(frozen=True)
class Problem:
    """One rule an entry breaks."""

    catalog: str
    msgid: str
    what: str

    def __str__(self) -> str:
        return f"{self.catalog}: {self.what}\n    source: {self.msgid[:120]!r}"


def glossary_terms(path: Path = GLOSSARY) -> dict[str, str]:
    """English term → Chinese name, read from the glossary's definition lines.

    Each entry of ``glossary.md`` is a term line followed by a definition that starts with the
    Chinese name and its pinyin in brackets: ``损失函数 (sǔnshī hánshù). A function …``.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    terms: dict[str, str] = {}
    for term, definition in pairwise(lines):
        if term and not term.startswith((" ", "`", ":", "#")) and definition.startswith("  "):
            chinese = definition.strip().split(" (", 1)[0]
            if re.search(r"[\u4e00-\u9fff]", chinese):
                terms[term.strip()] = chinese
    return terms


def _role_key(name: str, text: str) -> tuple[str, str]:
    """A role as it must survive translation: its name and its target (not its shown text)."""
    if name in {"term", "ref", "doc", "prf:ref", "download", "numref"}:
        target = _TARGET.search(text)
        return name, (target.group(1) if target else text).strip()
    return name, text


def _without_roles(text: str) -> str:
    return _ROLE.sub(" ", text)


def _parts(text: str) -> dict[str, Counter]:
    bare = _without_roles(text)
    return {
        "roles": Counter(_role_key(n, t) for n, t in _ROLE.findall(text)),
        "inline math": Counter(m.strip() for m in _MATH.findall(bare)),
        "inline code": Counter(_CODE.findall(_MATH.sub(" ", bare))),
        "link targets": Counter(_LINK.findall(text)),
    }


def _unescaped_dollars(text: str) -> int:
    return len(re.findall(r"(?<!\\)\$", _ROLE.sub(" ", text)))


def _accepted_names(chinese: str) -> tuple[str, ...]:
    """The glossary's name, and for "softmax 函数" also the bare word ("softmax 交叉熵")."""
    stem = chinese.removesuffix(" 函数")
    return (chinese, stem) if stem != chinese and stem.isascii() else (chinese,)


def _term_pattern(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?:s|es)?(?![\w-])", re.IGNORECASE)


def check_entry(catalog: str, msgid: str, msgstr: str, fuzzy: bool, terms: dict[str, str]):
    """Every problem of one catalog entry (an empty list when it is fine)."""
    if not msgstr.strip():
        return [Problem(catalog, msgid, "untranslated")]
    if msgid.startswith("\n"):  # a display formula: Sphinx shows a changed one as raw text
        return [] if msgstr == msgid else [Problem(catalog, msgid, "display math changed")]
    problems = []
    if fuzzy:
        problems.append(Problem(catalog, msgid, "fuzzy: the English changed; re-translate it"))
    if _unescaped_dollars(msgstr) % 2:
        problems.append(Problem(catalog, msgid, "an odd number of $ (broken inline math)"))
    source, target = _parts(msgid), _parts(msgstr)
    for kind, expected in source.items():
        if target[kind] != expected:
            lost = sorted((expected - target[kind]).elements(), key=str)
            added = sorted((target[kind] - expected).elements(), key=str)
            problems.append(Problem(catalog, msgid, f"{kind} differ: lost {lost}, added {added}"))
    shown = _ROLE.sub(lambda m: _TARGET.sub("", m.group(2)), msgstr)
    english = _CODE.sub(" ", _without_roles(_MATH.sub(" ", msgid)))
    term_targets = {t for (n, t) in source["roles"] if n == "term"}
    for term, chinese in terms.items():
        named = _term_pattern(term).search(english) or term in term_targets
        if named and not any(name in shown for name in _accepted_names(chinese)):
            problems.append(
                Problem(catalog, msgid, f"names {term!r}: the glossary's Chinese is {chinese}")
            )
    return problems


def check_catalog(path: Path, terms: dict[str, str] | None = None) -> list[Problem]:
    """Every problem of one ``.po`` file."""
    terms = glossary_terms() if terms is None else terms
    with path.open("rb") as handle:
        catalog = read_po(handle)
    name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        problems += check_entry(name, message.id, message.string, message.fuzzy, terms)
    if catalog.obsolete:
        problems.append(Problem(name, "", f"{len(catalog.obsolete)} obsolete entries (#~)"))
    return problems


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] or sorted(LOCALE.rglob("*.po"))
    terms = glossary_terms()
    problems = [p for path in paths for p in check_catalog(path, terms)]
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s) in {len(paths)} catalog(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
