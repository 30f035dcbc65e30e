"""Records: the gradebook CSV, JSON reports and feedback files, row names and the class roster."""
