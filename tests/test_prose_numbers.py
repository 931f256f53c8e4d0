"""The numbers the chapters' prose quotes are the ones their cells computed.

A measured number in the text is quoted with myst-nb's ``{glue:text}`key``` role from a value a
cell stored with :func:`course_utils.prose.glue`. The chain that keeps text and computation
equal, and what here proves each link:

1. the cell computes the value and stores it as a glued output — nbval re-runs the cell and
   fails if the stored text would change (so the glued cell must not be exempt from nbval's
   comparison: :func:`test_glued_values_are_compared_by_nbval`);
2. the markdown quotes only keys that a cell stores, and every stored key is quoted
   (:func:`test_every_quoted_key_is_glued_and_every_glued_key_quoted`);
3. the built page shows the stored text where the role stands
   (:func:`test_built_pages_show_the_glued_text`);
4. no measured number is typed into the prose by hand
   (:func:`test_no_hand_typed_numbers_in_the_prose`): a number in the markdown must be glued,
   or be an input or a published value that the chapter's code itself sets (so a reader sees
   where it comes from and the code checks it).
"""

from __future__ import annotations

import ast
import html
import json
import re
from pathlib import Path

import pytest
from book_pages import html_dir

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
GLUE_PREFIX = "application/papermill.record/"
GLUE_ROLE = re.compile(r"\{glue(?::text|:any)?\}`([^`:]+)(?::[^`]*)?`")

# What the hand-typed-number rule looks at: decimals, percentages, powers of ten written
# 1e-5, and whole numbers from 10 up (single digits are counts of things in a sentence).
NUMBER = re.compile(r"(?<![\w.\-])-?(\d+\.\d+|\d+e-?\d+|\d{2,})(?![\w])")
YEAR = re.compile(r"^(19|20)\d\d$")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    return "".join(cell["source"])


def glued_outputs(nb: dict) -> dict[str, tuple[str, dict]]:
    """key → (stored text, the cell that stores it)."""
    found = {}
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if scrapbook:
                plain = output["data"][scrapbook.get("mime_prefix", "") + "text/plain"]
                found[scrapbook["name"]] = (ast.literal_eval("".join(plain)), cell)
    return found


def quoted_keys(nb: dict) -> list[str]:
    return [
        key
        for cell in nb["cells"]
        if cell["cell_type"] == "markdown"
        for key in GLUE_ROLE.findall(source(cell))
    ]


def prose_without_markup(text: str) -> str:
    """The running text of a markdown cell: math, code, roles, links and labels removed."""
    text = re.sub(r"^(`{3,}|~{3,}).*?^\1", " ", text, flags=re.S | re.M)  # fenced blocks
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$\n]*\$", " ", text)
    text = re.sub(r"\{[\w:-]+\}`[^`]*`", " ", text)  # roles, glue included
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)|<https?://[^>]*>|https?://\S+", " ", text)
    text = re.sub(r"^:\w+:.*$", " ", text, flags=re.M)  # directive options (:label: …)
    return text


def code_numbers(nb: dict) -> set[str]:
    """Every number written in the chapter's code cells, as the code writes it."""
    numbers = set()
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            numbers |= {m.group(1) for m in NUMBER.finditer(source(cell).replace("_", ""))}
    return numbers


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_quoted_key_is_glued_and_every_glued_key_quoted(path):
    nb = load(path)
    stored, quoted = set(glued_outputs(nb)), quoted_keys(nb)
    missing = sorted(set(quoted) - stored)
    assert not missing, f"{path.name} quotes keys no cell glues: {missing}"
    unused = sorted(stored - set(quoted))
    assert not unused, f"{path.name} glues keys the text never quotes: {unused}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_glued_values_are_compared_by_nbval(path):
    for key, (_, cell) in glued_outputs(load(path)).items():
        tags = set(cell.get("metadata", {}).get("tags", []))
        exempt = tags & {"nbval-ignore-output", "nbval-skip", "raises-exception"}
        assert not exempt, f"{path.name}: the cell gluing {key!r} is tagged {sorted(exempt)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_hand_typed_numbers_in_the_prose(path):
    nb = load(path)
    allowed = code_numbers(nb)
    typed = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for match in NUMBER.finditer(prose_without_markup(source(cell))):
            number = match.group(1)
            if number not in allowed and not YEAR.match(number):
                typed.append(f"cell {index}: {number}")
    assert not typed, (
        f"{path.name} types numbers into its prose that no cell computes or sets; glue them"
        f" from the cell that computes them (course_utils.prose.glue), or set them in code:"
        f" {typed}"
    )


def test_the_number_rule_sees_what_it_should():
    text = (
        "The net reaches 97.3 % after 1500 steps ($\\eta = 0.25$, `lr=0.5`); see"
        " {glue:text}`acc` and [a link](https://x.org/2.5) in 2016."
    )
    found = [m.group(1) for m in NUMBER.finditer(prose_without_markup(text))]
    assert found == ["97.3", "1500", "2016"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_built_pages_show_the_glued_text(path):
    page = html_dir() / "chapters" / f"{path.stem}.html"
    if not page.exists():
        pytest.skip("the book is not built (`make book` builds it; `make test` does first)")
    text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
    text = re.sub(r"\s+", " ", text)
    nb = load(path)
    stored = glued_outputs(nb)
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for match in GLUE_ROLE.finditer(source(cell)):
            value = stored[match.group(1)][0]
            assert re.sub(r"\s+", " ", value) in text, (
                f"{page.name} does not show {value!r}, the value glued as {match.group(1)!r}"
            )
