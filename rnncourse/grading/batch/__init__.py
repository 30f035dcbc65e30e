"""Batch: a class graded end to end (:func:`~rnncourse.grading.batch.run.grade_paths`) or one
notebook (:func:`~rnncourse.grading.batch.run.grade_one`), in a pool of forked workers."""
