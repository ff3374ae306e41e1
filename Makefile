# tglab -- top-level build.
#
#   make            libtg, the lab program
#   make test       the whole suite: plain, then ASan+UBSan, then valgrind
#   make bench      benchmark programs (print ratios against baselines)
#   make deps       install the Debian packages the project needs
#   make install    PREFIX=/usr/local DESTDIR= (tg.h, libtg.a, tg.pc, lab)
#
# V=1 shows the commands; WERROR=1 turns warnings into errors (CI does).
# Your CFLAGS, CPPFLAGS and LDFLAGS are respected; ours are added to them.

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc
CFLAGS  ?= -O2 -g
PKG_CONFIG ?= pkg-config

ifeq ($(V),1)
Q :=
else
Q := @
endif

# The Debian packages this project needs (make deps installs them).
DEB_PACKAGES := build-essential pkg-config libuv1-dev libcmocka-dev \
	libncurses-dev libmd4c-dev libsqlite3-dev libjansson-dev \
	libseccomp-dev bubblewrap valgrind tmux python3 \
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static \
	libarchive-dev chromium

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN += -Werror
endif

# SAN=1 builds everything with AddressSanitizer and UBSan.
ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
endif

PKGS_CORE   := libuv
PKGS_TEST   := cmocka
PKGS_RUNNER := libuv jansson libseccomp md4c ncursesw sqlite3 libarchive
# Linked into lab; libarchive is loaded on first use instead (see
# runner/src/archive_lazy.c: its dependencies cost every start 5 ms).
PKGS_RUNNER_LINK := $(filter-out libarchive,$(PKGS_RUNNER))
RUNNER_LIBS = $(call pkg_libs,$(PKGS_RUNNER_LINK)) -ldl -lm

pkg_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pkg_libs   = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)

BASE_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(SANFLAGS) -MMD -MP \
	-Icore/include
