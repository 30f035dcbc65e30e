"""The end-of-run summary of ``rnncourse grade`` (printed on stderr after the outputs are written).

It says how many submissions were graded and with which seed (``--seed`` regrades them exactly),
what the merge did to the gradebook (rows replaced, added, kept) and which folder the rows are
named relative to, and — with a roster — lists every submission no roster entry matches, every
submission several entries match, every roster student without a submission (their row says
``missing``), every submission superseded by a later one of the same student (the term
ledger, :mod:`rnncourse.grading.records.term`) and every other student matched by more than
one submission. Nothing is left out or cut
short: these are the rows an instructor must look at. With ``--lesson``, the notebooks of
another lesson (status ``wrong lesson``) are listed too (:func:`wrong_lesson_lines`).
"""

from __future__ import annotations

from rnncourse.grading.judging.results import Status


def _rows(n):
    return f"{n} row" if n == 1 else f"{n} rows"


def summary_lines(report, graded, seed, out, root):
    """The summary, one line per fact, each starting with ``rnncourse grade:``.

    Parameters
    ----------
    report : :class:`~rnncourse.grading.records.gradebook_csv.MergeReport` or None (no gradebook written)
    graded : int, submissions graded in this batch
    seed : int, the batch's seed
    out : str or Path, the gradebook
    root : str, the folder the identities are relative to (as the ``root`` column shows it)

    Returns
    -------
    list of str
    """
    lines = [f"{graded} submission(s) graded with seed {seed}; regrade exactly with "
             f"--seed {seed}"]
    if report is not None:
        lines.append(f"gradebook {str(out)!r}: {_rows(len(report.replaced))} replaced, "
                     f"{len(report.added)} added, {report.kept} kept; rows are named "
                     f"relative to {root!r} (--root)")
        if report.kept_aside:
            lines.append(f"WARNING: {str(out)!r} was changed while grading (by you, or by a "
                         "submission graded without a sandbox); the rows were merged into its "
                         "content from before grading, and the changed file was kept as "
                         f"{report.kept_aside!r}")
        if report.unmatched:
            lines.append(f"{len(report.unmatched)} submission(s) match no roster entry (no "
                         f"student id): {', '.join(report.unmatched)}")
        for identity, keys in report.ambiguous.items():
            lines.append(f"{identity!r} matches several roster entries ({', '.join(keys)}); it "
                         "has no student id: rename its folder or fix the roster")
        if report.missing:
            lines.append(f"{len(report.missing)} roster student(s) have no submission (status "
                         f"{'missing'!r}): {', '.join(report.missing)}")
        counting = {}
        for old, new in getattr(report, "superseded", {}).items():
            counting.setdefault(new, []).append(old)
        shared = {sid: ids for sid, ids in report.shared.items()
                  if not any(i in counting for i in ids)}
        for new, olds in counting.items():
            lines.append(f"{new!r} counts; superseded (kept in the gradebook, their feedback and "
                         f"report moved to superseded/): {', '.join(sorted(olds))}; to count "
                         "another one: rnncourse gradebook choose SUBMISSION")
        for student_id, identities in shared.items():
            lines.append(f"student {student_id!r} is matched by {len(identities)} submissions: "
                         f"{', '.join(identities)}; the export needs one row per student")
    return [f"rnncourse grade: {line}" for line in lines]


def wrong_lesson_lines(results, forced):
    """Lines listing the notebooks of another lesson than ``--lesson`` (``forced``): not run,
    0 points, so a wrong upload does not pass for a student who did nothing.

    Parameters
    ----------
    results : list of :class:`~rnncourse.grading.judging.results.SubmissionResult`
    forced : str or None, the lesson given with ``--lesson``
    """
    wrong = [r for r in results if r.status is Status.WRONG_LESSON]
    if not wrong:
        return []
    lines = [f"rnncourse grade: {len(wrong)} submission(s) are another lesson than --lesson "
             f"{forced} and were not graded (0 points); check they are the right uploads:"]
    lines += [f"  {r.name}: {r.status_text}" for r in wrong]
    return lines


__all__ = ["summary_lines", "wrong_lesson_lines"]
