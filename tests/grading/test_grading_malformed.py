"""Malformed submissions: each gets a gradebook row with a clear reason; the run goes on."""

from __future__ import annotations

import json
import sqlite3

import pytest
from grading_helpers import CORRECT, DEMO, FAST, GRAD, IMPORT, MSE, notebook_text, rows, write

from course_utils.grading.grade import Grader
from course_utils.grading.spec import load_exercise

SOFTMAX_BROKEN = "def softmax(z)\n    return z"
GOOD = notebook_text(CORRECT).encode()

# name -> (file content or None for special layouts, status, words in the reason, total)
CASES = {
    "m_empty": (b"", "malformed", "empty", 0),
    "m_whitespace": (b"  \n\n ", "malformed", "empty", 0),
    "m_invalid_json": (b'{"cells": [', "malformed", "not valid notebook JSON", 0),
    "m_truncated_upload": (GOOD[: len(GOOD) // 2], "malformed", "not valid notebook JSON", 0),
    "m_nbformat_3": (
        json.dumps({"nbformat": 3, "cells": [], "worksheets": []}).encode(),
        "malformed",
        "nbformat 3 is not supported",
        0,
    ),
    "m_no_nbformat": (
        json.dumps({"cells": json.loads(GOOD)["cells"]}).encode(),
        "malformed",
        "nbformat None",
        0,
    ),
    "m_json_list": (b"[1, 2, 3]", "malformed", "no list of cells", 0),
    "m_cells_not_list": (
        b'{"nbformat": 4, "cells": "print(1)"}',
        "malformed",
        "no list of cells",
        0,
    ),
    "m_no_code_cells": (
        json.dumps(
            {
                "nbformat": 4,
                "nbformat_minor": 5,
                "metadata": {},
                "cells": [{"cell_type": "markdown", "metadata": {}, "source": "# my answers"}],
            }
        ).encode(),
        "malformed",
        "no code cells",
        0,
    ),
    "m_source_not_text": (
        json.dumps(
            {"nbformat": 4, "cells": [{"cell_type": "code", "source": 42, "metadata": {}}]}
        ).encode(),
        "malformed",
        "neither text nor a list",
        0,
    ),
    "m_bad_cell_type": (
        json.dumps(
            {"nbformat": 4, "cells": [{"cell_type": "python", "source": "x = 1"}]}
        ).encode(),
        "malformed",
        "cell_type",
        0,
    ),
    "m_not_utf8": (b'{"cells": [], "x": "\xff\xfe\xfa"}', "malformed", "not UTF-8", 0),
    "m_50_megabytes": (None, "malformed", "the limit is 20 MB", 0),
    "m_wrong_file_name": (None, "missing", "no file named demo.ipynb (found homework.ipynb)", 0),
    "m_empty_folder": (None, "missing", "the folder is empty", 0),
    "m_folder_not_file": (None, "malformed", "is a folder", 0),
    "m_symlink": (None, "malformed", "symbolic link", 0),
    "m_duplicate": (None, "duplicate", "look like the same student", 0),
    "M_Duplicate ": (None, "duplicate", "look like the same student", 0),
    # Broken code is not a broken notebook: the rest of the work still counts.
    "m_syntax_error": (
        notebook_text([IMPORT, MSE, GRAD, SOFTMAX_BROKEN]).encode(),
        "graded",
        "",
        6,
    ),
    "m_missing_function": (notebook_text([IMPORT, MSE, GRAD]).encode(), "graded", "", 6),
    "m_nul_bytes": (
        notebook_text([IMPORT, MSE, GRAD, "def softmax(z):\0\n    return z"]).encode(),
        "graded",
        "",
        6,
    ),
    "m_other_language": (
        notebook_text(["library(ggplot2)", "mse <- function(p, t) mean((p - t)^2)"]).encode(),
        "graded",
        "",
        0,
    ),
    "m_utf8_bom": (b"\xef\xbb\xbf" + GOOD, "graded", "", 9),
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("malformed")
    subs, gradebook = root / "submissions", root / "gradebook.sqlite"
    for name, (content, _, _, _) in CASES.items():
        if content is not None:
            write(subs, name, content)
    write(subs, "control1", CORRECT)
    write(subs, "control2", CORRECT)
    huge = json.loads(GOOD)
    huge["cells"][0]["outputs"] = [
        {"output_type": "stream", "name": "stdout", "text": "x" * (50 * 2**20)}
    ]
    write(subs, "m_50_megabytes", json.dumps(huge).encode())
    write(subs, "m_wrong_file_name", CORRECT, name="homework.ipynb")
    (subs / "m_empty_folder").mkdir()
    (subs / "m_folder_not_file" / "demo.ipynb").mkdir(parents=True)
    (subs / "m_symlink").mkdir()
    (subs / "m_symlink" / "demo.ipynb").symlink_to(DEMO / "demo.ipynb")
    write(subs, "m_duplicate", CORRECT)
    write(subs, "M_Duplicate ", CORRECT)
    (subs / "stray_file.ipynb").write_text("not a student folder")
    grader = Grader(load_exercise(DEMO), subs, gradebook, FAST, jobs=2)
    try:
        summary = grader.run()
    finally:
        grader.close()
    db = sqlite3.connect(gradebook)
    status = {
        s: (st, r) for s, st, r in db.execute("SELECT student, status, reason FROM submissions")
    }
    errors = {
        s: json.loads(e) for s, e in db.execute("SELECT student, load_errors FROM submissions")
    }
    db.close()
    return {"rows": rows(gradebook), "status": status, "errors": errors, "summary": summary}


def test_there_are_at_least_fifteen_malformed_cases():
    assert len(CASES) >= 15


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_submission_gets_rows_and_a_reason(run, name):
    _, status, reason, total = CASES[name]
    assert set(run["rows"][name]) == {"q1", "q2", "q3"}
    assert sum(run["rows"][name].values()) == total
    got_status, got_reason = run["status"][name]
    assert got_status == status
    assert reason in got_reason
    assert run["rows"]["control1"] == run["rows"]["control2"] == {"q1": 3, "q2": 3, "q3": 3}


def test_broken_cells_are_reported(run):
    assert any("SyntaxError" in e for e in run["errors"]["m_syntax_error"])
    assert any("null bytes" in e for e in run["errors"]["m_nul_bytes"])


def test_stray_files_are_not_students(run):
    assert "stray_file.ipynb" not in run["rows"]
    assert len(run["rows"]) == len(CASES) + 2


def test_summary_counts_kinds(run):
    kinds = run["summary"].kinds
    assert kinds["malformed"] == sum(1 for c in CASES.values() if c[1] == "malformed")
    assert kinds["duplicate"] == 2 and kinds["missing"] >= 2
