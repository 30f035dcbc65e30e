"""A tiny character-level language from a small made-up grammar, for training a character RNN.

The grammar (number agreement is the point: the verb must agree with the subject noun, which
may be several characters back, past an adjective)::

    sentence -> np_sg vp_sg "." | np_pl vp_pl "."
    np_sg    -> det_sg [adj] noun_sg          det_sg  -> "the" | "a"
    np_pl    -> det_pl [adj] noun_pl          det_pl  -> "the" | "some"
    np       -> np_sg | np_pl                 adj     -> "red" | "small" | "big"
    vp_sg    -> vt_sg np | vi_sg              noun_sg -> "cat" | "dog" | "bird"
    vp_pl    -> vt_pl np | vi_pl              noun_pl -> "cats" | "dogs" | "birds"
    vt_sg    -> "sees" | "likes" | "chases"   vt_pl   -> "see" | "like" | "chase"
    vi_sg    -> "runs" | "sleeps" | "sings"   vi_pl   -> "run" | "sleep" | "sing"

Words are separated by one space, a sentence ends with "." and sentences in a text are separated
by one space: ``"the cat sees some dogs. a small bird sings."``. The vocabulary is every
character these rules can produce, sorted; it is fixed, so one-hot sizes never depend on the
corpus drawn.
"""

from __future__ import annotations

import numpy as np

from rnncourse._validate import seed_value, whole_number

_DET = {"the": {"sg", "pl"}, "a": {"sg"}, "some": {"pl"}}
_ADJ = ("red", "small", "big")
_NOUN = {"sg": ("cat", "dog", "bird"), "pl": ("cats", "dogs", "birds")}
_VT = {"sg": ("sees", "likes", "chases"), "pl": ("see", "like", "chase")}
_VI = {"sg": ("runs", "sleeps", "sings"), "pl": ("run", "sleep", "sing")}
_NOUN_NUMBER = {w: num for num, words in _NOUN.items() for w in words}
_VT_NUMBER = {w: num for num, words in _VT.items() for w in words}
_VI_NUMBER = {w: num for num, words in _VI.items() for w in words}

# probabilities used when generating
_P_PLURAL, _P_ADJ, _P_TRANSITIVE = 0.5, 0.3, 0.6

_ALL_WORDS = [*_DET, *_ADJ, *_NOUN_NUMBER, *_VT_NUMBER, *_VI_NUMBER]
_VOCAB = "".join(sorted(set("".join(_ALL_WORDS)) | {" ", "."}))


def vocabulary(text=None):
    """The sorted characters of the language, or of ``text`` when given.

    Parameters
    ----------
    text : str or None; None gives the language's fixed vocabulary

    Returns
    -------
    vocab : str, distinct characters in sorted order; character ``vocab[i]`` has id ``i``

    Example
    -------
    >>> vocabulary()
    ' .abcdeghiklmnoprstu'
    >>> vocabulary("dad")
    'ad'
    """
    if text is None:
        return _VOCAB
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}; pass the corpus string")
    return "".join(sorted(set(text)))


