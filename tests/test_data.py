"""rnncourse.data: seeded, correctly shaped, and each task really follows the rule it documents.

Every rule is re-derived here from the raw inputs (argmax of one-hot rows, marker positions,
bits, decoded text) with plain loops, never by calling the generator's own arithmetic.
"""

import doctest

import numpy as np
import pytest

from rnncourse import data
from rnncourse.data import language, planar, sequences

GENERATORS = {
    "delayed_echo": lambda seed: data.delayed_echo(8, 12, 3, vocab_size=5, seed=seed),
    "adding_problem": lambda seed: data.adding_problem(8, 12, seed=seed),
    "parity": lambda seed: data.parity(8, 12, seed=seed),
    "sine_waves": lambda seed: data.sine_waves(8, 12, seed=seed, noise=0.1),
    "spirals": lambda seed: data.spirals(10, 3, seed=seed),
    "char_batches": lambda seed: data.char_batches(data.corpus(500, seed=1), None, 10, 8, seed=seed),
}


# ----------------------------------------------------------------------------- determinism
@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_same_seed_same_arrays_other_seed_other_arrays(name):
    make = GENERATORS[name]
    a, b, c = make(0), make(0), make(1)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not all(np.array_equal(u, w) for u, w in zip(a, c))


def test_text_generators_are_seeded():
    assert data.corpus(300, seed=4) == data.corpus(300, seed=4)
    assert data.corpus(300, seed=4) != data.corpus(300, seed=5)
    assert data.sentences(5, seed=2) == data.sentences(5, seed=2)
    assert data.sentences(5, seed=2) != data.sentences(5, seed=3)


@pytest.mark.parametrize("module", [sequences, language, planar])
def test_docstring_examples_reproduce(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


# ----------------------------------------------------------------------------- delayed echo
def test_delayed_echo_shapes_and_encoding():
    x, y, mask = data.delayed_echo(6, 9, 4, vocab_size=5, seed=3)
    assert x.shape == (6, 9, 5) and x.dtype == np.float64
    assert y.shape == (6, 9) and np.issubdtype(y.dtype, np.integer)
    assert mask.shape == (6, 9) and mask.dtype == bool
    np.testing.assert_array_equal(x.sum(axis=2), 1.0)  # one-hot
    assert set(np.unique(x)) <= {0.0, 1.0}
    assert np.all(x[:, :, data.BLANK] == 0)  # the blank is never an input


def test_delayed_echo_targets_are_the_input_delay_steps_back():
    delay = 3
    x, y, mask = data.delayed_echo(5, 10, delay, vocab_size=4, seed=7)
    symbols = x.argmax(axis=2)
    for i in range(5):
        for t in range(10):
            if t < delay:
                assert y[i, t] == 0 and not mask[i, t]
            else:
                assert y[i, t] == symbols[i, t - delay] and mask[i, t]


def test_delayed_echo_uses_every_data_symbol_and_zero_delay_is_copy():
    x, y, _ = data.delayed_echo(50, 20, 0, vocab_size=6, seed=0)
    assert sorted(np.unique(x.argmax(axis=2))) == [1, 2, 3, 4, 5]
    np.testing.assert_array_equal(y, x.argmax(axis=2))


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(n=4, T=5, delay=5), r"delay=5 must be smaller than T=5.*use delay < T, e\.g\. T=15"),
        (dict(n=4, T=5, delay=-1), r"delay=-1 must be a whole number >= 0, e\.g\. delay=3"),
        (dict(n=4, T=5, delay=2, vocab_size=2), r"vocab_size=2 must be a whole number >= 3"),
        (dict(n=0, T=5, delay=2), r"n=0 must be a whole number >= 1, e\.g\. n=100"),
        (dict(n=4, T=2.5, delay=1), r"T=2\.5 must be a whole number >= 1"),
        (dict(n=4, T=5, delay=1, seed=-3), r"seed=-3 must be a non-negative whole number.*seed=0"),
    ],
)
def test_delayed_echo_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        data.delayed_echo(**kwargs)


