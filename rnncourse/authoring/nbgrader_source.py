"""An nbgrader source folder made from ``solutions/``: graded cells that grade the nbgrader way.

A solution notebook already uses nbgrader's markup (:mod:`rnncourse.authoring.markup`), but its
graded cells call ``check``, which never raises, and nbgrader gives full credit to a graded cell
that does not raise. :func:`generate_nbgrader_source` therefore rewrites each graded cell as two:

1. the learner's cell: the exercise's ``check("rnn_backward", rnn_backward)`` as in the lesson
   (its panel, never an exception) as a read-only nbgrader cell (``grade_id`` ``<id>-check``);
   for a question, an nbgrader solution cell (``grade_id`` ``<id>-answer``) in which a function
   named after the question returns the answer from a solution region, and ``check`` is called
   with that function (:func:`question_answer_source`)::

       def q04_total_vs_partial():
           '''Your answer to self-check q04_total_vs_partial: return the letter of ...'''
           ### BEGIN SOLUTION
           return "d"
           ### END SOLUTION


       check("q04_total_vs_partial", q04_total_vs_partial)

   The source so holds the answers (``nbgrader validate`` passes on it), and
   ``generate_assignment`` replaces the region with its stub, ``raise NotImplementedError()``,
   inside the function: Run All on the released copy still reaches the end (``check`` says "not
   answered yet"), and the released copy scores 0 until the student writes the ``return``;
2. a graded cell (``grade: true``, ``locked: true``, ``grade_id`` the exercise id, ``points`` the
   catalogue's) whose code is an nbgrader hidden test calling
   :func:`rnncourse.checks.autograder.autograde` (or ``autograde_question``). nbgrader removes
   hidden tests from the students' copy and restores them when it autogrades, so a wrong answer
   raises there and a right one does not (nbgrader then gives the cell its points).

The solution cells keep their ``### BEGIN SOLUTION`` blocks (nbgrader's ``generate_assignment``
replaces them), outputs and run-time metadata are removed, and ``metadata.rnncourse`` names the
lesson as in the lessons. Steps, in order (see :data:`NBGRADER_SOURCE_STEPS`): the lesson
pipeline's markup check, output clearing, metadata stripping, kernelspec and lesson metadata,
then :func:`split_graded_cells`.

With a course file (``release --nbgrader-source DIR --course grading.toml``;
:mod:`rnncourse.grading.load.course_file`) the graded cells carry its points and the hidden tests its
``knock_on`` policy, so nbgrader and ``rnncourse grade`` agree; its ``partial_credit =
"fraction"`` is refused for nbgrader, whose graded cells here score all or nothing.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from rnncourse._files import UMASK, write_atomic
from rnncourse.authoring.markup import MarkupError, MarkupProblem, cell_source, exercise_id, is_check_cell
from rnncourse.authoring.pipeline import (
    check_markup,
    clear_outputs,
    default_kernelspec,
    read_notebook,
    serialize_notebook,
    strip_solution_metadata,
    write_lesson_metadata,
)
from rnncourse.authoring.question_blanks import HINTS

HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"
TEST_CELL_SUFFIX = "-autograde"
CHECK_CELL_SUFFIX = "-check"
ANSWER_CELL_SUFFIX = "-answer"


class UnsupportedPolicy(ValueError):
    """A course-file setting nbgrader's graded cells cannot carry (a usage error: exit code 2)."""


def test_cell_source(item_id, points, function_name=None, knock_on="full"):
    """The source of the graded cell of exercise or question ``item_id``.

    ``function_name`` is the learner's function the exercise's check cell names; None for a
    question. ``knock_on`` is passed to the exercise's autograde call when it is not the
    default ``"full"``. The visible comment is what students see; the hidden test is what
    nbgrader runs.
    """
    shown = f"{points:g} point{'s' if points != 1 else ''}"
    if function_name is None:
        call = ("from rnncourse.checks.autograder import autograde_question as _rnncourse_autograde\n"
                f'_rnncourse_autograde("{item_id}")')
        what = "your answer above"
    else:
        policy = "" if knock_on == "full" else f', knock_on="{knock_on}"'
        call = ("from rnncourse.checks.autograder import autograde as _rnncourse_autograde\n"
                f'_rnncourse_autograde("{item_id}", {function_name}{policy})')
        what = f"{function_name}"
    return (f"# Graded cell for {item_id} ({shown}): nbgrader tests {what} here when it "
            "autogrades.\n"
            f"{HIDDEN_BEGIN}\n{call}\n{HIDDEN_END}\n")


