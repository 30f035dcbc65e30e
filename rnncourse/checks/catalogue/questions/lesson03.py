"""Lesson 3 (unrolling): self-check questions (rendered, do not edit by hand).

Rendered by tests/checks/render_questions.py from the plain key outside the package; the
answers are salted digests and the texts that would give them away are sealed
(docs/checks.md, "Adding a question").
"""

from rnncourse.checks.engine.question import Misconception, QuestionExercise

LESSON = "03_unrolling"

Q03_WHY_A_DAG = QuestionExercise(
    id="q03_why_a_dag", lesson=LESSON, kind="choice", salt="2c5d78",
    prompt=('Why does the unrolled graph have a topological order when the recurrent graph has '
            'none?'),
    options={
        "a": 'unrolling copies W_x, W_h and b into every step, so no parameter is shared',
        "b": ('no edge goes from a later step back to an earlier one: the recurrent edge now '
              'runs from h[t-1] to hWh[t]'),
        "c": 'unrolling removes the recurrent weight W_h',
        "d": 'the loss is moved to the last step only',
    },
    accepted={
        "e88c5820d08bb74b0c5775b0":
            "heD+hIy2Hay7YZ60eA8yXTtvmd/5FxF5gy2zVfT24Ydz0C646Vf3asdPxo5y09Kza5MAFupEfeVJhorjc74cdrYxNph6xUzuHXKzfHHHqqza9IT4zyn6xTZFhnQnifEE4GPY4D5at6qm3HJvvTehwXVlvIK0b6AopM8krV+N+D0whkQaPPEVRqymhg6mA9DwY0KPydekpWoUaHvWqS9OgI5+2PM64eCTQIoU/qmn7Sdo3FNpTTZwWEF+VcwnI3G2/G1XEHJ6VGwh0yu2Jkfn1Hw8sGKkMEvPVVHjuEJj1oYwz/QU7qAElUESCBCehr0HqBinq2LDV+TX4C2cGzznbVUD/ClEiJnzklA=",
    },
    wrong={
        "0f4f92109e05817039918322": Misconception(
            "parameters_copied",
            "UKn2Au+7pEx0O8BFCti6k2l1aisWsizTcdFmrwIzU8Hr/fCRy6sPpKI9Vrv5ry69agSSxeik41gF5dXmi4k3IRkMVbkuHl867V39ecKnKudODFpSmMPEboulGUe22ZSuIbTajJ3GrKiuJl7AX39z5ICqrm7YObt23w==",
            'section 3 (a DAG with shared weights)'),
        "765e563087323789054ff811": Misconception(
            "weight_removed",
            "Na8O6DySDTTD8bsh4547W68nyE13wTyvVrJ/EFipB6nflcurbzFyd+9bcto5WAQKPc0eCKgwDFFZWrn4nlhs73si9XaN9fKH6sELTzX2Owszymd7n55Pw6rvWXlxFw==",
            'section 2 (a time index turns the cycle into a chain)'),
        "5a80d9be263bc41e71cb61e2": Misconception(
            "loss_moved",
            "B2zSrKu5XACGm3q+v6Lrd9Ko8voG8DpcCmNkE542YGFmADynN/z2A3whLqEIDUZ8RPsLQXxeD9Po9g==",
            'section 2 (a time index turns the cycle into a chain)'),
    },
    section='section 2 (a time index turns the cycle into a chain)',
)

Q03_USES_OF_WH = QuestionExercise(
    id="q03_uses_of_wh", lesson=LESSON, kind="number", salt="b4e0f2", digits=6,
    prompt=('In the graph unrolled for T = 5 steps (h_0 given), how many operations use the '
            'parameter W_h?'),
    accepted={
        "d2ee594f905d6e4158ca92b1":
            "Vjud9Jhg2Q8E+/qi40db+ejs+R6Y7YwRZ7rYncjt5QpIOXKWlW4Ihx63p0Yg0huFAr68S/d+1+fouc546GPT3GHFVqRIHXnwrIjHtqyPgA==",
    },
    wrong={
        "4d298c9553c8dbf26300a1f2": Misconception(
            "off_by_one_h0",
            "s7lMH/LlEa0eVEAAacSxIZpR65+3GkJ5PZCipwPP7ntICRPNSYvcbNMT7w41dVUvJETsZcWRU+PvVysYLkczhGFQ87sJaj6p6IpV2YWZMjMt",
            'section 3 (a DAG with shared weights)'),
        "d79a3b5dfbcca6a605ddbcf1": Misconception(
            "one_node_one_use",
            "HzYz29U23g8z/Odo+CADQbAZZEP7vssVZkApEqZVcF+A5yG4r2m2Qkv9wBPDlMbOmyQ5dGDpda98Hm2k7Wk6TVMYLoK+Muwdd3ga",
            'section 3 (a DAG with shared weights)'),
        "1110312a5b987372e55e00a9": Misconception(
            "off_by_one_extra",
            "PUrmBjczXYwkFOe8/4nIdKndFixH9my6zg76O1rDGksdKXHHWWtUjvtK2ev/IM57rd8W+4sakuDEmc6qYVUn1xtuKojTecLvZv0vlYDHsofgS1Rknw==",
            'section 3 (a DAG with shared weights)'),
    },
    section='section 3 (a DAG with shared weights)',
)

