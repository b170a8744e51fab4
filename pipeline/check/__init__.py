"""Check: drafts read the way a reviewer would (quotes grounded, reader checks) and `make eval`."""
