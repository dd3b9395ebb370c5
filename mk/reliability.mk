# Reliability figures (included by the Makefile). `make reliability` runs the real action
# against the bundled emulator: every kind of transient fault GitHub documents (each must
# be survived), faults that never clear (each must fail cleanly within its bound), and a
# hostile network (the entrypoint in child processes against misbehaving servers on
# 127.0.0.1: stalls, bombs, foreign or dot-segment links, malformed key_id and scope
# headers, control bytes, secrets quoted across the cut of server text), with leak checks
# down to 12-character fragments and crash checks on every run. Hostile inputs are not
# repeated here: they are tests/test_hostile.py's property tests, run by `make test`.
# One table on stdout; the same figures in build/reliability.json; exit 1 on any leak,
# traceback, run past its bound or unsurvived fault. About a minute.
.PHONY: reliability

reliability: $(STAMP) ## fault injection and a hostile network, with figures
	$(PY) scripts/reliability.py
