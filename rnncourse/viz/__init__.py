"""Figures and widgets for the lessons. Every plot helper takes an optional ``ax`` and leaves the
global matplotlib state alone.

Submodules: ``graphs`` (computational graphs, unrolled graphs), ``curves`` (loss curves, decision
boundaries, gradient flow), ``widgets`` (ipywidgets explorers).
"""
