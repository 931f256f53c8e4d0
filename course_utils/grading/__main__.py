"""``python -m course_utils.grading`` is the ``course-grade`` command."""

import sys

from .cli import main

sys.exit(main())
