# xenlevel - level CPUID features across a Xen pool.
#
#   make            build agent/xenlevel (against Debian's Xen 4.17)
#   make XEN_VERSION=4.20|master
#                   build build/xen-<version>/xenlevel against that
#                   version's patched toolstack (make xen XEN_VERSION=...)
#   make check      unit, golden-file and CLI tests under ASan/UBSan, and
#                   the Xen series' userspace unit tests (make xen-unit)
#   make xen        build the patched hypervisor of XEN_VERSION (default
#                   4.17; 4.20 and master: and their toolstack), cached,
#                   see xen-patches/README
#   make xen-unit   the series' tools/tests/cpu-policy, from the patched
#                   tree of XEN_VERSION; make check runs it for every version
#   make xen-flask  the patched hypervisor with XSM/Flask on (compile check of
#                   the series' Flask patch; cached; not yet in make check)
#   make xen-tools  the patched tree's tools libraries (libxenguest ...)
#   make boot-check boot tests in QEMU (patched Xen + our dracut module):
#                   the 4.17 cases, then the Xen 4.20 and master boots (their
#                   builds run in the background meanwhile)
#   make ports-check the Xen 4.20 and master boots alone
#   make fleet-check the Ansible fleet of three hosts (not yet in boot-check)
#   make test       deps + check + boot-check (the README's test command)
#   make demo       the pool demo (the README's main command)
#   make deps       install the Debian packages everything needs
#   make install DESTDIR=...

