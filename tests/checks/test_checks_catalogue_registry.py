"""checks.catalogue: the registry, its lesson order and its facts."""

import importlib.util
import types
from pathlib import Path

import pytest

from rnncourse.checks import EXERCISES, LESSONS, QUESTIONS, exercises_for_lesson, points_for_lesson
from rnncourse.checks.catalogue import MODULES, build_registry

HERE = Path(__file__).resolve().parent


def wording_tables():
    """{exercise id: (test file, its mistake names)} from every topic file's WORDING table."""
    found = {}
    for path in sorted(HERE.glob("test_checks_catalogue_*.py")):
        spec = importlib.util.spec_from_file_location(f"_wording_of_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for ex_id, words in getattr(module, "WORDING", {}).items():
            assert ex_id not in found, f"{ex_id} has WORDING in {found[ex_id][0]} and {path.name}"
            found[ex_id] = (path.name, set(words))
    return found


def test_the_registry_holds_every_module_exercise_in_lesson_order():
    declared = [ex.id for module in MODULES for ex in module.EXERCISES]
    assert sorted(EXERCISES) == sorted(declared) and len(declared) == len(set(declared))
    numbers = [LESSONS.index(ex.lesson) for ex in EXERCISES.values()]
    assert numbers == sorted(numbers), "the registry is not in lesson order"
    for stem in LESSONS:  # within a lesson: the order of MODULES, then of each module's EXERCISES
        in_lesson = [ex.id for m in MODULES if m.LESSON == stem for ex in m.EXERCISES]
        assert [ex.id for ex in exercises_for_lesson(stem)] == in_lesson, stem
    assert {ex.lesson for ex in EXERCISES.values()} <= set(LESSONS)
    with pytest.raises(ValueError, match="unknown lesson '04_bptt.ipynb'; known lessons: "
                                         "00_welcome"):
        exercises_for_lesson("04_bptt.ipynb")


def test_every_exercise_has_named_mistakes_each_with_a_wording_test():
    """A new exercise needs at least one named mistake, and its topic's test file must give the
    words of each (tests/checks/test_checks_catalogue_<topic>.py, ``WORDING``)."""
    tables = wording_tables()
    for ex in EXERCISES.values():
        names = [m.name for m in ex.mistakes]
        assert names, (f"{ex.id} names no mistake; give it at least one Mistake(...) in its "
                       "catalogue module (docs/checks.md)")
        assert len(names) == len(set(names)), f"{ex.id} names a mistake twice: {names}"
        assert ex.id in tables, (f"no WORDING table in tests/checks/test_checks_catalogue_*.py "
                                 f"covers {ex.id}; add {{{ex.id!r}: {{mistake: words}}}} to its "
                                 "topic's file")
        path, tested = tables[ex.id]
        assert tested == set(names), (f"{path}'s WORDING for {ex.id} names {sorted(tested)}; "
                                      f"the catalogue's mistakes are {sorted(names)}")
    assert set(tables) <= set(EXERCISES), f"WORDING for unknown exercises {set(tables) - set(EXERCISES)}"


def _module(name, lesson, *ids):
    exercises = tuple(types.SimpleNamespace(id=i, lesson=lesson) for i in ids)
    return types.SimpleNamespace(__name__=name, LESSON=lesson, EXERCISES=exercises)


def test_the_registry_orders_itself_by_lesson_then_declaration():
    modules = [_module("late", "04_bptt", "d1", "d2"), _module("early", "01_feedforward_backprop",
                                                               "b1"),
               _module("welcome", "00_welcome", "a1"), _module("also_early",
                                                               "01_feedforward_backprop", "b2")]
    assert list(build_registry(modules)) == ["a1", "b1", "b2", "d1", "d2"]
    assert list(build_registry(list(reversed(MODULES)))) != list(EXERCISES)  # same-lesson order
    assert sorted(build_registry(list(reversed(MODULES)))) == sorted(EXERCISES)


def test_the_registry_refuses_what_it_cannot_order():
    with pytest.raises(ValueError, match=r"declares LESSON = '99_nope'; set it to one of "
                                         r"00_welcome, "):
        build_registry([_module("m", "99_nope", "x")])
    stray = _module("m", "04_bptt", "x")
    stray.EXERCISES[0].lesson = "03_unrolling"
    with pytest.raises(ValueError, match="x in m says lesson '03_unrolling' but the module "
                                         "declares '04_bptt'; move it to a module of its lesson"):
        build_registry([stray])
    with pytest.raises(ValueError, match="exercise id 'x' is used twice"):
        build_registry([_module("m", "04_bptt", "x"), _module("n", "05_training_in_practice",
                                                              "x")])


def test_every_catalogue_module_declares_the_lesson_of_its_exercises():
    for module in MODULES:
        assert module.LESSON in LESSONS, module.__name__
        assert {ex.lesson for ex in module.EXERCISES} == {module.LESSON}, module.__name__


def test_a_lessons_points_are_its_exercises_and_questions():
    for stem in LESSONS:
        exercises = [ex.points for ex in EXERCISES.values() if ex.lesson == stem]
        questions = [q.points for q in QUESTIONS.values() if q.lesson == stem]
        assert points_for_lesson(stem) == sum(exercises) + sum(questions), stem
        assert isinstance(points_for_lesson(stem), int) == float(sum(exercises + questions)).is_integer()
    for ex in [*EXERCISES.values(), *QUESTIONS.values()]:
        assert ex.points > 0, f"{ex.id} is worth {ex.points} points; give it a positive number"
