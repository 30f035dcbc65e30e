"""Records: the gradebook CSV, JSON reports and feedback files, row names, the class roster, and the
term ledger (which submission counts, adjustments, late penalties, the history of every grading)."""
