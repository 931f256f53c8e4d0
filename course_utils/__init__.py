"""course_utils: the small package every chapter of *Loss Functions from Scratch* imports.

Math modules (``losses``, ``gradcheck`` and the others) use NumPy only; pictures live in
``plotting`` and sliders in ``widgets``. Import the module you need, e.g.
``from course_utils import losses``.
"""

__version__ = "0.1.0"
