"""Change delivery: the record is the log; notifications only wake its readers."""
