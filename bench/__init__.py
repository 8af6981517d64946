"""Benchmarks: scripts that print figures beside a floor measured in the same run.

`make bench` (python -m bench) runs them all and writes docs/benchmarks.md.
"""
