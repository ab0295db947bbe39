# harness/trace.mk - see the designs: one line traced through every server (harness/trace.py).
# Included by the top-level Makefile; what it writes is described in harness/README.md.
#
#   make trace                   strace -f each server through one scene -> results/trace/
#   make trace TRACE_ARGS="--designs hybrid --out /tmp/t"      (python3 harness/trace.py --help)
#   make trace-unit              the strace parser's unit tests (make test runs them too)

TRACE_ARGS ?=

.PHONY: trace trace-unit
trace: all
	@tools/ensure-packages strace gnuplot-nox
	$(PYTHON) harness/trace.py $(TRACE_ARGS)

trace-unit:
	@echo "== harness/test_trace.py (strace parser)"
	@$(PYTHON) harness/test_trace.py

# make test runs them as well (they need no build and no server).
test: trace-unit
