# Reliability figures (included by the Makefile). `make reliability` runs the real action
# in-process against the bundled emulator: every kind of transient fault GitHub documents
# (each must be survived), faults that never clear (each must fail cleanly within its
# bound), and a seeded batch of hostile inputs, with leak and crash checks on every run.
# One table on stdout; every figure in build/reliability.json; exit 1 on any leak,
# traceback or unsurvived fault. About a minute and a half.
#   make reliability RELIABILITY_ARGS="--hostile 1000"    more hostile runs
.PHONY: reliability

RELIABILITY_ARGS ?=

reliability: $(STAMP) ## fault injection, hostile network and hostile inputs, with figures
	$(PY) scripts/reliability.py $(RELIABILITY_ARGS)
