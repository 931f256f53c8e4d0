"""Every chapter and every released exercise starts with the install cell that `_config.yml`
dictates (the cell itself runs in a fresh environment in `tests/test_student_install.py`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from course_utils import bookconfig, install_cell
from course_utils.grading.release import release

ROOT = Path(__file__).resolve().parents[1]
CONFIG = bookconfig.read(ROOT / "_config.yml")
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
EXERCISES = sorted(p.parent for p in (ROOT / "exercises").glob("*/*.ipynb"))


def first_code_cell(nb: dict) -> dict:
    return next(c for c in nb["cells"] if c["cell_type"] == "code")


def assert_is_the_install_cell(cell: dict, name: str) -> None:
    assert cell.get("id") == install_cell.CELL_ID, f"{name}: the first code cell is not it"
    assert "".join(cell["source"]) == install_cell.source(CONFIG), (
        f"{name}: the install cell differs from the one _config.yml dictates; run"
        " `python -m course_utils.install_cell chapters/*.ipynb` (or `make notebooks`)"
    )
    assert cell["metadata"]["tags"] == ["remove-cell"]  # hidden in the HTML book
    assert cell["outputs"] == []  # where course_utils is installed it prints nothing


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_chapter_starts_with_the_install_cell(path):
    assert_is_the_install_cell(first_code_cell(json.loads(path.read_text("utf-8"))), path.name)


@pytest.mark.parametrize("folder", EXERCISES, ids=lambda p: p.name)
def test_every_released_exercise_starts_with_the_install_cell(folder, tmp_path):
    release(folder, tmp_path)
    nb = json.loads((tmp_path / folder.name / f"{folder.name}.ipynb").read_text("utf-8"))
    assert_is_the_install_cell(first_code_cell(nb), folder.name)
    assert nb["nbformat_minor"] >= 5  # cell ids are part of nbformat 4.5
    instructor = json.loads((folder / f"{folder.name}.ipynb").read_text("utf-8"))
    assert not any(c.get("id") == install_cell.CELL_ID for c in instructor["cells"])


def test_the_address_comes_from_the_config_so_a_fork_changes_one_file(tmp_path):
    config = tmp_path / "_config.yml"
    config.write_text(
        "repository:\n  url: https://github.com/someone/fork/\n  branch: spring\n"
        "html:\n  baseurl: https://someone.github.io/fork\n"
    )
    fork = bookconfig.read(config)
    assert fork.archive_url == "https://github.com/someone/fork/archive/refs/heads/spring.zip"
    assert fork.baseurl == "https://someone.github.io/fork/"
    code = install_cell.source(fork)
    assert fork.archive_url in code and CONFIG.archive_url not in code
    chapter = json.loads(CHAPTERS[0].read_text("utf-8"))
    moved = install_cell.with_install_cell(chapter, fork)
    assert len(moved["cells"]) == len(chapter["cells"])  # replaced in place, not added
    assert "".join(first_code_cell(moved)["source"]) == code


def test_the_cell_goes_after_the_title_and_is_a_no_op_where_the_package_imports(capsys):
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Title"}]}
    cells = install_cell.with_install_cell(nb, CONFIG)["cells"]
    assert [c["cell_type"] for c in cells] == ["markdown", "code"]
    exec(cells[1]["source"], {})
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(
    "text, message",
    [
        ("html:\n  baseurl: https://x.org/\n", "repository.url"),
        ("repository:\n  url: https://github.com/a/b\n", "html.baseurl"),
        ("repository:\n  url: git@github.com:a/b\nhtml:\n  baseurl: https://x/\n", "https://"),
    ],
)
def test_a_config_without_the_addresses_is_a_clear_error(tmp_path, text, message):
    (tmp_path / "_config.yml").write_text(text)
    with pytest.raises(ValueError, match=message):
        bookconfig.find(tmp_path / "exercises" / "ex01")


def test_no_config_above_is_a_one_line_error_saying_what_to_pass(tmp_path):
    with pytest.raises(FileNotFoundError, match="pass --config PATH") as error:
        bookconfig.find(tmp_path)
    assert "\n" not in str(error.value)
