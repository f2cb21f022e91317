"""Benchmarks for tracker: a deterministic data generator and a timing runner (not tests)."""
