# chatlab build. Plain make, no configure step.
#
#   make            build every binary into bin/
#   make test       install missing packages (as root), build, run every test
#   make SAN=tsan   ThreadSanitizer build into bin/tsan/ (SAN=asan: ASan+UBSan into bin/asan/)
#
# Layout the rules rely on: each program directory holds its sources (*.c) with main() in
# main.c; its cmocka tests are DIR/tests/test_*.c and link every object of DIR except main.o.
# common/ is built into one static library that every program links.

SAN ?=
ifeq ($(SAN),)
  BUILD := build/release
  BIN   := bin
  OPT   := -O2
else ifeq ($(SAN),tsan)
  BUILD := build/tsan
  BIN   := bin/tsan
  OPT   := -O1 -fsanitize=thread
else ifeq ($(SAN),asan)
  BUILD := build/asan
  BIN   := bin/asan
  OPT   := -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined
else
  $(error SAN must be empty, tsan or asan)
endif

CC      ?= cc
CFLAGS  ?= -g
CFLAGS  += -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -pthread -fno-omit-frame-pointer $(OPT) -Icommon
LDFLAGS += -pthread $(filter -fsanitize=%,$(OPT))
PYTHON  ?= python3

SERVERS  := async threaded hybrid
PROGRAMS := $(SERVERS) client loadgen
# A program directory is built only once it has a main.c, so a variant can land in pieces.
BUILT    := $(foreach p,$(PROGRAMS),$(if $(wildcard $(p)/main.c),$(p)))

