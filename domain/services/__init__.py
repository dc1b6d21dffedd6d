"""The use cases: each command runs in one transaction against the store and answers in data."""
