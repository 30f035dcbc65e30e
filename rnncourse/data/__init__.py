"""Seeded synthetic data sets for the lessons.

Sequence tasks (:mod:`.sequences`): :func:`delayed_echo`, :func:`adding_problem`, :func:`parity`,
:func:`sine_waves`. A tiny character language (:mod:`.language`): :func:`vocabulary`,
:func:`encode`, :func:`decode`, :func:`sentences`, :func:`corpus`, :func:`char_batches`,
:func:`is_grammatical`, :func:`split_sentences`, :func:`grammatical_fraction`. A 2-D
classification set for the feedforward lesson (:mod:`.planar`): :func:`spirals`.

Every generator takes ``seed`` and uses ``np.random.default_rng(seed)``; arrays are batch-first.
"""

from .language import (
    char_batches,
    corpus,
    decode,
    encode,
    grammatical_fraction,
    is_grammatical,
    sentences,
    split_sentences,
    vocabulary,
)
from .planar import spirals
from .sequences import BLANK, adding_problem, delayed_echo, parity, sine_waves

__all__ = [
    "BLANK",
    "adding_problem",
    "char_batches",
    "corpus",
    "decode",
    "delayed_echo",
    "encode",
    "grammatical_fraction",
    "is_grammatical",
    "parity",
    "sentences",
    "sine_waves",
    "spirals",
    "split_sentences",
    "vocabulary",
]