Q03_NODES_T5 = QuestionExercise(
    id="q03_nodes_t5", lesson=LESSON, kind="number", salt="61f3aa", digits=6,
    prompt=('Predict: the cell graph has 10 nodes (x, Wx, Wh, b, xWx, hWh, a, h, g, L). How many '
            'nodes has its unrolling for T = 5? (The explorer and the cell after it count them.)'),
    accepted={
        "2e637f4bf31b853869633eb8":
            "3W5HOIHMOvc23n/vzSiXQs1D/NuQFXK0m+BKACPcymiPVjqqBdPevIksdPBxFaFPfUc7IQDy50+Xj/b1b9ZxPM1L+G4nq7huFjbk5FYCALxWeLWMJFe8nNGR/h/YRJQ450afYIvKUZD5kuLcm5nG5pWW9t/C",
    },
    wrong={
        "45698c8cc34813c1e210bd99": Misconception(
            "parameters_copied_per_step",
            "1P75993s/PfqyE6gz9X6GgBpvR3tD3bN29mWnOJtqPzxXJ2xJC4/FY14NGZq06EVuPsH7QQnO9fiTtbmXugrqgHr3pf7WHzU0mT3cXCTtKzaasCxacz1Qxs=",
            'section 3 (a DAG with shared weights)'),
        "5bffa5e9dcfabbd8f9b33dd1": Misconception(
            "forgot_shared_nodes",
            "HimFOM6SQfdCcozLl4Y8AP3TKiaTi67Av/G8aGdtgdD9V1A0UrfyXHHTc7sq/sEwuiGTgOyUyE+6vB2mcjJ6wS5ev4EGHXRzXlkvqYfnZtBJ+laVZRshVZDvSveza9xVfs5kXbo1Z94/QToPkQ9Dlh5q71A5",
            'section 3 (a DAG with shared weights)'),
        "c1974c82e6bd04517e9886fa": Misconception(
            "off_by_one_in_time",
            "3oES9Jn5tAbWdfPl/gk1x/+EDrgMI/Qx+w20EHwG19UCHsC2cB10yh+HeDbgmg4OpH6x/bOOeA==",
            'section 5 (watch the graph unroll)'),
        "fcaff35b3a21d9063a760554": Misconception(
            "off_by_one_short",
            "LjqmOK+Fv2fGzGyu/GeqI0IenF5+S7k08MGutSAATDau+x+yARh9Tg==",
            'section 5 (watch the graph unroll)'),
    },
    section='section 5 (watch the graph unroll)',
)

Q03_SHARED_GRADIENT = QuestionExercise(
    id="q03_shared_gradient", lesson=LESSON, kind="choice", salt="d80e46",
    prompt=('In the unrolled graph, how is the total dL/dW_h obtained from the per-use partial '
            "derivatives ∂L/∂W_h^(t) (one per step's hWh[t])?"),
    options={
        "a": "it is the last step's term, ∂L/∂W_h^(T)",
        "b": "it is the first step's term, which carries all the later ones",
        "c": 'it is their average',
        "d": 'it is the sum of the T terms',
    },
    accepted={
        "c3c74014f2226a08b1bb9ba3":
            "fYju32p/ANP+2XE91sxqMdm8soQoUJXKsm3Fit3qgl1p16IKZneZjlbB+87t/MCuWIQhG8DxHKF+44pCf7jOtH7cmziqBo7vzVmK8jIaCLQAT5G6UCAoRC+UWGB01fOyujSjtfB6sLIHoa8UPl2TRlXsaL4RFWyDeze+sStHTq3TEaJoKhIxMZmCUBoPjwqv8TXt",
    },
    wrong={
        "ca79defcd120a75543b050d1": Misconception(
            "last_use_only",
            "uT7XKlDm9jJNEbTrS9e9EAwPAmn536LIoAKvplAmTr34RtUMpXPeCwh8X3NBB2HDVVVrkVXUdMxZTt+H8fxW/uIrkfMJaAAqmwBiV1/i6ZJDzFnbY0jUUZNlV51/mQ84/OtDtA==",
            'section 6 (shared weights: the gradient is the sum over the uses)'),
        "620689eea8204139716b419e": Misconception(
            "average_of_uses",
            "gM0K1fhFnlaq0z6ztWhq8uv73vKzweoliYZuifKm6jLhxmA5f4hDPZIy/ayAtf4ZKkF78E+TbEndSonxpwz0OvhXjlSFzPaIuj6Kk7ZEBwQJjY0cYkghJAXXG9PtS7Z4tkPPX/mbyyI5wXWq+xU=",
            'section 6 (shared weights: the gradient is the sum over the uses)'),
        "220f04287a54be96479654f6": Misconception(
            "first_use_only",
            "bbWmYRRPjMm7qg3KJY0hBm5qTthtyXXXHLiJykj7WKi58Z156o2qkywwJrcakgS6ZjcwEcmqdo3dFt4Q0Yztl5vF8kNqhKqz57wc3g==",
            'section 6 (shared weights: the gradient is the sum over the uses)'),
    },
    section='section 6 (shared weights: the gradient is the sum over the uses)',
)

EXERCISES = (Q03_WHY_A_DAG, Q03_USES_OF_WH, Q03_NODES_T5, Q03_SHARED_GRADIENT,)
