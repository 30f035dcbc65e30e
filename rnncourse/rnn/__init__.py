"""The vanilla RNN: the pinned teaching functions, truncated BPTT, a character model and a fast path.

The teaching functions (``rnn_step_forward``, ``rnn_step_backward``, ``rnn_forward``,
``rnn_backward``) live in :mod:`rnncourse.rnn.core` and are re-exported here.
"""

from rnncourse.rnn.core import rnn_backward, rnn_forward, rnn_step_backward, rnn_step_forward
from rnncourse.rnn.truncated import rnn_backward_truncated
from rnncourse.rnn.fast import rnn_backward_fast, rnn_forward_fast
from rnncourse.rnn.model import SequenceModel, one_hot, sample

__all__ = ["rnn_step_forward", "rnn_step_backward", "rnn_forward", "rnn_backward",
           "rnn_backward_truncated", "rnn_forward_fast", "rnn_backward_fast",
           "SequenceModel", "one_hot", "sample"]
