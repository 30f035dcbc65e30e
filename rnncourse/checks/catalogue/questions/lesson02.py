"""Lesson 2 (recurrence and the cyclic dependency): self-check questions (rendered, do not edit by hand).

Rendered by tests/checks/render_questions.py from the plain key outside the package; the
answers are salted digests and the texts that would give them away are sealed
(docs/checks.md, "Adding a question").
"""

from rnncourse.checks.engine.question import Misconception, QuestionExercise

LESSON = "02_recurrence_and_cycles"

Q02_CURRENT_INPUT_ONLY = QuestionExercise(
    id="q02_current_input_only", lesson=LESSON, kind="number", salt="4f8a21", digits=2,
    prompt=('Delayed echo with DELAY = 2, its three real symbols drawn independently and '
            'uniformly at random: on an echoed step, what is the probability that the best '
            'possible function of the current input x_t alone gives the right target? (a '
            'fraction, 2 significant digits; the cell above measured it on one test sample)'),
    accepted={
        "e57439ec7fab0e34ef99cd32":
            "FTspoeaSGiVo0ds028iuhzMeMICd+qCsu2erL+ivD41vHfdNN510WCybrrqIouPV313B4hUSN9+7wj8NVlUelyDbqdDjG9NxuO02VPrS90PhLue7J8iwgvcDIEbpn+vusYyCqGwzDoYAM2NGW2ls48A0m8+AF4K5Nv1zAOiqaNOpkCr4vGqUo6kt78awALaEEYGTHrl5fezlKTNdQHiWPw5aXQGiFdsSWsSEiU9Ldq/DrgPPwUO7dI9H67YJ8tEtcYeT",
    },
    wrong={
        "814cf116d01fd5b0afb5f8b8": Misconception(
            "sample_value",
            "LIFBPTQV0IkRTb3+VkbSofU21yN6AU95FKP1c9jp9WeR/XN1NugXTR2aL3Rb8OY6d4mZiCz3UGV23pPJKtUC1pK6LwEjciBTVvrO0mH6JYrZ/mRYVOjxT7LY5v0OUT5OqdLRRFBH9//4avdIAca91JYMT2YGrKweFZB8/I6U8q7vHZzApzDYBvokBCFlus6TTFxR8bukrqal6oTSWuRnJPRPg108Pk0O6a69N2DFU4WakVLYmCJ7GH8pTC6DZks7oLY=",
            'section 1 (why sequences need memory)'),
        "166b137ea69a2505c8c19f90": Misconception(
            "percentage",
            "X9hBxHIqj3cm22fQdbiDY9S5Lqt+j+um8rOJQdv9dsF9nxOMnY8ZeopuptEoCrQMxFZ9/KDwNkEt67Bwvqiksu5GTpa8THA=",
            'section 1 (why sequences need memory)'),
        "0dec7f99c02c4f04f6ac0029": Misconception(
            "counted_the_blank",
            "lP+deNGeTOOSFBxjJhJ5RZOvZUD2L/qdW+clr/CQt1fuU6uNXvtbqRbGGXi1TfXAjTy0Kvj8WZ08focsHhhssQmhgX9s5vLGE0ew9rNhyouOSxsjSOHfzCUaS7w/YOTBAv+sUkE+",
            'section 1 (why sequences need memory)'),
        "b92939923ffd83724592f76d": Misconception(
            "input_is_enough",
            "iR2lFYEfr2K0KELjFpEO7uqBgcFV4NjmDjCnzdy14QVWZtSkLVipfdRZ9BY3b9jYZru2C+EpTAteabT9ncQpJypHPdyRR9hjMvMfkJafqzZ5Lnp6nl6K9qK98st8KZOckP7MtQ==",
            'section 1 (why sequences need memory)'),
        "a53d1f2e54b7b3c41da305fc": Misconception(
            "two_way_guess",
            "giFlnyRiL5TAi0sO/VnV/c46erhxy/BnlNOPf6sYSr9T4qIgvEYS4U1yDS7pEac4F/z8qmU28wR61Hbxg2y7VQ==",
            'section 1 (why sequences need memory)'),
    },
    section='section 1 (why sequences need memory)',
)

