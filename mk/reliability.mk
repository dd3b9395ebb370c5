# Reliability figures (included by the Makefile). `make reliability` runs the real action
# in-process against the bundled emulator: every kind of transient fault GitHub documents
# (each must be survived), faults that never clear (each must fail cleanly within its
# bound), a seeded batch of hostile inputs, and a hostile network (the entrypoint in child
# processes against misbehaving servers on 127.0.0.1), with leak and crash checks on every run.
# One table on stdout; every figure in build/reliability.json; exit 1 on any leak,
# traceback or unsurvived fault. About a minute and a half.
#   make reliability RELIABILITY_ARGS="--hostile 1000"    more hostile runs
.PHONY: reliability

RELIABILITY_ARGS ?=

reliability: $(STAMP) ## fault injection, hostile network and hostile inputs, with figures
	$(PY) scripts/reliability.py $(RELIABILITY_ARGS)
