# hardening/rules.mk - the hardening campaign: sanitizers, fuzzing, fault injection, soak,
# valgrind. Included by the top-level Makefile; see hardening/README.md.
#
#   make sanitize            scenario suite against ASan+UBSan and TSan builds of every server
#   make fuzz SECS=60        each libFuzzer target for SECS seconds (fuzz-smoke: about 10 s)
#   make faultinject         scenario suite with short counts, EINTR and EAGAIN injected
#   make soak SECS=60        harness/soak.py against every server for SECS seconds each
#   make memcheck            a subset of the scenarios under valgrind memcheck
#   make hardening-regressions   the cmocka tests of bugs found by this campaign
#   make hardening-ci        what CI runs: all of the above, within a bounded time
#
# Every target runs against each server whose directory has a main.c, like `make scenarios`.
# A failing server does not stop the others; the target fails at the end.

HARDEN_SERVERS = $(foreach s,$(SERVERS),$(if $(wildcard $(s)/main.c),$(s)))
HARDEN_PACKAGES := build-essential clang libclang-rt-14-dev valgrind libcmocka-dev python3

SECS ?= 60
SEED ?=

# Any sanitizer report must fail the run: stop at the first one, with an exit status of its
# own (the harness wants 0 after SIGTERM), and (ASan) look for leaks at exit. The harness also
# greps the server's stderr for reports (--sanitizer). Set only for the commands below, so
# that other targets keep their own settings.
HARDEN_ASAN_OPTIONS  ?= halt_on_error=1:detect_leaks=1:exitcode=86:strict_string_checks=1
HARDEN_UBSAN_OPTIONS ?= halt_on_error=1:print_stacktrace=1:exitcode=87
HARDEN_TSAN_OPTIONS  ?= halt_on_error=1:exitcode=66:second_deadlock_stack=1
SAN_ENV = ASAN_OPTIONS=$(HARDEN_ASAN_OPTIONS) UBSAN_OPTIONS=$(HARDEN_UBSAN_OPTIONS) \
          TSAN_OPTIONS=$(HARDEN_TSAN_OPTIONS)

# Sanitized and instrumented servers are slower: give every timeout of the suite more room.
ASAN_SCALE ?= 3
TSAN_SCALE ?= 4
FAULT_SCALE ?= 2
MEMCHECK_SCALE ?= 10

# ---- sanitizers ---------------------------------------------------------------------------
# ASan+UBSan, then TSan, for every server. chat-async has one thread, so TSan mostly checks
# that it stays so; it is cheap, and it showed a real hazard: TSan delays a signal handler to
# the thread's next intercepted call, so a SIGTERM landing just before select() went unseen
# until a client woke the loop (24 of 30 SIGTERMs hung, measured here; TSan builds now take
# the stop signals with sigwait() in a thread of their own, see common/server.c).
.PHONY: sanitize
sanitize:
	@fail=0; for s in $(HARDEN_SERVERS); do \
	  $(MAKE) --no-print-directory SAN=asan bin/asan/chat-$$s || exit 1; \
	  echo "== scenarios against bin/asan/chat-$$s (AddressSanitizer + UndefinedBehaviorSanitizer)"; \
	  $(SAN_ENV) $(PYTHON) harness/run_scenarios.py --server bin/asan/chat-$$s --sanitizer \
	    --timeout-scale $(ASAN_SCALE) $(SCENARIO_ARGS) || fail=1; \
	done; \
	for s in $(HARDEN_SERVERS); do \
	  $(MAKE) --no-print-directory SAN=tsan bin/tsan/chat-$$s || exit 1; \
	  echo "== scenarios against bin/tsan/chat-$$s (ThreadSanitizer)"; \
	  $(SAN_ENV) $(PYTHON) harness/run_scenarios.py --server bin/tsan/chat-$$s --sanitizer \
	    --timeout-scale $(TSAN_SCALE) $(SCENARIO_ARGS) || fail=1; \
	done; exit $$fail

# ---- fuzzing ------------------------------------------------------------------------------
# libFuzzer needs clang. The core is compiled again, with coverage instrumentation and
# ASan+UBSan, into build/fuzz/ (never mixed with build/release).
FUZZ_CC      ?= clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := -g -O1 -fno-omit-frame-pointer -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE \
                -Icommon $(FUZZ_SAN)
