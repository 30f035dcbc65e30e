"""Figures and widgets for the lessons. Every plot helper takes an optional ``ax`` (or draws on its
own standalone figure) and leaves the global matplotlib state alone.

Submodules:

- ``palette``: the Okabe-Ito colour-blind-safe colours every figure uses
- ``graphs``: computational graphs and unrolled graphs (``draw_graph``, ``draw_unrolled``)
- ``lstm_cell``: one LSTM step drawn by hand, legible and with no edge through a node (lesson 6)
- ``curves``: loss curves, decision regions, gradient flow, per-step contributions, sequences
- ``recurrence``: count tables that show why a sequence task needs memory
- ``training_explorer``: sliders for learning rate and hidden size of an MLP (lesson 1)
- ``unrolling_explorer``: a slider that unrolls the RNN cell graph step by step (lesson 3)
- ``bptt_explorer`` and ``gradient_explorer``: per-step gradient views (lessons 4 and 5)
- ``gate_explorer``: gradient versus lag for the RNN and the LSTM, a forget-bias slider (lesson 6)
- ``slider_output``: the PNG-and-line contents those two explorers show under their slider
"""
