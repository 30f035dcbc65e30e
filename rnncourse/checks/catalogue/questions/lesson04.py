"""Lesson 4 (backpropagation through time): self-check questions (rendered, do not edit by hand).

Rendered by tests/checks/render_questions.py from the plain key outside the package; the
answers are salted digests and the texts that would give them away are sealed
(docs/checks.md, "Adding a question").
"""

from rnncourse.checks.engine.question import Misconception, QuestionExercise

LESSON = "04_bptt"

Q04_PREDICT_TOTAL = QuestionExercise(
    id="q04_predict_total", lesson=LESSON, kind="number", salt="70a3c9", digits=3,
    prompt=('Predict: in the two-step example dL1/dh1 = 0.164037, dL2/dh2 = 1.124299 and dh2/dh1 '
            '= 0.305126. What is the total derivative dL/dh1? (3 significant digits; the next '
            'cell computes it)'),
    accepted={
        "14866c50d5fb69c869ae89fd":
            "66d8cR/82Cz3GlhqRkF04+GbUo0c0PY2vpUlGCA7D9CF7VMYXyhYcJrDie3bfDsENNZh9MRKrJT2Zui8aPxJIDPAhuyFhdKXUqEQ",
    },
    wrong={
        "7fe48031b0be4dd3ebcaa41b": Misconception(
            "partial_instead_of_total",
            "fZzJISdNAN+72+5ieB+t2AaoqSW2ONtZaUxdk+sQIQcHQ6wOP6xteX1HGwAcP9ZbzSetpw3Ba5eZ7MDgac3k36AxGKPsNkkJKsg=",
            'section 1 (two kinds of derivative)'),
        "e72771128fb0608e389dc8d5": Misconception(
            "forgot_upstream",
            "3ZyAiOup2I28EOtvItVsOC6r1HujVefdapake8/aDgeQbzx5DTuwZxlZF69HB3raKWCgbl8zniG/7gAWwLhT",
            'section 1 (two kinds of derivative)'),
        "c95937fa39810972eaf5f67a": Misconception(
            "forgot_jacobian",
            "655cGiE2PLjqm01x0AYVCo556ejQvz9WICjIH2tdTuFm9B6F6cVXz7ldQlPNOfAAoyjNWpHm3a5pRuMII2mtkH4xlluQJlbLeGJmPgEMvzH9KvCIQg==",
            'section 1 (two kinds of derivative)'),
    },
    section='section 1 (two kinds of derivative)',
)

Q04_TOTAL_VS_PARTIAL = QuestionExercise(
    id="q04_total_vs_partial", lesson=LESSON, kind="choice", salt="3e9b0d",
    prompt="In rnn_backward, what must step t's backward receive as its dh_next?",
    options={
        "a": 'dh[:, t-1], the partial dL_t/dh_t',
        "b": "dh[:, t-1] plus what step t+1's backward returned for h_prev: the total dL/dh_t",
        "c": 'the sum of dh over all the steps',
        "d": "only what step t+1's backward returned for h_prev",
    },
    accepted={
        "696420c0cf6d6da29e4b9ba3":
            "bKaT1CtrtYz8HN8HwwGsohoaOkbyhGeo+5qH+1KpGNbSYo3RrgBXbIcmllD196kN4SwekNMZUqERHJQCKRaN60ZByWCQRfY+ASw5u92FV6JoRlCk8IaTr1nbpFxTS6T/W0X6BsdgHbzfeGdcLxfmi5w2PlUrKjBGPEkLpxxA7tlIFgUi3mpB",
    },
    wrong={
        "df57a635fbb01a348ac0182a": Misconception(
            "partial_instead_of_total",
            "9yR7RyvhFIEm0HRvaIp7GYUSkToxOq4n1pcIXzPW5STLDwqOQm2vcuc8uZrBn1mvtw2EhvkyU5dzLbr2NbijRQVs8N3NNYTRU5WDEN0qhFDbe0q+siOzc6FDiJ9JHXMJAdpqSajik7pCS88iqMD51erP3EbtCg==",
            'section 4 (full BPTT: upstream gradient plus gradient from the future)'),
        "61906608d4d8b05a7a360863": Misconception(
            "sum_all_upstream",
            "uCCZ0yXWWVA6/zRZufxzWujV2zvsVpcVzMFYxQAfX/KuoHbFuT1ZZaZ+xzi1XScPAfvPHiow8FVv3Nti/rujWrrHzhuJzyGfr+bPm7k5XlJ2IUCD33R5J4x0Z8C1HgM6NsjIgKGcQYVqPXsA9QdL67vPO/Skwv5UO36HiMeFpf9nkLiOYXbq4mw1IKcbA+DuUMyBmZFspWyeDUHBVg==",
            'section 4 (full BPTT: upstream gradient plus gradient from the future)'),
        "b5be5d520bc9900088bbf7f0": Misconception(
            "forgot_upstream",
            "OlVoX94ZyfYCnktNIx2dKfsk4EO2jp3RL9aELS0rlodRoiEOu+oUKcLazyOty1wTjadmlLiLhZu0yb/EYXdPWh95oJR8WANR",
            'section 4 (full BPTT: upstream gradient plus gradient from the future)'),
    },
    section='section 4 (full BPTT: upstream gradient plus gradient from the future)',
)

