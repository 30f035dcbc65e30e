"""Lesson 1 (training a feedforward network): self-check questions (rendered, do not edit by hand).

Rendered by tests/checks/render_questions.py from the plain key outside the package; the
answers are salted digests and the texts that would give them away are sealed
(docs/checks.md, "Adding a question").
"""

from rnncourse.checks.engine.question import Misconception, QuestionExercise

LESSON = "01_feedforward_backprop"

Q01_BACKPROP_ORDER = QuestionExercise(
    id="q01_backprop_order", lesson=LESSON, kind="choice", salt="5e1c07",
    prompt=('Backprop computes dL/du for every node u of the graph. In what order must it visit '
            'the nodes?'),
    options={
        "a": 'each node after all the nodes it feeds (from the loss back to the inputs)',
        "b": 'each node before all the nodes it feeds (the order of the forward pass)',
        "c": 'the parameters first, then the operations',
        "d": "any order: the chain rule's terms can be added up at the end",
    },
    accepted={
        "3174d2a2dbc6301907b0e185":
            "r6mh2pnWPTQYctwDIi1LheBqpJ9IW1F5v6nUfY0dCh0Jbd/B02c0d1WbfgY+pxoS4yaWiRr6kHPLhTCDSOOrD7AMBFVJH8PgT9e/PfM1R8vaWOHJQs/1K4LXvVLusv4wYmRYkGd7EAwS0MCEJ+N95cjhAT5U2NJ8M7OFdw7T/m2HrE1HtCZUu48Jjrsn3+Dje7UfsR4U57cg2tj+6CAD+eHokJ6/JT43gxd29QeCcDm8yRpJ76E=",
    },
    wrong={
        "06b0fc93aae1ad0ea6841b02": Misconception(
            "forward_order",
            "1dETcp1COPTaBPdlrtqHu+4gz/VRSnrM+Eghw6Yp7+p1MC6iFeyZrVDMN4No3UW1A7KysVT6bAMlyxwL5BHL2lAJQXV1rPgw8Wet0go6O++td6ALPKFWHH9yeW0SGmZb1LgfBhiXhxoPETeJESckUmkI44rCfcCERMrp9Od+pyhezaYlcnri29/8fV4EQwbsjPGSVw==",
            'section 4 (the chain rule on a computational graph)'),
        "47487b93809014e2f5afc2f5": Misconception(
            "parameters_first",
            "Ql4T4uUT3V+GAZdcp8ssehb5zxWHbktbBJCdoeBQsCqFjEu9wgEIQ95aTnaO53CMXDka9NZNQToykXubsAdkehZ+ZWr81yYV4v81LYzmDwdAfCiOsVtAc8S1+BDtz2rkZlWb//0xPxcVz4R6wxN2tS8/dgw=",
            'section 4 (the chain rule on a computational graph)'),
        "566cae97a809cad4c0d80553": Misconception(
            "order_free",
            "iSY1nd7q4wB8NdjFGBt4q8MoUw7l2Ewx0CrPRpavv5LtajDiZsp4KyiV5GIKmeXZrA+uNY27LiietpjBd6MYndQGjqOY/UM8Kt37k1WQ2VAixdNRKGd+IQxGlT9l86byukO12KSsTn51Y5rnrUkg62Va9TnyynsKUgVKQtDIFw==",
            'section 4 (the chain rule on a computational graph)'),
    },
    section='section 4 (the chain rule on a computational graph)',
)

Q01_CHAIN_RULE_NUMBER = QuestionExercise(
    id="q01_chain_rule_number", lesson=LESSON, kind="number", salt="a90b3e", digits=3,
    prompt=('Predict: for x = 0.5, w = 1.2, u = w x, v = tanh(u) = 0.5370 and L = v^2, what is '
            'dL/dx? (3 significant digits; the next cell computes it)'),
    accepted={
        "52611477ec44c5c8a3516015":
            "0Q64EF9ZzJfCpm9CfnB3L8gGDFnYnEGe8tk+6vV+JoP1+TWdBB02gVsJ7dGqgLgFZgtNiuRskAxaq3tCdfIm01hLnMZTum4kamWxiESENFA5pHEMirPN0odFtC+9B2G4SXtBWns22m1CpmsQhTONsw==",
    },
    wrong={
        "d7491671012af197513651c1": Misconception(
            "stopped_at_dL_dv",
            "pjt5ibhZbZO1ZyyvY28zGaeccIl5V4Kpj7g/dS2UaqMQgUzzbwk6UAmEwuwGuWNQFY2ubuSkog+U/tasp9jmhAhBFXcbOks6qi025R0=",
            'section 4 (the chain rule on one number)'),
        "35d74ab098a978629cb6fd5f": Misconception(
            "forgot_du_dx",
            "u9FgzprN4Y40QDn77Xmb4+XJmmV+F4Lt2QTWOsqAFDm7hv9fLe/FOvpXhjPwU+XUq0wC+x3ybQl6Jr6OohrmqkOwem07s5o=",
            'section 4 (the chain rule on one number)'),
        "cdbac9d0f4af0326457e2fb8": Misconception(
            "forgot_tanh_derivative",
            "SS7qjP8n5+99Cr7vHHF0JnD4wjjGlhrTUPZTG5Ep6FMvreQLZG68E6SPoVRJXeoTez+tllQFJZRRcoUXt669EGe+rLDD58J1bXDUotdi2Oqj5tKIAKLNkA==",
            'section 4 (the chain rule on one number)'),
    },
    section='section 4 (the chain rule on one number)',
)

