"""The graded exercises: solutions score 100 %, blanks 0, every catalogued mistake is caught.

One grading run per exercise grades every generated submission at once
(:mod:`exercise_submissions`), so the per-exercise cost is one sandbox start and a few dozen
forked children. The release is also checked for leaks of solutions and hidden checks.
"""

from __future__ import annotations

import importlib.util
import json
import re

import numpy as np
import pytest
from exercise_mistakes import MISTAKES
from exercise_submissions import (
    EXERCISES,
    WRITTEN_ANSWER,
    exercise_names,
    make_submissions,
    mistake_student,
)

from course_utils.grading import gradebook, notebook
from course_utils.grading.cli import main
from course_utils.grading.grade import grade
from course_utils.grading.probes import PROBES
from course_utils.grading.release import release
from course_utils.grading.report import GENERIC_FEEDBACK, class_report
from course_utils.grading.sandbox import Limits
from course_utils.grading.spec import load_exercise, materialize, reference_namespace

NAMES = exercise_names()
# A short call timeout keeps the "hang" submission cheap; honest calls take well under 0.5 s.
LIMITS = Limits(load_timeout=20.0, call_timeout=3.0, total_timeout=60.0, memory_mb=1024)


@pytest.fixture(scope="module", params=NAMES)
def graded(request, tmp_path_factory):
    name = request.param
    root = tmp_path_factory.mktemp(name)
    kinds = make_submissions(name, root / "submissions", root / "release")
    book = root / "gradebook.sqlite"
    summary = grade(root / "submissions", EXERCISES / name, book, LIMITS, jobs=2)
    db = gradebook.connect(book)
    try:
        table = gradebook.scores(db, name)
    finally:
        db.close()
    return name, root, kinds, table, summary


def _markdown(exercise) -> str:
    cells = exercise.notebook["cells"]
    return "\n".join(notebook.source_text(c) for c in cells if c["cell_type"] == "markdown")


def _total(entry) -> tuple[float, float]:
    scores = entry["questions"].values()
    return sum(s for s, _, _ in scores), sum(m for _, m, _ in scores)


def _messages(entry, question: str) -> list[str]:
    feedback = entry["questions"][question][2]
    return [v["message"] for v in feedback] if isinstance(feedback, list) else [feedback]


def test_every_submission_was_graded(graded):
    _, _, kinds, table, summary = graded
    assert set(table) == set(kinds)
    assert summary.graded == len(kinds)


def test_instructor_solution_scores_full_marks(graded):
    _, _, _, table, _ = graded
    got, full = _total(table["solution"])
    failing = {q: _messages(table["solution"], q) for q in table["solution"]["questions"]}
    assert got == full > 0, failing


def test_released_notebook_scores_zero_without_crashing(graded):
    _, _, _, table, _ = graded
    entry = table["released"]
    assert entry["status"] == "graded"
    assert _total(entry)[0] == 0
    for q in entry["questions"]:
        assert all("NotImplementedError" in m for m in _messages(entry, q)), _messages(entry, q)


def test_broken_notebook_is_graded_with_a_reason(graded):
    _, _, _, table, _ = graded
    assert table["broken"]["status"] == "graded"


