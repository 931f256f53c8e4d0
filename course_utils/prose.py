"""Numbers for the book's prose, taken from the computation that produced them.

A chapter that says "the network reaches 97.3 % test accuracy" must not type 97.3 by hand: the
next run on another machine, or the next edit, could change the number and leave the sentence
behind. Instead the cell that computes it stores the formatted text under a name,

    glue("test_accuracy", f"{100 * accuracy:.1f}")

and the markdown quotes it with myst-nb's role, ``{glue:text}`test_accuracy```, so the built
page shows exactly what the cell stored. nbval compares the stored output on every test run,
so a number that would change fails the tests instead of drifting away from the text.

The output is myst-nb's glue format (a ``display_data`` whose MIME type carries the
``application/papermill.record/`` prefix and whose metadata names the key); it is written here
rather than imported from ``myst_nb`` so that a student's environment, which has Jupyter but not
the book's build tools, runs the chapters too. Jupyter shows nothing for it.
"""

from __future__ import annotations

from typing import Any

from IPython.display import display

__all__ = ["GLUE_MIME_PREFIX", "glue"]

#: The MIME-type prefix myst-nb reads glued values from (hidden in the notebook).
GLUE_MIME_PREFIX = "application/papermill.record/"


def glue(name: str, value: Any, fmt: str = "") -> str:
    """Store ``format(value, fmt)`` under ``name`` for ``{glue:text}`name``` in the prose.

    Format to the digits that survive another CPU, BLAS build or thread count (``".1f"`` for
    a percentage of a few hundred test samples, ``".2g"`` for a relative error): nbval compares
    the stored text exactly.

    Parameters
    ----------
    name : str
        The key the markdown quotes; unique within the chapter (letters, digits, ``_``, ``-``).
    value : any
        The number (or text) to show.
    fmt : str
        A format spec for :func:`format`, e.g. ``".1f"``, ``"d"``, ``".0%"``.

    Returns
    -------
    str
        The text stored (handy for a cell that also prints it).
    """
    if not isinstance(name, str) or not name or not all(c.isalnum() or c in "_-" for c in name):
        raise ValueError(
            f"name must be a non-empty key of letters, digits, '_' or '-'; got {name!r}."
        )
    text = format(value, fmt)
    display(
        {GLUE_MIME_PREFIX + "text/plain": repr(text)},
        raw=True,
        metadata={"scrapbook": {"name": name, "mime_prefix": GLUE_MIME_PREFIX}},
    )
    return text
