"""Lesson 5 (training RNNs in practice): self-check questions (rendered, do not edit by hand).

Rendered by tests/checks/render_questions.py from the plain key outside the package; the
answers are salted digests and the texts that would give them away are sealed
(docs/checks.md, "Adding a question").
"""

from rnncourse.checks.engine.question import Misconception, QuestionExercise

LESSON = "05_training_in_practice"

Q05_TRUNCATION_STOPS = QuestionExercise(
    id="q05_truncation_stops", lesson=LESSON, kind="number", salt="f27e61", digits=6,
    prompt=('Predict: T = 16, chunks of k = 4, a loss at the last step only. What is the first '
            '(smallest) step t, counted 1..16, whose input x_t gets a nonzero gradient? (The '
            'next cell prints it.)'),
    accepted={
        "0f05fd33aa721223c796dffd":
            "UdXaDr4CYON68x86dG/zQr7OXwLjOOsZWKiSSxE7ckoQo3ZKAl4J5Zn56rVDw0DK3YVg+vAurpLsR/DfN4s0tb4YS1C1OUat5DwsI/V8tCda+44uvnAqL3NI8tHxoWjvKLThkFn6SMdVvNQB8m0mCrkCz/jsZQ==",
    },
    wrong={
        "f2ce1b0b638c77fc6c9beee7": Misconception(
            "code_index_for_step",
            "HQM+gIt82i240xMAYGU4O+ZTPQ3fYEiBZzWBYk7DCIaCIqdN9u24NB9JET2dts2idSegUmsre2rJJxfxhiB4HVnq/YDEfuyPjnLpJX3bOZJKWSm7Jt4b/wDUKHs=",
            'section 1 (the truncation rule)'),
        "12f68db5562f2bd0ccb5650d": Misconception(
            "truncation_does_not_stop",
            "tvGdJdeoHqvWKTnQQ39qjslJMFLScEGEhZccxgw3pqPDuTU/KUAOMgReFVWbY3OYU4VM0MfVUDdqHkF1Jq2lnmVFssO2IdW8sfd6LdU8ZR9Vkju2FdZVsjhAFNEcavU=",
            'section 1 (truncated backpropagation through time)'),
        "29d62a628748bc2e07ea784d": Misconception(
            "chunk_size_not_position",
            "mTYZp0Vf1SdjXfGVgnpnzxwsTh3X0xRCZDrD94fN3xR4I7tbScWJqysBGp885KOCxbxOUimNr2o+ag==",
            'section 1 (the truncation rule)'),
        "bd1fd7ca3916ec7577125ca5": Misconception(
            "wrong_chunk_k8",
            "C0jxsn/bK7DmPs4HHS2/ktNV9nZwTZnpZa8+D+JGU0GOD+zFSpN6Ndxfhh1QDjli40Y0BWKKKguD1nq1Edr/aYNfc7qxfVrMG1CTp0cj",
            'section 1 (the truncation rule)'),
        "d213d3b44522c4937ea36478": Misconception(
            "only_last_step",
            "RhuQodbEBLHjVDlRhxbeyolgywDUeBpSxxjhCvRKBwyRiU1Lg46MVAj0iJDeHrhbLdB4QOmXGmThDm5AkZIoIYS3YRLET7WJb1pJOUAFvMAsRzMqYOBVnw8GdaNS",
            'section 1 (the truncation rule)'),
    },
    section='section 1 (the truncation rule)',
)