# ----------------------------------------------------------------------------- adding problem
def test_adding_problem_targets_are_sums_of_the_two_marked_values():
    x, y = data.adding_problem(20, 15, seed=5)
    assert x.shape == (20, 15, 2) and x.dtype == np.float64
    assert y.shape == (20, 1) and y.dtype == np.float64
    for i in range(20):
        marked = [t for t in range(15) if x[i, t, 1] == 1.0]
        unmarked = [t for t in range(15) if x[i, t, 1] == 0.0]
        assert len(marked) == 2 and len(unmarked) == 13
        assert y[i, 0] == pytest.approx(x[i, marked[0], 0] + x[i, marked[1], 0], abs=1e-15)
    assert np.all((x[..., 0] >= 0) & (x[..., 0] < 1))


def test_adding_problem_marker_positions_vary():
    x, _ = data.adding_problem(200, 10, seed=0)
    first_marker = x[..., 1].argmax(axis=1)
    assert len(np.unique(first_marker)) > 5


def test_adding_problem_errors():
    with pytest.raises(ValueError, match=r"T=1 must be a whole number >= 2.*two markers"):
        data.adding_problem(3, 1)


# ----------------------------------------------------------------------------- parity
def test_parity_is_running_xor_of_the_bits():
    x, y = data.parity(10, 16, seed=2)
    assert x.shape == (10, 16, 1) and x.dtype == np.float64
    assert y.shape == (10, 16) and np.issubdtype(y.dtype, np.integer)
    assert set(np.unique(x)) == {0.0, 1.0}
    for i in range(10):
        acc = 0
        for t in range(16):
            acc ^= int(x[i, t, 0])
            assert y[i, t] == acc


# ----------------------------------------------------------------------------- sine waves
def test_sine_targets_are_the_next_input():
    x, y = data.sine_waves(4, 30, seed=1)
    assert x.shape == (4, 30, 1) and y.shape == (4, 30, 1)
    assert x.dtype == np.float64 and y.dtype == np.float64
    np.testing.assert_array_equal(y[:, :-1], x[:, 1:])


def test_sine_waves_are_sinusoids_with_frequency_in_range():
    # any sampled sinusoid obeys s[t+1] + s[t-1] = 2 cos(2 pi f) s[t]
    low, high = 0.03, 0.08
    x, y = data.sine_waves(6, 40, seed=3, freq_range=(low, high), amplitude=2.0)
    s = np.concatenate([x[:, :, 0], y[:, -1:, 0]], axis=1)  # (N, T + 1)
    for row in s:
        c = np.linalg.lstsq(row[1:-1, None], row[2:] + row[:-2], rcond=None)[0][0] / 2
        np.testing.assert_allclose(row[2:] + row[:-2], 2 * c * row[1:-1], atol=1e-12)
        f = np.arccos(c) / (2 * np.pi)
        assert low - 1e-9 <= f <= high + 1e-9
        assert np.abs(row).max() <= 2.0 + 1e-12
    assert len({round(float(v), 6) for v in s[:, 0]}) == 6  # phases differ


def test_sine_noise_goes_on_inputs_only():
    clean_x, clean_y = data.sine_waves(3, 20, seed=0)
    noisy_x, noisy_y = data.sine_waves(3, 20, seed=0, noise=0.1)
    np.testing.assert_array_equal(noisy_y, clean_y)
    assert 0.03 < np.std(noisy_x - clean_x) < 0.3


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(freq_range=(0.1, 0.7)), r"freq_range=\(0\.1, 0\.7\) needs 0 < low <= high <= 0\.5"),
        (dict(freq_range=0.1), r"freq_range=0\.1 must be two numbers"),
        (dict(noise=-1.0), r"noise=-1\.0 must be >= 0"),
        (dict(amplitude=0), r"amplitude=0 must be a positive number"),
    ],
)
def test_sine_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        data.sine_waves(2, 10, **kwargs)