Q02_CYCLE = QuestionExercise(
    id="q02_cycle", lesson=LESSON, kind="choice", salt="0d6e55",
    prompt="Why can backprop not start on the RNN cell's graph with the self-loop h -> hWh?",
    options={
        "a": "tanh's derivative is not defined on a loop",
        "b": ("each node on the loop h -> hWh -> a -> h needs another loop node's gradient "
              'first, so none can be finished first'),
        "c": 'Wh is used more than once, and a gradient cannot be shared',
        "d": 'the loss L is computed before h',
    },
    accepted={
        "cfd290a40d830c8e37d6865b":
            "EXhYDBo1DPJEO/3211rTYOeMug2rutlKg2ibnS+24uXCkLffDNByaHgcUtDuifQPHAcihiJX8AcSPAiaUt8nLcU7ZuYxSUkSOKT3C2l+4Y1ix9IvNsPse5q6tIwVzqdJFnZjvZdYzxpz7M+NEeJObFlK5lZT3kmstdP9+oejTTaWYcwbLUaj5HUcdkyBlx1AOcURlv4hSzfPruGemUjUDIWUMCuqA3K8x5RuYx/BLTalUkv1hRiIEovTfg==",
    },
    wrong={
        "cd3561541cdba4825f9aa952": Misconception(
            "blame_the_nonlinearity",
            "9IvtGmB9NDLqYIOEqodNaHjUU4z/q9sjJ2dknYMYMUxKOyLmqlQHTotbHKx7FaXbFNrQVg7tEZ8PUtNs02ZqJo0ALFAQf9FI6WMNI1aPxa6pMNTH5HeUoVmH+mOY2jy+cGsD/6X7Mb9Nf0ud1BCGqiYaCnnCl5p2",
            'section 6 (why there is no starting point)'),
        "99514e381087c721248f3981": Misconception(
            "shared_use_is_the_problem",
            "2nvSwtaX+HdJYcGvL4WSgfPdjQ0s3hjGcU3c+l6NrqERbnRUKI6ANaN23dbFwbmRJHdQk48xolR2zN2C9ndlZ7PIwxJNvmEKkCT1Iou+BxGJBHODYs4bPgdSmZl+SN+WpBAgMV48fUkBqT8+gLa8AsuylPBk/TMuwt1+lmvN9utlIjNHuFE7Oi08l3g=",
            'section 4 (what backprop needs: an order)'),
        "4f9dbc3d6df13e58c11b093f": Misconception(
            "loss_position",
            "BNes1lV3PNXsLYPE3Qltjmys5EyAawV7KwkKEnl7GSK2fo/6ZPINJTuQ0cv+BF8wT2UtztZEYceLRdARdEoulb4NtUSb9Zu4titjK0gxcl1iY1v+rUsI3V0GM1Nooq1wRkd2XKp5y9z7bdUQfw==",
            'section 6 (why there is no starting point)'),
    },
    section='section 6 (why there is no starting point)',
)

