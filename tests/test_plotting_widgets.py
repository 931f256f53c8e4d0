"""The house style and the widget builders: labelled axes, redraw on change, bad input."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import plotting, widgets

X = np.linspace(-1, 1, 11)


def test_loss_axes_say_loss_and_every_axis_is_labelled():
    figures = [
        plotting.plot_loss_vs_residual(X, {"a": X**2}),
        plotting.plot_loss_vs_margin(X, {"hinge": np.maximum(0, 1 - X)}),
        plotting.plot_loss_and_derivative(X, {"a": X**2}, {"a": 2 * X}),
        plotting.plot_panels(X, [("one", {"a": X}), ("two", {"a": -X})], xlabel="x"),
    ]
    for fig in figures:
        for ax in fig.axes:
            assert ax.get_xlabel(), "every x axis is labelled"
        assert fig.axes[0].get_ylabel() == "loss"
        plt.close(fig)


def test_house_style_palette_is_okabe_ito_on_white():
    plotting.use_house_style()
    assert matplotlib.rcParams["figure.facecolor"] == "white"
    colors = [c["color"] for c in matplotlib.rcParams["axes.prop_cycle"]]
    assert colors[:3] == ["#0072B2", "#D55E00", "#009E73"]


def test_plot_fits_draws_one_line_per_fit_and_marks_outliers():
    fig = plotting.plot_fits(X, 2 * X, {"L2": (2.0, 0.0), "L1": (1.0, 0.0)}, is_outlier=X > 0.8)
    ax = fig.axes[0]
    assert len(ax.lines) == 2 and len(ax.collections) == 2
    plt.close(fig)


def test_interactive_figure_redraws_when_a_slider_moves():
    calls = []

    def draw(delta):
        calls.append(delta)
        fig, _ = plotting.new_figure()
        return fig

    slider = widgets.float_slider("δ", 1.0, 0.1, 3.0, 0.1)
    box = widgets.interactive_figure(draw, delta=slider)
    assert calls == [1.0]
    slider.value = 2.0
    assert calls == [1.0, 2.0]
    assert box.children[0] is slider


def test_widget_builders_reject_bad_settings():
    with pytest.raises(ValueError, match="value must lie"):
        widgets.float_slider("δ", 5.0, 0.1, 3.0, 0.1)
    with pytest.raises(ValueError, match="at least one slider"):
        widgets.interactive_figure(lambda: None)


def test_plot_templates_uses_a_symmetric_diverging_scale_per_picture():
    templates = np.stack([np.arange(16.0).reshape(4, 4) - 3, -np.ones((4, 4))])
    fig = plotting.plot_templates(templates, ["a", "b"])
    first, second = (ax.images[0] for ax in fig.axes[:2])
    assert first.get_clim() == (-12.0, 12.0) and second.get_clim() == (-1.0, 1.0)
    plt.close(fig)
    with pytest.raises(ValueError, match="one title each"):
        plotting.plot_templates(templates, ["a"])