# ----------------------------------------------------------------------------- spirals
def test_spirals_shapes_labels_and_radii():
    X, y = data.spirals(40, n_classes=4, noise=0.0, seed=0)
    assert X.shape == (160, 2) and X.dtype == np.float64
    assert y.shape == (160,) and np.issubdtype(y.dtype, np.integer)
    np.testing.assert_array_equal(np.bincount(y), [40] * 4)
    radii = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radii[:40], np.arange(1, 41) / 40, atol=1e-12)
    # without noise the arms are rotated copies of each other by 2 pi / C
    rot = np.array([[0.0, -1.0], [1.0, 0.0]])  # +90 degrees
    np.testing.assert_allclose(X[:40] @ rot.T, X[40:80], atol=1e-12)


def test_spirals_are_not_linearly_separable():
    X, y = data.spirals(100, 3, seed=0)
    A = np.column_stack([X, np.ones(len(X))])  # (N, 3)
    W = np.linalg.lstsq(A, np.eye(3)[y], rcond=None)[0]  # best linear one-vs-rest fit
    linear_acc = np.mean((A @ W).argmax(axis=1) == y)
    assert linear_acc < 0.7
    # ...yet the classes are well separated locally: a 1-nearest-neighbour rule nearly always agrees
    d = ((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2)
    np.fill_diagonal(d, np.inf)
    assert np.mean(y[d.argmin(axis=1)] == y) > 0.9


def test_spirals_errors():
    with pytest.raises(ValueError, match=r"n_classes=1 must be a whole number >= 2"):
        data.spirals(10, n_classes=1)
    with pytest.raises(ValueError, match=r"noise=-0\.1 must be >= 0"):
        data.spirals(10, noise=-0.1)


# ----------------------------------------------------------------------------- character language
def test_vocabulary_is_sorted_and_covers_a_large_corpus_exactly():
    vocab = data.vocabulary()
    assert list(vocab) == sorted(set(vocab))
    assert set(data.corpus(5000, seed=0)) == set(vocab)
    assert data.vocabulary("banana") == "abn"


def test_encode_by_hand_and_decode_round_trip():
    vocab = data.vocabulary()
    assert vocab == " .abcdeghiklmnoprstu"
    np.testing.assert_array_equal(data.encode("dog."), [5, 14, 7, 1])
    assert data.encode("dog.").dtype == np.int64
    text = data.corpus(300, seed=9)
    assert data.decode(data.encode(text)) == text
    assert data.decode(data.encode("cab", vocab="abc"), vocab="abc") == "cab"


def test_every_generated_sentence_is_grammatical_and_the_grammar_is_covered():
    sents = data.sentences(400, seed=0)
    assert all(data.is_grammatical(s) for s in sents)
    words = {w for s in sents for w in s[:-1].split(" ")}
    expected = set(
        "the a some red small big cat dog bird cats dogs birds sees likes chases see like chase "
        "runs sleeps sings run sleep sing".split()
    )
    assert words == expected


def test_corpus_is_exact_length_of_grammatical_sentences():
    text = data.corpus(2000, seed=3)
    assert len(text) == 2000
    complete = data.split_sentences(text)
    assert len(complete) > 50
    assert all(data.is_grammatical(s) for s in complete)
    assert data.grammatical_fraction(text) == 1.0


@pytest.mark.parametrize(
    "sentence",
    [
        "the dogs sleep.",
        "a big bird chases some red cats.",
        "the small cat sees the dog.",
        "  some cats like a bird.  ",
    ],
)
def test_hand_written_grammatical_sentences_pass(sentence):
    assert data.is_grammatical(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "the cat see a dog.",  # verb does not agree with a singular subject
        "the dogs sleeps.",  # ... nor with a plural one
        "a cats run.",  # 'a' needs a singular noun
        "some cat runs.",  # 'some' needs a plural noun
        "the cat sees.",  # transitive verb without an object
        "the cat runs a dog.",  # intransitive verb with an object
        "the big red cat runs.",  # at most one adjective
        "the cat runs",  # no full stop
        "the cat  runs.",  # double space
        "the cat runs .",  # space before the full stop
        "cat the runs.",  # word order
        "the cow runs.",  # unknown word
        "the cat runs. a dog runs.",  # two sentences
        "",
    ],
)
def test_corrupted_sentences_fail(sentence):
    assert not data.is_grammatical(sentence)