Q02_CONSUMERS_OF_H_T = QuestionExercise(
    id="q02_consumers_of_h_t", lesson=LESSON, kind="choices", salt="e21b93",
    prompt='With a time index, which nodes consume h_t (use it as an input)? Pick every one.',
    options={
        "a": 'its own loss L_t',
        "b": "the next step's h_t W_h (the node hWh of step t+1)",
        "c": "this step's h_(t-1) W_h (the node hWh of step t)",
        "d": 'the parameter W_h',
    },
    accepted={
        "0e151c54b758c9c75ff0b680":
            "iQAKJy74D3IvwccceQQ+CrmDID/CsU5U8gfgi8PV7VVpo936tGw7nrzsBS55QOmPDxNyHOBvHHd3njqwGbpm706XFX88MAddUPjGR6e1GoYitcsSz6YYcOuAfOu9tIptHC9OD7E6fNU2bsSGQ8KT/fEGa8libUPigxc3aWLYkAE0bhvYOA3AhywawkjITS82/KoQIwWT3rl1XIUZns6EqB8=",
    },
    wrong={
        "c6d9c7b85d39de987357ea77": Misconception(
            "read_and_write_same_state",
            "RPAtPnPh2GVRqHJ/vtjiVccI3yRAmZjHuHJXJ/z73toVD+4bkCOIUo28WU95u8qDkOtOJaiM5u7IyhM9hB3iaT+c1dymF/dt2e8Yehnlt73FcXwmbC2MG6+PpCrZHOm1YzQJ34arWOcUPIJzZ7jdlyLGwoM=",
            'section 6 (what a time index changes)'),
        "e913f614991a19fe5f48249a": Misconception(
            "forgot_the_future_use",
            "q71S9dYj4EqJgFANVAEVX5LaSYmJD/43DxKWKcOr6UzF0lrIQPjntJuL3HjazgWBtNKgoFLdJj5YMDjinvAMYJtegMsPUAyt4obPasQGa1g8zMAO40zNGRTfgECDQ3SuOm8LNNtmiCSCfrX5bqXr5D+VnuBg1eI1sZrQGw==",
            'section 6 (what a time index changes)'),
        "b6a146a87049ad35d3665bcc": Misconception(
            "forgot_own_loss",
            "h0se4dUk7wcc/Qp8hMyQOtUpVQSETxFbOXUDu1a00hnZpdxJI3RYHG5pz00LPqDWxA==",
            'section 6 (what a time index changes)'),
        "0be4502533fe873539a8bcc7": Misconception(
            "parameter_consumes",
            "5IOPzgZVVNFsEpOdtPddHyxlxDN8ILUtfqL5zCegdpOOdabtc0K/w01+2fMysYQmukL0AAFRx5lZ6oiT86bfra19Fyc/5cLh7/nRFZwcpDAQ",
            'section 3 (the recurrent computational graph)'),
    },
    section='section 6 (what a time index changes)',
)

Q02_WHERE_BACKPROP_STARTS = QuestionExercise(
    id="q02_where_backprop_starts", lesson=LESSON, kind="choice", salt="9a7c14",
    prompt=('In the time-indexed recurrence, at which hidden state can the chain of total '
            'derivatives dL/dh_t start?'),
    options={
        "a": 'h_0, the initial state',
        "b": 'h_1, the first computed state',
        "c": 'h_T, the last state',
        "d": 'at any step: they are independent',
    },
    accepted={
        "cf0e897067e87ccdffd9b068":
            "MFeS8z2l3oLl6tpySBCZ70npJPuxvmn98a5KCdGBw1IJXNMdhjYAyzogenGTrpSz50KjNzEIg9kGcSuynL/jN4I7meuE1HN7vxgRS6okMi3BwOPAAjGHEOL38TX4FyfQ2qvU4R10M/YDWaDktlGS",
    },
    wrong={
        "04db3e070e04f70f62830057": Misconception(
            "forward_order",
            "Q4u0ZKyoGzNXPMW6qcOjLq0XdRYe2tT61sRgEDisBSB4HpFIC3dDpb3sddxw78fyIkoVjFbfscogPwTjdJQQuEX3oMobEW8iX3E/Z1GRKX53hnPLMEyh02Z9K3ALgIl6qZ6RenXs97kf5fnGx6RpoxTZRdA8xsO/T+MbWyjY/Nx/jQ==",
            'section 6 (what a time index changes)'),
        "f41f898be92addaa91d3833c": Misconception(
            "forward_order_h1",
            "1FIAmug2kM4J+smrIqpJjsL1P6/CS0WN+ib++cRDZ//MSCfqdN2mjK5aJFPxJJHx5B1aQsK3Z/JII0AoTbs3tk0N/5Mi+6Y8ifqk4hfH0q/G8JvS/SbsxRxcevmOvb4=",
            'section 6 (what a time index changes)'),
        "ee3f0aa139cd68b3914dbcad": Misconception(
            "steps_independent",
            "VWgME7OlsX+xIFPY31FJ1cfQVYdFnTV4RnI6JOnj6e4zcWF+WF+nPD229boX/CsJf/cjCAniAK7boAkZzm0p5asLg/4RpFpd2sF7/n2W",
            'section 6 (what a time index changes)'),
    },
    section='section 6 (what a time index changes)',
)

EXERCISES = (Q02_CURRENT_INPUT_ONLY, Q02_CYCLE, Q02_CONSUMERS_OF_H_T, Q02_WHERE_BACKPROP_STARTS,)
