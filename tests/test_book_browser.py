"""The built book as a reader meets it: every TOC page in a real browser, with no network.

First, checks on the built HTML that need no browser: one page per TOC entry, no script or
style sheet from another host, alt text on every figure, chapter pages under 3 MB.

Then a local HTTP server serves `_build/html` on 127.0.0.1; Playwright drives Debian's Chromium
(`/usr/bin/chromium`, or `$CHROMIUM`) headless, with every other host unresolvable. Each page
must answer 200, log no console error, fail no request, render its math with the book's own
MathJax, load every image, link only to pages and anchors that exist, show its saved widgets,
and open its exercise/solution dropdowns on click. Every page of the Chinese edition (`zh/`) is
checked the same way, and each page's language switch must lead to the same page in the other
edition, with the Chinese drawn in a CJK font. A full-page screenshot of each page goes to
`_build/screenshots/`.

Needs the book built first (`make test` builds it). Without Chromium or Playwright the browser
tests skip with the reason, except on CI (`CI=true`), where they fail.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from book_pages import GENERATED_PAGES, ROOT, built_docnames, html_dir, toc_docnames
from page_weight import LIMIT_BYTES, measure, report

ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PAGES = toc_docnames()
#: Every page of both editions, as paths under the site root: English, then Chinese (zh/).
EDITION_PAGES = PAGES + [f"zh/{name}" for name in PAGES]
SCREENSHOTS = ROOT / "_build" / "screenshots"
TIMEOUT_MS = 60_000  # generous: CI machines are shared
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # every host but the local server is unreachable: a CDN request shows up as a failure
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def _unavailable(reason: str) -> None:
    """Fail on CI (the browser test must run there); skip with the reason elsewhere."""
    if ON_CI:
        pytest.fail(f"{reason} (CI=true: the browser test must run on CI)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def book() -> Path:
    html = html_dir()
    if not (html / "index.html").is_file():
        _unavailable(f"no built book in {html}: run `make book` first")
    return html


# --- checks that need no browser ------------------------------------------------------------


def test_built_pages_match_toc(book: Path) -> None:
    """The book has exactly one page per TOC entry (plus Sphinx's index, search, genindex)."""
    built = built_docnames(book) - GENERATED_PAGES
    assert built == set(PAGES), (
        f"pages missing from the build: {sorted(set(PAGES) - built)}; "
        f"pages built but not in _toc.yml: {sorted(built - set(PAGES))}"
    )


def test_no_page_loads_from_a_cdn(book: Path) -> None:
    """No page names a remote script or style sheet (MathJax and widgets are vendored).
    The canonical link (`html.baseurl`: the page's published address) loads nothing."""
    remote = re.compile(
        r"<(?:script|link)\b(?![^>]*rel=\"canonical\")[^>]*(?:src|href)=\"(?:https?:)?//[^\"]+\""
    )
    offenders = {
        name: remote.findall((book / f"{name}.html").read_text(encoding="utf-8")) for name in PAGES
    }
    offenders = {name: tags for name, tags in offenders.items() if tags}
    assert not offenders, f"pages loading remote files: {offenders}"


def test_chapters_have_launch_download_and_repository_buttons(book: Path) -> None:
    """Each notebook page offers Binder, Colab and JupyterHub, the .ipynb and .md downloads,
    and the repository and issue links, all configured in `_config.yml`."""
    notebooks = [name for name in PAGES if (book / "_sources" / f"{name}.ipynb").is_file()]
    assert notebooks, "no notebook page in the book"
    buttons = [
        'title="Launch on Binder"',
        'title="Launch on Colab"',
        'title="Launch on JupyterHub"',
        'title="Source repository"',
        'title="Open an issue"',
    ]
    for name in notebooks:
        html = (book / f"{name}.html").read_text(encoding="utf-8")
        for needle in [*buttons, f'_sources/{name}.ipynb"', f'_sources/{name}.md"']:
            assert needle in html, f"{name}: no {needle} in the page's toolbar"


def test_every_figure_has_alt_text(book: Path) -> None:
    """Every figure a page shows carries alt text, not its file name (myst-nb's default).

    A chapter sets it in the plotting cell's metadata; in a jupytext percent script:
    `# %% mystnb={"image": {"alt": "What the figure shows, in one sentence."}}`.
    """
    tag = re.compile(r"<img\b[^>]*>")
    attr = re.compile(r"\b(alt|src)=\"([^\"]*)\"")
    missing = []
    for name in PAGES:
        for img in tag.findall((book / f"{name}.html").read_text(encoding="utf-8")):
            attrs = dict(attr.findall(img))
            src, alt = attrs.get("src", ""), attrs.get("alt", "").strip()
            if "_static/images/logo_" in src:  # the theme's own launch-button logos
                continue
            if not alt or alt == src or alt.lower().endswith((".png", ".svg", ".jpg")):
                missing.append(f"{name}: {src}")
    assert not missing, "figures without alt text:\n" + "\n".join(missing)


def test_chapter_pages_weigh_under_the_limit(book: Path) -> None:
    """HTML plus images of each chapter page stays under 3 MB (see tests/page_weight.py)."""
    weights = [measure(book, name) for name in PAGES if name.startswith("chapters/")]
    print(report(weights))
    heavy = [w.docname for w in weights if w.page_bytes > LIMIT_BYTES]
    assert not heavy, f"chapter pages over {LIMIT_BYTES} bytes:\n{report(weights)}"


# --- the browser ----------------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(book: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(book))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser(server: str):
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


@pytest.fixture(scope="module")
def link_cache() -> dict[str, set[str] | None]:
    """URL (without fragment) → the ids on that page, or None if it does not answer 200."""
    return {}


def _ids_at(page, url: str, cache: dict[str, set[str] | None]) -> set[str] | None:
    if url not in cache:
        response = page.request.get(url)
        if response.status != 200:
            cache[url] = None
        elif url.endswith((".html", "/")):
            cache[url] = set(re.findall(r"\bid=\"([^\"]+)\"", response.text()))
        else:
            cache[url] = set()
    return cache[url]


_WAIT_FOR_MATHJAX = """async () => {
    if (!window.MathJax || !MathJax.version || !MathJax.startup) return false;  // not loaded
    await MathJax.startup.promise;
    return true;
}"""

_WAIT_FOR_IMAGES = """async () => {
    const images = Array.from(document.images);
    for (const img of images) { img.loading = "eager"; }
    await Promise.all(images.filter(img => !img.complete).map(img => new Promise(done => {
        img.addEventListener("load", done); img.addEventListener("error", done);
    })));
    return images.filter(img => img.naturalWidth === 0).map(img => img.currentSrc || img.src);
}"""

# The reader-visible text of the article, code excluded (a `$$` in code is not math).
_PROSE_TEXT = """() => {
    const article = document.querySelector("article") || document.body;
    const copy = article.cloneNode(true);
    copy.querySelectorAll("pre, code, script, mjx-container").forEach(el => el.remove());
    return copy.textContent;
}"""


# Whether the page's Chinese is drawn with a CJK font: without one, every character is drawn
# as the same fallback box, so two different characters (and a private-use one, which no font
# has) come out as identical pixels.
_CJK_GLYPHS_DRAWN = """() => {
    const family = getComputedStyle(document.querySelector("article p") || document.body)
        .fontFamily;
    const draw = (ch) => {
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = 64;
        const context = canvas.getContext("2d");
        context.font = `48px ${family}`;
        context.fillText(ch, 4, 52);
        return Array.from(context.getImageData(0, 0, 64, 64).data).join(",");
    };
    const [first, second, box] = ["损", "失", "\\uE000"].map(draw);
    return first !== second && first !== box;
}"""


@pytest.mark.parametrize("docname", EDITION_PAGES)
def test_page_in_browser(browser, server: str, link_cache, docname: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text} at {msg.location}")
            if msg.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda err: problems.append(f"page error: {err}"))
    page.on(
        "requestfailed",
        lambda req: problems.append(f"request failed: {req.url} ({req.failure})"),
    )
    page.on(
        "response",
        lambda res: (
            problems.append(f"HTTP {res.status}: {res.url}") if res.status >= 400 else None
        ),
    )
    try:
        response = page.goto(server + f"{docname}.html", wait_until="load")
        assert response is not None and response.status == 200, f"{docname}: {response}"

        # Math: every math node typeset by the vendored MathJax, no raw TeX delimiters left.
        math_nodes = page.locator(".math").count()
        if math_nodes:
            assert page.evaluate(_WAIT_FOR_MATHJAX), f"{docname}: MathJax did not load"
            untypeset = page.locator(".math:not(:has(mjx-container))").count()
            assert untypeset == 0, f"{docname}: {untypeset} of {math_nodes} math nodes raw"
        prose = page.evaluate(_PROSE_TEXT)
        for delimiter in ("$$", "\\[", "\\("):
            assert delimiter not in prose, f"{docname}: raw {delimiter!r} in the text"

        # Widgets: every saved widget view is drawn by the vendored embedder.
        views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
        if views:
            state = page.locator('script[type="application/vnd.jupyter.widget-state+json"]')
            assert state.count() == 1, (
                f"{docname}: {views} widget(s) but no saved widget state, so the page shows "
                "nothing for them: re-execute the notebook with nbconvert (tools/build_nb.sh)"
            )
            page.wait_for_function(
                f"document.querySelectorAll('.jupyter-widgets.widget-container, "
                f".jupyter-widgets.widget-inline-hbox').length >= {views}"
            )

        # Images (widget outputs included): all of them decoded, none broken.
        broken = page.evaluate(_WAIT_FOR_IMAGES)
        assert not broken, f"{docname}: images that did not load: {broken}"

        # Dropdowns (hidden solutions): closed at first, open on a click on their title.
        dropdowns = page.locator(".admonition.dropdown")
        for i in range(dropdowns.count()):
            dropdown = dropdowns.nth(i)
            dropdown.scroll_into_view_if_needed()
            assert "toggle-hidden" in (dropdown.get_attribute("class") or ""), (
                f"{docname}: dropdown {i} is open before any click"
            )
            dropdown.locator(".admonition-title").first.click()
            page.wait_for_function(
                "el => !el.classList.contains('toggle-hidden')", arg=dropdown.element_handle()
            )
            body = dropdown.locator(":scope > :not(.admonition-title)").first
            assert body.is_visible(), f"{docname}: dropdown {i} did not open on click"

        # Internal links: the target answers 200 and has the anchor the link names.
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        for href in sorted(set(hrefs)):
            if not href.startswith(server):
                continue
            url, fragment = urldefrag(href)
            ids = _ids_at(page, url, link_cache)
            assert ids is not None, f"{docname}: broken link {href}"
            if fragment and urlsplit(url).path.endswith(".html"):
                assert fragment in ids, f"{docname}: link to a missing anchor {href}"

        # The language switch leads to this page in the other edition; Chinese is drawn.
        switch = page.locator("a.btn-language-switch-button")
        assert switch.count() == 1, f"{docname}: {switch.count()} language switches"
        assert switch.get_attribute("target") is None, f"{docname}: the switch opens a new tab"
        other = docname.removeprefix("zh/") if docname.startswith("zh/") else f"zh/{docname}"
        assert switch.evaluate("a => a.href") == server + f"{other}.html"
        if docname.startswith("zh/"):
            assert page.evaluate("document.documentElement.lang") == "zh-CN"
            assert page.evaluate(_CJK_GLYPHS_DRAWN), f"{docname}: no CJK font draws the text"

        # Screenshot from the top, nothing focused (the dropdown clicks scrolled the page).
        page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / f"{docname.replace('/', '__')}.png"
        page.screenshot(path=str(shot), full_page=True)

        assert not problems, f"{docname}:\n" + "\n".join(problems)
    finally:
        context.close()


@pytest.mark.parametrize(
    ("edition", "query", "expected"),
    [
        ("", "loss", "chapters/01_loss_functions"),
        ("", "损失函数", "glossary"),
        ("zh/", "交叉熵", "chapters/03_cross_entropy"),
        ("zh/", "梯度", "chapters/06_gradient_descent"),
    ],
)
def test_search_works_offline(browser, server: str, edition: str, query: str, expected: str):
    """The search page of each edition finds its words from the book's own index: English and a
    glossary's Chinese term in the English book, Chinese body text in the Chinese one."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(server + f"{edition}search.html?q={query}", wait_until="load")
        page.wait_for_selector("ul.search li")
        hits = page.eval_on_selector_all("ul.search li a", "links => links.map(a => a.href)")
        assert any(f"/{edition}{expected}.html" in hit for hit in hits), hits
    finally:
        context.close()
