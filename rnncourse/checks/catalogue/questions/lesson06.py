"""Lesson 6 (gated cells): self-check questions (rendered, do not edit by hand).

Rendered by tests/checks/render_questions.py from the plain key outside the package; the
answers are salted digests and the texts that would give them away are sealed
(docs/checks.md, "Adding a question").
"""

from rnncourse.checks.engine.question import Misconception, QuestionExercise

LESSON = "06_gated_cells"

Q06_CELL_PATH_FACTOR = QuestionExercise(
    id="q06_cell_path_factor", lesson=LESSON, kind="choice", salt="6b1f0e",
    prompt=("Holding the gates fixed, what is dc_t/dc_(t-1), one step back along the LSTM's cell "
            'state?'),
    options={
        "a": 'diag(1 - h_t^2) W_h^T, as in the vanilla RNN',
        "b": 'diag(i_t)',
        "c": 'diag(f_t)',
        "d": 'the identity: the cell state is copied unchanged',
    },
    accepted={
        "ff192caebf8cf0f4e983fdc0":
            "wO0cZEO1tt10ypAsxDhiCyLOzgMFZMHvTpv64crIAjcf/c5uV+tAlb/0g7cZsfVo7rHsPE7+G+VybM76AwSgJEfDBMXqWxD2AP3YmrjmMss0vKH4trBPTw5FmQ1Sne7xKOYw/wbuYU8XzQV81nP+Jl1Bpa6BSmSeVzzje2KTm2/vsjtFSnOmnjMGuQY5V6eIjGOHQA==",
    },
    wrong={
        "81511715a190232ee47b9d14": Misconception(
            "vanilla_jacobian",
            "E1fuYuYnDYq0bp4XpU9LxFuSRSILBOig6PcnZb06/E6YBqmrdKSoA29eA7v9ieY85aiEN1I0z2mXQ2NZve1TxdNNBK7BgTe+8vfoyoUCnoxw+Dj4qCBv7lyrB9FECCXvwgSk0jcur83YzeF2yOfkyCTfX73ojpVV",
            'section 1 (from a product of Jacobians to a sum)'),
        "6a079627bec6a36f346b5fd4": Misconception(
            "input_gate_factor",
            "EhGrY1ycWGbZL3jFx/bLZ1zGpS+ps+bysQ5ft5siXMXGv5lMfLfOJOXdRr+hWk0VfL77zZ6YY2fEekW5aC1CresfJDg=",
            'section 1 (from a product of Jacobians to a sum)'),
        "4f9ae4c43b771e5f6db223ba": Misconception(
            "cell_state_copied",
            "Nt2xq//TzsPSrsXeUd2++Rnw0xuGN6umw3RAOpiowmQE0CjucTaee2crJ/sDfkCWsPDF5XurMsbzuHtCqwL9UyS9ZaOnsbQ3KWnpt1ENNef5ZaDm3Fbt9U+tzGeqjkjWZPlLSDdZpoFiYJ//",
            'section 1 (from a product of Jacobians to a sum)'),
    },
    section='section 1 (from a product of Jacobians to a sum)',
)

