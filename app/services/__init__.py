"""Use cases. Each mutation is one transaction: validate, write, recompute, record, commit."""
