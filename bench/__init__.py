"""`make bench`: how fast and how frugal the pipeline is, measured on this machine (a benchmark, not a test).

Run `python -m bench` (everything), `python -m bench --quick` (small sizes) or `--only transcription,cache`.
Results go to bench/results.json and bench/results.md; see bench/run.py.
"""