Q05_WHAT_TRUNCATION_CANNOT_LEARN = QuestionExercise(
    id="q05_what_truncation_cannot_learn", lesson=LESSON, kind="choice", salt="1a4d9c",
    prompt='With k = 4 the delayed echo of delay 6 stays at chance. Why?',
    options={
        "a": 'the forward pass does not carry the hidden state from one chunk to the next',
        "b": ('no gradient connects a target to its source, which is always in an earlier chunk, '
              'so nothing teaches the network to keep the symbol'),
        "c": '200 updates are too few',
        "d": 'a network trained with chunks of k steps can never remember more than k steps',
    },
    accepted={
        "a8365acad0725c2905df3b89":
            "byUi+IvuQDAmGYRtINrd3colYYqHKrUAfvYyOJl7Q3ida5i1qnORMyhIfNLWCKA9NnsNBybBhspCYuYW1KIfWPLNgPDXkTSgZeIjCaCnZ4M0s3yrC4SlAaXlrPqWx6EvPcPU6XQNicJRP5Xfac5/yN1h2XSdvozmiRhyBTPQwSED8w==",
    },
    wrong={
        "62280b9b45f62f3d8185bf61": Misconception(
            "state_not_carried",
            "f06pysc7y/kYK7B2dRCpetsnoPwpjCXwQVx68m15NO1EEoVHTUOaPBFF3LOIr3+JIUo2A7Otj+sa5NsUpcIVcrE7AHbfeuYzey9PFA==",
            'section 1 (truncated backpropagation through time)'),
        "3952d2d95505dd966936b914": Misconception(
            "too_few_updates",
            "Y5JbWNoKFVpYaG3GEonqcA+W4s13D1m5hja2mnVpKVpureTiYqOcBc7mIBWSrFiBFBoeRRNFWmaTF+qFhnqVU/yD0jx7",
            'section 2 (what truncation cannot learn)'),
        "fa7a6f09b33548f63a54b3fe": Misconception(
            "window_limits_memory",
            "5Q8rkdwX7qcOq/OJjkONq+xaTAXBqe0PFdUhLxM4l0JEu6NyCvIBJ3Bb2QfPnaLLp9tcH7rp6WZmDWnz40Z2FkAhBGN9xezeiycJHEuEfR955f09H3ipCd/SR8P6aWza835sTzMRPY74aYsOHQKOVgT7B91tWWhmwfAE3RJuMvFAOo2/MpTbJs0+DAotw4Q=",
            'section 2 (what truncation cannot learn)'),
    },
    section='section 2 (what truncation cannot learn)',
)

Q05_BOUND_LAG40 = QuestionExercise(
    id="q05_bound_lag40", lesson=LESSON, kind="number", salt="5c0e7d", digits=2,
    prompt=('Predict: ||W_h||_2 = 0.8. What is the largest ||dh_T/dh_(T-40)||_2 can be, whatever '
            'the inputs? (2 significant digits; the next cell measures a W_h that reaches the '
            'bound)'),
    accepted={
        "1b2eecf25a524ca32aefb00b":
            "xrIUBdSxwPOT+ja9sJSDMOOArUfnUbsa/YmSOLcS6fIpWLehUfOg1Xo09fkfKKDjc6dOLJXcfkfBsAsfY9deNxl9qrAaF3k8rXYDKECGTSwMedcr8hSxafgNbT1y1bY5/YovfWXi4Roz",
    },
    wrong={
        "a7b303d8e6924b1d011992a0": Misconception(
            "off_by_one_in_lag",
            "y1VTVK1lhvozXEZ8vzokxYH2EnBJpUPo9MZncVEnleNIgHgg/cQd/+jwgZifLVMUCse3RxB53Q==",
            'section 3 (what bounds its size: the spectral norm)'),
        "b43ca6e08110ab4feb9a8a9c": Misconception(
            "off_by_one_in_lag_long",
            "5KV2S/qAOx7rPwC+hJzsvqPpoTwwTPYwc0UlDLN+V/el/6EAJ9mfEvsgl2e5sxyg5K+9AIlxKLasaDArkW3a",
            'section 3 (what bounds its size: the spectral norm)'),
        "96c33bd7ed6860925698cc47": Misconception(
            "multiplied_not_powered",
            "Awepq0QeCwjtTWtK8HaPd/5uyC5Uvgp4AQKKNTlHSIuKILes9sy6cQbAyl2Rml6IGe1u6oZplhbQkLq0q05oieKFaHw9SuzaSV1txwywB9CQww32uIEN25XCsd7Gho8=",
            'section 3 (what bounds its size: the spectral norm)'),
        "c5620c83dd7541ce86415e46": Misconception(
            "one_step_only",
            "vvi0IHnoXz4+WwHndV2QRpRAwxalgPLBef8J0t2GygwZIrtzpIAhE6cmH9uVmwLxRwMQti6J6J1jq62bpza8XK4ISR+jpXBLdESS",
            'section 3 (what bounds its size: the spectral norm)'),
    },
    section='section 3 (what bounds its size: the spectral norm)',
)

