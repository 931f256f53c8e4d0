"""What nbval does not check about the committed chapter notebooks.

nbval proves that the stored outputs reproduce; these tests prove the stored notebooks are the
ones a reader should get: run top to bottom, no errors or warnings in the outputs, every figure
stored once and described in alt text, every widget's state saved (or the HTML book shows
nothing for it), and the parts every chapter has (objectives, questions with hidden answers, a
summary).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
CHAPTERS = [nb for nb in NOTEBOOKS if re.match(r"\d\d_", nb.name)]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def markdown(nb: dict) -> str:
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_run_top_to_bottom_in_a_python3_kernel(path):
    nb = load(path)
    assert nb["nbformat"] == 4
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    counts = [c["execution_count"] for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), "re-run the notebook in a fresh kernel"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_have_no_errors_warnings_or_doubled_figures(path):
    for i, cell in enumerate(code_cells(load(path))):
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"cell {i} stored an error"
            assert out.get("name") != "stderr", (
                f"cell {i} stored stderr: {''.join(out['text'])[:200]}"
            )
            if out["output_type"] == "execute_result":
                assert "image/png" not in out["data"], (
                    f"cell {i} returns a figure, so it is stored twice: end the cell with ';'"
                )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_widgets_have_saved_state_and_skip_output_comparison(path):
    nb = load(path)
    saved = nb["metadata"].get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for i, cell in enumerate(code_cells(nb)):
        views = [
            o["data"][WIDGET_VIEW]["model_id"]
            for o in cell["outputs"]
            if WIDGET_VIEW in o.get("data", {})
        ]
        if views:
            assert "nbval-ignore-output" in cell["metadata"].get("tags", []), f"cell {i}"
            for model_id in views:
                assert model_id in saved, (
                    f"cell {i}: widget state not saved, the HTML would be empty"
                )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_has_objectives_questions_with_answers_and_summary(path):
    text = markdown(load(path))
    assert "Learning objectives" in text
    assert re.search(r"^#+ Summary", text, re.M)
    exercises = re.findall(r"```\{exercise\}[^\n]*\n:label: (\S+)", text)
    solutions = re.findall(r"```\{solution\} (\S+)", text)
    assert exercises, "a chapter has check-your-understanding questions"
    assert sorted(exercises) == sorted(solutions), "every question has a hidden answer"
    assert all(":class: dropdown" in block for block in text.split("```{solution}")[1:])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_learning_objectives_sit_in_the_same_box_everywhere(path):
    first = "".join(load(path)["cells"][0]["source"])
    assert re.search(r"(```|:::)\{admonition\} Learning objectives\n:class: tip", first), (
        f"{path.name}: put the learning objectives in the first cell, in the box every chapter"
        " uses: ```{admonition} Learning objectives / :class: tip"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_headings_are_not_numbered_by_hand(path):
    # _toc.yml numbers chapters and sections; a hand-written "1.2" would be numbered twice.
    numbered = re.findall(r"^#{1,4} \d+(?:\.\d+)*\.? .*$", markdown(load(path)), re.M)
    assert not numbered, f"drop the numbers (the table of contents adds them): {numbered[:3]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_has_alt_text(path):
    # myst-nb takes a figure's alt text from its cell's metadata, `mystnb.image.alt` (in a
    # percent script: `# %% mystnb={"image": {"alt": "..."}}`), and gives it to EVERY image
    # the cell outputs: a cell with two figures would describe both with one sentence.
    for i, cell in enumerate(code_cells(load(path))):
        images = sum("image/png" in out.get("data", {}) for out in cell["outputs"])
        if not images:
            continue
        alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
        assert isinstance(alt, str) and alt.strip(), (
            f"cell {i} draws a figure without alt text: add the cell metadata "
            '`"mystnb": {"image": {"alt": "What is plotted and what to see in it."}}`'
        )
        assert images == 1, f"cell {i} draws {images} figures that share one alt text: split it"
