# GridClear — two commands do everything on a fresh Debian machine:
#   make run    install missing system packages, build, clear the sample cycle,
#               append it to a local ledger, audit it, print the result
#   make test   install missing system packages, build, run every test
SWIFT      ?= swift
BUILD_DIR  ?= .build
GRIDCLEAR  := $(BUILD_DIR)/debug/gridclear
SAMPLE     ?= Inputs/20261120T1000Z
LEDGER     ?= Ledger
OUT        ?= Outputs

.PHONY: run test deps build bench clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build --scratch-path $(BUILD_DIR) --product gridclear

run: build
	@scripts/run-sample.sh "$(GRIDCLEAR)" "$(SAMPLE)" "$(OUT)" "$(LEDGER)"

# The toolchain leaves a TemporaryDirectory.* in TMPDIR per `swiftc -print-target-info`
# (swiftlang/swift-driver#2049); the test run gets a private TMPDIR, removed at the end.
test: deps
	@scripts/install-deps.sh --test
	@tmp="$$(mktemp -d /tmp/gridclear-make-XXXXXX)" && trap 'rm -rf "$$tmp"' EXIT && export TMPDIR="$$tmp" && \
	  echo "$(SWIFT) build --scratch-path $(BUILD_DIR) --build-tests" && $(SWIFT) build --scratch-path $(BUILD_DIR) --build-tests && \
	  echo "$(SWIFT) test --scratch-path $(BUILD_DIR) --skip-build" && $(SWIFT) test --scratch-path $(BUILD_DIR) --skip-build && \
	  scripts/run-test-extras.sh "$(GRIDCLEAR)"

bench: deps
	$(SWIFT) build --scratch-path $(BUILD_DIR) -c release --product gridclear
	$(SWIFT) build --scratch-path $(BUILD_DIR) -c release --product gridclear-bench
	@scripts/run-benchmarks.sh "$(BUILD_DIR)/release/gridclear-bench"

clean:
	rm -rf $(BUILD_DIR) $(OUT) $(LEDGER)
