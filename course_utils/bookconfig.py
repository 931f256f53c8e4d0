"""Where the course lives on the web, read from the book's ``_config.yml``.

Two addresses come from that one file, so a fork changes them there and nowhere else:

- ``repository.url`` (and ``repository.branch``): where a notebook's install cell fetches the
  ``course_utils`` package from, as a zip archive of the branch (pip needs no git for it);
- ``html.baseurl``: where the book is published, so a released exercise can link its chapter
  (Jupyter Book passes it to Sphinx as ``html_baseurl``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CONFIG_NAME = "_config.yml"


@dataclass(frozen=True)
class BookConfig:
    """The course's public addresses, and the folder the book is built from.

    Attributes
    ----------
    root : Path
        The folder holding ``_config.yml`` (the book's source root).
    repository_url : str
        ``repository.url``, e.g. ``https://github.com/ORG/course``.
    branch : str
        ``repository.branch`` (default ``main``).
    baseurl : str
        ``html.baseurl``, ending in ``/``: the published book's address.
    """

    root: Path
    repository_url: str
    branch: str
    baseurl: str

    @property
    def archive_url(self) -> str:
        """The branch as a zip archive, which ``pip install`` builds without git."""
        return f"{self.repository_url.rstrip('/')}/archive/refs/heads/{self.branch}.zip"


def read(path: str | Path) -> BookConfig:
    """Read a Jupyter Book ``_config.yml``; ``ValueError`` names a missing key."""
    import yaml  # only the release and the maintainer's commands need it

    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    repository = data.get("repository") or {}
    html = data.get("html") or {}
    url, baseurl = repository.get("url"), html.get("baseurl")
    for key, value in (("repository.url", url), ("html.baseurl", baseurl)):
        if not isinstance(value, str) or not value.startswith("https://"):
            raise ValueError(f"{path}: {key} must be an https:// address, not {value!r}")
    return BookConfig(
        root=path.resolve().parent,
        repository_url=url.rstrip("/"),
        branch=str(repository.get("branch") or "main"),
        baseurl=baseurl.rstrip("/") + "/",
    )


def find(start: str | Path) -> BookConfig:
    """Read the ``_config.yml`` in ``start`` or the nearest folder above it.

    Raises
    ------
    FileNotFoundError
        When there is none, with a one-line message saying what to pass.
    """
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return read(folder / CONFIG_NAME)
    raise FileNotFoundError(
        f"no {CONFIG_NAME} in {str(start)!r} or above it; pass --config PATH, the course's"
        " Jupyter Book configuration (its repository.url and html.baseurl)"
    )
