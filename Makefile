# pairbench front door. CMake is the build; these targets are what people run.
#
#   make bench   install missing packages, build, verify and time every case,
#                write results/RESULTS.json and print the pair summary; add
#                the run to the history results/history.sqlite, and write
#                the report with its history charts
#   make quick   a short pass: every scenario at its smallest N, one
#                repetition, verified (results/QUICK.json)
#   make history print the speed-ups over the last runs of this machine
#                from results/history.sqlite (HISTORY_ARGS="--changes" for
#                the change points, "--machines" for the machines)
#   make test    install missing packages, build, run the tests; then again
#                under AddressSanitizer + UndefinedBehaviorSanitizer, and the
#                concurrent ones (ctest label "concurrent") under
#                ThreadSanitizer
#   make report  write results/report/index.html and summary.md from the
#                last results, with the history's charts when there is one
#                (make bench does it at its end)
#   make compare pair naive with optimized in results/RESULTS.json using
#                Google Benchmark's compare.py
#   make massif  profile the heap of every case at N = MASSIF_N (1000) under
#                valgrind's massif into results/massif/, then rewrite the
#                report with a heap-over-time chart per scenario
#   make instr   instructions per op of every case at N=$(INSTR_N) under
#                callgrind, with allocations: results/INSTR.json
#   make gate    instr on the CI subset (naive, optimized and the harness's
#                calibration; not the peers), compared with $(BASELINE); also the
#                timing ratios of results/RESULTS.json when the baseline
#                has a bench.json. Exit 1 on a regression.
#   make baseline rewrite $(BASELINE)/instr.json (and bench.json from
#                BENCH_BASELINE=FILE when given)
#   make fuzz    build the libFuzzer targets of the loaders (results,
#                instr, massif, checkpoint; clang-14, ASan + UBSan with float-cast-
#                overflow) into build-fuzz/ and run each over its corpus
#                (tests/fuzz/corpus/NAME) for FUZZ_TIME seconds (300)
#
# Variables: ALLOCATOR=glibc|jemalloc|both, REPETITIONS=K, FILTER=REGEX,
# JOBS=N, HISTORY=FILE (the history database).

BUILD       ?= build
SAN_BUILD   ?= build-san
TSAN_BUILD  ?= build-tsan
RESULTS     ?= results
JOBS        ?= 2
ALLOCATOR   ?= glibc
REPETITIONS ?= 4
FILTER      ?= .
# bench counts instructions per op across N for the complexity and growth
# claims (callgrind, about a minute); INSTR_FITS= turns it off.
INSTR_FITS  ?= --instr-fits
# bench runs the cases that claims on bytes leaked name under valgrind's
# memcheck (listener_leak at 100 cycles, a few seconds); MEMCHECK= turns it
# off.
MEMCHECK    ?= --memcheck
PAIRBENCH   := $(BUILD)/pairbench
COMPARE_PY  := /usr/share/benchmark/compare.py

.PHONY: all deps build pairbench build-san build-tsan bench quick report massif test compare clean \
        instr gate baseline fuzz fuzz-build history

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The executable alone (bench, quick, report...: the tests are make test's).
pairbench: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) --target pairbench

build-tsan: deps
	@cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPB_TSAN=ON >/dev/null
	@cmake --build $(TSAN_BUILD) -j $(JOBS)

build-san: deps
	@cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPB_SANITIZE=ON >/dev/null
	@cmake --build $(SAN_BUILD) -j $(JOBS)

# ALLOCATOR=both is the allocator matrix: the suite runs under glibc and
# under jemalloc, and one report shows both, a column per allocator.
ifeq ($(ALLOCATOR),both)
BENCH_ALLOCATORS := glibc jemalloc
BENCH_JSONS      := $(RESULTS)/RESULTS-glibc.json $(RESULTS)/RESULTS-jemalloc.json
else
BENCH_ALLOCATORS := $(ALLOCATOR)
BENCH_JSONS      := $(RESULTS)/RESULTS.json
endif

