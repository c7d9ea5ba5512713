# anju — the two commands that matter: `make run` and `make check`.
# Meson + Ninja do the building; this file only strings the steps together.

BUILD      ?= build
BUILD_SAN  ?= build-san
BUILD_FUZZ ?= build-fuzz
DB         ?= var/anju.db
DATA       ?= var/data
PORT       ?= 8080

.PHONY: all deps check-deps build run check unit e2e bench fuzz soak scan clean

all: build

deps:
	@scripts/install-deps run

# The tests' packages and clang/libFuzzer for the short fuzz run of `make check`.
check-deps:
	@scripts/install-deps fuzz

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Installs what is missing, builds, creates the demo county on first start, serves it.
run: deps build
	@scripts/run-demo $(BUILD)/anju $(DB) $(DATA) $(PORT)

$(BUILD_SAN)/build.ninja:
	meson setup $(BUILD_SAN) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

# Installs test needs, builds with ASan+UBSan, fuzzes each parser for FUZZ_CHECK_SECONDS
# (a crash stops here), runs every test, ends on a summary line.
FUZZ_CHECK_SECONDS ?= 20
check: check-deps $(BUILD_SAN)/build.ninja $(BUILD_FUZZ)/build.ninja
	ninja -C $(BUILD_SAN)
	ninja -C $(BUILD_FUZZ) $(FUZZ_TARGETS)
	@scripts/run-fuzz $(BUILD_FUZZ) $(FUZZ_CHECK_SECONDS)
	@scripts/run-tests $(BUILD_SAN)

bench: deps build
	@scripts/install-deps bench
	@bench/run $(BUILD)/anju

# libFuzzer over every parser that takes outside input, FUZZ_SECONDS (default 120) each.
FUZZ_SECONDS ?= 120
FUZZ_TARGETS = tests/fuzz_parsers tests/fuzz_multipart tests/fuzz_form tests/fuzz_template tests/fuzz_rowread
$(BUILD_FUZZ)/build.ninja:
	CC=clang meson setup $(BUILD_FUZZ) --buildtype=debugoptimized -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=false

fuzz: $(BUILD_FUZZ)/build.ninja
	@scripts/install-deps fuzz
	ninja -C $(BUILD_FUZZ) $(FUZZ_TARGETS)
	@scripts/run-fuzz $(BUILD_FUZZ) $(FUZZ_SECONDS)

# Mixed load at 32 connections with an attacker holding slow connections, a backup and an
# fsck in the middle, SOAK_SECONDS (default 600); writes its section of BENCHMARKS.md and
# fails on any legitimate-client error or RSS growth beyond SOAK_RSS_GROWTH_MIB (64).
soak: deps build
	@python3 tests/soak/soak.py $(BUILD)/anju BENCHMARKS.md

# sqlmap (level 5, risk 3) and wapiti over every route with an admin's and a town
# officer's session on a demo server; fails on any finding. SCAN_ROUTES (a regex),
# SCAN_URL_SECONDS, SCAN_SECONDS and SCAN_WAPITI_SECONDS bound it, SCAN_JOBS parallels it
# (see tests/scan/scan.py).
scan: deps build
	@scripts/install-deps scan
	@python3 tests/scan/scan.py $(BUILD)/anju

clean:
	rm -rf $(BUILD) $(BUILD_SAN) $(BUILD_FUZZ)
