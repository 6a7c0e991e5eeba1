# One command: the benchmark report (docs/performance.md). Needs PostgreSQL and Redis.
.PHONY: bench
bench:
	bin/setup requirements.txt
	.venv/bin/python bench/report.py