bench: pairbench
	@mkdir -p $(RESULTS)
	@set -e; for a in $(BENCH_ALLOCATORS); do \
	    out=$(RESULTS)/RESULTS.json; \
	    [ "$(ALLOCATOR)" = both ] && out=$(RESULTS)/RESULTS-$$a.json; \
	    echo "$(PAIRBENCH) run --repetitions $(REPETITIONS) --allocator $$a --filter '$(FILTER)' $(INSTR_FITS) $(MEMCHECK) --json $$out"; \
	    $(PAIRBENCH) run --repetitions $(REPETITIONS) --allocator $$a \
	        --filter '$(FILTER)' $(INSTR_FITS) $(MEMCHECK) --json $$out; \
	done
	@$(PAIRBENCH) history --db $(HISTORY) --import $(BENCH_JSONS)
	@$(PAIRBENCH) report $(BENCH_JSONS) --history $(HISTORY) --out $(RESULTS)/report
	@echo "report: $(RESULTS)/report/index.html (overview for CI: $(RESULTS)/report/summary.md)"

# The results history: one SQLite file every `make bench` adds its run(s)
# to (pairbench history --import); `make history` prints it.
HISTORY      ?= $(RESULTS)/history.sqlite
HISTORY_ARGS ?=
HISTORY_OPT   = $$(test -f $(HISTORY) && echo --history $(HISTORY))
history: pairbench
	@$(PAIRBENCH) history --db $(HISTORY) $(HISTORY_ARGS)

# The HTML report (charts inlined) and its Markdown overview, from the
# results of the last `make bench` (the same ALLOCATOR); REPORT_IN="A.json
# B.json" for other files.
REPORT_IN ?= $(BENCH_JSONS)
report: pairbench
	@for f in $(REPORT_IN); do test -f $$f || { echo "no $$f: run 'make bench' first" >&2; exit 2; }; done
	@$(PAIRBENCH) report $(REPORT_IN) $(HISTORY_OPT) --out $(RESULTS)/report
	@echo "report: $(RESULTS)/report/index.html"

# Heap profiles: each case at MASSIF_N in its own process under massif
# (results/massif/CASE.massif, CASE.txt from ms_print, MASSIF.json; about
# 15 s for every case), then the report again with them when the results
# of `make bench` are there.
MASSIF_N   ?= 1000
MASSIF_OPS ?= 1000
massif: pairbench
	@mkdir -p $(RESULTS)
	$(PAIRBENCH) massif --filter '$(FILTER)' --n $(MASSIF_N) --ops $(MASSIF_OPS) \
	    --out $(RESULTS)/massif
	@if ls $(REPORT_IN) > /dev/null 2>&1; then \
	    $(PAIRBENCH) report $(REPORT_IN) --massif $(RESULTS)/massif/MASSIF.json \
	        $(HISTORY_OPT) --out $(RESULTS)/report && echo "report: $(RESULTS)/report/index.html"; \
	else echo "no $(REPORT_IN): run 'make bench' for the report"; fi

quick: pairbench
	@mkdir -p $(RESULTS)
	$(PAIRBENCH) run --quick --filter '$(FILTER)' --json $(RESULTS)/QUICK.json

test: build build-san build-tsan
	@echo "== tests ($(BUILD)) =="
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	@echo "== tests under ASan + UBSan ($(SAN_BUILD)) =="
	@ctest --test-dir $(SAN_BUILD) --output-on-failure -j $(JOBS)
	@echo "== concurrent tests under ThreadSanitizer ($(TSAN_BUILD)) =="
	@TSAN_OPTIONS=halt_on_error=1 ctest --test-dir $(TSAN_BUILD) -L concurrent --output-on-failure -j $(JOBS)
	@echo "== fuzz targets of the loaders, $(FUZZ_TEST_TIME) s each ($(FUZZ_BUILD)) =="
	@$(MAKE) --no-print-directory fuzz FUZZ_TIME=$(FUZZ_TEST_TIME)

# compare.py imports scipy: run it with Debian's python3, not another one
# that may come first on PATH.
compare:
	@test -f $(RESULTS)/RESULTS.json || { echo "no $(RESULTS)/RESULTS.json: run 'make bench' first" >&2; exit 2; }
	/usr/bin/python3 $(COMPARE_PY) filters $(RESULTS)/RESULTS.json naive optimized

