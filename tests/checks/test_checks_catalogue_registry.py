"""checks.catalogue: the registry, its lesson order and its facts."""

import re
import types

import pytest

import rnncourse.checks
from rnncourse.checks import QUESTIONS, EXERCISES, LESSONS, exercises_for_lesson, points_for_lesson
from rnncourse.checks.catalogue import MODULES, build_registry

NAMED_MISTAKES = {
    "warmup_sum_of_squares": ("square_of_sum", "no_square", "abs_sum", "mean_not_sum",
                              "square_root", "one_axis_only", "dot_with_itself", "zero_d_array"),
    "affine_forward": ("forgot_bias", "W_transposed", "W_before_x", "elementwise_product",
                       "no_cache", "cache_without_b", "cache_with_out"),
    "affine_backward": ("mean_batch", "mean_batch_db", "mean_batch_dW", "dx_W_not_transposed",
                        "dW_transposed", "dW_x_not_transposed", "dx_transposed", "db_wrong_axis",
                        "db_not_summed"),
    "tanh_backward": ("tanh_applied_again", "tanh_no_square", "forgot_dout",
                      "squared_the_difference", "derivative_sign_flipped"),
    "softmax_cross_entropy": ("softmax_overflow", "loss_summed", "loss_summed_only",
                              "dscores_not_divided", "forgot_minus_one", "indexed_columns",
                              "indexed_columns_loss", "indexed_columns_grad",
                              "gradient_sign_flipped", "row_max_without_keepdims",
                              "row_sum_without_keepdims"),
    "numerical_gradient": ("f_called_with_x", "x_not_restored", "one_sided", "missing_factor_two",
                           "first_axis_only", "nudged_copy"),
    "rnn_step_forward": ("Wh_transposed", "Wx_transposed", "forgot_tanh", "forgot_bias",
                         "forgot_h_prev", "Wx_Wh_swapped", "sigmoid_not_tanh",
                         "cached_preactivation"),
    "topological_sort": ("reversed_order", "missing_target_only", "no_cycle_check",
                         "wrong_exception", "library_cycle_error", "cycle_error_not_value_error",
                         "no_cycle_attribute", "cycle_reversed", "cycle_out_of_order",
                         "leftover_nodes", "path_not_cycle", "no_message",
                         "message_without_cycle"),
    "rnn_forward": ("returned_step_cache", "h0_every_step", "stored_h_prev", "Wh_transposed",
                    "Wx_Wh_swapped", "caches_reversed", "x_batch_axis"),
    "rnn_step_backward": ("Wh_not_transposed", "Wx_not_transposed", "tanh_on_preactivation",
                          "tanh_on_preactivation_without_b", "tanh_no_square",
                          "no_tanh_derivative", "mean_batch", "dWh_uses_h_next", "tanh_at_h_prev",
                          "tanh_at_x", "tanh_applied_again", "dWh_transposed",
                          "dx_dh_prev_swapped", "dh_prev_zero", "mean_batch_db"),
    "rnn_backward": ("overwrite_shared", "future_not_added", "upstream_dropped", "forward_loop",
                     "Wh_not_transposed", "Wx_not_transposed", "tanh_on_preactivation",
                     "tanh_on_preactivation_without_b", "tanh_no_square", "mean_batch",
                     "tanh_at_h_prev", "tanh_at_x", "tanh_applied_again", "dWh_transposed",
                     "dh0_zero", "weights_divided_by_T", "step_zero_skipped",
                     "last_step_counted_twice", "cache_off_by_one"),
    "rnn_backward_truncated": ("no_cut", "cut_at_top_of_loop", "cut_off_by_one_early",
                               "cut_off_by_one_late", "cut_every_step", "cut_into_h0",
                               "chunks_from_end", "overwrite_shared", "only_last_chunk",
                               "only_last_k_steps", "upstream_zeroed_at_cut"),
    "clip_gradients": ("divided_by_zero", "returned_input_arrays", "per_tensor", "by_value",
                       "norm_after_clipping", "always_rescale", "squared_norm_compared", "no_sqrt",
                       "sum_of_norms", "spectral_norm"),
    "lstm_step_forward": ("gate_order_ifog", "gate_order_fiog", "h_without_tanh", "no_forget_gate",
                          "tanh_gates", "sigmoid_candidate", "tanh_output_gate", "no_input_gate",
                          "cache_gate_order_ifog", "cache_holds_tanh_c", "h_c_swapped"),
    "lstm_step_backward": ("sigmoid_derivative_as_tanh", "no_tanh_c_derivative",
                           "dc_next_not_added", "df_uses_c_next", "forget_on_dc_next_only",
                           "dc_prev_without_forget", "dc_prev_is_dc_next", "gate_order_ifog",
                           "sigmoid_applied_again", "no_path_through_h", "tanh_c_derivative_on_c",
                           "do_without_tanh", "candidate_tanh_again"),
    "lstm_backward": ("dc_future_not_added", "dh_future_not_added", "overwrite_shared",
                      "forward_loop", "dc_returned_as_dh0", "sigmoid_derivative_as_tanh",
                      "no_tanh_c_derivative", "df_uses_c_next", "dc_prev_without_forget",
                      "gate_order_ifog", "sigmoid_applied_again", "no_path_through_h",
                      "tanh_c_derivative_on_c", "do_without_tanh", "candidate_tanh_again"),
}
"""Every exercise, in catalogue order, with its named mistakes in the order they are tried."""


def test_registry_and_lessons():
    assert len(EXERCISES) == 16
    assert [ex.id for ex in exercises_for_lesson("04_bptt")] == ["rnn_step_backward",
                                                                 "rnn_backward"]
    assert [ex.id for ex in exercises_for_lesson("00_welcome")] == ["warmup_sum_of_squares"]
    assert {ex.lesson for ex in EXERCISES.values()} == set(LESSONS)
    assert EXERCISES["rnn_backward"].points == 3
    with pytest.raises(ValueError, match="unknown lesson '04_bptt.ipynb'; known lessons: "
                                         "00_welcome"):
        exercises_for_lesson("04_bptt.ipynb")
    mistakes = sum(len(ex.mistakes) for ex in EXERCISES.values())
    assert mistakes == 168
    assert {ex_id: tuple(m.name for m in ex.mistakes)
            for ex_id, ex in EXERCISES.items()} == NAMED_MISTAKES
    assert list(EXERCISES) == list(NAMED_MISTAKES)  # the catalogue order
    for ex in EXERCISES.values():
        names = [m.name for m in ex.mistakes]
        assert len(names) == len(set(names)), ex.id


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


def test_points_are_defined_once_and_the_docstring_table_agrees():
    rows = re.findall(r"^(\w+)\s+(\d\d_\w+)\s+(\d+)\s+\S+$", rnncourse.checks.__doc__, re.M)
    assert [(i, lesson, int(p)) for i, lesson, p in rows] == [
        (ex.id, ex.lesson, ex.points) for ex in EXERCISES.values()]
    assert points_for_lesson("04_bptt") == 7  # 5 for the exercises, 4 questions x 0.5
    assert sum(ex.points for ex in EXERCISES.values()) == 30
    assert sum(points_for_lesson(stem) for stem in LESSONS) == 30 + 0.5 * len(QUESTIONS)