def question_answer_source(question_id, kind, answer_source):
    """The learner's cell of a question in the nbgrader source: a function named after the
    question returning ``answer_source`` (the solution's answer, as written) from a solution
    region, then ``check`` called with it."""
    return (f"def {question_id}():\n"
            f'    """Your answer to self-check {question_id}: return {HINTS[kind]}."""\n'
            f"    ### BEGIN SOLUTION\n"
            f"    return {answer_source}\n"
            f"    ### END SOLUTION\n\n\n"
            f'check("{question_id}", {question_id})\n')


def _answer_source(cell, item_id):
    """The source text of the answer in a question's ``check(item_id, <answer>)``, or None."""
    source = cell_source(cell)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "check" and len(node.args) == 2
                and isinstance(node.args[0], ast.Constant) and node.args[0].value == item_id):
            text = ast.get_source_segment(source, node.args[1])
            try:
                ast.literal_eval(node.args[1])
            except ValueError:
                return None
            return text
    return None


def _function_name(cell, item_id):
    """The name passed as ``check(item_id, NAME)``'s second argument, or None."""
    try:
        tree = ast.parse(cell_source(cell))
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "check" and len(node.args) >= 2
                and isinstance(node.args[0], ast.Constant) and node.args[0].value == item_id
                and isinstance(node.args[1], ast.Name)):
            return node.args[1].id
    return None


def split_graded_cells(nb, lesson_name, course=None):
    """Turn every graded check cell into the learner's cell plus an nbgrader graded test cell.

    Points come from the catalogue (:data:`rnncourse.checks.EXERCISES` and ``QUESTIONS``), or
    from ``course`` (a :class:`~rnncourse.grading.load.course_file.Course`) when given, whose lesson
    ``knock_on`` policy the hidden tests then follow.

    Raises
    ------
    MarkupError
        For a graded cell whose id is not in the catalogue, or an exercise's check cell that
        does not call ``check("<id>", <function name>)``.
    """
    from rnncourse.checks import EXERCISES, QUESTIONS

    nb = copy.deepcopy(nb)
    cells = []
    problems = []
    knock_on = course.policy(lesson_name).knock_on if course is not None else "full"
    for index, cell in enumerate(nb.cells):
        if not is_check_cell(cell):
            cells.append(cell)
            continue
        item_id = exercise_id(cell)
        item = EXERCISES.get(item_id) or QUESTIONS.get(item_id)
        summary = f'code cell graded as "{item_id}"'
        if item is None:
            problems.append(MarkupProblem(f"{lesson_name}.ipynb", index, summary,
                                          f"{item_id!r} is not an exercise or question of the "
                                          "catalogue", "fix the cell's grade_id, or add the "
                                          "exercise to rnncourse/checks/catalogue/"))
            continue
        function_name = None
        if item_id in EXERCISES:
            function_name = _function_name(cell, item_id)
            if function_name is None:
                problems.append(MarkupProblem(f"{lesson_name}.ipynb", index, summary,
                                              "the check cell does not call "
                                              f'check("{item_id}", <function name>)',
                                              f'write it as check("{item_id}", {item_id})'))
                continue
        learner = copy.deepcopy(cell)
        learner.metadata.pop("nbgrader", None)
        if item_id in QUESTIONS:  # the answer in a solution region of a function
            answer = _answer_source(cell, item_id)
            if answer is None or answer.strip() in ("...", "None"):
                problems.append(MarkupProblem(f"{lesson_name}.ipynb", index, summary,
                                              "the question's check cell does not hold its "
                                              f'answer as check("{item_id}", <literal>)',
                                              f'write it as check("{item_id}", "b") with the '
                                              "answer"))
                continue
            learner.source = question_answer_source(item_id, item.kind, answer)
            learner.metadata["nbgrader"] = {"grade": False, "solution": True, "locked": False,
                                            "grade_id": f"{item_id}{ANSWER_CELL_SUFFIX}",
                                            "schema_version": 3}
        if function_name is not None:  # read-only, as the lesson's check cell is locked
            learner.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True,
                                            "grade_id": f"{item_id}{CHECK_CELL_SUFFIX}",
                                            "schema_version": 3}
        cells.append(learner)
        points = course.worth(lesson_name, item) if course is not None else item.points
        test = nbformat.v4.new_code_cell(test_cell_source(item_id, points, function_name,
                                                          knock_on))
        test.id = f"{item_id}{TEST_CELL_SUFFIX}"[:64]
        test.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                     "grade_id": item_id, "points": points,
                                     "schema_version": 3}
        cells.append(test)
    if problems:
        raise MarkupError(problems)
    nb.cells = cells
    return nb


# The nbgrader source pipeline, in order. Each step: (nb, lesson_name) -> new nb.
NBGRADER_SOURCE_STEPS = (
    check_markup,
    clear_outputs,
    strip_solution_metadata,
    default_kernelspec,
    write_lesson_metadata,
    split_graded_cells,
)


