"""Whether a learner's answer calls the course's reference, found and said as the grader does.

The grader flags an exercise whose function calls the library's own implementation of it
(:func:`rnncourse.checks.references.static_flags`, run on the submitted notebook's code) and
gives it 0 points. :func:`reference_flag` runs that same detection on the notebook's code as
the kernel ran it: the kernel's input history, every cell run in order, so the last definition
of a name wins as it does in the kernel. :func:`flag_message` is the one wording of a flag, used
by ``check`` and by the grader's feedback alike.

Outside a Jupyter kernel there is no notebook to read and nothing is flagged: a script or a test
may call ``check("affine_forward", rnncourse.nn.affine_forward)`` to check the reference itself.
In a kernel, the answer is named as the notebook binds it (the exercise's own name when it is
bound to the answer), so ``affine_forward = rnncourse.nn.affine_forward`` is flagged as the
grader flags it.
"""

from __future__ import annotations

FLAG_ADVICE = ("Write the computation yourself; the library's version is there to check against, "
               "not to call.")


def flag_message(reason):
    """The message of a flagged answer: ``"Flagged, 0 points: <reason>. Write ..."``."""
    return f"Flagged, 0 points: {reason}. {FLAG_ADVICE}"


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - ipykernel (a dependency) brings IPython
        return None
    return get_ipython()


def _kernel_sources(shell, fn):
    """The cells this kernel ran, oldest first, when ``fn`` lives in the kernel's namespace."""
    namespace = getattr(shell, "user_ns", None)
    if not isinstance(namespace, dict) or getattr(fn, "__globals__", None) is not namespace \
            and not any(value is fn for value in namespace.values()):
        return None
    history = getattr(getattr(shell, "history_manager", None), "input_hist_raw", None)
    return [str(s) for s in history] if history else None


def _bound_name(namespace, exercise_id, fn):
    """The name ``fn`` is bound to in ``namespace``: the exercise's own name if it is, else
    another one (the first), else the function's ``__name__``."""
    if namespace.get(exercise_id) is fn:
        return exercise_id
    names = [n for n, value in namespace.items() if value is fn and not n.startswith("_")]
    return names[0] if names else getattr(fn, "__name__", exercise_id)


def reference_flag(exercise, fn):
    """Why ``fn``, an answer to ``exercise``, would be flagged for calling the course's
    reference (the grader's reason, word for word), or None."""
    if getattr(exercise, "answer_kind", None) != "function" or not callable(fn):
        return None
    from rnncourse.checks.references import static_flags

    shell = _shell()
    sources = _kernel_sources(shell, fn) if shell is not None else None
    if sources is None:
        return None
    name = _bound_name(shell.user_ns, exercise.id, fn)
    notebook = {"cells": [{"cell_type": "code", "source": s} for s in sources]}
    return static_flags(notebook, {exercise.id: name}).get(exercise.id)


__all__ = ["reference_flag", "flag_message", "FLAG_ADVICE"]
