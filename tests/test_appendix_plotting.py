"""The plotting helpers of chapter 4 and appendix A draw what they claim.

Each test reads back what Matplotlib drew (contour vertices, line positions, labels) and
compares it with the equation or the numbers it was given.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import plotting


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_implicit_curve_vertices_satisfy_the_equation():
    def ellipse(x, y):
        return x**2 + y**2 + x * y - 1.0

    fig = plotting.plot_implicit_curve(ellipse, (-2, 2), (-2, 2), label="ellipse")
    ax = fig.axes[0]
    points = np.concatenate([p.vertices for p in ax.collections[0].get_paths()])
    assert len(points) > 100
    assert np.abs(ellipse(points[:, 0], points[:, 1])).max() < 1e-3
    radius = np.hypot(points[:, 0], points[:, 1])  # semi-axes √(2/3) and √2
    assert radius.min() == pytest.approx(np.sqrt(2 / 3), abs=5e-3)
    assert radius.max() == pytest.approx(np.sqrt(2), abs=5e-3)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "y")


def test_implicit_curve_at_another_level():
    fig = plotting.plot_implicit_curve(lambda x, y: x**2 + y**2, (-3, 3), (-3, 3), level=4.0)
    points = np.concatenate([p.vertices for p in fig.axes[0].collections[0].get_paths()])
    np.testing.assert_allclose(np.hypot(points[:, 0], points[:, 1]), 2.0, atol=1e-3)


def test_loss_contours_have_a_loss_colour_bar_and_the_marked_minimum():
    w1, w2 = np.meshgrid(np.linspace(-1, 1, 30), np.linspace(-1, 1, 30))
    fig = plotting.plot_loss_contours(w1, w2, w1**2 + w2**2, minimum=(0.25, -0.5))
    main, colour_bar = fig.axes
    assert colour_bar.get_ylabel() == "loss"
    assert main.get_xlabel() == "w₁" and main.get_ylabel() == "w₂"
    np.testing.assert_allclose(main.lines[-1].get_xydata(), [[0.25, -0.5]])


def test_loss_surface_labels_its_z_axis_loss():
    w1, w2 = np.meshgrid(np.linspace(-1, 1, 10), np.linspace(-1, 1, 10))
    fig = plotting.plot_loss_surface(w1, w2, w1**2 + w2**2, xlabel="a", ylabel="b")
    ax = fig.axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_zlabel()) == ("a", "b", "loss")


def test_image_grid_shows_every_image_with_its_title():
    images = np.random.default_rng(0).random((5, 4, 4))
    fig = plotting.plot_image_grid(images, [f"#{i}" for i in range(5)], ncols=3)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(fig.axes) == 6 and len(shown) == 5
    assert not fig.axes[5].axison  # the unused sixth panel is blank
    assert [ax.get_title() for ax in shown] == [f"#{i}" for i in range(5)]
    np.testing.assert_array_equal(shown[4].images[0].get_array(), images[4])
    with pytest.raises(ValueError, match="one title each"):
        plotting.plot_image_grid(images, ["only one"])


def test_bimodal_optima_and_curve_markers_draw_vertical_lines_where_asked():
    x = np.linspace(-3, 3, 61)
    fig = plotting.plot_bimodal_optima(
        x, np.exp(-(x**2)), {"mean": 0.5, "mode": -1.25}, sample=np.zeros(10)
    )
    ax = fig.axes[0]
    positions = [line.get_xdata()[0] for line in ax.lines[1:]]
    assert positions == [0.5, -1.25]
    assert ax.get_ylabel() == "density p(y)"
    fig = plotting.plot_curves_with_markers(
        x, {"x²": x**2}, {"min": 0.0}, xlabel="c", ylabel="loss"
    )
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels == ["x²", "min = 0.000"]


def test_appendix_grid_minimum_of_the_line_fit_matches_least_squares():
    # The appendix's loss-surface data and grid, recomputed; the reference is np.linalg.lstsq.
    rng = np.random.default_rng(0)
    x_data = np.linspace(-1.0, 1.0, 8)
    y_data = 1.5 * x_data + 0.5 + 0.3 * rng.standard_normal(8)
    slopes, intercepts = np.linspace(-1.0, 4.0, 200), np.linspace(-2.0, 3.0, 200)
    w1, w2 = np.meshgrid(slopes, intercepts)
    mse = ((w1[..., None] * x_data + w2[..., None] - y_data) ** 2).mean(axis=-1)
    best, *_ = np.linalg.lstsq(np.column_stack([x_data, np.ones(8)]), y_data, rcond=None)
    spacing = slopes[1] - slopes[0]
    assert abs(w1.flat[mse.argmin()] - best[0]) <= spacing
    assert abs(w2.flat[mse.argmin()] - best[1]) <= spacing


def test_appendix_grid_spacing_and_log_cosh_limits():
    # The quoted grid spacing (0.025) and the log-cosh description (x²/2 near 0, |x| − log 2
    # far out), recomputed independently.
    slopes = np.linspace(-1.0, 4.0, 200)
    assert f"{slopes[1] - slopes[0]:.3f}" == "0.025"
    small, large = 1e-3, 20.0
    assert np.log(np.cosh(small)) == pytest.approx(small**2 / 2, rel=1e-6)
    assert np.log(np.cosh(large)) == pytest.approx(large - np.log(2), rel=1e-12)


def test_the_appendix_ellipse_is_drawn_on_a_400_by_400_grid():
    import inspect

    from course_utils import plotting

    assert inspect.signature(plotting.plot_implicit_curve).parameters["n"].default == 400


def test_input_fails_at_once_when_a_machine_runs_the_notebook():
    # Appendix A: under nbclient (how the book's notebooks are executed) input() does not
    # wait; the kernel raises StdinNotImplementedError straight away.
    import time

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('input("Numbers: ")')])
    start = time.perf_counter()
    with pytest.raises(CellExecutionError, match="StdinNotImplementedError"):
        NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    assert time.perf_counter() - start < 30
