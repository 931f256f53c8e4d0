"""Sliders bound to figures, for the parameters that matter.

A widget made here draws its figure into an ``ipywidgets.Output`` once when it is built and
again whenever a slider moves. The first drawing is part of the widget's saved state, so the
HTML book shows it even though no kernel is there to redraw; each chapter also shows a static
figure of a few settings next to the widget, so a reader of the HTML loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display
from matplotlib.figure import Figure

_SLIDER_LAYOUT = {"width": "420px"}
_LABEL_STYLE = {"description_width": "140px"}


def float_slider(
    description: str,
    value: float,
    min: float,
    max: float,
    step: float,
    readout_format: str = ".2f",
) -> widgets.FloatSlider:
    """A labelled slider that redraws when released (not on every pixel of a drag)."""
    if not min <= value <= max:
        raise ValueError(f"value must lie in [min, max] = [{min}, {max}]; got {value}.")
    return widgets.FloatSlider(
        value=value,
        min=min,
        max=max,
        step=step,
        description=description,
        readout_format=readout_format,
        continuous_update=False,
        layout=_SLIDER_LAYOUT,
        style=_LABEL_STYLE,
    )


def log_slider(
    description: str, value: float, min_exponent: float, max_exponent: float, base: float = 10.0
) -> widgets.FloatLogSlider:
    """A slider over base**min_exponent … base**max_exponent, even steps in the exponent."""
    return widgets.FloatLogSlider(
        value=value,
        base=base,
        min=min_exponent,
        max=max_exponent,
        step=(max_exponent - min_exponent) / 40,
        description=description,
        readout_format=".3g",
        continuous_update=False,
        layout=_SLIDER_LAYOUT,
        style=_LABEL_STYLE,
    )


def interactive_figure(
    draw: Callable[..., Figure], **sliders: widgets.ValueWidget
) -> widgets.VBox:
    """Bind sliders to a drawing function: ``draw(**{name: slider.value})`` returns a Figure.

    Parameters
    ----------
    draw : callable
        Called with one keyword argument per slider; returns the figure to show.
    **sliders : ipywidgets value widgets
        The controls, keyed by ``draw``'s parameter names.

    Returns
    -------
    ipywidgets.VBox
        The sliders above the figure; display it as a cell's last expression.
    """
    if not sliders:
        raise ValueError("interactive_figure needs at least one slider.")
    output = widgets.Output()

    def redraw(_change: object = None) -> None:
        values = {name: slider.value for name, slider in sliders.items()}
        with output:
            output.clear_output(wait=True)
            figure = draw(**values)
            display(figure)
            plt.close(figure)

    for slider in sliders.values():
        slider.observe(redraw, names="value")
    redraw()
    return widgets.VBox([*sliders.values(), output])
