"""Recurrent cells: the vanilla RNN and the LSTM (pinned teaching functions), truncated BPTT,
fast paths, a sequence model and a GRU step for comparison.

The teaching functions live in :mod:`rnncourse.rnn.core` (``rnn_step_forward``,
``rnn_step_backward``, ``rnn_forward``, ``rnn_backward``) and :mod:`rnncourse.rnn.lstm`
(``lstm_step_forward``, ``lstm_step_backward``, ``lstm_forward``, ``lstm_backward``) and are
re-exported here.
"""

from rnncourse.rnn.core import rnn_backward, rnn_forward, rnn_step_backward, rnn_step_forward
from rnncourse.rnn.fast import rnn_backward_fast, rnn_forward_fast
from rnncourse.rnn.gru import gru_forward, gru_step_forward
from rnncourse.rnn.lstm import (
                                lstm_backward,
                                lstm_forward,
                                lstm_forward_from,
                                lstm_step_backward,
                                lstm_step_forward,
                                sigmoid,
)
from rnncourse.rnn.lstm_fast import lstm_backward_fast, lstm_forward_fast
from rnncourse.rnn.model import SequenceModel, one_hot, sample
from rnncourse.rnn.truncated import rnn_backward_truncated

__all__ = ["rnn_step_forward", "rnn_step_backward", "rnn_forward", "rnn_backward",
           "rnn_backward_truncated", "rnn_forward_fast", "rnn_backward_fast",
           "lstm_step_forward", "lstm_step_backward", "lstm_forward", "lstm_backward",
           "lstm_forward_from", "lstm_forward_fast", "lstm_backward_fast", "sigmoid",
           "gru_step_forward", "gru_forward",
           "SequenceModel", "one_hot", "sample"]
