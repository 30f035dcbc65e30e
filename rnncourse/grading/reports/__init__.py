"""After a batch: the class report, students' HTML feedback and the similarity check."""
