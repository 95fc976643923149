"""Benchmarks (accuracy against rendered ground truth). Not run by the test suite."""