def generate_nbgrader_source(solution_nb, lesson_name, course=None):
    """Run a solution notebook through :data:`NBGRADER_SOURCE_STEPS`; the original is not changed.

    Parameters
    ----------
    solution_nb : nbformat.NotebookNode
    lesson_name : str, the notebook's stem, e.g. ``"04_bptt"``
    course : :class:`~rnncourse.grading.load.course_file.Course` or None, the course file's points and
        knock-on policy (:func:`split_graded_cells`); None: the catalogue's

    Raises
    ------
    MarkupError
        When the solution's markup is wrong, or a graded cell is not in the catalogue.
    UnsupportedPolicy
        When ``course`` asks for ``partial_credit = "fraction"`` for this lesson.
    """
    if course is not None and course.policy(lesson_name).partial_credit != "all-or-nothing":
        raise UnsupportedPolicy(
            f"course file {course.path}: lessons.{lesson_name}.partial_credit = "
            f"{course.policy(lesson_name).partial_credit!r} cannot be given under nbgrader, whose "
            "graded cells here score all or nothing; remove it for the nbgrader source (or grade "
            "this lesson with rnncourse grade or on Gradescope, which support it)")
    nb = solution_nb
    for step in NBGRADER_SOURCE_STEPS:
        nb = (step(nb, lesson_name, course) if step is split_graded_cells
              else step(nb, lesson_name))
    return nb


def render_nbgrader_source(solution_path, course=None):
    """The exact text written for the nbgrader source notebook of ``solution_path``."""
    solution_path = Path(solution_path)
    return serialize_notebook(generate_nbgrader_source(read_notebook(solution_path),
                                                       solution_path.stem, course))


@dataclass
class SourceReport:
    """What :func:`write_nbgrader_source` did; every list holds paths relative to the folder."""

    written: list = field(default_factory=list)  # created or changed
    unchanged: list = field(default_factory=list)  # already identical
    kept: list = field(default_factory=list)  # existing and different: left alone (no overwrite)


def write_nbgrader_source(solutions_dir, source_dir, lessons=None, overwrite=False, course=None):
    """Write ``source_dir/<lesson>/<lesson>.ipynb`` (one nbgrader assignment per lesson).

    Parameters
    ----------
    solutions_dir : path of the course's solutions/ folder
    source_dir : path of the nbgrader course's ``source/`` folder (made if missing)
    lessons : list of str or None, lessons to write, by stem (``"04_bptt"``) or number (``"04"``);
        None means every solution notebook
    overwrite : bool, replace a notebook that exists and differs (an edited copy); by default it
        is kept and reported in ``.kept``
    course : :class:`~rnncourse.grading.load.course_file.Course` or None, a course file's points and
        knock-on policy for the graded cells (None: the catalogue's)

    Every notebook is rendered (and validated) before anything is written; each file is written
    to a temporary file beside it and renamed into place. Other files in ``source_dir`` are
    never touched.

    Raises
    ------
    MarkupError
        For markup problems in any of the notebooks (nothing is written).
    ValueError
        For a lesson in ``lessons`` that has no solution notebook, or a course file asking for
        partial credit (nothing is written).
    """
    from rnncourse.authoring.lessons import solution_notebooks

    paths = {p.stem: p for p in solution_notebooks(solutions_dir)}
    wanted = sorted(paths) if lessons is None else [_resolve(name, paths, solutions_dir)
                                                    for name in lessons]
    rendered, problems = {}, []
    for name in wanted:
        try:
            rendered[name] = render_nbgrader_source(paths[name], course).encode("utf-8")
        except MarkupError as exc:
            problems.extend(exc.problems)
    if problems:
        raise MarkupError(problems)
    report = SourceReport()
    source_dir = Path(source_dir)
    for name, data in rendered.items():
        relative = f"{name}/{name}.ipynb"
        target = source_dir / name / f"{name}.ipynb"
        existing = target.read_bytes() if target.is_file() else None
        if existing == data:
            report.unchanged.append(relative)
        elif existing is not None and not overwrite:
            report.kept.append(relative)
        else:
            write_atomic(target, data, mode=UMASK)  # as an ordinary new file
            report.written.append(relative)
    return report


def _resolve(name, paths, solutions_dir):
    """The lesson stem ``name`` names: itself, or the one stem it is the number of (``04``)."""
    if name in paths:
        return name
    matches = [stem for stem in paths if stem.split("_")[0] == name]
    if len(matches) == 1:
        return matches[0]
    raise ValueError(f"no solution notebook for lesson {name!r} in {solutions_dir}; use one of: "
                     f"{', '.join(sorted(paths))}")


__all__ = ["UnsupportedPolicy", "generate_nbgrader_source", "render_nbgrader_source",
           "write_nbgrader_source", "split_graded_cells", "test_cell_source",
           "question_answer_source", "SourceReport", "NBGRADER_SOURCE_STEPS",
           "HIDDEN_BEGIN", "HIDDEN_END"]
