"""Proof checks, one module per numbered result of the paper (found by name)."""
