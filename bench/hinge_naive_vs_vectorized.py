"""Time the loop-based multiclass hinge loss and gradient against the vectorized ones.

Both run in the same process on the same 500 × 10 problem (500 examples, 10 classes), each
timed as the best of several repeats (the least disturbed by other programs). Prints the time
of each and their ratio for the loss, the gradient, and both together (one training step's
work, what Chapter 5 times), and exits with status 1 if the vectorized loss + gradient is less
than ``--min-ratio`` (default 20) times faster than the loops.

    PYTHONPATH=. python bench/hinge_naive_vs_vectorized.py
"""

from __future__ import annotations

import argparse
import sys
import timeit

import numpy as np

from course_utils import losses, naive


def best_seconds(function, number: int, repeat: int) -> float:
    """The fastest of ``repeat`` runs of ``number`` calls, per call."""
    return min(timeit.repeat(function, number=number, repeat=repeat)) / number


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=500)
    parser.add_argument("--n-classes", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--min-ratio", type=float, default=20.0)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    scores = rng.standard_normal((args.n_samples, args.n_classes))
    labels = rng.integers(0, args.n_classes, size=args.n_samples)
    assert np.isclose(
        naive.multiclass_hinge_naive(scores, labels), losses.multiclass_hinge(scores, labels)
    )

    cases = {
        "loss": (
            lambda: naive.multiclass_hinge_naive(scores, labels),
            lambda: losses.multiclass_hinge(scores, labels),
        ),
        "gradient": (
            lambda: naive.multiclass_hinge_grad_naive(scores, labels),
            lambda: losses.multiclass_hinge_grad(scores, labels),
        ),
        "loss + gradient": (
            lambda: (
                naive.multiclass_hinge_naive(scores, labels),
                naive.multiclass_hinge_grad_naive(scores, labels),
            ),
            lambda: (
                losses.multiclass_hinge(scores, labels),
                losses.multiclass_hinge_grad(scores, labels),
            ),
        ),
    }
    print(f"multiclass hinge, {args.n_samples} x {args.n_classes}, best of {args.repeat}")
    print(f"{'':16s} {'loops (ms)':>11s} {'vectorized (ms)':>16s} {'ratio':>7s}")
    ratios = {}
    for name, (loops, vectorized) in cases.items():
        t_loops = best_seconds(loops, number=3, repeat=args.repeat)
        t_vectorized = best_seconds(vectorized, number=100, repeat=args.repeat)
        ratio = t_loops / t_vectorized
        ratios[name] = ratio
        print(f"{name:16s} {1e3 * t_loops:11.3f} {1e3 * t_vectorized:16.4f} {ratio:6.0f}x")
    ratio = ratios["loss + gradient"]
    verdict = "OK" if ratio >= args.min_ratio else "FAIL"
    print(
        f"{verdict}: loss + gradient {ratio:.0f}x faster vectorized"
        f" (required: at least {args.min_ratio:.0f}x)"
    )
    return 0 if ratio >= args.min_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
