"""Build one language edition of the book, or the translation templates, from the same sources.

The English book is built by ``jupyter-book build .`` into ``_build/html``. Jupyter Book 1 has
no option to set Sphinx's ``language`` on the command line, so the other builds go through its
Python entry point with the language as a configuration override, each with a doctree folder of
its own (Sphinx refuses to share one between builders or languages)::

    python _ext/edition.py html zh_CN     # the Chinese edition into _build/html/zh/
    python _ext/edition.py gettext        # the .pot templates into _build/gettext/

``make book`` runs the first; ``make catalogs`` runs the second and merges the templates into
the catalogs under ``locale/`` with ``sphinx-intl``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jupyter_book.sphinx import build_sphinx

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"

#: Where each edition lands inside the English site, so one folder serves both and the language
#: switch is a relative link.
EDITION_FOLDERS = {"zh_CN": "zh"}


def build(builder: str, language: str | None) -> int:
    """Run Sphinx through Jupyter Book's configuration with ``language`` overridden.

    Parameters
    ----------
    builder : {"html", "gettext"}
        The Sphinx builder.
    language : str or None
        A language with a catalog under ``locale/`` (``"zh_CN"``); ``None`` for the templates.

    Returns
    -------
    int
        Sphinx's exit status (0 when the build passed with warnings treated as errors).
    """
    if builder == "gettext":
        outdir, doctrees, overrides = BUILD / "gettext", BUILD / ".doctrees-gettext", {}
    else:
        folder = EDITION_FOLDERS[language]
        outdir, doctrees = BUILD / "html" / folder, BUILD / f".doctrees-{folder}"
        # A paragraph left untranslated gets the class "untranslated" (the tests look for it).
        overrides = {"language": language, "translation_progress_classes": "untranslated"}
    overrides.update(nitpicky=True, latex_individualpages=False)
    result = build_sphinx(
        ROOT,
        outdir,
        noconfig=True,
        path_config=ROOT / "_config.yml",
        confoverrides=overrides,
        doctreedir=doctrees,
        builder=builder,
        warningiserror=True,
        keep_going=True,
    )
    if isinstance(result, Exception):
        raise result
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("builder", choices=["html", "gettext"])
    parser.add_argument("language", nargs="?", choices=sorted(EDITION_FOLDERS))
    args = parser.parse_args(argv)
    if args.builder == "html" and args.language is None:
        parser.error("the html builder needs a language, e.g. `html zh_CN`")
    return build(args.builder, args.language)


if __name__ == "__main__":
    sys.exit(main())
