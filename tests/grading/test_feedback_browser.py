"""The feedback pages and the class report, as people open them: in a browser, from disk.

Three submissions of ex03 are graded: the solution with written answers in Markdown (bold,
code, a formula), the released notebook untouched, and a hostile one whose student id, cell
error and written answer carry HTML. Then each page opens in headless Chromium (the system's,
as in `tests/test_book_browser.py`) from ``file://``, on a laptop in light mode and on a phone
in dark mode, and must show no literal Markdown, run no script of the submission's, fit the
phone's width and ask nothing of the network. Screenshots go to
``_build/screenshots/feedback__*.png``. Without Chromium or Playwright the browser tests skip,
except on CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from grading_helpers import FAST

from course_utils.grading import export, report
from course_utils.grading.grade import grade
from course_utils.grading.release import release
from course_utils.grading.spec import load_exercise

ROOT = Path(__file__).resolve().parents[2]
EXERCISE = ROOT / "exercises" / "ex03_cross_entropy"
SCREENSHOTS = ROOT / "_build" / "screenshots"
ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no host resolves: a page works from disk alone
]
HOSTILE = 'eve <img src=x onerror="window.pwned = 1">'  # a folder name: no slash
ANSWERS = {
    "W1": "Adding $c$ to every logit multiplies each $e^{z_k}$ by $e^c$, which **cancels** in\n"
    "the ratio.\n\nSubtracting the `max` keeps every exponent $\\le 0$:\n\n"
    "$$\\log\\sum_k e^{z_k} = m + \\log\\sum_k e^{z_k - m}$$",
    "W2": "About 1000; the naive form returns `inf`.",
}
SCRIPT = "<script>window.pwned = 1</script>"
VIEWS = {  # name: (viewport, colour scheme)
    "laptop-light": ({"width": 1280, "height": 900}, "light"),
    "phone-dark": ({"width": 390, "height": 844}, "dark"),
}


def _notebook(cells: list[dict], answers: dict[str, str]) -> dict:
    nb = json.loads((EXERCISE / f"{EXERCISE.name}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        for key, answer in answers.items():
            if text.startswith(f"**Your answer ({key}):**"):
                cell["source"] = f"**Your answer ({key}):** {answer}"
    nb["cells"] += cells
    return nb


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("feedback_pages")
    release(EXERCISE, root / "release")
    released = json.loads(
        (root / "release" / EXERCISE.name / f"{EXERCISE.name}.ipynb").read_text("utf-8")
    )
    hostile_cell = {
        "cell_type": "code",
        "metadata": {},
        "outputs": [],
        "execution_count": None,
        "source": f"raise RuntimeError({SCRIPT!r})",
    }
    submissions = {
        "ada": _notebook([], ANSWERS),
        "bob": released,
        HOSTILE: _notebook([hostile_cell], {"W1": f"{SCRIPT} **bold** [x](javascript:alert(1))"}),
    }
    for student, nb in submissions.items():
        (root / "subs" / student).mkdir(parents=True)
        path = root / "subs" / student / f"{EXERCISE.name}.ipynb"
        path.write_text(json.dumps(nb), encoding="utf-8")
    book = root / "gradebook.sqlite"
    grade(root / "subs", EXERCISE, book, FAST, jobs=2)
    exercise = load_exercise(EXERCISE)
    written = export.feedback(book, exercise, root / "feedback")
    found = {p.stem: p for p in written if p.suffix == ".html"}
    _, found["report"] = report.class_report(book, exercise, root / "report.html")
    return found


def _hostile_page(pages: dict[str, Path]) -> Path:
    (stem,) = [s for s in pages if s.startswith("eve")]
    return pages[stem]


# --- checks on the files -------------------------------------------------------------------


def test_pages_are_one_file_each_with_no_script_and_nothing_remote(pages):
    assert {"ada", "bob", "report"} < set(pages) and len(pages) == 4
    for path in pages.values():
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text.lower(), f"{path.name}: a script tag"
        assert not re.search(r"(?:src|href)=['\"]?(?:https?:)?//", text), path.name
        assert "name='viewport'" in text and "prefers-color-scheme: dark" in text


def test_what_the_submission_wrote_is_escaped_not_run(pages):
    text = _hostile_page(pages).read_text(encoding="utf-8")
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in text  # the error and the answer
    assert "&lt;img src=x" in text and "<img" not in text  # the student id
    assert 'href="javascript:' not in text  # markdown-it refuses the scheme: plain text
    report_text = pages["report"].read_text(encoding="utf-8")
    assert "&lt;script&gt;" in report_text and "<strong>bold</strong>" in report_text


def test_markdown_is_rendered(pages):
    text = pages["ada"].read_text(encoding="utf-8")
    assert "<strong>Score: 17 / 17</strong>" in text
    assert "<code>max</code>" in text and "<strong>cancels</strong>" in text
    assert '<span class="math inline">e^{z_k}</span>' in text
    assert '<div class="math block">' in text


# --- the browser ---------------------------------------------------------------------------


def _unavailable(reason: str) -> None:
    if ON_CI:
        pytest.fail(f"{reason} (CI=true: the browser test must run on CI)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: pip install -e '.[dev]'")
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).is_file():
        _unavailable(f"no Chromium at {executable} (Debian: apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


_VISIBLE_TEXT = "() => document.body.innerText"


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("name", ["ada", "bob", "eve", "report"])
def test_page_in_browser(browser, pages, name, view):
    path = _hostile_page(pages) if name == "eve" else pages[name]
    viewport, scheme = VIEWS[view]
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto(path.as_uri(), wait_until="load")
        text = page.evaluate(_VISIBLE_TEXT)
        assert "**" not in text and "`" not in text, f"{name}: literal Markdown:\n{text[:800]}"
        assert not re.search(r"^#{1,6} ", text, re.M), f"{name}: a literal Markdown heading"
        assert page.evaluate("() => window.pwned") is None, "a submission's script ran"
        if name == "eve":
            assert SCRIPT in text and HOSTILE in text  # shown as the text they are
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{name}: {width}px wide on a {viewport['width']}px"
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        channels = [int(c) for c in re.findall(r"\d+", background)[:3]]
        assert (sum(channels) < 150) == (scheme == "dark"), f"{scheme}: {background}"
        off_disk = [u for u in requests if not u.startswith(("file:", "data:"))]
        assert not off_disk, f"{name}: requests off the disk: {off_disk}"
        assert not problems, problems
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"feedback__{name}__{view}.png"), full_page=True)
    finally:
        context.close()