objs = $(patsubst %.c,$(BUILD)/%.o,$(wildcard $(1)/*.c))
CORE_LIB := $(BUILD)/libchatcore.a

name_of = chat-$(1)
PROGRAM_BINS := $(foreach p,$(BUILT),$(BIN)/$(call name_of,$(p)))
EXTRA_BINS   := $(if $(wildcard loadgen/probe/calibrate.c),$(BIN)/chat-calibrate) \
                $(if $(wildcard loadgen/probe/pollcost.c),$(BIN)/chat-pollcost)

.PHONY: all
all: $(PROGRAM_BINS) $(EXTRA_BINS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(CORE_LIB): $(call objs,common)
	@rm -f $@
	ar rcs $@ $^

LIBS_loadgen := -lm

define program_rule
$(BIN)/$(call name_of,$(1)): $(call objs,$(1)) $(CORE_LIB)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) $$^ $$(LIBS_$(1)) -o $$@
endef
$(foreach p,$(BUILT),$(eval $(call program_rule,$(p))))

$(BIN)/chat-calibrate: $(BUILD)/loadgen/probe/calibrate.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ -o $@

# chat-pollcost: one event-loop turn per poller against watched fds (make bench)
$(BIN)/chat-pollcost: $(BUILD)/loadgen/probe/pollcost.o $(BUILD)/loadgen/probe/pollcost_plan.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ -o $@

# ---- unit tests (cmocka) ------------------------------------------------------------
UNIT_DIRS  := common $(BUILT)
UNIT_SRCS  := $(foreach d,$(UNIT_DIRS),$(wildcard $(d)/tests/test_*.c))
UNIT_BINS  := $(patsubst %.c,$(BUILD)/%,$(UNIT_SRCS))
# The probes have main()s of their own; their testable parts are listed by hand.
PROBE_TESTS := $(if $(wildcard loadgen/probe/tests/test_pollcost_plan.c),$(BUILD)/loadgen/probe/tests/test_pollcost_plan)
UNIT_BINS  += $(PROBE_TESTS)

define unit_rule
$(BUILD)/$(1)/tests/%: $(BUILD)/$(1)/tests/%.o $(filter-out $(BUILD)/$(1)/main.o,$(call objs,$(1))) $(CORE_LIB)
	$$(CC) $$(LDFLAGS) $$^ $$(LIBS_$(1)) -lcmocka -o $$@
endef
$(foreach d,$(UNIT_DIRS),$(eval $(call unit_rule,$(d))))
$(BUILD)/loadgen/probe/tests/test_pollcost_plan: $(BUILD)/loadgen/probe/tests/test_pollcost_plan.o $(BUILD)/loadgen/probe/pollcost_plan.o
	$(CC) $(LDFLAGS) $^ -lcmocka -o $@
# common's own objects are already in the library; do not link them twice.
$(BUILD)/common/tests/%: $(BUILD)/common/tests/%.o $(CORE_LIB)
	$(CC) $(LDFLAGS) $^ -lcmocka -o $@

# Every test binary runs, even after one fails; the target fails at the end if any did.
.PHONY: unit
unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do echo "== $$t"; $$t || fail=1; done; exit $$fail

# ---- the black-box scenario suite ------------------------------------------------------
SERVER_BINS = $(foreach s,$(SERVERS),$(if $(wildcard $(s)/main.c),$(BIN)/chat-$(s)))

# The event-loop servers run the suite once per poller; chat-threaded (which ignores
# --poller) once.
POLLERS := select poll epoll
.PHONY: scenarios
scenarios: all
	@set -e; for s in $(SERVER_BINS); do \
	  case $$s in *threaded) pollers=select;; *) pollers="$(POLLERS)";; esac; \
	  for p in $$pollers; do \
	    echo "== scenarios against $$s --poller $$p"; \
	    $(PYTHON) harness/run_scenarios.py --server $$s --server-arg=--poller \
	      --server-arg=$$p $(SCENARIO_ARGS); \
	  done; \
	done

# ThreadSanitizer runs of the multi-threaded servers (any report fails the run).
TSAN_SERVERS := $(foreach s,threaded hybrid,$(if $(wildcard $(s)/main.c),$(s)))
.PHONY: tsan-scenarios
tsan-scenarios:
	@if [ -n "$(TSAN_SERVERS)" ]; then \
	  $(MAKE) --no-print-directory SAN=tsan $(foreach s,$(TSAN_SERVERS),bin/tsan/chat-$(s)) && \
	  for s in $(TSAN_SERVERS); do \
	    echo "== scenarios against bin/tsan/chat-$$s (ThreadSanitizer)"; \
	    TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
	      $(PYTHON) harness/run_scenarios.py --server bin/tsan/chat-$$s --sanitizer --timeout-scale 3 || exit 1; \
	  done; \
	  if [ -f hybrid/main.c ]; then \
	    echo "== scenarios against bin/tsan/chat-hybrid --poller epoll (ThreadSanitizer)"; \
	    TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
	      $(PYTHON) harness/run_scenarios.py --server bin/tsan/chat-hybrid --sanitizer --timeout-scale 3 \
	        --server-arg=--poller --server-arg=epoll || exit 1; \
	  fi; \
	fi

# Tests of the terminal client, through a pseudo-terminal.
.PHONY: client-tests
client-tests: all
	@if [ -f client/tests/test_client.py ]; then $(PYTHON) client/tests/test_client.py; fi

# Self-tests of the harness (parser, driver, runner verdicts).
.PHONY: harness-tests
harness-tests: all
	@$(PYTHON) harness/test_harness.py
	@$(PYTHON) harness/test_bench.py

.PHONY: deps
deps:
	@tools/ensure-packages libcmocka-dev python3

.PHONY: test
test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory harness-tests
	@$(MAKE) --no-print-directory scenarios
	@$(MAKE) --no-print-directory client-tests
	@$(MAKE) --no-print-directory tsan-scenarios

.PHONY: clean
clean:
	rm -rf build bin dist

# Targets of the hardening campaign (make sanitize, fuzz, ...) and of the BRB lab
# (make handout, grade) live beside their code.
-include hardening/rules.mk labs/brb/rules.mk

-include $(shell find build -name '*.d' 2>/dev/null)

# ---- the benchmark (see harness/bench.py and results/README.md) ---------------------
.PHONY: bench
bench: all
	@tools/ensure-packages gnuplot-nox
	$(PYTHON) harness/bench.py $(if $(FULL),--full) $(BENCH_ARGS)

# make trace: per-thread timelines of one line through each server (harness/trace.mk)
-include harness/trace.mk
