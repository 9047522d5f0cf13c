"""Benchmarks: `python -m bench` runs every module here with a run(); `python -m bench NAME` runs one."""