Q01_CONSUMER_SUM = QuestionExercise(
    id="q01_consumer_sum", lesson=LESSON, kind="choice", salt="c3d4f1",
    prompt=('A node u feeds two operations, v1 and v2, and both lead to the loss L. What is '
            'dL/du?'),
    options={
        "a": 'the larger of the two terms',
        "b": 'dL/dv1 dv1/du x dL/dv2 dv2/du',
        "c": 'dL/dv1 dv1/du + dL/dv2 dv2/du',
        "d": 'their average',
    },
    accepted={
        "9c919d0f0416dbb6ab831fbc":
            "C/uoiCkQGedWFta+f1xPCA2ZbmF90spr6F2jqxwps/K9ShgMApxbBQ+89xAY69Z/8sIhkNyNoW9bUD50wAYX8fs8NivDU29gvnWaOoq0nGuGR+Du3R85usaSImJ1eKsM",
    },
    wrong={
        "be1f29bb18f59717971c18b5": Misconception(
            "multiply_paths",
            "I5SxvrXu4yF7F/M5PW1cvmfYwhWftc5um3EqgxkLP0+Pr4PLP6O7OteAKWxz7Nvkq/cJKYTM2dIkeQ8EZIxRHBkhPanYQVcfGxbbtRdCSosy76YhO/QBeeiot6LtDibJLOkuoyVfjiCBNZTWM6OXnG7LHEOG1DE35+GFkP8mlh7JoA==",
            'section 4 (the sum in the chain rule)'),
        "fbded56f7663f43f5c3258b9": Misconception(
            "larger_path",
            "QMEGkpbVbjyH2H4YikEggwcjhkJS87TK5lhnWHOWEVbZNOofOFfNKCP8HEvw+r5AlBD1i7FE6NS81NLzM/mHj7XX5T8I1A==",
            'section 4 (the sum in the chain rule)'),
        "d5d5718d82df2adddd8d1d01": Misconception(
            "average_paths",
            "nLeXUgDG9WHK2PK09jEGbuKanK5NGNAFvw5mtAzdipy7v5DMtlfBP62Rb8Qhdiy3Jw8xc7QObOsgk6Bn7LUtSyKzAMYCuuzNp2X9lxDM58fIJzScDfV7dQ==",
            'section 4 (the sum in the chain rule)'),
    },
    section='section 4 (the sum in the chain rule)',
)

Q01_TINY_ENTRY = QuestionExercise(
    id="q01_tiny_entry", lesson=LESSON, kind="choice", salt="7b2e90",
    prompt=('A gradient check fails on one entry: analytic 2.0e-09, numerical 1.998e-09, '
            'relative error 2e-04. Every other entry agrees to 1e-10. What is most likely?'),
    options={
        "a": 'the gradient formula is wrong for that entry',
        "b": ('the gradient is fine: next to a tiny entry the round-off of central differences '
              'gives a large relative error'),
        "c": 'the step h = 1e-5 is too large; take h = 1e-12 and the check passes',
        "d": 'rel_error has a bug: the floor 1e-8 should be removed',
    },
    accepted={
        "e545828c6ec7e0da169fdeb9":
            "RiwmMek+g1ndQCloe22TlRODz3Or2inOT24exp8Cpc3u1SedKysieVfS7VKfe72S9LyhpfG5GoLjnFkMNVAhdbkbO3BqpDdFgCHaomGe34MyHUBigrKDveKdbV8qyI0JwzxE6XtZtAN2HJ4npoOOdNEmZS5gl5wrLfEttpaLN3fNtQPUJ4AR4UQyN/1LKHGwAERInGBidnAf+pM3PoYvRsGp1icm93v4U6lxuvOiOg7kO9c9rcMSoP13YtNDSE/YyQqz65xzFpyW",
    },
    wrong={
        "531ac3c38a4c08ffd5d86548": Misconception(
            "trust_relative_error_blindly",
            "lkwr8hMQR/gyqcy+KaaQnztwBxb2ehfPy2G+5jt095gd1Jb7qHLIyoh6AZ0CTBfSyW2H2Su21pXugjw0y2MEKsvjcYhdhg4tnftrPLXuOc4ImCFfnxw5SV0y6yi5vUxKuRFXQ22uZQ==",
            'section 6 (gradient checking)'),
        "ca84e4817b3a84fc77c6ec93": Misconception(
            "smaller_h_is_better",
            "EGjMJNrCme92P8Xa+CmW0PCWxi+iyElSNE8YqzGkYfsfDfxCRj43FWvnv2rHCX5msej5VrmJuhB7w2XOKd2GbS/U01c2LSUnl6Ibi9fF3SPZ01qQ5QSvhYeWMJgMytdkF8Wv/KInVSCaUwngOUxTF9ODQdT+9kg=",
            'section 6 (gradient checking)'),
        "ccd514a472ab4c76c7fd6f25": Misconception(
            "remove_floor",
            "UoRveinZb+1wnHqOFTO+Uz91LeTZ5fTch6IwB7COQhlBiiZ3L5RjoDMWTwalj3SSgcOtH6Pi9Za9+ma4+UM6Z06pYItpmtmK12BqDUQLQSz8Co5FG/+2kGvPBjIluMctkyNH/rdIEH5G8eWh/dXIXj0Jjtvo4b6LldnLQRZ9txoQghX8Q3jF",
            'section 6 (gradient checking)'),
    },
    section='section 6 (gradient checking)',
)

EXERCISES = (Q01_BACKPROP_ORDER, Q01_CHAIN_RULE_NUMBER, Q01_CONSUMER_SUM, Q01_TINY_ENTRY,)