CC ?= gcc
PYTHON ?= python3
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
DATADIR ?= $(PREFIX)/share/xenlevel
DRACUTDIR ?= $(PREFIX)/lib/dracut/modules.d
DRACUTCONFDIR ?= $(PREFIX)/lib/dracut/dracut.conf.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
UNITDIR ?= $(PREFIX)/lib/systemd/system
DESTDIR ?=
XENLEVEL_CACHE ?= /var/cache/xenlevel
export XENLEVEL_CACHE
# The Xen the agent is built for: 4.17 (Debian's libraries), 4.20 or master
# (the toolstack `make xen XEN_VERSION=...` builds from the patched tree).
XEN_VERSION ?= 4.17
XEN_VERSIONS := $(patsubst xen-patches/%/series,%,$(wildcard xen-patches/*/series))

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wno-format-nonliteral
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 $(WARN)
# Path-independent objects (no clone path in the debug info), so that make
# deb gives the same bytes in any clone and the images keyed on the
# packages (tests/fleet/image, tests/realhost/run) stay cached.
CFLAGS += -ffile-prefix-map=$(CURDIR)=.
CPPFLAGS += -D_GNU_SOURCE -Iagent -Ibuild/gen
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer \
       -fno-sanitize-recover=all

INIH_LIBS = $(shell $(PKG_CONFIG) --libs inih)
XEN_CFLAGS = $(shell $(PKG_CONFIG) --cflags xencontrol xenguest xencall)
XEN_LIBS = $(shell $(PKG_CONFIG) --libs xenguest xencontrol xencall xenstore)

# The pure core: no xenctrl.h, no Xen library (xswire.c takes only the
# xenstore wire protocol's definitions from xen/io/xs_wire.h).
CORE := featureset err inifile level config policy check apply store log state source run xswire \
        json compare
CORE_OBJ := $(CORE:%=build/agent/%.o)
AGENT_OBJ := $(CORE_OBJ) build/agent/host.o build/agent/xen.o build/agent/xs.o \
             build/agent/compare-cmd.o \
             build/agent/xenlevel.o
CORE_SAN_OBJ := $(CORE:%=build/san/%.o)

GEN := build/gen/cpuid-autogen.h build/gen/xl-names.h
DEB_PACKAGES := build-essential pkg-config python3 libinih-dev libxen-dev \
    xen-hypervisor-4.17-amd64 xen-utils-4.17 dracut dracut-core \
    qemu-system-x86 linux-image-amd64 busybox-static flex bison dpkg-dev \
    e2fsprogs cpio kmod clang libclang-rt-14-dev mmdebstrap binutils \
    ansible-core ansible-lint openssh-client \
    checkpolicy autoconf autotools-dev python3-dev uuid-dev libyajl-dev \
    zlib1g-dev liblzma-dev libbz2-dev libzstd-dev libncurses-dev acpica-tools

.PHONY: bench fuzz-replay fuzz-smoke baselines all check unit-check cli-check fuzz bench xen xen-unit xen-unit-all xen-flask xen-tools boot-check ports-check fleet-check ansible-lint test demo \
        deps install uninstall deb clean xen-src

ifeq ($(XEN_VERSION),4.17)
all: agent/xenlevel
else
all: build/xen-$(XEN_VERSION)/xenlevel
endif

# Xen's own generators, run over Debian's Xen source (the tree that
# `make xen` patches): deep dependencies from gen-cpuid.py, names from
# xen-cpuid.c.
build/xen-src.path:
	@mkdir -p build
	xen-patches/fetch-source.sh > $@.tmp && mv $@.tmp $@

build/gen/cpuid-autogen.h: build/xen-src.path
	@mkdir -p build/gen
	$(PYTHON) "$$(cat build/xen-src.path)/xen/tools/gen-cpuid.py" \
	    -i "$$(cat build/xen-src.path)/xen/include/public/arch-x86/cpufeatureset.h" \
	    -o $@.tmp && mv $@.tmp $@

build/gen/xl-names.h: build/xen-src.path agent/gen-names.py agent/accumulated.txt
	@mkdir -p build/gen
	$(PYTHON) agent/gen-names.py \
	    "$$(cat build/xen-src.path)/tools/misc/xen-cpuid.c" \
	    "$$(cat build/xen-src.path)/xen/include/public/arch-x86/cpufeatureset.h" \
	    agent/accumulated.txt $@.tmp && mv $@.tmp $@

build/agent/%.o: agent/%.c $(GEN) agent/*.h
	@mkdir -p build/agent
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

build/agent/xen.o: agent/xen.c $(GEN) agent/*.h
	@mkdir -p build/agent
	$(CC) $(CPPFLAGS) $(CFLAGS) $(XEN_CFLAGS) -c -o $@ $<

agent/xenlevel: $(AGENT_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(INIH_LIBS) $(XEN_LIBS)

# Sanitised core and tests.
build/san/%.o: agent/%.c $(GEN) agent/*.h
	@mkdir -p build/san
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN) -c -o $@ $<

build/tests/%: tests/unit/%.c tests/unit/testlib.h tests/unit/testhost.h $(CORE_SAN_OBJ)
	@mkdir -p build/tests
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(SAN) -o $@ $< \
	    $(CORE_SAN_OBJ) $(INIH_LIBS)

UNIT_TESTS := $(patsubst tests/unit/%.c,build/tests/%,$(wildcard tests/unit/test-*.c))

unit-check: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do \
	    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    $$t tests; done

build/san/xenlevel: $(CORE_SAN_OBJ) build/san/host.o build/san/xenlevel.o build/san/xs.o \
                    build/san/compare-cmd.o \
                    build/san/xen.o
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(INIH_LIBS) $(XEN_LIBS)

build/san/xen.o: agent/xen.c $(GEN) agent/*.h
	@mkdir -p build/san
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN) $(XEN_CFLAGS) -c -o $@ $<

cli-check: build/san/xenlevel
	tests/cli/run build/san/xenlevel

# xen-flask (the Flask compile check, cached) is not in check yet: it has
# built once (2026-11-27), but a cold build did not fit the time left.
check: unit-check cli-check fuzz-replay fuzz-smoke xen-unit-all ansible-lint
	@echo "make check: all unit, CLI, fuzz-replay, fuzz smoke and xen-unit tests passed ($(XEN_VERSIONS))"

# The Ansible collection (config/ansible, issue 11): ansible-lint with its
# default (production) profile; any rule violation fails make check.
ansible-lint:
	cd config/ansible && ansible-lint --offline --nocolor -q
	@echo "ansible-lint: config/ansible passed"

# Test-only probe of agent/xen.c and the set_cpu_policy patch (boot tests).
build/tests/xenprobe: tests/boot/xenprobe.c tests/boot/timing.h agent/xen.c agent/xen.h $(GEN)
	@mkdir -p build/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) $(XEN_CFLAGS) -o $@ tests/boot/xenprobe.c agent/xen.c \
	    $(shell $(PKG_CONFIG) --libs xencontrol xenguest xencall)

# Test-only publisher of tests/boot/bench: the watcher timed with no
# process starting or exiting beside it.
build/tests/xspub: tests/boot/xspub.c tests/boot/timing.h agent/xs.c agent/xs.h $(CORE:%=agent/%.c) $(GEN)
	@mkdir -p build/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ tests/boot/xspub.c agent/xs.c $(CORE:%=agent/%.c) \
	    $(INIH_LIBS) $(shell $(PKG_CONFIG) --libs xenstore)

xen:
	@start=$$(date +%s); \
	XEN_VERSION=$(XEN_VERSION) nice -n 10 xen-patches/build-xen.sh && \
	echo "make xen: XEN_VERSION=$(XEN_VERSION) ready in $$(( $$(date +%s) - start )) s"

# The patched hypervisor with XSM/Flask on (the series' Flask hook and
# permission; Debian's config has XSM off), cached like make xen.
xen-flask:
	xen-patches/build-xen.sh --flask

# The patched tree's tools libraries (libxenguest with
# xc_set_system_cpu_policy() and what it links against), cached.
xen-tools:
	xen-patches/build-tools.sh

# Test-only user of xc_set_system_cpu_policy(), static against xen-tools
# (boot case 80).
build/tests/xgprobe: tests/boot/xgprobe.c xen-patches/build-tools.sh xen-patches/4.17/series \
                     $(wildcard xen-patches/4.17/*.patch)
	@mkdir -p build/tests
	d=$$(xen-patches/build-tools.sh) && \
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -I"$$d/include" -static -o $@ \
	    tests/boot/xgprobe.c $$(cat "$$d/libs")

# Xen's test-cpu-policy and the series' test-default-policy, built from
# the patched tree of XEN_VERSION (no tools configure needed); make check
# runs them for every version with a series.
xen-unit:
	XEN_VERSION=$(XEN_VERSION) xen-patches/unit-test.sh

xen-unit-all:
	@set -e; for v in $(XEN_VERSIONS); do \
	    XEN_VERSION=$$v xen-patches/unit-test.sh; done

# The agent against another Xen's toolstack: only xen.c and xs.c see Xen
# headers, so only they are compiled per version, against the headers of
# the patched tree's install (build-xen.sh's <dir>/root), and the agent is
# linked with its libraries.  The core is shared.
ifneq ($(XEN_VERSION),4.17)
XEN_OUT := $(shell XEN_VERSION=$(XEN_VERSION) xen-patches/build-xen.sh --print-key)
XEN_ROOT_V := $(XEN_OUT)/root
XEN_LIB_V := $(XEN_ROOT_V)/usr/lib
VB := build/xen-$(XEN_VERSION)
V_CFLAGS := -I$(XEN_ROOT_V)/usr/include
V_LIBS := -L$(XEN_LIB_V) -Wl,-rpath-link,$(XEN_LIB_V) \
          -lxenguest -lxenctrl -lxencall -lxenstore

$(XEN_OUT)/xen:
	XEN_VERSION=$(XEN_VERSION) nice -n 10 xen-patches/build-xen.sh

$(VB)/%.o: agent/%.c $(GEN) agent/*.h $(XEN_OUT)/xen
	@mkdir -p $(VB)
	$(CC) $(CPPFLAGS) $(V_CFLAGS) $(CFLAGS) -c -o $@ $<

$(VB)/xenlevel: $(CORE_OBJ) build/agent/host.o build/agent/compare-cmd.o build/agent/xenlevel.o \
                $(VB)/xen.o $(VB)/xs.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(INIH_LIBS) $(V_LIBS)

$(VB)/xenprobe: tests/boot/xenprobe.c tests/boot/timing.h agent/xen.c agent/xen.h $(GEN) \
                build/agent/policy.o build/agent/featureset.o $(XEN_OUT)/xen
	$(CC) $(CPPFLAGS) $(V_CFLAGS) $(CFLAGS) -o $@ tests/boot/xenprobe.c \
	    agent/xen.c $(V_LIBS)
endif

boot-check: agent/xenlevel build/tests/xenprobe build/tests/xgprobe deb
	tests/boot/run-all

# The Xen 4.20 and master boots alone (also the end of boot-check).
ports-check: agent/xenlevel build/tests/xenprobe
	tests/boot/run-cases $(wildcard tests/boot/ports/*.case)

fleet-check: agent/xenlevel deb
	tests/boot/run-cases $(wildcard tests/boot/fleet/*.case)

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	        grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "make deps: installing$$missing"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive \
	        apt-get install -y -q --no-install-recommends $$missing; \
	else echo "make deps: all Debian packages present"; fi

test: deps
	$(MAKE) check
	$(MAKE) boot-check

demo: deps
	$(MAKE) agent/xenlevel
	tests/boot/demo

# make install / uninstall: never build, never touch apt or the network.
# Build first (make), as yourself; then install, e.g. as root.
INSTALLED_UNITS := xenlevel.service xenlevel-sync.service xenlevel-gate.service
install:
	@test -x agent/xenlevel || { echo "make install: agent/xenlevel is not built: run make first" >&2; exit 1; }
	install -D -m 0755 agent/xenlevel $(DESTDIR)$(SBINDIR)/xenlevel
	install -D -m 0644 agent/xenlevel.8 $(DESTDIR)$(MANDIR)/man8/xenlevel.8
	install -D -m 0644 agent/xenlevel.conf.5 $(DESTDIR)$(MANDIR)/man5/xenlevel.conf.5
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/xen/xenlevel.conf ]; then \
	    echo "make install: keeping $(DESTDIR)$(SYSCONFDIR)/xen/xenlevel.conf; the shipped one is xenlevel.conf.new"; \
	    install -D -m 0644 config/xenlevel.conf $(DESTDIR)$(SYSCONFDIR)/xen/xenlevel.conf.new; \
	else install -D -m 0644 config/xenlevel.conf $(DESTDIR)$(SYSCONFDIR)/xen/xenlevel.conf; fi
	install -d $(DESTDIR)$(DATADIR)/levels
	install -m 0644 config/levels/*.level $(DESTDIR)$(DATADIR)/levels/
	dracut-module/install.sh $(DESTDIR)$(DRACUTDIR)/55xenlevel $(SBINDIR)
	install -D -m 0644 config/dracut/50-xenlevel.conf $(DESTDIR)$(DRACUTCONFDIR)/50-xenlevel.conf
	install -D -m 0644 config/tmpfiles/xenlevel.conf $(DESTDIR)$(TMPFILESDIR)/xenlevel.conf
	install -d $(DESTDIR)$(UNITDIR)/xendomains.service.d $(DESTDIR)$(UNITDIR)/libvirtd.service.d
	for u in $(INSTALLED_UNITS); do \
	    sed 's|@SBINDIR@|$(SBINDIR)|g' config/systemd/$$u.in > $(DESTDIR)$(UNITDIR)/$$u && \
	    chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; done
	sed 's|@SBINDIR@|$(SBINDIR)|g' config/systemd/xendomains.service.d/xenlevel.conf.in \
	    > $(DESTDIR)$(UNITDIR)/xendomains.service.d/xenlevel.conf
	install -m 0644 config/systemd/libvirtd.service.d/xenlevel.conf $(DESTDIR)$(UNITDIR)/libvirtd.service.d/xenlevel.conf

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/xenlevel $(DESTDIR)$(MANDIR)/man8/xenlevel.8 \
	    $(DESTDIR)$(MANDIR)/man5/xenlevel.conf.5 $(DESTDIR)$(DRACUTCONFDIR)/50-xenlevel.conf \
	    $(DESTDIR)$(TMPFILESDIR)/xenlevel.conf $(DESTDIR)$(SYSCONFDIR)/xen/xenlevel.conf.new \
	    $(DESTDIR)$(UNITDIR)/xendomains.service.d/xenlevel.conf \
	    $(DESTDIR)$(UNITDIR)/libvirtd.service.d/xenlevel.conf
	for u in $(INSTALLED_UNITS); do rm -f $(DESTDIR)$(UNITDIR)/$$u; done
	rm -rf $(DESTDIR)$(DRACUTDIR)/55xenlevel $(DESTDIR)$(DATADIR)
	-rmdir $(DESTDIR)$(UNITDIR)/xendomains.service.d $(DESTDIR)$(UNITDIR)/libvirtd.service.d 2>/dev/null
	@echo "make uninstall: kept $(DESTDIR)$(SYSCONFDIR)/xen/xenlevel.conf and /var/lib/xenlevel (your config and persisted level)"

# Debian packages (dpkg-deb): xenlevel and the patched hypervisor.
DEBDIR ?= build/deb
deb: agent/xenlevel
	config/debian/build-debs $(DEBDIR)

clean:
	rm -rf build agent/xenlevel

baselines: agent/xenlevel
	config/levels/generate agent/xenlevel config/levels

# Fuzzing: one libFuzzer target per parser (clang, ASan/UBSan).  make fuzz
# runs each for FUZZ_RUNS executions and prints the count per target;
# make fuzz-smoke (part of make check) a short pass of each.  Crashes are
# kept as regression inputs in tests/fuzz/regressions/, which make
# fuzz-replay (gcc, ASan/UBSan) replays with the golden files.
FUZZ_RUNS ?= 10000000
FUZZ_SMOKE_RUNS ?= 20000
FUZZ_TARGETS := level report config xsvalue status xswire
CLANG ?= clang
CORE_SRC := $(CORE:%=agent/%.c)
FUZZ_BIN := $(FUZZ_TARGETS:%=build/fuzz/fuzz-%)
FUZZ_REPLAY := $(FUZZ_TARGETS:%=build/tests/fuzz-replay-%)
# Seeds: the golden files of the target's kind (and the shipped files).
FUZZ_SEEDS_level := tests/golden/level-* config/levels tests/data/pools
FUZZ_SEEDS_report := tests/golden/report-* tests/data/*.report
FUZZ_SEEDS_config := tests/golden/config-* config/xenlevel.conf
FUZZ_SEEDS_xsvalue := tests/golden/level-ok.ini config/levels
# Replies as xenstored 4.17 sends them: the XS_GET_PERMS "n0" and XS_ERROR
# "ENOENT" replies captured in a boot (tests/unit/test-xswire.c), then a
# short XS_READ reply.
FUZZ_SEEDS_xswire := tests/fuzz/seeds/xswire-replies

build/fuzz/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz.h $(CORE_SRC) $(GEN) agent/*.h
	@mkdir -p build/fuzz
	$(CLANG) $(CPPFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -o $@ $< $(CORE_SRC) $(INIH_LIBS)

fuzz: $(FUZZ_BIN)
	@set -e; $(foreach t,$(FUZZ_TARGETS),\
	    tests/fuzz/run $(t) $(FUZZ_RUNS) $(FUZZ_SEEDS_$(t));)

fuzz-smoke: $(FUZZ_BIN)
	@set -e; $(foreach t,$(FUZZ_TARGETS),\
	    tests/fuzz/run $(t) $(FUZZ_SMOKE_RUNS) $(FUZZ_SEEDS_$(t));)

build/tests/fuzz-replay-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz.h $(CORE_SAN_OBJ)
	@mkdir -p build/tests
	$(CC) $(CPPFLAGS) -Itests/fuzz $(CFLAGS) $(SAN) -DSTANDALONE -o $@ $< \
	    $(CORE_SAN_OBJ) $(INIH_LIBS)

fuzz-replay: $(FUZZ_REPLAY)
	@set -e; for t in $(FUZZ_TARGETS); do \
	    build/tests/fuzz-replay-$$t tests/golden/* config/xenlevel.conf \
	        config/levels/*.level tests/data/*.report tests/fuzz/seeds/* \
	        $$(ls tests/fuzz/regressions/*-* 2>/dev/null); done

# Benchmarks print figures; they are not timed tests.
bench: agent/xenlevel
	tests/bench/compute-bench agent/xenlevel tests/golden/report-ok.ini
	tests/boot/bench
