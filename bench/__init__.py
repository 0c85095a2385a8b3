"""Benchmarks (not run by the test command); bench.settings and bench.urls serve the portal for bench/load_bench.py."""