def test_every_catalogued_mistake_loses_points_and_gets_its_message(graded):
    name, _, _, table, _ = graded
    problems = []
    for index, mistake in enumerate(MISTAKES.get(name, [])):
        entry = table[mistake_student(index)]
        score, full, _ = entry["questions"][mistake.question]
        messages = _messages(entry, mistake.question)
        if score >= full:
            problems.append(f"{mistake.message!r}: full marks on {mistake.question}")
        if not any(mistake.message in m for m in messages):
            problems.append(f"{mistake.message!r}: message missing from {messages}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_every_question_has_two_catalogued_mistakes_with_sentences(name):
    exercise = load_exercise(EXERCISES / name)
    assert 3 <= len(exercise.questions) <= 6
    sentences = {s for c in exercise.checks for s in c.mistakes}
    for q in exercise.questions:
        mine = [m for m in MISTAKES[name] if m.question == q.id and not m.generic]
        assert len(mine) >= 2, q.id
        for m in mine:
            assert any(m.message in s for s in sentences), m.message
        assert any(c.public for c in exercise.checks if c.question == q.id), q.id
        assert any(not c.public for c in exercise.checks if c.question == q.id), q.id


@pytest.mark.parametrize("name", NAMES)
def test_notebook_states_goals_links_its_chapter_and_asks_written_questions(name):
    text = _markdown(load_exercise(EXERCISES / name))
    assert "**Learning goals.**" in text
    assert "../../chapters/0" in text
    assert 1 <= text.count("**Your answer (W") <= 3


def test_release_leaks_no_solution_and_no_hidden_check(graded):
    name, root, _, _, _ = graded
    folder = root / "release" / name
    assert sorted(p.name for p in folder.iterdir()) == [f"{name}.checks.json", f"{name}.ipynb"]
    text = "\n".join(p.read_text(encoding="utf-8") for p in folder.iterdir())
    exercise = load_exercise(EXERCISES / name)
    instructions = _markdown(exercise)
    lines = [
        line
        for line in notebook.solution_lines(exercise.notebook)
        if len(line) > 12 and line not in instructions  # a recipe the text spells out is no leak
    ]
    assert len(lines) >= 5
    for line in lines:
        assert line not in text, line
    data = json.loads((folder / f"{name}.checks.json").read_text(encoding="utf-8"))
    public = {c["name"] for c in data["checks"]}
    tasks = materialize(exercise, reference_namespace(exercise), exercise.checks)
    for task in tasks:
        assert (task.check.name in public) == task.check.public, task.check.name


def _reference(name: str) -> dict:
    return reference_namespace(load_exercise(EXERCISES / name))


def _checks_module(name: str):
    spec = importlib.util.spec_from_file_location(
        f"_checks_{name}", EXERCISES / name / "checks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ex02_reference_agrees_with_brute_force_and_the_closed_form():
    ref, checks = _reference("ex02_regularization"), _checks_module("ex02_regularization")
    x = np.array([-3.7, -1.2, -0.8, 0.79, 0.81, 4.1, 0.0])
    np.testing.assert_allclose(
        ref["soft_threshold"](x, 0.8), checks.brute_force(x, 0.8), atol=2e-4
    )
    X, y, lam, step, n_iter = checks.orthogonal(40, 6, 0.5)(np.random.default_rng(3))
    np.testing.assert_allclose(X.T @ X / 40, np.eye(6), atol=1e-12)
    closed = checks._st(X.T @ y / 40, lam)
    w = ref["ista"](X, y, lam, step, n_iter)
    np.testing.assert_allclose(w, closed, rtol=1e-12, atol=1e-14)
    assert np.array_equal(w == 0, closed == 0) and (closed == 0).sum() >= 2
    lmax = ref["lambda_max"](X, y)
    assert np.all(ref["ista"](X, y, lmax, 1.0, 5) == 0)
    assert np.any(ref["ista"](X, y, 0.99 * lmax, 1.0, 5) != 0)


def test_ex06_reference_agrees_with_analytic_gradients_and_least_squares():
    ref = _reference("ex06_gradient_descent")
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 3))
    before = x.copy()
    numeric = ref["numerical_gradient"](PROBES["logsumexp"], x)
    assert np.array_equal(x, before)  # restored exactly
    softmax = np.exp(x) / np.exp(x).sum()
    assert ref["relative_error"](numeric, softmax) < 1e-8
    cubic = ref["numerical_gradient"](PROBES["cubic"], x[0].copy())
    assert ref["relative_error"](cubic, 3 * x[0] ** 2 + 1) < 1e-8
    assert ref["relative_error"](np.zeros(2), np.zeros(2)) == 0.0
    X = rng.normal(size=(30, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=30)
    w = ref["sgd"](X, y, 0.1, 30, 400, 0)  # one batch per epoch: plain gradient descent
    np.testing.assert_allclose(w, np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-9)
    w_small = ref["sgd"](X, y, 0.01, 4, 300, 0)  # noisy, but close to the optimum
    np.testing.assert_allclose(w_small, np.linalg.lstsq(X, y, rcond=None)[0], atol=0.05)


def test_ex04_reference_minimizes_each_risk_on_a_fine_grid():
    ref = _reference("ex04_l2_blur")
    rng = np.random.default_rng(11)
    y = np.concatenate([rng.normal(0.0, 0.5, 35), rng.normal(10.0, 0.5, 16)])
    grid = np.linspace(-3.0, 13.0, 160001)
    risk = ref["constant_risk"]
    for p, best in ((2, ref["best_constant_l2"](y)), (1, ref["best_constant_l1"](y))):
        values = risk(grid, y, p)
        assert risk(np.array([best]), y, p)[0] <= values.min() + 1e-9
    assert 2.0 < ref["best_constant_l2"](y) < 8.0  # the L2 answer falls in the empty gap
    assert abs(ref["best_constant_l1"](y)) < 1.5  # the L1 answer sits in the larger cluster
    for tau in (0.1, 0.3, 0.75, 0.9):
        pinball = np.mean(
            np.maximum(tau * (y - grid[:, None]), (tau - 1) * (y - grid[:, None])), 1
        )
        c = ref["best_constant_pinball"](y, tau)
        at_c = np.mean(np.maximum(tau * (y - c), (tau - 1) * (y - c)))
        assert at_c <= pinball.min() + 1e-12


def test_ex04_high_frequency_energy_by_hand_and_as_the_chapter_measures_it():
    from course_utils.multimodal import high_frequency_energy

    energy = _reference("ex04_l2_blur")["high_frequency_energy"]
    board = np.indices((8, 8)).sum(axis=0) % 2.0  # mean ½ plus ±½ at the highest frequency
    constant = np.full((8, 8), 0.7)
    np.testing.assert_allclose(energy(np.stack([board, constant]), 0.25), [0.25, 0.0], atol=1e-15)
    # Parseval: the mean square of the high-passed picture, computed back in space
    rng = np.random.default_rng(3)
    pictures = rng.normal(size=(3, 6, 10))
    fu, fv = np.meshgrid(np.fft.fftfreq(6), np.fft.fftfreq(10), indexing="ij")
    high = np.fft.ifft2(np.fft.fft2(pictures) * (np.hypot(fu, fv) > 0.3))
    np.testing.assert_allclose(energy(pictures, 0.3), np.mean(np.abs(high) ** 2, axis=(1, 2)))
    np.testing.assert_allclose(energy(pictures, 0.3), high_frequency_energy(pictures, 0.3))


def test_ex07_reference_gradients_pass_gradcheck_and_the_target_needs_the_hidden_layer():
    from sklearn.linear_model import LogisticRegression

    from course_utils.gradcheck import check_gradient

    ref, checks = _reference("ex07_network"), _checks_module("ex07_network")
    X, y, *params = checks._params(7, 3, 6, 4)(np.random.default_rng(2))
    params = [0.5 * p for p in params]  # moderate logits keep the differences accurate
    for position, name in enumerate(("W1", "b1", "W2", "b2")):

        def loss(p, position=position):
            return ref["net_loss"](X, y, *params[:position], p, *params[position + 1 :])

        def grad(p, position=position):
            moved = [*params[:position], p, *params[position + 1 :]]
            return ref["backward"](X, y, *moved)[position]

        report = check_gradient(loss, grad, params[position].copy(), name=name)
        assert report.passed, report
    ((_, (X, y, *settings)),), (X_test, y_test) = checks.accuracy_plan(np.random.default_rng(4))
    params = ref["train"](X, y, *settings)
    logits = ref["forward"](X_test, *params)
    assert checks.accuracy([list(params)], X_test, y_test) >= checks.TARGET == 0.85
    by_hand = np.mean(np.argmax(logits, axis=1) == y_test)  # the score, computed independently
    assert checks.accuracy([list(params)], X_test, y_test) == by_hand
    linear = LogisticRegression(max_iter=1000).fit(X, y)
    assert linear.score(X_test, y_test) < 0.6  # no linear model reaches the target


def test_ex07_notebook_data_a_linear_model_does_no_better_than_the_largest_class():
    """The notebook: "a linear classifier cannot do much better than guessing the largest
    class here" (on its own 200 training and 500 test points)."""
    from sklearn.linear_model import LogisticRegression

    rings = _checks_module("ex07_network")._rings  # the notebook's make_rings, line for line
    rng = np.random.default_rng(0)
    X_train, y_train = rings(200, rng)
    X_test, y_test = rings(500, rng)
    linear = LogisticRegression(C=1e6, max_iter=10_000).fit(X_train, y_train)
    assert linear.score(X_test, y_test) <= np.bincount(y_test).max() / len(y_test)


def test_class_report_numbers_match_the_gradebook(graded, tmp_path):
    name, root, _, table, _ = graded
    exercise = load_exercise(EXERCISES / name)
    data, path = class_report(root / "gradebook.sqlite", exercise, tmp_path / "report.html")
    ran = sorted(s for s, e in table.items() if e["status"] == "graded")
    assert data.graded == len(ran) and data.ungraded == len(table) - len(ran) == 2
    for q in data.questions:
        assert sorted(q.scores) == sorted(table[s]["questions"][q.id][0] for s in ran)
    assert data.questions[0].full_share == pytest.approx(
        np.mean(
            [table[s]["questions"][q.id][0] == q.points for s in ran for q in data.questions[:1]]
        )
    )
    catalogued = {s for c in exercise.checks for s in c.mistakes}
    generic = {label for label, _ in GENERIC_FEEDBACK}
    assert catalogued <= {m.sentence for m in data.mistakes} <= catalogued | generic
    for m in data.mistakes:
        assert m.share == pytest.approx(len(m.students) / len(ran))
        assert "solution" not in m.students and "released" not in m.students
    for index, mistake in enumerate(MISTAKES[name]):
        if not mistake.generic:
            fired = [m for m in data.mistakes if mistake.message in m.sentence]
            assert any(mistake_student(index) in m.students for m in fired), mistake.message
    assert "released" in data.problems["not attempted"]
    assert data.problems["malformed notebook"] == ["malformed"]
    assert data.problems["no notebook"] == ["absent"]
    assert data.problems["function timed out"] == ["hang"]
    assert "broken" in data.problems["a notebook cell raised"]
    assert data.problems["a notebook cell stopped Python (left out)"] == ["broken"]
    for index, mistake in enumerate(MISTAKES[name]):
        if mistake.generic:  # e.g. an overflow: counted under the grader's own label
            assert any(
                mistake_student(index) in m.students
                for m in data.mistakes
                if m.sentence in generic
            )
    assert all("solution" not in students for students in data.problems.values())
    asked = sorted(set(re.findall(r"\*\*Your answer \((W\d)\):\*\*", _markdown(exercise))))
    assert data.written == {"solution": dict.fromkeys(asked, WRITTEN_ANSWER)}
    page = path.read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 2
    for m in data.mistakes:
        assert f"<td>{100 * m.share:.0f} %</td><td>{m.question}</td>" in page
    assert WRITTEN_ANSWER in page


def test_report_command_writes_the_page_even_for_an_empty_gradebook(tmp_path, capsys):
    book = tmp_path / "empty.sqlite"
    gradebook.connect(book).close()
    out = tmp_path / "page.html"
    argv = ["report", "--exercise", NAMES[0], "--source", str(EXERCISES)]
    argv += ["--gradebook", str(book), "--out", str(out)]
    assert main(argv) == 0
    assert f"{out}: 0 graded, 0 not graded" in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    assert "<h1>Class report: " in page and "data:image/png" not in page


def test_ex01_ex03_ex05_references_agree_with_course_utils_losses():
    from course_utils import losses

    rng = np.random.default_rng(8)
    p, t = 3.0 * rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    ex01 = _reference("ex01_losses")
    for name in ("mse", "mae"):
        assert ex01[name](p, t) == pytest.approx(getattr(losses, name)(p, t), rel=1e-12)
        np.testing.assert_allclose(
            ex01[f"{name}_grad"](p, t), getattr(losses, f"{name}_grad")(p, t)
        )
    for delta in (0.5, 1.0):
        assert ex01["huber"](p, t, delta) == pytest.approx(losses.huber(p, t, delta), rel=1e-12)
        np.testing.assert_allclose(ex01["huber_grad"](p, t, delta), losses.huber_grad(p, t, delta))
    ex03 = _reference("ex03_cross_entropy")
    z = np.array([1000.0, -1000.0, 1000.0, -1000.0, 0.3, -2.0])
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.0])
    assert ex03["bce_with_logits"](z, y) == pytest.approx(
        losses.binary_cross_entropy_with_logits(z, y), rel=1e-12
    )
    np.testing.assert_allclose(
        ex03["bce_with_logits_grad"](z, y), losses.binary_cross_entropy_with_logits_grad(z, y)
    )
    Z, labels = 5.0 * rng.normal(size=(7, 5)), rng.integers(0, 3, size=7)  # classes 3, 4 unused
    Z[0, 0] = 1000.0
    np.testing.assert_allclose(ex03["log_softmax"](Z), losses.log_softmax(Z, axis=1))
    assert ex03["softmax_cross_entropy"](Z, labels) == pytest.approx(
        losses.softmax_cross_entropy(Z, labels), rel=1e-12
    )
    np.testing.assert_allclose(
        ex03["softmax_cross_entropy_grad"](Z, labels), losses.softmax_cross_entropy_grad(Z, labels)
    )
    ex05 = _reference("ex05_hinge_loss")
    S = rng.normal(size=(9, 4))
    labels = rng.integers(0, 3, size=9)
    assert ex05["hinge_naive"](S, labels) == pytest.approx(losses.multiclass_hinge(S, labels))
    assert ex05["hinge"](S, labels) == pytest.approx(losses.multiclass_hinge(S, labels), rel=1e-12)
    np.testing.assert_allclose(
        ex05["hinge_grad"](S, labels), losses.multiclass_hinge_grad(S, labels)
    )


