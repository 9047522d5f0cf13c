"""Benchmarks: `python -m bench` runs every module here, `python -m bench NAME` one (each has main(argv))."""