def test_corrupting_one_character_of_generated_sentences_is_caught():
    rng = np.random.default_rng(0)
    caught = 0
    for s in data.sentences(100, seed=1):
        i = int(rng.integers(len(s) - 1))
        bad = s[:i] + ("x" if s[i] != "x" else "q") + s[i + 1 :]
        caught += not data.is_grammatical(bad)
    assert caught == 100


def test_grammatical_fraction_counts_complete_sentences_only():
    assert data.grammatical_fraction("a cat runs. the cat run. some dogs sleep. a do") == 2 / 3
    assert data.grammatical_fraction("a cat ru") == 0.0


def test_char_batches_targets_are_the_shifted_text():
    text = data.corpus(1000, seed=2)
    vocab = data.vocabulary()
    x, y = data.char_batches(text, vocab, T=12, N=16, seed=4)
    assert x.shape == (16, 12, len(vocab)) and x.dtype == np.float64
    assert y.shape == (16, 12) and np.issubdtype(y.dtype, np.integer)
    np.testing.assert_array_equal(x.sum(axis=2), 1.0)
    for i in range(16):
        inp = "".join(vocab[k] for k in x[i].argmax(axis=1))
        out = "".join(vocab[k] for k in y[i])
        assert out[:-1] == inp[1:]
        assert inp + out[-1] in text


def test_char_batches_can_reach_the_last_character():
    text = "abcdef"
    x, y = data.char_batches(text, "abcdef", T=5, N=50, seed=0)
    assert {data.decode(row, "abcdef") for row in y} == {"bcdef"}


def test_language_errors():
    with pytest.raises(ValueError, match=r"character 'Z' at position 2 is not in the vocabulary.*vocabulary\(text\)"):
        data.encode("a Z")
    with pytest.raises(ValueError, match=r"id 40 is outside 0\.\.19.*decode with the vocabulary used to encode"):
        data.decode([1, 40])
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*x\.argmax\(axis=-1\)"):
        data.decode(np.zeros((2, 3), dtype=int))
    with pytest.raises(ValueError, match=r"text has 5 characters but a window of T=5 needs at least T \+ 1 = 6"):
        data.char_batches("a cat", None, T=5, N=2)
    with pytest.raises(ValueError, match=r"n_chars=0 must be a whole number >= 1"):
        data.corpus(0)
    with pytest.raises(TypeError, match=r"sentence must be a str, got int"):
        data.is_grammatical(3)


def test_decode_does_not_mutate_ids():
    ids = np.array([2, 0, 4])
    before = ids.copy()
    data.decode(ids)
    np.testing.assert_array_equal(ids, before)


def test_encode_equals_a_character_by_character_lookup():
    """The vectorised encoder gives what looking every character up in a dict gives (the last
    position of a repeated vocabulary character wins, as in a dict), for non-ASCII text too."""
    rng = np.random.default_rng(4)
    for vocab in ("abc", " .abcdeghiklmnoprstu", "zéa.ü", "abca"):
        index = {ch: i for i, ch in enumerate(vocab)}
        text = "".join(rng.choice(list(vocab), size=300))
        expected = [index[ch] for ch in text]
        np.testing.assert_array_equal(data.encode(text, vocab), expected)
    assert data.encode("", "ab").shape == (0,)
    with pytest.raises(ValueError, match=r"character 'q' at position 3 is not in the vocabulary"):
        data.encode("abcq", "abc")
    with pytest.raises(TypeError, match="text must be a str, got list"):
        data.encode(["a"], "abc")
