"""Training loops for the sequence model, with truncated BPTT, clipping, a history and progress.

One *step* is one parameter update. With ``k=None`` every batch gives one step on its whole
sequences. With ``k`` set, every batch of length T is cut into chunks of ``k`` time steps
``[0, k), [k, 2k), ...`` and every chunk gives one step (truncated BPTT as in min-char-rnn): the
hidden state at the end of a chunk is carried into the next chunk as a plain array (so no gradient
flows back across the boundary: it is *detached*), and each batch starts again from zeros.

Progress: in a Jupyter kernel a progress bar (ipywidgets) with a label; elsewhere plain text
lines; ``progress=False`` prints nothing. Printed lines contain no timings, so a notebook that
trains with a fixed seed prints the same text every time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rnncourse._validate import whole_number
from rnncourse.optim import clip_gradients, global_norm


@dataclass
class History:
    """What happened during :func:`train`, one entry per step (parameter update).

    Attributes
    ----------
    loss : list of float, the training loss of every step (before its update)
    grad_norm : list of float, the global gradient norm of every step, BEFORE clipping
    clipped : list of bool, whether clipping rescaled that step's gradients
    eval_steps : list of int, the step counts at which ``eval_fn`` was called
    eval_values : list of float, what ``eval_fn`` returned there
    """

    loss: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    clipped: list = field(default_factory=list)
    eval_steps: list = field(default_factory=list)
    eval_values: list = field(default_factory=list)

    def __len__(self):
        return len(self.loss)

    def smoothed_loss(self, beta=0.9):
        """The loss curve smoothed by a bias-corrected exponential moving average, as an array."""
        out, avg = np.empty(len(self.loss)), 0.0
        for i, value in enumerate(self.loss):
            avg = beta * avg + (1 - beta) * value
            out[i] = avg / (1 - beta ** (i + 1))
        return out


# ----------------------------------------------------------------------------- progress display
def in_jupyter_kernel():
    """True when running inside an IPython kernel (a notebook), False in a terminal or a script."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class _TextProgress:
    def __init__(self, total):
        self.total = total

    def update(self, step, line=None):
        if line is not None:
            print(line, flush=True)

    def close(self, line):
        print(line, flush=True)


