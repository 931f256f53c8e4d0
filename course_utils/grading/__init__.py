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
      within tolerance; an answer that matches a ``mistakes`` entry gets that entry's sentence;
      ``accept=(fn, ...)`` adds other valid answers, such as random draws in another order);
    - ``gradient(q, "mse", "mse_grad", args, ...)``: the student's gradient agrees with a
      numerical gradient of the REFERENCE loss (a wrong loss is charged to its own question);
    - ``invariant(q, "softmax", args, transform, ...)``: the answer does not change under a
      transformation of the inputs (adding a constant to every logit);
    - ``raises(q, "mse", args, "ValueError", ...)``: invalid input is rejected with that
      exception (the reference must reject it too);
    - ``evaluate(q, plan, score, at_least=0.85, what="test accuracy", causes=(...), ...)``:
      the sandbox runs the student's own functions in order on the grader's inputs
      (``train(X, y, ...)``, then perhaps ``predict(X_test, Result(0, 0), ...)``, where
      ``Result(k, i)`` is item ``i`` of what call ``k`` returned) and sends back the raw
      arrays; the GRADER computes ``score`` (with data such as the test points and labels that
      never enter the sandbox), or returns one of ``causes``, a sentence naming what went
      wrong. Always hidden. This is how properties are checked (every sample once per epoch,
      steps that are gradient steps, the accuracy of trained weights under the grader's own
      forward pass).

    ``close`` and ``gradient`` take ``item=k`` to judge item ``k`` of a returned tuple
    (``backward`` returning ``(dW1, db1, dW2, db2)``), and ``args`` may contain
    ``Probe("cubic")``, one of the grader's test functions (``course_utils.grading.probes``),
    for a student function that takes a function. So the notebook needs no helper cell
    between the checks and the student's code (a student could edit such a cell to lie).

    ``args`` is a tuple of inputs or ``lambda rng: (...)``, the same for every student: a
    public check's generator is seeded from its name (its inputs ship anyway), a hidden
    check's from the exercise's secret too, ``NAME/.grading-secret`` (32 random bytes made on
    first use, mode 0600, git-ignored; it travels in the Gradescope zip and nowhere else), so
    neither the package nor the release regenerates hidden inputs. A question's points must
    equal the sum of its checks' points. ``public=True`` checks are what ``check("q1")`` runs
    and ship with the release (inputs and answers); the others are hidden.

Scoring policy
--------------
Points measure what a student can do, in both directions:

- **What earns points**: hidden value checks (``close`` and ``evaluate`` on hidden inputs),
  which a constant or hard-coded answer cannot pass.
- **What only confirms**: public checks, ``gradient``, ``invariant`` and ``raises`` checks.
  Each keeps its points only when a hidden value check of the same function (and tuple item)
  passes too, so zeros that pass a gradient or an invariant check, or answers copied from
  ``NAME.checks.json``, earn nothing; the feedback says "it only confirms". Every graded
  function has a public check and a hidden value check (``tests/test_fair_verdicts.py``).
- **Sequences**: where a tuple is asked, a list or a named tuple is the same answer; a
  Python list where an array is asked is named as such.
- **Precision**: the notebooks ask for float64. A float32 answer (float32 arrays, or numbers
  that are float32 values) passes where 1e-5 relative precision meets the check; otherwise
  the feedback is exactly "your answer is float32; compute in float64".
- **Randomness** is judged by properties, never by one particular shuffle or draw order,
  unless a check states the order as its requirement and its sentence names it (ex06's SGD:
  every sample once per epoch, a fresh order each epoch, the loss falls; ex07's training:
  0 then 3 steps from the student's own starting weights, and the test accuracy).
- **One mistake costs once**: a gradient is compared with a numerical gradient of the
  reference loss, never of the student's.
- **Causes are named**: a wrong answer that matches a catalogued mistake gets its sentence;
  an input changed by round-off only (``x[i] += h … x[i] -= 2h … x[i] += h``) keeps full marks
  with a remark naming that cause.
- **Hidden feedback carries no student-made text**: a hidden check's sentence is the verdict
  in the grader's or the catalogue's own words; exception messages, returned shapes and
  dtypes, the position of a wrong entry and numbers appear only for public checks (and an
  exception's name only when it is one of Python's standard ones).
- **No library answers**: ``FORBIDDEN_IMPORTS`` lists the modules that hold an exercise's
  answers; ``tests/test_fair_verdicts.py`` calls every public function and layer of
  ``course_utils`` on every check's inputs and fails if one not forbidden answers all checks
  of a graded function.

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