def test_released_check_gives_full_public_marks_and_mistakes_their_sentences(
    tmp_path, monkeypatch, capsys
):
    from course_utils.grading import checker

    for name in NAMES:
        release(EXERCISES / name, tmp_path)
        monkeypatch.chdir(tmp_path / name)
        namespace = _reference(name)
        exercise = load_exercise(EXERCISES / name)
        check = checker(name, namespace)
        for q in exercise.questions:
            check(q.id)
        out = capsys.readouterr().out
        assert "✗" not in out and "could not run" not in out, out
        assert out.count("public checks passed") == len(exercise.questions)
        shown = 0  # mistakes whose sentence the public checks already give
        for mistake in MISTAKES[name]:
            wrong = _reference(name)
            exec(compile(mistake.code, "<mistake>", "exec"), wrong)
            checker(name, wrong)(mistake.question)
            out = capsys.readouterr().out
            shown += mistake.message in out
            assert "could not run" not in out
        assert shown >= len(exercise.questions), name


_EX07_LIES = """
TARGET = 0.85


def trained_accuracy(X, y, X_test, y_test):
    return 1.0


def grad_W1(X, y, W1, b1, W2, b2):
    return np.zeros_like(W1)
"""
_EX07_NO_TRAINING = (
    "def train(X, y, n_classes, hidden, lr, n_steps, seed):\n"
    "    rng = np.random.default_rng(seed)\n"
    "    return (rng.normal(size=(X.shape[1], hidden)), np.zeros(hidden),\n"
    "            rng.normal(size=(hidden, n_classes)), np.zeros(n_classes))"
)
_EX06_LIES = """
def numerical_gradient(f, x, h=1e-5):
    raise NotImplementedError


TEST_FUNCTIONS = {"cubic": lambda x: 0.0}


def numgrad_of(name, x):
    return {"cubic": 3 * x**2 + 1}.get(name, x)
"""