Q06_FORGET_PRODUCT = QuestionExercise(
    id="q06_forget_product", lesson=LESSON, kind="number", salt="0c7d33", digits=2,
    prompt=('Predict: with a forget-gate bias of 3, f = sigmoid(3) = 0.9526 at initialisation. '
            'What fraction of the gradient does the cell path keep after 60 steps, f^60? (2 '
            'significant digits; the next cell prints it)'),
    accepted={
        "d2a9c0a99b9d7cf233fa8124":
            "LQ5+Xit5zMLfQIJ02Phxb3ZDxBTJPZ46ED8MiOLognUIob/Is5dPpH+wp4rFK7cMKNj6sUYAbPMHLv7Dl1w1FmUmNnwI9m9i6oOigHZBHXceivrXJg1cEWGXTkbotp/N",
    },
    wrong={
        "076342c8e4446343208f9c0c": Misconception(
            "off_by_one_in_lag",
            "b9hQQHpXG50dczrhPLtrqbwQGb86Bp1Pk+tU8gAeUr0C/6IS6Q+Cf0x/sCdmGF0+tP7J39c=",
            'section 1 (from a product of Jacobians to a sum)'),
        "84df65f73004b9f908bb2f4a": Misconception(
            "off_by_one_in_lag_long",
            "SeMMHMdis2zPSWM29zY+J8cjI+Rt4SZN+A/CjTupHKB9CGaU/PxcQUlP+xNPDuzUKuODT/VnViFUB44gZg==",
            'section 1 (from a product of Jacobians to a sum)'),
        "0a502910024c76e6c001af88": Misconception(
            "multiplied_not_powered",
            "0ORthrc8SKTAk/lN9XgKf81SLXp410aqVPNs2OPGiJSCVOEfupkTm7ilrooqzNHIH2QwP6ZCcj7R+RxmS1ZqdYxVjmBwrHk/0Z+aJf17",
            'section 1 (from a product of Jacobians to a sum)'),
        "91928d32821da3bd2f301c80": Misconception(
            "rounded_f_first",
            "/hniafwyCh0DcSrYDh8bguY6+IOjTDz5dNbYvtFcA4zPSclIWSu6o1b0T2tH1wupFa+uExf/NufcFldw7rhc4BHanvwUfGxPcrDubVTOLVOBI7OqeHFJynSbgOSpKb01RTYdKSehKM9Pt1Reb+k2qRKiONRUQjASHRvFPF1C4WUtOb7ZqPBFyeaqed7r5lyNSgCLjAb/b6mCt1lY1ABCoksikqJFgB7z/yGKFE8D/1yG5Kysyt5K0A==",
            'section 1 (from a product of Jacobians to a sum)'),
        "c84be0b725e21a49525e84eb": Misconception(
            "additive_means_no_decay",
            "qOf2lPqLXJ/YcaVPZ9QE2mZqG+EdG9IY+lS5QvyRgEt9U5Me9iLLIjPVfo3c3T+xo9K8ny6QuCp6PMxqa96sWrqyxTIQ+C+qhoHBHZgD9GJFn8eM1HgJ4i7rU0P5gQlBiirJ3w06ktA3faFExp3ftfK2w+irx1e/wmFebYkORK0=",
            'section 1 (from a product of Jacobians to a sum)'),
    },
    section='section 1 (from a product of Jacobians to a sum)',
)

Q06_C_CONSUMERS = QuestionExercise(
    id="q06_c_consumers", lesson=LESSON, kind="choices", salt="d45a19",
    prompt='In the unrolled LSTM, which nodes consume the cell state c_t? Pick every one.',
    options={
        "a": 'tanh(c_t), and through it h_t',
        "b": "the next step's f_(t+1) * c_t",
        "c": 'the gates i_t, f_t, o_t of the same step',
        "d": "the next step's pre-activation a_(t+1) directly",
    },
    accepted={
        "9138c1b8499eddd8c9a10d8a":
            "lTVbP8gkcqYQY15nwLiPrJD3er56qB0tUN8MlvOCPpNUWkV8E4X7NXQnUG/NHcCMoE9ZJNfJ0LlnlODq4zZwHOcqC7T4Lk62jQPwpVGQZiGtq0C7WnpY8/IUYaroTrvl+wlFua9sRmfT4hSufq36o8J3Fau9E3LzvuftTHtGNUyWoakAV/lFo5PyINrt",
    },
    wrong={
        "a2eee705863d6fd689687f40": Misconception(
            "gates_read_c",
            "fv23dsFzQzfuqr1NwZhu0v5Jur4oK5Tx+CYRFTSOz6zDXhkRo5xyYQlucOKjViI12Rjf0T4I5VpxqpP9h3iXAQHF5OWja/eafA==",
            'section 2 (the LSTM cell: as a graph, then as code)'),
        "591b0c9b71bc64a797dfa303": Misconception(
            "c_feeds_preactivation",
            "4wSx8ZD5wQaBbpYU4xRh1Ehk5k1n0726NhDlt+OOvglJcFFF/b9rHVQCzzJ+bVtpHLmBUiBXxoAX/VRq2iyDjWB7HhHtCj6pI0AfkvV2Xg==",
            'section 2 (the LSTM cell: as a graph, then as code)'),
        "2aff15f69f60c616c9c4af44": Misconception(
            "forgot_cell_path",
            "ognt0rF4XXtj+TxKx89kMZszwU6tm4qYDV5DMv8un1TYIanvFn1/XXhQ5sKypp/EjLNrN+snw4Vn+8ujqBAfsqUHXv1OKDOgRQNMNjbpTNeVZNta/DAgNVyUzk5+bpNCpy2N",
            'section 2 (the LSTM cell: as a graph, then as code)'),
        "18eb2c30eb93835459d2c696": Misconception(
            "forgot_output_path",
            "xv6q77j+nzv0aFC2owgdPT55evngNoPgji1LVZg3wHVT/T4e7f2uDDHlrSVV3eGPPgOVshnmdLnMjiayTQ==",
            'section 2 (the LSTM cell: as a graph, then as code)'),
    },
    section='section 2 (the LSTM cell: as a graph, then as code)',
)

