"""Progress records: every verdict ``check()`` gives a learner, one JSON line each, in their home.

The file is ``~/.rnncourse/progress.jsonl`` (the folder is ``$RNNCOURSE_PROGRESS_DIR`` when set).
A record names the exercise or question, its lesson, whether it passed, the named mistake's id,
the points and the time; never the learner's code or answer. ``rnncourse progress`` shows a
learner their own records; a workshop's dashboard (:mod:`rnncourse.hub.dashboard`) reads every
learner's.

- :mod:`~rnncourse.progress.record_format`: one record, its JSON line, and the validation every line
  read back goes through (the file is the learner's to edit: nothing in it is trusted);
- :mod:`~rnncourse.progress.store`: where the file is, appending one line atomically, reading a
  file safely (no symlinks, no FIFOs, size-capped), the size cap, the anonymity preference;
- :mod:`~rnncourse.progress.state`: a learner's records folded into the latest verdict per id.

This package is below :mod:`rnncourse.checks` (which records through it) and knows nothing of the
catalogue: which ids and mistakes exist is checked by its readers.
"""

from rnncourse.progress.record_format import Record, make_record, parse_line
from rnncourse.progress.state import Attempt, latest_attempts
from rnncourse.progress.store import (
                                      PROGRESS_FILE,
                                      ReadResult,
                                      is_anonymous,
                                      progress_dir,
                                      read_progress,
                                      record,
                                      recording_enabled,
                                      set_anonymous,
)

__all__ = ["Record", "make_record", "parse_line", "Attempt", "latest_attempts", "PROGRESS_FILE",
           "ReadResult", "is_anonymous", "progress_dir", "read_progress", "record",
           "recording_enabled", "set_anonymous"]