@pytest.mark.parametrize(
    "name, honest, lies, question",
    [
        ("ex07_network", _EX07_NO_TRAINING, _EX07_LIES, "q5"),
        ("ex06_gradient_descent", _EX06_LIES.split("TEST_FUNCTIONS")[0], _EX06_LIES, "q1"),
    ],
)
def test_an_edited_helper_cell_that_lies_gains_nothing(name, honest, lies, question, tmp_path):
    """The grader calls the student's own functions and scores their raw answers itself, so
    redefining the helpers the old notebooks had (``trained_accuracy``, ``grad_W1``,
    ``numgrad_of``) changes nothing."""
    nb = json.loads((EXERCISES / name / f"{name}.ipynb").read_text(encoding="utf-8"))
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    for student, extra in (("honest", [honest]), ("liar", [honest, lies])):
        wrong = json.loads(json.dumps(nb))
        wrong["cells"] += [{**cell, "source": code} for code in extra]
        folder = tmp_path / "subs" / student
        folder.mkdir(parents=True)
        (folder / f"{name}.ipynb").write_text(json.dumps(wrong), encoding="utf-8")
    book = tmp_path / "book.sqlite"
    grade(tmp_path / "subs", EXERCISES / name, book, LIMITS, jobs=2)
    db = gradebook.connect(book)
    try:
        table = gradebook.scores(db, name)
    finally:
        db.close()
    honest_scores = {q: v[0] for q, v in table["honest"]["questions"].items()}
    liar_scores = {q: v[0] for q, v in table["liar"]["questions"].items()}
    assert liar_scores == honest_scores
    exercise = load_exercise(EXERCISES / name)
    assert liar_scores[question] < exercise.question(question).points
    if name == "ex07_network":
        messages = _messages(table["liar"], "q5")
        assert any("test accuracy does not reach 0.85" in m for m in messages), messages
        assert liar_scores["q4"] == exercise.question("q4").points  # grad_W1 is not used