# Instruction counts and the regression gate. The CI subset is every case
# at N=INSTR_N (94 cases, about 3.5 min under callgrind on this machine;
# timing-dependent scenarios are skipped).
INSTR_N        ?= 1000
# The gate guards our code: naive, optimized and the harness's calibration,
# not the peers (a library's instruction count is not ours to gate).
GATE_FILTER    ?= /(naive|optimized|calibration)/
BASELINE       ?= baselines/ci
BENCH_BASELINE ?=

instr: pairbench
	@mkdir -p $(RESULTS)
	$(PAIRBENCH) instr --filter '$(FILTER)' --n $(INSTR_N) --json $(RESULTS)/INSTR.json

gate: pairbench
	@mkdir -p $(RESULTS)
	$(PAIRBENCH) instr --filter '$(GATE_FILTER)' --n $(INSTR_N) --json $(RESULTS)/GATE_INSTR.json
	$(PAIRBENCH) gate $(BASELINE) $(RESULTS)/GATE_INSTR.json \
	    $$(test -f $(BASELINE)/bench.json && test -f $(RESULTS)/RESULTS.json && echo $(RESULTS)/RESULTS.json)

baseline: pairbench
	@mkdir -p $(BASELINE)
	$(PAIRBENCH) instr --filter '$(GATE_FILTER)' --n $(INSTR_N) --json $(BASELINE)/instr.json
	@if [ -n "$(BENCH_BASELINE)" ]; then cp "$(BENCH_BASELINE)" $(BASELINE)/bench.json && \
	    echo "timing baseline: $(BENCH_BASELINE) -> $(BASELINE)/bench.json"; fi

# The loaders under libFuzzer: one target per loader (tests/fuzz/), built
# straight from the loader sources with clang, ASan and UBSan (float-cast-
# overflow on, every finding fatal). New inputs go to build-fuzz/corpus/,
# the committed seeds stay as they are; a crash leaves build-fuzz/crash-*.
FUZZ_BUILD     ?= build-fuzz
FUZZ_TIME      ?= 300
FUZZ_TEST_TIME ?= 20
FUZZ_CC        ?= clang-14
FUZZ_TARGETS   := results instr massif checkpoint
FUZZ_CFLAGS    := -std=c11 -g -O1 -Wall -Wextra -Werror -Iinclude \
                  $$(pkg-config --cflags libcjson) \
                  -fsanitize=fuzzer,address,undefined,float-cast-overflow \
                  -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SRC_results := reports/model/results.c
FUZZ_SRC_instr   := reports/model/results.c reports/model/instr.c
FUZZ_SRC_massif  := reports/model/results.c reports/massif_data.c
FUZZ_SRC_checkpoint := impl_shared/checkpoint_load.c

fuzz-build: deps
	@mkdir -p $(FUZZ_BUILD)
	@set -e; for t in $(FUZZ_TARGETS); do \
	    case $$t in results) src="$(FUZZ_SRC_results)";; instr) src="$(FUZZ_SRC_instr)";; \
	        massif) src="$(FUZZ_SRC_massif)";; checkpoint) src="$(FUZZ_SRC_checkpoint)";; esac; \
	    $(FUZZ_CC) $(FUZZ_CFLAGS) -o $(FUZZ_BUILD)/fuzz_$$t tests/fuzz/fuzz_$$t.c $$src \
	        $$(pkg-config --libs libcjson) -lm; \
	done

fuzz: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
	    echo "fuzz_$$t: $(FUZZ_TIME) s over tests/fuzz/corpus/$$t"; \
	    $(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_TIME) -print_final_stats=0 \
	        -artifact_prefix=$(FUZZ_BUILD)/ $(FUZZ_BUILD)/corpus/$$t \
	        tests/fuzz/corpus/$$t 2>$(FUZZ_BUILD)/fuzz_$$t.log \
	        || { tail -40 $(FUZZ_BUILD)/fuzz_$$t.log; exit 1; }; \
	    grep -E '^Done [0-9]+ runs' $(FUZZ_BUILD)/fuzz_$$t.log | tail -1; \
	done

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD)
