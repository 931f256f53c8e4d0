"""Release: the student notebook and the public checks' data, from the instructor's folder.

``release(exercise_folder, out)`` writes ``out/NAME/NAME.ipynb`` (solutions replaced by
``NotImplementedError`` stubs, ``instructor`` cells dropped, outputs cleared) and
``out/NAME/NAME.checks.json`` (public checks only, as data: inputs, the reference's answers,
the answers known mistakes give). ``checks.py``, the reference code and hidden checks are
never written.

The released notebook stands alone wherever it is unzipped: its first code cell installs
``course_utils`` where it is missing (:mod:`course_utils.install_cell`), and its links into the
repository point at the published book (:mod:`.links`); both addresses come from the book's
``_config.yml``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from .. import bookconfig, install_cell
from ..bookconfig import BookConfig
from . import links, notebook
from .outcome import Outcome
from .spec import Call, Check, Task, load_exercise, materialize, reference_namespace
from .wire import Probe, Result


def _array(a: np.ndarray) -> dict[str, Any]:
    return {"dtype": a.dtype.str, "shape": list(a.shape), "data": a.ravel().tolist()}


def _unarray(d: dict[str, Any]) -> np.ndarray:
    dtype = np.dtype(d["dtype"])
    if dtype.kind not in "biuf":
        raise ValueError("only numeric arrays are allowed in a checks file")
    return np.array(d["data"], dtype=dtype).reshape(d["shape"])


def _value(v: Any) -> Any:
    if isinstance(v, Probe):
        return {"probe": v.name}
    if isinstance(v, Result):
        return {"result": [v.call, v.item]}
    if isinstance(v, (np.ndarray, np.generic)):
        return {"array": _array(np.asarray(v))}
    return {"plain": v}


def _unvalue(d: dict[str, Any]) -> Any:
    if "probe" in d:
        return Probe(str(d["probe"]))
    if "result" in d:
        return Result(int(d["result"][0]), int(d["result"][1]))
    return _unarray(d["array"]) if "array" in d else d["plain"]


def _outcome(o: Outcome | None) -> Any:
    if o is None:
        return None
    return {
        "status": o.status,
        "error": o.error,
        "type": o.type,
        "values": [_array(v) for v in o.values],
    }


def _unoutcome(d: Any) -> Outcome | None:
    if d is None:
        return None
    return Outcome(d["status"], d["error"], d["type"], [_unarray(v) for v in d["values"]])


def tasks_to_json(questions: list[Any], tasks: list[Task]) -> dict[str, Any]:
    """Public tasks as JSON-able data (inputs and answers, no code)."""
    out = []
    for t in tasks:
        c = t.check
        out.append(
            {
                "id": t.id,
                "kind": c.kind,
                "question": c.question,
                "name": c.name,
                "functions": list(c.functions),
                "points": c.points,
                "params": c.params,
                "calls": [
                    {
                        "function": k.function,
                        "args": [_value(a) for a in k.args],
                        "kwargs": {n: _value(v) for n, v in k.kwargs.items()},
                    }
                    for k in t.calls
                ],
                "expected": _outcome(t.expected),
                "variants": [[s, _outcome(o)] for s, o in t.variants.items()],
                "accepted": [_outcome(o) for o in t.accepted],
                "indices": [list(i) for i in t.indices],
            }
        )
    return {
        "format": 1,
        "questions": [{"id": q.id, "title": q.title, "points": q.points} for q in questions],
        "checks": out,
    }


def tasks_from_json(data: dict[str, Any]) -> list[Task]:
    """Inverse of :func:`tasks_to_json`."""
    tasks = []
    for d in data["checks"]:
        check = Check(
            d["kind"],
            d["question"],
            d["name"],
            tuple(d["functions"]),
            (),
            d["points"],
            True,
            params=d["params"],
        )
        calls = [
            Call(
                k["function"],
                [_unvalue(a) for a in k["args"]],
                {n: _unvalue(v) for n, v in k["kwargs"].items()},
            )
            for k in d["calls"]
        ]
        tasks.append(
            Task(
                d["id"],
                check,
                calls,
                _unoutcome(d["expected"]),
                {s: _unoutcome(o) for s, o in d["variants"]},
                [_unoutcome(o) for o in d.get("accepted", [])],
                [tuple(i) for i in d["indices"]],
            )
        )
    return tasks


def release(
    exercise_folder: str | Path, out: str | Path, config: BookConfig | None = None
) -> list[Path]:
    """Write the student version of one exercise into ``out/NAME/``; return the files.

    Parameters
    ----------
    exercise_folder : str or Path
        ``NAME/`` with ``NAME.ipynb`` and ``checks.py``.
    out : str or Path
        Where ``NAME/`` is written.
    config : BookConfig, optional
        The book whose repository the install cell installs from and whose published pages
        the links lead to; by default the ``_config.yml`` nearest above the exercise folder.
    """
    exercise = load_exercise(exercise_folder)
    config = config or bookconfig.find(exercise.folder)
    target = Path(out) / exercise.name
    target.mkdir(parents=True, exist_ok=True)
    reference = reference_namespace(exercise)
    tasks = materialize(exercise, reference, exercise.checks)
    public = [t for t in tasks if t.check.public]
    nb_path = target / f"{exercise.name}.ipynb"
    checks_path = target / f"{exercise.name}.checks.json"
    student = install_cell.with_install_cell(notebook.student_version(exercise.notebook), config)
    shipped = frozenset({nb_path.name, checks_path.name})
    for cell in student["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = links.published(cell["source"], exercise.folder, config, shipped)
    nb_path.write_text(json.dumps(student, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    checks_path.write_text(
        json.dumps(tasks_to_json(exercise.questions, public)) + "\n", encoding="utf-8"
    )
    return [nb_path, checks_path]