ALL_CFLAGS   = $(BASE_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS  = $(SANFLAGS) $(LDFLAGS)

# ---- libtg ---------------------------------------------------------------
CORE_SRC := $(wildcard core/src/*.c)
CORE_ASM := $(wildcard core/src/*.S)
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o) $(CORE_ASM:%.S=$(BUILD)/%.o)
LIBTG    := $(BUILD)/libtg.a

# ---- runner --------------------------------------------------------------
RUNNER_SRC := $(wildcard runner/src/*.c runner/src/*/*.c)
RUNNER_OBJ := $(RUNNER_SRC:%.c=$(BUILD)/%.o)
RUNNER_LIB_OBJ := $(filter-out $(BUILD)/runner/src/main.o,$(RUNNER_OBJ))
LAB        := $(BUILD)/lab
# The jail: a tiny program run inside bubblewrap that sets limits, drops
# privileges and loads the seccomp filter before exec'ing untrusted code.
JAIL_SRC   := $(wildcard runner/jail/*.c)
JAIL       := $(if $(JAIL_SRC),$(BUILD)/lab-jail)

# ---- tests ---------------------------------------------------------------
CORE_TEST_SRC := $(wildcard tests/core/test_*.c)
# test_fiber_canary: test_fiber again, with no guard pages at all, so that
# the canary that protects stacks past the guarded ones is tested too.
CORE_TESTS    := $(CORE_TEST_SRC:%.c=$(BUILD)/%) $(BUILD)/tests/core/test_fiber_canary
RUNNER_TEST_SRC := $(wildcard tests/runner/test_*.c)
RUNNER_TESTS    := $(RUNNER_TEST_SRC:%.c=$(BUILD)/%)
TEST_SUPPORT  := $(wildcard tests/support/*.c)
TEST_SUPPORT_OBJ := $(TEST_SUPPORT:%.c=$(BUILD)/%.o)

# ---- benches -------------------------------------------------------------
BENCH_SRC := $(wildcard bench/bench_*.c)
BENCHES   := $(BENCH_SRC:%.c=$(BUILD)/%)

.PHONY: all lab libtg test check test-plain test-asan test-valgrind test-ui bench \
	deps check-deps install uninstall clean format

all: check-deps $(LIBTG) $(LAB) $(JAIL)

libtg: $(LIBTG)
lab: $(LAB)

# Fail early, and say exactly what is missing, when a library or tool is
# absent; as root on Debian, install it instead (a fresh clone's first
# `make test` or `./lab` sets itself up).
DEP_TOOLS := bwrap valgrind tmux
check-deps:
	@missing=""; \
	for p in $(sort $(PKGS_CORE) $(PKGS_RUNNER) $(PKGS_TEST)); do \
	  $(PKG_CONFIG) --exists $$p 2>/dev/null || missing="$$missing $$p"; \
	done; \
	for t in $(DEP_TOOLS); do \
	  command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "tglab: missing:$$missing -- installing the Debian packages" >&2; \
	    $(MAKE) --no-print-directory deps || exit 1; \
	  else \
	    echo "tglab: missing:$$missing" >&2; \
	    echo "tglab: install them with: make deps" >&2; \
	    echo "       (or: sudo apt-get install $(DEB_PACKAGES))" >&2; \
	    exit 1; \
	  fi; \
	fi

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(call pkg_cflags,$(PKGS_CORE) $(PKGS_RUNNER)) -c $< -o $@

$(BUILD)/%.o: %.S
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  AS      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

# The file name archive_lazy.c loads: the one -larchive would link.
LIBARCHIVE_SONAME := $(shell objdump -p $$($(PKG_CONFIG) --variable=libdir \
	libarchive 2>/dev/null)/libarchive.so 2>/dev/null | sed -n 's/^ *SONAME *//p')
$(BUILD)/runner/src/archive_lazy.o: CPPFLAGS += \
	$(if $(LIBARCHIVE_SONAME),-DLAB_LIBARCHIVE_SONAME='"$(LIBARCHIVE_SONAME)"')

$(LIBTG): $(CORE_OBJ)
	$(if $(Q),@echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(LAB): $(RUNNER_OBJ) $(LIBTG)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(RUNNER_OBJ) $(LIBTG) $(RUNNER_LIBS)

ifneq ($(JAIL),)
$(JAIL): $(JAIL_SRC:%.c=$(BUILD)/%.o)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pkg_libs,libseccomp)
endif

$(BUILD)/tests/runner/test_%: tests/runner/test_%.c $(RUNNER_LIB_OBJ) $(LIBTG) $(TEST_SUPPORT_OBJ) | $(JAIL)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(call pkg_cflags,$(PKGS_TEST) $(PKGS_RUNNER)) \
		-Itests/support -Irunner/src -o $@ $< $(TEST_SUPPORT_OBJ) \
		$(RUNNER_LIB_OBJ) $(ALL_LDFLAGS) $(LIBTG) \
		$(call pkg_libs,$(PKGS_TEST)) $(RUNNER_LIBS)

$(BUILD)/tests/core/test_%: tests/core/test_%.c $(LIBTG) $(TEST_SUPPORT_OBJ)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(call pkg_cflags,$(PKGS_TEST)) -Itests/support \
		-o $@ $< $(TEST_SUPPORT_OBJ) $(ALL_LDFLAGS) $(LIBTG) \
		$(call pkg_libs,$(PKGS_TEST) $(PKGS_CORE)) -lm

$(BUILD)/core/src/fiber_canary.o: core/src/fiber.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -DGUARDED_STACKS=0 -c $< -o $@

$(BUILD)/tests/core/test_fiber_canary: tests/core/test_fiber.c \
		$(BUILD)/core/src/fiber_canary.o $(LIBTG) $(TEST_SUPPORT_OBJ)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -DTG_TEST_CANARY_ONLY $(call pkg_cflags,$(PKGS_TEST)) \
		-Itests/support -o $@ $< $(BUILD)/core/src/fiber_canary.o \
		$(TEST_SUPPORT_OBJ) $(ALL_LDFLAGS) $(LIBTG) \
		$(call pkg_libs,$(PKGS_TEST) $(PKGS_CORE)) -lm

$(BUILD)/bench/bench_%: bench/bench_%.c $(LIBTG)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  BENCH   $@")
	$(Q)$(CC) $(BASE_CFLAGS) $(CPPFLAGS) -O2 -g -o $@ $< $(ALL_LDFLAGS) \
		$(LIBTG) $(call pkg_libs,$(PKGS_CORE)) -lm

# ---- exercises: world, probe and checker --------------------------------
# The simulated world (exercises/support) goes into libworld.a; the probe
# driver into libprobe.a (it holds main); each exercise's scenarios into
# build/checks/<id>.probe.o, which the runner links with the learner's
# object:  learner.o <id>.probe.o libprobe.a libworld.a libtg.a -luv
# -ljansson.  Each exercise's checks become a trusted program of their own,
# build/checks/<id>.checker (cmocka + jansson, no libtg, no learner code).
WORLD_SRC   := $(wildcard exercises/support/*.c)
WORLD_OBJ   := $(WORLD_SRC:%.c=$(BUILD)/%.o)
LIBWORLD    := $(BUILD)/exercises/libworld.a
LIBPROBE    := $(BUILD)/checks/libprobe.a
PROBE_SRC   := $(wildcard checks/*/*.probe.c)
PROBE_OBJ   := $(PROBE_SRC:checks/%.probe.c=$(BUILD)/checks/%.probe.o)
CHECKS_SRC  := $(wildcard checks/*/*.checks.c)
CHECKERS    := $(CHECKS_SRC:checks/%.checks.c=$(BUILD)/checks/%.checker)
PKGS_CHECKS := jansson cmocka
EXERCISE_INC := -Icore/include -Iexercises/support -Ichecks/lib

.PHONY: checks
checks: $(LIBWORLD) $(LIBPROBE) $(PROBE_OBJ) $(CHECKERS) $(BUILD)/checks/lib/checker.o
all: checks
test-plain: checks

$(LIBWORLD): $(WORLD_OBJ)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBPROBE): $(BUILD)/checks/lib/probe.o
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/checks/lib/%.o: checks/lib/%.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(EXERCISE_INC) $(call pkg_cflags,$(PKGS_CHECKS)) -c $< -o $@

# A probe sees the exercise's own header (exercises/NN-topic/NAME.h).
$(BUILD)/checks/%.probe.o: checks/%.probe.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(EXERCISE_INC) -Iexercises/$(dir $*) \
		$(call pkg_cflags,$(PKGS_CHECKS)) -c $< -o $@

# The world's own tests (tests/exercises/test_*.c) run with the runner's
# tests; tests/runner/test_exercises.c grades every exercise end to end.
EXERCISE_TEST_SRC := $(wildcard tests/exercises/test_*.c)
EXERCISE_TESTS    := $(EXERCISE_TEST_SRC:%.c=$(BUILD)/%)
RUNNER_TESTS      += $(EXERCISE_TESTS)

$(BUILD)/tests/exercises/test_%: tests/exercises/test_%.c $(LIBWORLD) $(LIBTG)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(EXERCISE_INC) $(call pkg_cflags,$(PKGS_TEST)) \
		-o $@ $< $(ALL_LDFLAGS) $(LIBWORLD) $(LIBTG) \
		$(call pkg_libs,$(PKGS_TEST) $(PKGS_CORE)) -lm

$(BUILD)/checks/%.checker: checks/%.checks.c $(BUILD)/checks/lib/checker.o
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(EXERCISE_INC) $(call pkg_cflags,$(PKGS_CHECKS)) \
		-o $@ $< $(BUILD)/checks/lib/checker.o $(ALL_LDFLAGS) \
		$(call pkg_libs,$(PKGS_CHECKS))

# ---- test ----------------------------------------------------------------
# The plain suite, the same tests under ASan+UBSan (their own build tree),
# and the core tests under valgrind.  tests/run prints "N passed, N failed".
test check: check-deps
	$(Q)$(MAKE) --no-print-directory test-plain
	$(Q)$(MAKE) --no-print-directory test-asan
	$(Q)$(MAKE) --no-print-directory test-valgrind

test-plain: $(LIBTG) $(LAB) $(JAIL) $(CORE_TESTS) $(RUNNER_TESTS)
	$(Q)sh tests/run --label plain $(CORE_TESTS) $(RUNNER_TESTS)
	$(Q)BUILD=$(BUILD) sh tests/core/cross/run
	$(Q)$(MAKE) --no-print-directory test-ui

# The full-screen UI, driven through tmux against golden screens
# (tests/ui/run prints "N passed, N failed").
UI_DRIVER := $(BUILD)/tests/ui/tui_driver
test-ui: $(UI_DRIVER)
	$(Q)BUILD=$(BUILD) sh tests/ui/run

# bench/bench_tui starts the UI: it needs the lab and the driver built.
bench: $(LAB) $(UI_DRIVER)

# Linked from an archive: only the runner modules the UI uses come in.
$(BUILD)/tests/ui/librunner.a: $(RUNNER_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(UI_DRIVER): tests/ui/driver.c $(BUILD)/tests/ui/librunner.a $(LIBTG)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(call pkg_cflags,$(PKGS_RUNNER)) -Irunner/src \
		-o $@ $< $(BUILD)/tests/ui/librunner.a $(ALL_LDFLAGS) $(LIBTG) \
		$(RUNNER_LIBS)

# Under ASan: the core, and the runner's own code.  The end-to-end suites
# over the whole curriculum (exercises, grade, attacks) mostly run learner
# code in sandboxes; the sanitized pipeline path is covered by
# test_pipeline, and they run in the plain pass (keeps make test < 5 min).
ASAN_SKIP := %/test_exercises %/test_grade %/test_grade_attacks
ASAN_TESTS = $(patsubst $(BUILD)/%,$(BUILD)/asan/%,$(CORE_TESTS) \
	$(filter-out $(ASAN_SKIP),$(RUNNER_TESTS)))
test-asan:
	$(Q)$(MAKE) --no-print-directory SAN=1 BUILD=$(BUILD)/asan \
		$(BUILD)/asan/libtg.a $(BUILD)/asan/lab-jail $(ASAN_TESTS)
	$(Q)TG_TEST_UNDER_ASAN=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		sh tests/run --label asan $(ASAN_TESTS)

test-valgrind: $(CORE_TESTS)
	$(Q)sh tests/run --label valgrind --valgrind $(CORE_TESTS)

# Each bench/bench_*.c: spawn and split (libtg), tui, grade, check (lab
# check against cc -c + link) and watch (lab watch's save-to-verdict).
bench: $(LIBTG) $(BENCHES) $(LAB) $(JAIL) checks
	$(Q)for b in $(BENCHES); do echo "== $$b"; $$b || exit 1; done

# ---- set-up --------------------------------------------------------------
deps:
	@if [ "$$(id -u)" = 0 ]; then \
	  echo "tglab: installing Debian packages: $(DEB_PACKAGES)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $(DEB_PACKAGES) >/dev/null; \
	else \
	  echo "tglab: run this as root to install the dependencies:"; \
	  echo "  sudo apt-get install $(DEB_PACKAGES)"; \
	  exit 1; \
	fi

# ---- install -------------------------------------------------------------
$(BUILD)/tg.pc: core/tg.pc.in
	@mkdir -p $(dir $@)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|0.1.0|g' $< > $@

install: $(LIBTG) $(LAB) $(JAIL) $(BUILD)/tg.pc
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/tglab
	install -m 644 core/include/tg.h $(DESTDIR)$(PREFIX)/include/tg.h
	install -m 644 $(LIBTG) $(DESTDIR)$(PREFIX)/lib/libtg.a
	install -m 644 $(BUILD)/tg.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/tg.pc
	install -m 755 $(LAB) $(DESTDIR)$(PREFIX)/bin/lab
	install -m 755 $(JAIL) $(DESTDIR)$(PREFIX)/libexec/tglab/lab-jail

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/include/tg.h $(DESTDIR)$(PREFIX)/lib/libtg.a \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig/tg.pc $(DESTDIR)$(PREFIX)/bin/lab \
		$(DESTDIR)$(PREFIX)/libexec/tglab/lab-jail

clean:
	rm -rf $(BUILD)

format:
	clang-format -i core/include/*.h core/src/*.[ch] runner/src/*.[ch] \
		runner/jail/*.[ch] tests/*/*.c

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Keep intermediate objects (tests link checks/lib/checker.o themselves).
.SECONDARY:
