"""Checks of exercise 4: the optimal constant under L2, L1 and the pinball loss; a sharpness score.

``tests/test_exercises.py`` checks the reference against an independent brute force: the
minimum of the risk over a fine grid of candidate constants.
"""

import numpy as np

from course_utils.grading import Question, Written, close

QUESTIONS = [
    Question("q1", "Best constant under the squared loss", points=3),
    Question("q2", "Best constant under the absolute loss", points=3),
    Question("q3", "The risk of every candidate at once", points=3),
    Question("q4", "Best constant under the pinball loss", points=3),
    Question("q5", "How sharp is a picture: high-frequency energy", points=3),
]

# The library's own answers: a submission may not import them (enforced in the sandbox).
FORBIDDEN_IMPORTS = dict.fromkeys(
    ["course_utils.multimodal", "course_utils.robust", "course_utils.losses"],
    "the best constants and their risks",
)

WRITTEN = [
    Written("W1", "Why the L2 prediction is blurry, and which loss to pick"),
]

L2_MEDIAN = "that is the median, the L1 answer; the squared loss is minimized by the mean."
L2_MIDRANGE = "that is the midpoint of the range, (min + max)/2; the squared loss gives the mean."
L1_MEAN = "that is the mean, the L2 answer; the absolute loss is minimized by a median."
L1_LOWER = "for an even n you returned the lower middle value; the exercise asks for the midpoint."
L1_UNSORTED = "you took the middle entry without sorting y first."
RISK_SUM = "it looks like you summed over the sample instead of averaging."
RISK_NO_ABS = "the absolute value is missing: (y − c)^p is negative for odd p when y < c."
RISK_AXIS = (
    "you averaged over the candidates (axis 0); average over the sample (axis 1),"
    " one risk per candidate."
)
PIN_INTERP = (
    "np.quantile's default interpolates between sample values; that point does not minimize"
    " the pinball loss. Take the order statistic y_(k), k = ⌈τn⌉."
)
PIN_FLIPPED = "you used 1 − τ; the τ-quantile leaves a fraction τ of the sample below it."
HFE_MAGNITUDE = "square the magnitudes: energy is |F(u, v)|², not |F(u, v)|."
HFE_NO_SCALE = (
    "divide the sum by (H·W)²: by Parseval, that makes it the mean squared value of the"
    " filtered picture, comparable across picture sizes."
)
HFE_SCALE_HW = "divide by (H·W)², not H·W: NumPy's FFT is unnormalised, so |F|² grows like (H·W)²."
HFE_LOW_PASS = "you kept the frequencies below the cutoff; keep those above it (r > cutoff)."
HFE_ONE_AXIS = (
    "the frequency is the radius √(f_row² + f_col²) in cycles per pixel, over both axes,"
    " with np.fft.fftfreq for each."
)


def _bimodal(n0, n1, low=0.0, high=10.0):
    def make(rng):
        y = np.concatenate([rng.normal(low, 0.5, n0), rng.normal(high, 0.5, n1)])
        return (rng.permutation(y),)

    return make