Q06_BIAS_ZERO = QuestionExercise(
    id="q06_bias_zero", lesson=LESSON, kind="choice", salt="92e6c4",
    prompt=("With a forget-gate bias of 0 at initialisation, how does the LSTM's gradient from "
            "59 steps back compare with the vanilla RNN's?"),
    options={
        "a": 'larger: the additive cell path always keeps gradients alive',
        "b": ('smaller: with every forget gate near 0.5 it shrinks by more per step than the '
              "vanilla RNN's"),
        "c": 'the same as with a forget bias of 3',
        "d": 'exactly zero',
    },
    accepted={
        "027a19ea9ebb17d4cf468324":
            "yMjFU1Bh8gTdtHvo/wGNo/UljrldYVLLnw9NEhNTuZvHnz4C9G0UJ2SAOg2eneWO6equM/6NtMTrHLovSmTdahX6vJQ0yb+EwzZlOfDVb2yTJP0CXGkyPNh6BTJ0FPhD8Og8LuLvsqVrzKc8vCeHvrnDgfzEPvleKVoqV5QrnpdO8XS1GLOVdDUZzbf6Nwfywe6Rm3flieTyVr3/RxGy84byD6xnu4DQwBqBGPbTryC7P8GDBi8773t28qeT4w6uYNazY4lgOBRE2cBORXARDq1kNKUlOFro9Ty1VP+wYOKlq3V7R2U7dZb3N+RWsjdpH5fJ7SmhqLGwLEADgMEcKNMNOWv+xabTJ+jqk7FR9gcAPWb9pWG9fWsgdVjsaqhqVHtzZXNBVnCKymfWsYpjDz+0MjmAc+q8lTH2QtaIY8sYeNRwwh3UOZarxw8svv/yPkLCiQEWwG/SQRfEaA==",
    },
    wrong={
        "db7896300389ab9e109f4c05": Misconception(
            "lstm_always_better",
            "SiNQbs0LjbOwH0CoDuQM+RwJzNsK7/FAWDu86D9nzk19Otj8s+1ikALV4MqICa4Brk6dYhmcvKs7vreLN5iXgs2Zf7z3BuU2QP+fQIg0di7ACY+0s8zzEntO53aDcjx++Iwko2hXfv4UOB85hbzw7AfVwXbBOlu8/QygQoucpwTHhdec0UVHSrB5eR+7QH7BKX24ytTPK8CNHR+KF5pxiGv2+Fs=",
            'section 3 (how far back does a gradient reach?)'),
        "f4655ba0fe7c9d42a8670e66": Misconception(
            "bias_irrelevant",
            "NZsAvpe4nHtoFsXcLjmLkMtk3xbCMbOV9PBAFkzc/KKdyC+tuHGErTazNsFyLIvVj+Hl3qUovD84vElmTopW0+Q9u9qH48Uv9ieMZi0TLMi3tKV+8Cs/kAL+DTOJIDoXjHctcrYmB6btslPrqLLllHgBwnAhtwbRDQYdIu+JaKy/r82N1xbFVvc=",
            'section 3 (how far back does a gradient reach?)'),
        "f3096380766bc3f152d88475": Misconception(
            "vanishing_is_zero",
            "5LSoc9x5gC0XCcfN3gd9KgjLSXMpHGs5r2LQd+/NHDLn8v6/Ylna32aAgN5OGQS1JBs=",
            'section 3 (how far back does a gradient reach?)'),
    },
    section='section 3 (how far back does a gradient reach?)',
)

EXERCISES = (Q06_CELL_PATH_FACTOR, Q06_FORGET_PRODUCT, Q06_C_CONSUMERS, Q06_BIAS_ZERO,)