class _WidgetProgress:
    def __init__(self, total):
        import ipywidgets as widgets
        from IPython.display import display

        self.bar = widgets.IntProgress(value=0, min=0, max=max(total, 1), description="training")
        self.label = widgets.Label(value="")
        self.tick = max(1, total // 100)  # at most ~100 redraws
        display(widgets.HBox([self.bar, self.label]))

    def update(self, step, line=None):
        if step % self.tick == 0 or line is not None:
            self.bar.value = step
        if line is not None:
            self.label.value = line

    def close(self, line):
        self.bar.value = self.bar.max
        self.label.value = line
        self.bar.bar_style = "success"
        print(line, flush=True)  # also as text, so a notebook stores the final result


class _NoProgress:
    def __init__(self, total):
        pass

    def update(self, step, line=None):
        pass

    def close(self, line):
        pass


# ----------------------------------------------------------------------------- batches
def _as_batch_source(batches):
    """Return ``(get, n)``: ``get(i)`` gives batch i; ``n`` is the number per epoch or None."""
    if callable(batches):
        return batches, None
    if isinstance(batches, tuple) and batches and isinstance(batches[0], np.ndarray):
        batches = [batches]  # a single (x, y) or (x, y, mask)
    batches = list(batches)
    if not batches:
        raise ValueError("batches is empty; give a list of (x, y) or (x, y, mask) tuples")
    return (lambda i: batches[i % len(batches)]), len(batches)


def _unpack(batch):
    if not isinstance(batch, (tuple, list)) or len(batch) not in (2, 3):
        raise ValueError(
            f"a batch must be a tuple (x, y) or (x, y, mask), got {type(batch).__name__}"
            f"{' of length ' + str(len(batch)) if isinstance(batch, (tuple, list)) else ''}")
    x, y = batch[0], batch[1]
    mask = batch[2] if len(batch) == 3 else None
    return np.asarray(x), np.asarray(y), (None if mask is None else np.asarray(mask))


def _chunks(T, k):
    """The ``(start, stop)`` time ranges of one batch: one chunk when k is None."""
    if k is None:
        return [(0, T)]
    return [(s, min(s + k, T)) for s in range(0, T, k)]


def _updates_in(batch, k):
    """How many updates a batch gives: its chunks, less those whose mask selects nothing."""
    x, _, mask = _unpack(batch)
    chunks = _chunks(x.shape[1], k)
    if mask is None:
        return len(chunks)
    return sum(bool(mask[:, a:b].any()) for a, b in chunks)


def _final_state(model, x, h0):
    """The state after ``x``: ``model.final_state`` (an LSTM's is ``(h, c)``), else the last h."""
    if hasattr(model, "final_state"):
        return model.final_state(x, h0=h0)
    return model.hidden_states(x, h0=h0)[:, -1]


# ----------------------------------------------------------------------------- the loop
def train(model, batches, optimizer, steps=None, epochs=None, clip=None, k=None,
          carry_state=True, progress=True, every=None, eval_fn=None):
    """Train a sequence model and record what happened.

    Parameters
    ----------
    model : object with ``params`` (dict of arrays) and ``loss(x, y, h0=None, mask=None) ->
        (loss, grads, h_last)``, e.g. :class:`rnncourse.rnn.SequenceModel`
    batches : the training data, one of
        * a list of batches, each a tuple ``(x, y)`` or ``(x, y, mask)`` with ``x`` of shape
          (N, T, D), ``y`` of shape (N, T) (ids) or (N, T, C), ``mask`` of shape (N, T);
        * a single such tuple;
        * a callable ``batches(i) -> batch`` giving the i-th batch (i = 0, 1, 2, ...), for
          freshly generated data; use it with ``steps``.
    optimizer : object with ``step(params, grads)``, e.g. ``rnncourse.optim.Adam(lr=1e-2)``
    steps : int, stop after this many parameter updates (give ``steps`` or ``epochs``)
    epochs : int, the number of passes over a list of batches
    clip : None or float > 0, clip the global gradient norm to this value
        (:func:`rnncourse.optim.clip_gradients`); the norm is recorded before clipping either way
    k : None or int >= 1, truncated BPTT: cut each batch into chunks of ``k`` steps, one update
        per chunk. None: one update per batch, full BPTT.
    carry_state : bool, start each chunk from the previous chunk's last hidden state (detached);
        False starts every chunk from zeros. Each new batch starts from zeros.
    progress : bool, show progress (a widget in Jupyter, text lines elsewhere)
    every : None or int, report (and call ``eval_fn``) every ``every`` steps; None chooses about
        10 reports
    eval_fn : None or callable ``eval_fn(model) -> float``, e.g. accuracy on held-out data; called
        every ``every`` steps and at the end, and recorded in the history

    Returns
    -------
    History

    Example
    -------
    >>> from rnncourse.rnn import SequenceModel
    >>> from rnncourse.optim import Adam
    >>> model = SequenceModel(4, 16, 4, seed=0)
    >>> x = np.eye(4)[np.random.default_rng(0).integers(0, 4, size=(8, 10))]   # (8, 10, 4)
    >>> history = train(model, [(x, x.argmax(axis=2))], Adam(lr=0.05), steps=20, progress=False)
    >>> len(history.loss), history.loss[-1] < history.loss[0]
    (20, True)
    """
    if (steps is None) == (epochs is None):
        raise ValueError(f"give exactly one of steps or epochs (got steps={steps!r}, "
                         f"epochs={epochs!r}), e.g. steps=500")
    for name, value in (("steps", steps), ("epochs", epochs), ("k", k), ("every", every)):
        if value is not None:
            whole_number(name, value, 1, f"{name}=10")
    if clip is not None and (not np.isfinite(clip) or clip <= 0):
        raise ValueError(f"clip={clip!r} must be a positive number (a maximum norm), e.g. clip=5.0")
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer {optimizer!r} has no step(params, grads) method; "
                        "pass e.g. rnncourse.optim.Adam(lr=1e-2)")
    get_batch, per_epoch = _as_batch_source(batches)
    if epochs is not None:
        if per_epoch is None:
            raise ValueError("epochs needs a list of batches; with a batch function use steps=...")
        steps = epochs * sum(_updates_in(get_batch(i), k) for i in range(per_epoch))
    total = int(steps)
    every = int(every) if every is not None else max(1, total // 10)

    display_cls = _NoProgress
    if progress:
        display_cls = _WidgetProgress if in_jupyter_kernel() else _TextProgress
    display = display_cls(total)

    history = History()
    step, batch_index = 0, 0
    while step < total:
        x, y, mask = _unpack(get_batch(batch_index))
        batch_index += 1
        h = None  # every batch starts from a zero state
        updates = 0
        for start, stop in _chunks(x.shape[1], k):
            if step >= total:
                break
            m = None if mask is None else mask[:, start:stop]
            if m is not None and not m.any():  # nothing to learn here (e.g. only blank targets):
                if carry_state:  # no update, but the state still moves on to the next chunk
                    h = _final_state(model, x[:, start:stop], h)
                continue
            updates += 1
            loss, grads, h_last = model.loss(x[:, start:stop], y[:, start:stop], h0=h, mask=m)
            if not np.isfinite(loss):
                raise FloatingPointError(
                    f"the loss became {loss} at step {step + 1}; lower the learning rate or clip "
                    "the gradients, e.g. clip=5.0")
            norm = global_norm(grads)
            if clip is not None:
                grads, _ = clip_gradients(grads, clip)
            optimizer.step(model.params, grads)
            h = h_last if carry_state else None
            step += 1
            history.loss.append(float(loss))
            history.grad_norm.append(norm)
            history.clipped.append(clip is not None and norm > clip)
            line = None
            if step % every == 0 or step == total:
                line = f"step {step}/{total}  loss {loss:.4f}  grad norm {norm:.3g}"
                if eval_fn is not None:
                    value = float(eval_fn(model))
                    history.eval_steps.append(step)
                    history.eval_values.append(value)
                    line += f"  eval {value:.4f}"
            display.update(step, line)
        if updates == 0 and step < total:
            raise ValueError(f"batch {batch_index - 1} gave no update: its mask is False at every "
                             "step of every chunk; give masks with at least one True per batch")
    final = f"done: {total} steps, final loss {history.loss[-1]:.4f}"
    if history.eval_values:
        final += f", eval {history.eval_values[-1]:.4f}"
    display.close(final)
    return history
