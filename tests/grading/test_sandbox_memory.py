"""The grader's memory: a submission may send back 64 MB in all, however many calls it gets.

A function that answers each of 40 calls with a 32 MB array would make the grader hold 1.3 GB
if it kept every outcome (the red team pushed it to 2.8 GiB); with the allowance the rest of
the calls fail as that submission's problem and the grader's peak memory stays small. The
grader runs in a subprocess so its peak resident size is its own.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = textwrap.dedent(
    """
    import resource
    from course_utils.grading.sandbox import MAX_RETURNED, Limits, Sandbox
    from course_utils.grading.spec import Call

    cell = "import numpy as np\\ndef big(i):\\n    return np.full(4 * 2**20, float(i))"
    sandbox = Sandbox(hide=[], limits=Limits(call_timeout=5, total_timeout=60, memory_mb=1024))
    try:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        run = sandbox.run(0, [cell], [Call("big", [i], {}) for i in range(40)])
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    finally:
        sandbox.close()
    ok = sum(o.status == "ok" for o in run.outcomes)
    refused = [o.error for o in run.outcomes if o.status != "ok"]
    print(ok, len(refused), (after - before) // 1024, refused[0] if refused else "")
    """
)


def test_a_submission_cannot_fill_the_graders_memory():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    ok, refused, grew_mb, why = done.stdout.strip().split(" ", 3)
    assert int(ok) == 1  # 32 MB fits the 64 MB allowance once; the next one does not
    assert int(refused) == 39
    assert "more than 64 MB in all" in why
    assert int(grew_mb) < 200, f"the grader grew by {grew_mb} MB"