def encode(text, vocab=None):
    """Character ids of ``text``: ``ids[i] = vocab.index(text[i])``.

    Parameters
    ----------
    text : str
    vocab : str or None, distinct characters; None means :func:`vocabulary`

    Returns
    -------
    ids : ndarray of shape (L,), int64, L = len(text)

    Example
    -------
    >>> encode("a cat.").tolist()
    [2, 0, 4, 2, 18, 1]
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}; e.g. encode(\"a cat.\")")
    vocab = vocabulary() if vocab is None else vocab
    # vectorised over the text (a training loop encodes its corpus for every batch): code points,
    # looked up in the sorted code points of the vocabulary
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)  # (L,)
    vocab_codes = np.frombuffer(vocab.encode("utf-32-le"), dtype=np.uint32)  # (V,)
    order = np.argsort(vocab_codes, kind="stable")
    found = np.searchsorted(vocab_codes[order], codes, side="right") - 1  # last match, as a dict
    known = found >= 0
    known[known] = vocab_codes[order][found[known]] == codes[known]
    if not known.all():
        pos = int(np.argmin(known))
        raise ValueError(
            f"character {text[pos]!r} at position {pos} is not in the vocabulary {vocab!r}; "
            "build a vocabulary that covers the text with vocabulary(text)"
        )
    return order[found].astype(np.int64)


def decode(ids, vocab=None):
    """The text whose character ids are ``ids``; the inverse of :func:`encode`.

    Parameters
    ----------
    ids : sequence of ints or ndarray of shape (L,), each in ``0 .. len(vocab) - 1``
    vocab : str or None; None means :func:`vocabulary`

    Returns
    -------
    text : str of length L

    Example
    -------
    >>> decode([2, 0, 4, 2, 18, 1])
    'a cat.'
    """
    vocab = vocabulary() if vocab is None else vocab
    ids = np.asarray(ids)
    if ids.ndim != 1 or (ids.size and not np.issubdtype(ids.dtype, np.integer)):
        raise ValueError(
            f"ids must be a 1-D sequence of integer ids, got shape {ids.shape} and dtype "
            f"{ids.dtype}; for one-hot rows or scores decode x.argmax(axis=-1) instead"
        )
    bad = ids[(ids < 0) | (ids >= len(vocab))]
    if bad.size:
        raise ValueError(
            f"id {int(bad[0])} is outside 0..{len(vocab) - 1} for a vocabulary of "
            f"{len(vocab)} characters; decode with the vocabulary used to encode"
        )
    return "".join(vocab[i] for i in ids.tolist())


def _random_sentence(rng):
    """One grammatical sentence drawn with ``rng`` (a ``np.random.Generator``)."""

    def noun_phrase(number):
        dets = [d for d, nums in _DET.items() if number in nums]
        words = [dets[rng.integers(len(dets))]]
        if rng.random() < _P_ADJ:
            words.append(_ADJ[rng.integers(len(_ADJ))])
        words.append(_NOUN[number][rng.integers(len(_NOUN[number]))])
        return words

    def number():
        return "pl" if rng.random() < _P_PLURAL else "sg"

    subject = number()
    words = noun_phrase(subject)
    if rng.random() < _P_TRANSITIVE:
        words.append(_VT[subject][rng.integers(3)])
        words += noun_phrase(number())
    else:
        words.append(_VI[subject][rng.integers(3)])
    return " ".join(words) + "."


def sentences(n, seed=0):
    """``n`` random grammatical sentences.

    Parameters
    ----------
    n : int, number of sentences (>= 1)
    seed : int, seeds ``np.random.default_rng``

    Returns
    -------
    list of n str, each a sentence ending in "."

    Example
    -------
    >>> sentences(2, seed=0)
    ['a red cat runs.', 'a dog likes a small bird.']
    """
    n = whole_number("n", n, 1, "n=10")
    rng = np.random.default_rng(seed_value(seed))
    return [_random_sentence(rng) for _ in range(n)]


def corpus(n_chars, seed=0):
    """A text of exactly ``n_chars`` characters: random sentences joined by single spaces.

    The last sentence is cut off wherever ``n_chars`` falls, so the text may end mid-word.

    Parameters
    ----------
    n_chars : int, length of the text (>= 1)
    seed : int, seeds ``np.random.default_rng``

    Returns
    -------
    text : str of length n_chars, every character in :func:`vocabulary`

    Example
    -------
    >>> corpus(40, seed=0)
    'a red cat runs. a dog likes a small bird'
    """
    n_chars = whole_number("n_chars", n_chars, 1, "n_chars=10_000")
    rng = np.random.default_rng(seed_value(seed))
    parts, length = [], -1
    while length < n_chars:
        parts.append(_random_sentence(rng))
        length += len(parts[-1]) + 1
    return " ".join(parts)[:n_chars]


def char_batches(text, vocab, T, N, seed=0):
    """A batch of ``N`` random windows of ``text`` for next-character prediction.

    Window ``i`` starts at a random offset ``s_i``; its input is characters ``s_i .. s_i + T - 1``
    one-hot encoded, and its target is the character that follows each of them, ``s_i + 1 ..
    s_i + T``.

    Parameters
    ----------
    text : str, at least T + 1 characters
    vocab : str or None, distinct characters; None means :func:`vocabulary`
    T : int, window length (>= 1)
    N : int, number of windows (>= 1)
    seed : int, seeds ``np.random.default_rng``

    Returns
    -------
    x : ndarray of shape (N, T, V), float64 one-hot inputs, V = len(vocab)
    y : ndarray of shape (N, T), int64 ids of the next characters

    Example
    -------
    Worked encoding: a window ``"a cat"`` of ``"a cat."`` with T=5 has input ids ``2 0 4 2 18``
    (the rows of x are one-hot at those ids) and targets ``0 4 2 18 1`` (``" cat."``).

    >>> x, y = char_batches("a cat.", None, T=5, N=1, seed=0)
    >>> decode(x[0].argmax(axis=1)), decode(y[0])
    ('a cat', ' cat.')
    """
    if not isinstance(text, str):
        raise TypeError(
            f"text must be a str, got {type(text).__name__}; e.g. text = corpus(10_000)"
        )
    T = whole_number("T", T, 1, "T=25")
    N = whole_number("N", N, 1, "N=32")
    rng = np.random.default_rng(seed_value(seed))
    vocab = vocabulary() if vocab is None else vocab
    if len(text) < T + 1:
        raise ValueError(
            f"text has {len(text)} characters but a window of T={T} needs at least T + 1 = "
            f"{T + 1} (one more for the last target); use a longer text or a smaller T"
        )
    ids = encode(text, vocab)  # (L,)
    starts = rng.integers(0, len(text) - T, size=N)  # (N,), the last start is L - T - 1
    window = starts[:, None] + np.arange(T)[None, :]  # (N, T)
    x = np.eye(len(vocab))[ids[window]]  # (N, T, V)
    y = ids[window + 1]  # (N, T)
    return x, y


def is_grammatical(sentence):
    """Whether ``sentence`` is one sentence of the language (see the module docstring).

    Surrounding whitespace is ignored; inside, words must be separated by single spaces and the
    sentence must end with "." directly after the last word.

    Parameters
    ----------
    sentence : str

    Returns
    -------
    bool

    Example
    -------
    >>> is_grammatical("some small dogs chase the cat.")
    True
    >>> is_grammatical("some small dogs chases the cat.")   # verb does not agree
    False
    """
    if not isinstance(sentence, str):
        raise TypeError(f"sentence must be a str, got {type(sentence).__name__}")
    s = sentence.strip()
    if not s.endswith(".") or s.count(".") != 1:
        return False
    words = s[:-1].split(" ")

    def noun_phrase(i):
        """Number of the noun phrase starting at word i and the index after it, or None."""
        if i >= len(words) or words[i] not in _DET:
            return None
        allowed = _DET[words[i]]
        i += 1
        if i < len(words) and words[i] in _ADJ:
            i += 1
        if i >= len(words) or _NOUN_NUMBER.get(words[i]) not in allowed:
            return None
        return _NOUN_NUMBER[words[i]], i + 1

    subject = noun_phrase(0)
    if subject is None or subject[1] >= len(words):
        return False
    number, i = subject
    verb = words[i]
    if _VI_NUMBER.get(verb) == number:
        return i + 1 == len(words)
    if _VT_NUMBER.get(verb) == number:
        obj = noun_phrase(i + 1)
        return obj is not None and obj[1] == len(words)
    return False


def split_sentences(text):
    """The complete sentences in ``text`` (each up to and including a "."), stripped.

    Text after the last "." is an unfinished sentence and is left out.

    Example
    -------
    >>> split_sentences("a cat runs. the dogs see a ca")
    ['a cat runs.']
    """
    pieces = text.split(".")[:-1]
    return [p.strip() + "." for p in pieces]


def grammatical_fraction(text):
    """Fraction of the complete sentences in ``text`` that are grammatical.

    Use it to score text sampled from a trained model. Returns 0.0 when the text holds no
    complete sentence.

    Example
    -------
    >>> grammatical_fraction("a cat runs. the cat run. some dogs sleep. a do")
    0.6666666666666666
    """
    found = split_sentences(text)
    if not found:
        return 0.0
    return sum(is_grammatical(s) for s in found) / len(found)
