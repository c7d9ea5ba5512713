# anju — the two commands that matter: `make run` and `make check`.
# Meson + Ninja do the building; this file only strings the steps together.

BUILD      ?= build
BUILD_SAN  ?= build-san
DB         ?= var/anju.db
DATA       ?= var/data
PORT       ?= 8080

.PHONY: all deps check-deps build run check unit e2e bench fuzz soak clean

all: build

deps:
	@scripts/install-deps run

check-deps:
	@scripts/install-deps check

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Installs what is missing, builds, creates the demo county on first start, serves it.
run: deps build
	@scripts/run-demo $(BUILD)/anju $(DB) $(DATA) $(PORT)

$(BUILD_SAN)/build.ninja:
	meson setup $(BUILD_SAN) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

# Installs test needs, builds with ASan+UBSan, runs every test, ends on a summary line.
check: check-deps $(BUILD_SAN)/build.ninja
	ninja -C $(BUILD_SAN)
	@scripts/run-tests $(BUILD_SAN)

bench: deps build
	@scripts/install-deps bench
	@bench/run $(BUILD)/anju

fuzz soak:
	@echo "make $@: not part of this release yet (see docs/decisions.md)"; exit 1

clean:
	rm -rf $(BUILD) $(BUILD_SAN)
