"""The course's autograder: release → run (child) → compare (parent) → store → export.

Writing an exercise
-------------------
An exercise is a folder ``exercises/NAME/`` with two files (``tests/fixtures/grading/demo/``
is a complete small example):

``NAME.ipynb`` — the instructor notebook
    Instructions in markdown; the reference solution in code cells, each solution region
    between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (nbgrader's markers). The released
    notebook has each region replaced by ``raise NotImplementedError``. A code cell tagged
    ``instructor`` is removed from the release entirely. The first code cell sets up the
    self-check: ``from course_utils.grading import checker`` then ``check = checker("NAME")``;
    put ``check("q1")`` after each question. Run beside ``checks.py`` (the instructor
    notebook's own folder, as under nbval), ``check`` builds the public checks from
    ``checks.py`` and the reference solution, so the instructor notebook shows the verdicts a
    student with a correct solution sees; ``checks.py`` is never released.

``checks.py`` — what is graded
    ``QUESTIONS = [Question("q1", "Mean squared error", points=3), ...]`` and
    ``CHECKS = [...]`` built from five kinds of check:

    - ``close(q, "mse", args, name=..., points=1, public=False, rtol, atol, mistakes={...})``:
      the student's value equals the reference's (type, shape, dtype, NaN/inf, then values
      within tolerance; an answer that matches a ``mistakes`` entry gets that entry's sentence);
    - ``gradient(q, "mse", "mse_grad", args, ...)``: the student's gradient agrees with a
      numerical gradient of the student's loss;
    - ``invariant(q, "softmax", args, transform, ...)``: the answer does not change under a
      transformation of the inputs (adding a constant to every logit);
    - ``raises(q, "mse", args, "ValueError", ...)``: invalid input is rejected with that
      exception (the reference must reject it too);
    - ``evaluate(q, plan, score, at_least=0.85, what="test accuracy", ...)``: the sandbox runs
      the student's own functions in order on the grader's inputs (``train(X, y, ...)``, then
      ``forward(X_test, Result(0, 0), ...)``, where ``Result(k, i)`` is item ``i`` of what call
      ``k`` returned) and sends back the raw arrays; the GRADER computes ``score`` (with data
      such as the test labels that never enter the sandbox). Always hidden.

    ``close`` and ``gradient`` take ``item=k`` to judge item ``k`` of a returned tuple
    (``backward`` returning ``(dW1, db1, dW2, db2)``), and ``args`` may contain
    ``Probe("cubic")``, one of the grader's test functions (``course_utils.grading.probes``),
    for a student function that takes a function. So the notebook needs no helper cell
    between the checks and the student's code (a student could edit such a cell to lie).

    ``args`` is a tuple of inputs or ``lambda rng: (...)`` (seeded per check, the same for every
    student). A question's points must equal the sum of its checks' points; each passed check
    earns its points (partial credit). ``public=True`` checks are what ``check("q1")`` runs and
    ship with the release (inputs and answers); the others are hidden.

    ``FORBIDDEN_IMPORTS = {"course_utils.losses": "mse and its gradient"}`` (optional; a list
    of module names also works) names modules a submission may not import while it is graded
    (the library's own answers). The sandboxed child forgets them and puts a finder first on
    ``sys.meta_path`` before the student's code runs, so ``import``, ``from … import``,
    ``importlib.import_module`` and ``__import__`` all raise ``ImportError: `course_utils.losses`
    cannot be imported in this exercise: it asks you to write mse and its gradient yourself``;
    with namespaces the module's file (and its bytecode) is also covered, so loading it by path
    finds nothing. ``check()`` in the student's own kernel does not enforce it.

    ``WRITTEN = [Written("W1", "Why the lasso gives exact zeros"), ...]`` (optional) declares
    the questions answered in prose: the notebook asks each in markdown, then has a markdown
    cell of its own starting ``**Your answer (W1):** _write here_`` (the ids must match the
    notebook's answer cells). They earn no points; ``grade`` stores each student's answer text
    in the gradebook's ``written`` table (scores and the one-row-per-question ``grades`` table
    are unchanged), ``feedback`` shows it under "ungraded, graded by hand", the Gradescope
    results list it without a score, and the class report collects the answers.

Commands (``course-grade --help``): ``release``, ``grade``, ``export``, ``feedback``, ``report``,
``gradescope``.
"""

from . import compat  # noqa: F401  (first: Python 3.9's zip gains strict=)
from .spec import Probe, Question, Result, Written, close, evaluate, gradient, invariant, raises
from .student import checker

__all__ = [
    "Probe",
    "Question",
    "Result",
    "Written",
    "checker",
    "close",
    "evaluate",
    "gradient",
    "invariant",
    "raises",
]