@pytest.mark.parametrize("name", NAMES)
def test_every_exercise_forbids_the_library_modules_that_hold_its_answers(name):
    forbidden = load_exercise(EXERCISES / name).forbidden
    assert forbidden, name
    for module in forbidden:
        assert importlib.util.find_spec(module) is not None, module  # no typo: a real module
        assert not module.startswith("course_utils.grading"), module


def test_ex01_answered_with_the_librarys_losses_scores_nothing_on_those_questions(tmp_path):
    name = "ex01_losses"
    nb = json.loads((EXERCISES / name / f"{name}.ipynb").read_text(encoding="utf-8"))
    nb["cells"].append(
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": "from course_utils.losses import "
            + "mse, mse_grad, mae, mae_grad, huber, huber_grad",
        }
    )
    for cell in nb["cells"]:  # the student wrote none of it
        if cell["cell_type"] == "code":
            source = notebook.source_text(cell)
            cell["source"] = notebook.strip_solutions(source)
    folder = tmp_path / "subs" / "borrower"
    folder.mkdir(parents=True)
    (folder / f"{name}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    book = tmp_path / "book.sqlite"
    grade(tmp_path / "subs", EXERCISES / name, book, LIMITS, jobs=1)
    db = gradebook.connect(book)
    try:
        entry = gradebook.scores(db, name)["borrower"]
        (errors,) = db.execute("SELECT load_errors FROM submissions").fetchone()
    finally:
        db.close()
    assert _total(entry)[0] == 0
    assert "it asks you to write MSE, MAE, Huber and their gradients yourself" in errors


def test_ex02_ista_never_increases_the_objective_but_need_not_decrease():
    """Review of issue 13: the notebook said the objective "decreases at every step" with
    η ≤ 1/L; it never increases, and on the orthogonal design (η = 1/L = 1) ISTA is at the
    minimum after one step, so later steps cannot decrease it."""
    ref, checks = _reference("ex02_regularization"), _checks_module("ex02_regularization")

    def objective(w, X, y, lam):
        return np.sum((X @ w - y) ** 2) / (2 * len(y)) + lam * np.sum(np.abs(w))

    rng = np.random.default_rng(0)
    problems = [checks.orthogonal(40, 6, 0.5)(rng)]
    for _ in range(5):
        X, y = rng.normal(size=(50, 8)), rng.normal(size=50)
        L = np.linalg.eigvalsh(X.T @ X / 50).max()
        problems.append((X, y, 0.3, 1.0 / L, 60))
    for X, y, lam, step, n_iter in problems:
        w, values = np.zeros(X.shape[1]), []
        for _ in range(n_iter):
            w = ref["ista_step"](w, X, y, lam, step)
            values.append(objective(w, X, y, lam))
        assert np.all(np.diff(values) <= 1e-12 * abs(values[0]))
    orthogonal = problems[0]
    w1 = ref["ista_step"](np.zeros(6), *orthogonal[:4])
    w2 = ref["ista_step"](w1, *orthogonal[:4])
    np.testing.assert_allclose(w2, w1, rtol=1e-12, atol=1e-15)  # a fixed point: no decrease


def test_ex02_ridge_proximal_step_is_the_shrink_w1_describes():
    """W1: the proximal step of (λ/2)‖w‖² with step η is v / (1 + ηλ) (and of λ‖w‖₁ it is
    soft-thresholding at ηλ): each minimises ‖w − v‖²/(2η) + penalty(w), here on a grid."""
    checks = _checks_module("ex02_regularization")
    grid = np.linspace(-5.0, 5.0, 200001)
    for v, eta, lam in [(2.3, 0.5, 0.8), (-1.1, 0.2, 3.0), (0.3, 1.0, 0.5)]:
        ridge = grid[np.argmin((grid - v) ** 2 / (2 * eta) + lam / 2 * grid**2)]
        lasso = grid[np.argmin((grid - v) ** 2 / (2 * eta) + lam * np.abs(grid))]
        assert ridge == pytest.approx(v / (1 + eta * lam), abs=1e-4)
        assert lasso == pytest.approx(checks._st(np.array([v]), eta * lam)[0], abs=1e-4)


def test_ex01_goal_names_the_gradients_that_are_checked_numerically():
    """Review of issue 13: ex01's goal promised checking "an analytic gradient against a
    numerical one", which no question asks; it now says the MSE and Huber gradients are
    checked numerically (the MAE's is not, because of its kink) — as checks.py does."""
    checks = _checks_module("ex01_losses")
    numerical = {tuple(c.functions) for c in checks.CHECKS if c.kind == "gradient"}
    assert numerical == {("mse", "mse_grad"), ("huber", "huber_grad")}
    goals = json.loads((EXERCISES / "ex01_losses" / "ex01_losses.ipynb").read_text())["cells"][0]
    text = "".join(goals["source"])
    assert "your MSE and Huber gradients are compared with a" in text