Q05_WHAT_CLIPPING_FIXES = QuestionExercise(
    id="q05_what_clipping_fixes", lesson=LESSON, kind="choices", salt="e84b26",
    prompt='Global-norm clipping with max_norm: which statements are true? Pick every one.',
    options={
        "a": ('with plain SGD, no update is longer than the learning rate times max_norm, '
              'however huge the gradient'),
        "b": 'it restores the gradient from 40 steps back when it has vanished',
        "c": 'it keeps the direction of the whole gradient and only shortens it',
        "d": 'it lets truncated BPTT learn dependencies longer than k',
    },
    accepted={
        "c59cc7bf910c6a8f43054c00":
            "PfioI5GmzjGV00jX1g5b7HT/yYyttSie8YkwV/eVPAoCik5im3F86+3NPecLMnlBkVCcZ8EjoZ8qSx5Cz/rkFNznAz2cI7SW+RrsuUQi//w4b1DYT4mNy/BVeQSYfxL2V5mf2EiQG1AUnOAwx1/CbuibQnKC98JZwWJ+gE0XdiUacnogQ6n/l2BkPViNhSU9LBkLmU8PUve3O+u7zVMAZkzLr6CWF3Ye573u+MYwsblm9TITgj/R0jHfpHnsjDrhKdA9qnoR7c6BUL3XtaM4ipByiFhItaJaKkCdX7sKlx0Bj27+/Z+Ns9ecitM1eJBZnn8jJ4nKAIzuPuqitL/fm0jRNwpin8GaTpZq77ZxezQOaSuIoKwi",
    },
    wrong={
        "34412482417a0186e9b1e13e": Misconception(
            "clipping_fixes_vanishing",
            "cuiAlVe0rad2nhziBeJ5kYvEgooyGpKQgF8TzBKrdW7DK4s0525G6p0fOIoHPwVvb53y1xXnZeVXRRO+/8032gQMj/JXOlCe1KNdtD5KnX/BUHZd8+mXAItFO59XGa9Bqe98KqyzDQ==",
            'section 4 (what clipping does not fix)'),
        "a56322f70da9629b8cd132e2": Misconception(
            "clipping_fixes_truncation",
            "vZQjwc+B6CywcyV8cLABpjUr6oZwbRUYV0fkLsFz9meDtXH9mg9cTrz34RVr5d4uh3RqTPAOZF/SVNtLgaMvl5rnxDB6K795IfnGzH9asNLqnwjLxQd9fKrd0otk/UmjoTlBC5GPv1Gp9Q4=",
            'section 2 (what truncation cannot learn)'),
        "029dffc8af6d6607e5005111": Misconception(
            "missed_long_steps",
            "kyJj1vjTGHtINu1dUdslQ5DLM0TNZr779OGgwYvNMLbJ0CG9168OpoKDD9hCOXIOPJmDlcLcexa18SwblfxAF1AH9vaOxuol55xsYUn47oWH2F/d9t3BcvGMdegUlnTZ4o247G95poUUQP5gOVw5fsTUiPnw96jdpLgO3L6nN+WwqdcXsmEM9kz6Y29gYhfUHy+Cr6m6TXbYn+LllQ1GJtLWYo/wK6dT81ityT04LjtRT5iIMBBne/9zGUW75bqf5UO1ad7K38fAkSvU3YVAiUrQlFVjnaTQsJADAq17oiG2chPMs+Zhizv27tUC4+8=",
            'section 4 (what clipping fixes)'),
        "49e85afeaeb9e14266999721": Misconception(
            "missed_direction",
            "+3cu+HP55N+Vtl2uK+THPNHWl6klUuK4dv4cjU0byBaTgtdgw+w701Fs4tfO9MalUCaR8hTFJTokndLXSKPSmgU4M0fuxkT9p/dwASMJvx58Ny7wl9Ax+a+QXpLkqCw04A==",
            'section 4 (gradient clipping)'),
    },
    section='section 4 (gradient clipping)',
)

EXERCISES = (Q05_TRUNCATION_STOPS, Q05_WHAT_TRUNCATION_CANNOT_LEARN, Q05_BOUND_LAG40, Q05_WHAT_CLIPPING_FIXES,)
