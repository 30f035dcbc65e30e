"""rnncourse: the helper library of a Jupyter course on training recurrent neural networks.

Modules (one concept each): ``nn``, ``graph``, ``rnn``, ``gradcheck``, ``optim``, ``data``,
``train``, ``viz``, ``checks``, ``grading``, ``authoring``, ``cli``.
"""

__version__ = "0.1.0"
