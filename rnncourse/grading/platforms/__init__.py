"""Platforms: exports to learning-management systems and the Gradescope autograder."""