Q04_ORDER_FORCED = QuestionExercise(
    id="q04_order_forced", lesson=LESSON, kind="choice", salt="c6a512",
    prompt='Why does the BPTT loop visit the steps from t = T down to t = 1?',
    options={
        "a": 'it is a convention; any order gives the same gradients',
        "b": 'because the caches are stored in reverse',
        "c": "dL/dh_t needs the result of step t+1's backward, so step t+1 must be done first",
        "d": 'to save memory',
    },
    accepted={
        "ade0ed1fb21b477094002637":
            "jIbFGfYLN4x9GgvtlIPf97hs7LjOdDym8UUDP8ubVEQan1K/pJpsJABeXlmohmoIQKOgMakTziH0BfCB2UPBOBUhs16PrSZ6hmG7XmJeYbI2CsFBShA67QC1cxiTdygn6yayA6lCeGwzTksPVPaW/jwuETx7QoeDPXaOVd2UI1jJYekJDpTH6/J4koNN",
    },
    wrong={
        "14c477458360b998565d39d8": Misconception(
            "order_free",
            "meSSEP8RAfSyo7R40KNdS3VpJR6j+32pQ+3ADzPzyXilaZSZv8dbLztiko2D30gKxOzJXmVz0o7EY4lV8aJbpFPvKnH96MBi6RG4nl51EFx0RbVTUAcPg4IvCSTzO3M=",
            'section 4 (the order is forced)'),
        "93696194fd9178c5fb3730fe": Misconception(
            "cache_order",
            "Xsxr26tsw2arK3KQHrUxocfetIzw2s7pI5f33OWatRTNNAT25M+aIZk8FsoPrMlZlw2cpf0bQ6w2qvUrpg4j40S6bnzNqSb2j7C4HtZkYiHJTXhuKPJhyQUbKXMvgd8C8/ZgPk+ykFyTlYPHtzr2vWPa4Yu5JuoWLAj+Fq8l47/p",
            'section 4 (the order is forced)'),
        "f2f0cd7dd16484a73bb9b805": Misconception(
            "memory_reason",
            "RLy3fT1s4XxyD12u2Lq3viTEucs4823tCZw9WUfR1C0eFcgsq9/ODXaCWtrfWMrqsFRyJNnC3P49QyFAkKzDoAr+dlV9dEWN3/2UXnsoYEo2rfyR",
            'section 4 (the order is forced)'),
    },
    section='section 4 (the order is forced)',
)

Q04_FIRST_TERM_ZERO = QuestionExercise(
    id="q04_first_term_zero", lesson=LESSON, kind="choice", salt="8d1f3b",
    prompt="In section 7, step 1's term of dL/dW_h is exactly zero in both runs. Why?",
    options={
        "a": 'its term is h_0^T delta_1 and h_0 = 0',
        "b": 'the gradient vanished before it reached step 1',
        "c": 'step 1 has no upstream gradient',
        "d": 'W_h is not used at step 1',
    },
    accepted={
        "bba644531e8a8169afaa103f":
            "XDSWXWZNj7i53+FleVC6npeme7p+uXhSEjkLWx1vVPYQb8PbgJe6cSw+Er7GDFrns8oWnvH/+Z1WrcJjK5E09qqnc4CW+A0sQyHXbQc+PI1tGhXj39QwfPwmoZY=",
    },
    wrong={
        "3b39194582d260e74abd776c": Misconception(
            "vanishing_is_zero",
            "RelxpkSeAyX/iTZJXahzE0lavK1OP8yQNw5AavSF1KtmkJOMsfRN6FOz6Rgo0P1jqUNbnafrNWnHBynx7jIp9k3rQP+7s8eSgV1nBcxGEqldtyLGUAWVL+/BT10Lfwwwj9j6ED1rNNq/ajx7UCz1cXRaf161Hw2vHKwBkPGSWDQFzHi18KBspYj676h8fbA=",
            'section 7 (how much each time step contributes)'),
        "572e1f5584090ff96413e763": Misconception(
            "no_upstream",
            "lSwNrh+dpKXaHNoJmsUCcd2YY73KaX2nkvUfObzI+n93zHlyGnDdiosRBcmlmibvY4Gf6pY2CXTygJqWFTxMAyiHuOAO7FopQV/KKMghBSUnMzSJyKuzBmLev5Z0hiemAoIQ",
            'section 7 (how much each time step contributes)'),
        "c77b73e4f9b8f538784e0d4e": Misconception(
            "wh_unused_at_step1",
            "vwIGdXVbw0IlMAbuqsV1s5JLhlmO+WvLgGcIEPLnqlNLm5JezJdlCcoqu0r9orOt1vqxsoa8l7xnwIYvmcwIv7lCX5vogIYKgbT36NtkepoeLdmHk3V5CY+1MZcCKOEXVa4E",
            'section 7 (how much each time step contributes)'),
    },
    section='section 7 (how much each time step contributes)',
)

EXERCISES = (Q04_PREDICT_TOTAL, Q04_TOTAL_VS_PARTIAL, Q04_ORDER_FORCED, Q04_FIRST_TERM_ZERO,)