def _median_mid(y):
    s = np.sort(y)
    n = s.size
    return float(s[n // 2]) if n % 2 else float(0.5 * (s[n // 2 - 1] + s[n // 2]))


def _order_stat(y, tau):
    s = np.sort(y)
    k = int(np.ceil(tau * s.size - 1e-12))
    return float(s[max(k, 1) - 1])


_L2_MISTAKES = {
    L2_MEDIAN: lambda y: float(np.median(y)),
    L2_MIDRANGE: lambda y: float((y.min() + y.max()) / 2),
}
_L1_MISTAKES = {
    L1_MEAN: lambda y: float(np.mean(y)),
    L1_LOWER: lambda y: float(np.sort(y)[(y.size - 1) // 2]),
    L1_UNSORTED: lambda y: float(y[y.size // 2]),
}
_RISK_MISTAKES = {
    RISK_SUM: lambda c, y, p: np.sum(np.abs(y[None, :] - c[:, None]) ** p, axis=1),
    RISK_NO_ABS: lambda c, y, p: np.mean((y[None, :] - c[:, None]) ** p, axis=1),
    RISK_AXIS: lambda c, y, p: np.mean(np.abs(y[None, :] - c[:, None]) ** p, axis=0),
}


def _energy(images, cutoff, *, power=2, scale=None, keep_high=True, radius_of=None):
    height, width = images.shape[-2:]
    rows, cols = np.fft.fftfreq(height)[:, None], np.fft.fftfreq(width)[None, :]
    radius = np.hypot(rows, cols) if radius_of is None else radius_of(rows, cols)
    mask = radius > cutoff if keep_high else radius <= cutoff
    spectrum = np.abs(np.fft.fft2(images)) ** power
    return spectrum[..., mask].sum(axis=-1) / ((height * width) ** 2 if scale is None else scale)


def _pictures(n, height, width):
    def make(rng):
        edges = (rng.uniform(size=(n, height, width)) > 0.5).astype(float)
        return (edges, 0.25)

    return make


_HFE_MISTAKES = {
    HFE_MAGNITUDE: lambda x, c: _energy(x, c, power=1),
    HFE_NO_SCALE: lambda x, c: _energy(x, c, scale=1.0),
    HFE_SCALE_HW: lambda x, c: _energy(x, c, scale=x.shape[-1] * x.shape[-2]),
    HFE_LOW_PASS: lambda x, c: _energy(x, c, keep_high=False),
    HFE_ONE_AXIS: lambda x, c: _energy(x, c, radius_of=lambda r, k: np.abs(k) + 0 * r),
}

_PIN_MISTAKES = {
    PIN_INTERP: lambda y, tau: float(np.quantile(y, tau)),
    PIN_FLIPPED: lambda y, tau: _order_stat(y, 1.0 - tau),
}

CHECKS = [
    # q1
    close(
        "q1",
        "best_constant_l2",
        _bimodal(14, 6),
        name="a bimodal sample of 20",
        public=True,
        mistakes=_L2_MISTAKES,
    ),
    close(
        "q1",
        "best_constant_l2",
        _bimodal(61, 40, -3.0, 5.0),
        name="a hidden bimodal sample",
        mistakes=_L2_MISTAKES,
    ),
    close("q1", "best_constant_l2", (np.array([2.5]),), name="a single value"),
    # q2
    close(
        "q2",
        "best_constant_l1",
        _bimodal(8, 3),
        name="a bimodal sample of 11",
        public=True,
        mistakes=_L1_MISTAKES,
    ),
    close(
        "q2",
        "best_constant_l1",
        _bimodal(30, 20),
        name="an even number of values (50)",
        mistakes=_L1_MISTAKES,
    ),
    close(
        "q2",
        "best_constant_l1",
        _bimodal(41, 40, -1.0, 4.0),
        name="a hidden sample of 81",
        mistakes=_L1_MISTAKES,
    ),
    # q3
    close(
        "q3",
        "constant_risk",
        lambda rng: (np.linspace(-1, 11, 7), _bimodal(7, 3)(rng)[0], 2),
        name="7 candidates, p = 2",
        public=True,
        mistakes=_RISK_MISTAKES,
    ),
    close(
        "q3",
        "constant_risk",
        lambda rng: (np.linspace(-2, 12, 15), _bimodal(13, 9)(rng)[0], 1),
        name="15 candidates, p = 1",
        mistakes=_RISK_MISTAKES,
    ),
    close(
        "q3",
        "constant_risk",
        lambda rng: (rng.normal(size=4), rng.normal(size=9), 3),
        name="4 candidates, p = 3",
        mistakes=_RISK_MISTAKES,
    ),
    # q4
    close(
        "q4",
        "best_constant_pinball",
        lambda rng: (*_bimodal(7, 4)(rng), 0.3),
        name="τ = 0.3 on 11 values",
        public=True,
        mistakes=_PIN_MISTAKES,
    ),
    close(
        "q4",
        "best_constant_pinball",
        lambda rng: (*_bimodal(40, 23)(rng), 0.9),
        name="τ = 0.9, a hidden sample",
        mistakes=_PIN_MISTAKES,
    ),
    close(
        "q4",
        "best_constant_pinball",
        lambda rng: (*_bimodal(5, 5)(rng), 0.25),
        name="τ = 0.25 on 10 values",
        mistakes=_PIN_MISTAKES,
    ),
    # q5
    close(
        "q5",
        "high_frequency_energy",
        _pictures(2, 8, 8),
        name="two 8 × 8 black-and-white pictures",
        public=True,
        mistakes=_HFE_MISTAKES,
    ),
    close(
        "q5",
        "high_frequency_energy",
        _pictures(4, 6, 10),
        name="four hidden 6 × 10 pictures",
        mistakes=_HFE_MISTAKES,
    ),
    close(
        "q5",
        "high_frequency_energy",
        lambda rng: (rng.normal(size=(3, 12, 12)), 0.3),
        name="three hidden 12 × 12 grey pictures, cutoff 0.3",
        mistakes=_HFE_MISTAKES,
    ),
]
