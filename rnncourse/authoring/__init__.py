"""One source for each notebook: solutions/ (with answers and outputs) -> lessons/ (for learners).

Submodules, one concept each:

``markup``    the nbgrader-style markup of solution notebooks and :func:`validate_markup`
``pipeline``  the ordered release steps that turn one solution into its lesson
``lessons``   regenerating lessons/ (:func:`release`) and the staleness check (:func:`check_lessons`)
``execute``   running a solution notebook and saving its outputs (:func:`execute_notebook`)
``layout``    finding the course's lessons/ and solutions/ folders
``nbgrader_source``  solutions/ -> an nbgrader source folder whose graded cells run hidden tests
``question_blanks``  the release step that blanks a self-check question's answer in the lesson

Example (what ``rnncourse release`` and ``rnncourse release --check`` do)::

    from rnncourse.authoring import release, check_lessons
    report = release("solutions", "lessons")       # .written, .unchanged, .extra
    status = check_lessons("solutions", "lessons")  # .ok, .stale, .missing, .extra
"""

# Public names and the submodule that defines each. They are imported on first use (PEP 562), so
# that e.g. `rnncourse lab` does not pay for importing nbformat and the kernel machinery.
_WHERE = {
    "CourseFolderNotFound": "layout",
    "course_root": "layout",
    "find_lessons_dir": "layout",
    "find_solutions_dir": "layout",
    "BEGIN_MARKER": "markup",
    "END_MARKER": "markup",
    "MarkupError": "markup",
    "MarkupProblem": "markup",
    "validate_markup": "markup",
    "PLACEHOLDER": "pipeline",
    "RELEASE_STEPS": "pipeline",
    "generate_lesson": "pipeline",
    "read_notebook": "pipeline",
    "render_lesson": "pipeline",
    "serialize_notebook": "pipeline",
    "LessonsStatus": "lessons",
    "ReleaseReport": "lessons",
    "check_lessons": "lessons",
    "release": "lessons",
    "solution_notebooks": "lessons",
    "write_nbgrader_source": "nbgrader_source",
    "generate_nbgrader_source": "nbgrader_source",
    "execute_notebook": "execute",
    "NotebookExecutionError": "execute",
}


def __getattr__(name):
    if name not in _WHERE:
        raise AttributeError(f"module 'rnncourse.authoring' has no attribute {name!r}")
    import importlib

    module = importlib.import_module(f"rnncourse.authoring.{_WHERE[name]}")
    return getattr(module, name)


def __dir__():
    return sorted(list(globals()) + list(_WHERE))


__all__ = [
    "BEGIN_MARKER",
    "END_MARKER",
    "PLACEHOLDER",
    "RELEASE_STEPS",
    "CourseFolderNotFound",
    "LessonsStatus",
    "MarkupError",
    "MarkupProblem",
    "NotebookExecutionError",
    "ReleaseReport",
    "check_lessons",
    "course_root",
    "execute_notebook",
    "find_lessons_dir",
    "find_solutions_dir",
    "generate_lesson",
    "generate_nbgrader_source",
    "read_notebook",
    "release",
    "render_lesson",
    "serialize_notebook",
    "solution_notebooks",
    "validate_markup",
    "write_nbgrader_source",
]
