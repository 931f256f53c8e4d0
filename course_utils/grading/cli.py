"""The ``course-grade`` command: release, grade, export, feedback, gradescope."""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

from .. import bookconfig
from . import export, gradescope, report
from .grade import grade
from .release import release
from .sandbox import BUILDERS, Limits
from .spec import load_exercise


def _exercise_folder(args: argparse.Namespace) -> Path:
    return Path(args.source) / args.exercise


def _check_source(args: argparse.Namespace) -> None:
    """A missing exercises folder is a one-line error that says what to pass."""
    source = Path(args.source)
    if not source.is_dir():
        raise FileNotFoundError(
            f"there is no folder {str(source)!r} here; pass --source PATH, the folder that holds"
            " one folder per exercise (NAME/NAME.ipynb and NAME/checks.py)"
        )
    if args.exercise and not (source / args.exercise).is_dir():
        found = sorted(d.name for d in source.iterdir() if (d / f"{d.name}.ipynb").is_file())
        raise FileNotFoundError(
            f"there is no exercise {args.exercise!r} in {str(source)!r}"
            f" (found: {', '.join(found) or 'none'}); check --exercise and --source"
        )


def _version() -> str:
    try:
        return metadata.version("course-utils")
    except metadata.PackageNotFoundError:  # run from a checkout that is not installed
        return "unknown (not installed)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="course-grade",
        description="Release, grade and export the course's exercises (see README, Grading).",
    )
    parser.add_argument("--version", action="version", version=f"course-grade {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, gradebook: bool = True, every: bool = False) -> None:
        p.add_argument(
            "--exercise",
            required=not every,
            help="the exercise's name, e.g. demo" + ("; default: every exercise" if every else ""),
        )
        p.add_argument(
            "--source",
            default="exercises",
            help="folder holding one folder per exercise (default: exercises)",
        )
        if gradebook:
            p.add_argument(
                "--gradebook",
                default="gradebook.sqlite",
                help="SQLite gradebook (default: gradebook.sqlite)",
            )

    p = sub.add_parser("release", help="write the student notebook and its public checks")
    common(p, gradebook=False, every=True)
    p.add_argument("--out", default="release", help="output folder (default: release)")
    p.add_argument(
        "--config",
        default=None,
        help="the book's _config.yml: the repository the install cell installs course_utils"
        " from, and the published book the links lead to (default: the nearest _config.yml"
        " in or above each exercise's folder)",
    )

    p = sub.add_parser("grade", help="grade SUBMISSIONS/<student>/<exercise>.ipynb")
    p.add_argument("submissions", help="folder with one folder per student")
    common(p)
    p.add_argument("--jobs", type=int, default=None, help="parallel children (default: cores)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per function call")
    p.add_argument(
        "--load-timeout", type=float, default=20.0, help="seconds to run a notebook top to bottom"
    )
    p.add_argument("--memory-mb", type=int, default=1024, help="memory per submission")
    p.add_argument(
        "--sandbox",
        choices=BUILDERS,
        default="auto",
        help="who builds the submissions' view: bubblewrap, the in-house namespaces, or none"
        " (plain limits; debugging); default: bubblewrap as root where installed, else in-house",
    )
    p.add_argument("--no-namespaces", action="store_true", help="the same as --sandbox none")

    p = sub.add_parser("export", help="LMS CSV and Gradescope results.json from the gradebook")
    common(p)
    p.add_argument("--csv", default=None, help="CSV path (default: <exercise>_grades.csv)")
    p.add_argument("--gradescope", default=None, help="also write <DIR>/<student>/results.json")

    p = sub.add_parser("feedback", help="one Markdown and HTML feedback file per student")
    common(p)
    p.add_argument("--out", default="feedback", help="output folder (default: feedback)")

    p = sub.add_parser("gradescope", help="write a Gradescope autograder zip for the exercise")
    common(p, gradebook=False)
    p.add_argument(
        "--out",
        default=None,
        help="zip path, outside any folder a submission can read"
        " (default: ~/course-grade/<exercise>_autograder.zip)",
    )

    p = sub.add_parser("gradescope-run", help="(inside Gradescope) grade /autograder/submission")
    common(p, gradebook=False)
    p.add_argument("--submission", required=True, help="folder with the student's files")
    p.add_argument("--results", required=True, help="where to write results.json")

    # --- class report (exercises branch) ---
    p = sub.add_parser("report", help="one HTML page: scores, mistakes' frequency, problems")
    common(p)
    p.add_argument("--out", default=None, help="HTML path (default: <exercise>_report.html)")
    # --- end class report ---

    args = parser.parse_args(argv)
    try:
        return _run(args)
    except (OSError, ValueError, RuntimeError) as error:
        print(f"course-grade: error: {error}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    _check_source(args)
    folder = _exercise_folder(args) if args.exercise else None
    if args.command == "release":
        source = Path(args.source)
        folders = (
            [folder]
            if args.exercise
            else sorted(d for d in source.iterdir() if (d / f"{d.name}.ipynb").is_file())
        )
        if not folders:
            raise FileNotFoundError(f"no exercise folder (NAME/NAME.ipynb) in {source}")
        config = bookconfig.read(args.config) if args.config else None
        for each in folders:
            for path in release(each, args.out, config):
                print(path)
    elif args.command == "grade":
        limits = Limits(
            call_timeout=args.timeout,
            load_timeout=args.load_timeout,
            total_timeout=max(60.0, 3 * args.load_timeout),
            memory_mb=args.memory_mb,
        )
        grade(
            args.submissions,
            folder,
            args.gradebook,
            limits,
            args.jobs,
            namespaces=not args.no_namespaces,
            builder=args.sandbox,
        )
    elif args.command == "export":
        exercise = load_exercise(folder)
        print(export.lms_csv(args.gradebook, exercise, args.csv or f"{exercise.name}_grades.csv"))
        if args.gradescope:
            written = export.gradescope_results(args.gradebook, exercise, args.gradescope)
            print(f"{len(written)} results.json files under {args.gradescope}")
    elif args.command == "gradescope":
        print(gradescope.build_zip(folder, args.out))
    elif args.command == "gradescope-run":
        print(gradescope.run_one(folder, args.submission, args.results))
    elif args.command == "report":  # class report (exercises branch)
        exercise = load_exercise(folder)
        out = args.out or f"{exercise.name}_report.html"
        data, path = report.class_report(args.gradebook, exercise, out)
        print(f"{path}: {data.graded} graded, {data.ungraded} not graded")
        for line in report.most_common_mistakes(data):
            print(f"  {line}")
    elif args.command == "feedback":
        written = export.feedback(args.gradebook, load_exercise(folder), args.out)
        print(f"{len(written) // 2} students' feedback in {args.out}/ (.md and .html)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