FUZZ_TARGETS := framer session
FUZZ_BINS    := $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_TARGETS))
FUZZ_CORE    := build/fuzz/libchatcore-fuzz.a

build/fuzz/common/%.o: common/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_CORE): $(patsubst common/%.c,build/fuzz/common/%.o,$(wildcard common/*.c))
	@rm -f $@
	ar rcs $@ $^

build/fuzz/fuzz_%: hardening/fuzz/fuzz_%.c $(FUZZ_CORE)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_CORE) -o $@

.PHONY: fuzz-build fuzz fuzz-smoke
fuzz-build: $(FUZZ_BINS)

# New inputs go to build/fuzz/corpus/T (first directory); the seeds in the repository are
# only read. A crash is saved as build/fuzz/artifacts/T/crash-*; turn it into a cmocka test
# in hardening/regressions/ (see hardening/README.md).
fuzz: fuzz-build
	@fail=0; for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t build/fuzz/artifacts/$$t; \
	  echo "== fuzz_$$t for $(SECS) s"; \
	  dict=; [ -f hardening/fuzz/$$t.dict ] && dict=-dict=hardening/fuzz/$$t.dict; \
	  $(SAN_ENV) build/fuzz/fuzz_$$t -max_total_time=$(SECS) -timeout=10 -rss_limit_mb=1024 \
	    -print_final_stats=1 $$dict -artifact_prefix=build/fuzz/artifacts/$$t/ \
	    build/fuzz/corpus/$$t hardening/fuzz/corpus/$$t > build/fuzz/fuzz_$$t.log 2>&1 \
	    || { fail=1; echo "fuzz_$$t FAILED; the end of build/fuzz/fuzz_$$t.log:"; \
	         tail -n 40 build/fuzz/fuzz_$$t.log; }; \
	  grep -E '^(Done|stat::number_of_executed_units|fuzz_[a-z]+: )' build/fuzz/fuzz_$$t.log || true; \
	done; exit $$fail

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz SECS=10

# ---- fault injection ----------------------------------------------------------------------
FAULT_SO := build/faultinject.so
FAULTINJECT_SEED   ?= 1
FAULTINJECT_SHORT  ?= 0.3
FAULTINJECT_EINTR  ?= 0.05
FAULTINJECT_EAGAIN ?= 0.05

$(FAULT_SO): hardening/faultinject/faultinject.c
	@mkdir -p $(dir $@)
	$(CC) -g -O2 -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -fPIC -shared -pthread $< -o $@ -ldl

# The harness starts the server itself; a wrapper named like the server sets LD_PRELOAD for
# the server process only (never for python) and execs it, keeping its pid.
build/faultinject/chat-%: hardening/faultinject/wrap.sh.in bin/chat-% $(FAULT_SO)
	@mkdir -p $(dir $@)
	sed -e 's|@SERVER@|$(abspath bin/chat-$*)|' -e 's|@SHIM@|$(abspath $(FAULT_SO))|' $< > $@
	chmod +x $@

.PHONY: faultinject
faultinject: $(foreach s,$(HARDEN_SERVERS),build/faultinject/chat-$(s))
	@rm -f build/faultinject/stats-*.txt; fail=0; for s in $(HARDEN_SERVERS); do \
	  echo "== scenarios against bin/chat-$$s with faults injected (seed $(FAULTINJECT_SEED))"; \
	  FAULTINJECT_SEED=$(FAULTINJECT_SEED) FAULTINJECT_SHORT=$(FAULTINJECT_SHORT) \
	  FAULTINJECT_EINTR=$(FAULTINJECT_EINTR) FAULTINJECT_EAGAIN=$(FAULTINJECT_EAGAIN) \
	  FAULTINJECT_STATS=$(abspath build/faultinject)/stats-$$s.txt \
	    $(PYTHON) harness/run_scenarios.py --server build/faultinject/chat-$$s \
	    --timeout-scale $(FAULT_SCALE) $(SCENARIO_ARGS) || fail=1; \
	  $(PYTHON) hardening/faultinject/sum_stats.py build/faultinject/stats-$$s.txt; \
	done; exit $$fail

# ---- soak ---------------------------------------------------------------------------------
.PHONY: soak
soak: $(foreach s,$(HARDEN_SERVERS),bin/chat-$(s))
	@fail=0; for s in $(HARDEN_SERVERS); do \
	  echo "== soak against bin/chat-$$s for $(SECS) s"; \
	  $(PYTHON) harness/soak.py --server bin/chat-$$s --secs $(SECS) $(if $(SEED),--seed $(SEED)) \
	    $(SOAK_ARGS) || fail=1; \
	done; exit $$fail

# ---- valgrind memcheck --------------------------------------------------------------------
# A representative subset (valgrind makes a server 20-50 times slower): chat, history,
# nicknames, away/back with drops, every kind of bad input, resets, server full, a burst and
# a slow reader cut off, SIGPIPE, shutdown with pending lines, concurrency, garbage floods.
MEMCHECK_SCENARIOS ?= chat_line_to_everyone history_replay_last_k back_dropped_notice \
  back_flushes_in_order quit_while_away_receives_nothing nick_change_broadcast \
  nick_in_use_case_insensitive who_lists_away line_too_long_rest_discarded \
  long_line_100k_no_newline invalid_text_utf8 hostile_mix_in_one_packet reset_mid_line \
  server_full reader_not_cut_off_by_burst slow_reader_cut_off_backlog \
  sigpipe_reset_with_pending_output sigterm_delivers_pending_lines_first \
  sigint_clients_get_notice concurrent_senders_same_order memory_bounded_under_garbage
MEMCHECK_ARGS ?= $(foreach n,$(MEMCHECK_SCENARIOS),--name $(n))

build/memcheck/chat-%: hardening/memcheck/wrap.sh.in bin/chat-%
	@mkdir -p $(dir $@)
	sed -e 's|@SERVER@|$(abspath bin/chat-$*)|' $< > $@
	chmod +x $@

.PHONY: memcheck
memcheck: $(foreach s,$(HARDEN_SERVERS),build/memcheck/chat-$(s))
	@fail=0; for s in $(HARDEN_SERVERS); do \
	  echo "== scenarios against bin/chat-$$s under valgrind memcheck"; \
	  $(PYTHON) harness/run_scenarios.py --server build/memcheck/chat-$$s --sanitizer \
	    --timeout-scale $(MEMCHECK_SCALE) $(MEMCHECK_ARGS) || fail=1; \
	done; exit $$fail

# ---- regression tests of bugs found here --------------------------------------------------
# Each hardening/regressions/test_*.c is a cmocka test linked with the ASan+UBSan core; each
# hardening/regressions/*.scn is a black-box scenario, run against every server.
REGRESSION_SRCS := $(wildcard hardening/regressions/test_*.c)
REGRESSION_BINS := $(patsubst hardening/regressions/%.c,build/hardening/regressions/%,$(REGRESSION_SRCS))
REGRESSION_SCNS := $(wildcard hardening/regressions/*.scn hardening/regressions/*.py)

build/hardening/regressions/%: hardening/regressions/%.c $(FUZZ_CORE)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(FUZZ_CORE) -lcmocka -o $@

.PHONY: hardening-regressions
hardening-regressions: $(REGRESSION_BINS) $(foreach s,$(HARDEN_SERVERS),bin/chat-$(s))
	@fail=0; for t in $(REGRESSION_BINS); do echo "== $$t"; $(SAN_ENV) $$t || fail=1; done; \
	if [ -n "$(REGRESSION_SCNS)" ]; then for s in $(HARDEN_SERVERS); do \
	  echo "== regression scenarios against bin/chat-$$s"; \
	  $(PYTHON) harness/run_scenarios.py --server bin/chat-$$s --scenarios hardening/regressions \
	    || fail=1; \
	done; fi; exit $$fail

# ---- what CI runs -------------------------------------------------------------------------
.PHONY: hardening-deps hardening-ci
hardening-deps:
	@tools/ensure-packages $(HARDEN_PACKAGES)

hardening-ci: hardening-deps
	@$(MAKE) --no-print-directory all
	@fail=0; for t in hardening-regressions fuzz-smoke sanitize faultinject memcheck soak; do \
	  start=$$(date +%s); \
	  $(MAKE) --no-print-directory $$t || { fail=1; echo "** $$t FAILED"; }; \
	  echo "** $$t took $$(( $$(date +%s) - start )) s"; \
	done; exit $$fail
