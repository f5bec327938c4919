# SPDX-License-Identifier: GPL-2.0
#
# kpptp: PPTP/GRE kernel data path, its control plane and their tests.
#
#   make deps     install what the build and the tests need (apt-get)
#   make          the tools, and kpptp.ko for the default guest kernel
#   make module   kpptp.ko against KDIR (default: the running kernel's headers)
#   make check    deps + build + every test: host units, then the guest
#                 suite on 6.1, the debug 6.1 (KASAN, lockdep), 6.12, newest
#   make check-kernel KERNEL=NAME  the guest suite on one of them
#   make demo     boot a guest, bring up a tunnel, push iperf3 through it
#   make bench    benchmarks, side by side in one guest boot
#   make style    checkpatch --strict on the module
#   make sparse   sparse (C=1) on the module
#   make fuzz     libFuzzer on the decoders and the state machine (SECONDS=300)
#   make plugin-2.5  kpptp.so for Debian 13's pppd 2.5 (in the Debian 13 root)
#   make deb [RELEASE=trixie]  the Debian packages (lintian-checked)
#   make check-packages  the packages on clean Debian 12 and 13 systems
#   make install / uninstall  DESTDIR, PREFIX, PPPD_PLUGINDIR

KDIR ?= /lib/modules/$(shell uname -r)/build
# Guest kernels (tools/kernel/fetch.sh names): the module is built for each.
KERNEL ?= 6.1
BUILD := $(CURDIR)/build
BIN := $(BUILD)/bin

CC ?= cc
CFLAGS ?= -O2 -g
WARN := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -D_FORTIFY_SOURCE=2
UAPI := -I$(CURDIR)/include/uapi -I$(CURDIR)/include
# The one version number (include/kpptp-version.h), for packages and docs.
VERSION := $(shell sed -n 's/^\#define KPPTP_VERSION "\(.*\)"/\1/p' include/kpptp-version.h)

KPPTPD_SRC := $(wildcard userspace/kpptpd/*.c)

TOOLS := $(BIN)/kpptpd $(BUILD)/lib/kpptp.so $(BIN)/pptp-static $(BIN)/gre-inject $(BIN)/kpptpctl $(BIN)/nl-raw \
	$(BIN)/pptp-sock $(BIN)/exerciser $(BIN)/fault-walk $(BIN)/pptp-hostile $(BIN)/ppp-chan-send \
	$(BIN)/dhcp-client $(BIN)/win-client $(BIN)/kpptpd-next

LIBKPPTP_SRC := userspace/lib/nl.c userspace/lib/parse.c userspace/lib/ctrl.c \
	userspace/lib/ctrl-names.c userspace/lib/conn.c userspace/lib/icmp-names.c \
	userspace/lib/authname.c userspace/lib/dhcp.c
LIBKPPTP_HDR := userspace/include/kpptp/nl.h userspace/include/kpptp/ctrl.h \
	userspace/include/kpptp/conn.h userspace/include/kpptp/authname.h \
	userspace/include/kpptp/dhcp.h userspace/lib/attr.h include/uapi/linux/kpptp.h
KPPTPCTL_SRC := $(wildcard tools/kpptpctl/*.c)

.PHONY: all module guest-module tools programs deb check-packages install uninstall install-module deps check check-kernel unit vm-check demo bench style sparse fuzz \
	plugin-2.5 print-plugin-flags \
	clean help

all: tools guest-module

help:
	@sed -n '3,16p' Makefile | sed 's/^# \{0,1\}//'

# A router building for itself: against its own kernel's headers.
module:
	@test -e $(KDIR)/Makefile || { echo "no kernel headers in $(KDIR): install linux-headers-$$(uname -r) or pass KDIR=; for the test guests, 'make guest-module KERNEL=6.1|6.12|newest|debug'"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/module W=1 modules

# For a test guest's kernel (fetched into a cache, never installed here).
guest-module:
	tools/kernel/build-module.sh $(KERNEL)

tools: $(TOOLS)

# What the packages ship (no test helpers).
programs: $(BIN)/kpptpd $(BIN)/kpptpctl $(BUILD)/lib/kpptp.so

# Debian packages (kpptp, kpptp-dkms) for RELEASE (bookworm or trixie),
# lintian-checked, in build/deb/RELEASE.
RELEASE ?= bookworm
deb:
	tools/deb/build.sh $(RELEASE)

# The packages on clean Debian 12 and 13 systems booted with systemd.
check-packages: deps
	tools/pkgtest/run.sh

$(BIN)/pptp-static: tools/pptp-static/pptp-static.c include/uapi/linux/kpptp.h
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(WARN) $(UAPI) -o $@ $<

$(BIN)/libkpptp.a: $(LIBKPPTP_SRC) $(LIBKPPTP_HDR)
	@mkdir -p $(BUILD)/obj $(BIN)
	for f in $(LIBKPPTP_SRC); do \
		$(CC) $(CFLAGS) $(WARN) $(UAPI) -Iuserspace/include -c $$f \
			-o $(BUILD)/obj/$$(basename $$f .c).o || exit 1; \
	done
	rm -f $@
	ar rcs $@ $(patsubst userspace/lib/%.c,$(BUILD)/obj/%.o,$(LIBKPPTP_SRC))

$(BIN)/kpptpctl: $(KPPTPCTL_SRC) $(wildcard tools/kpptpctl/*.h) $(BIN)/libkpptp.a
	$(CC) $(CFLAGS) $(WARN) $(UAPI) -Iuserspace/include -o $@ $(KPPTPCTL_SRC) \
		-DKPPTP_PLUGIN='"$(PPPD_PLUGINDIR)/kpptp.so"' \
		$(BIN)/libkpptp.a -lmnl $(LDFLAGS)

$(BIN)/kpptpd: $(KPPTPD_SRC) userspace/kpptpd/kpptpd.h $(BIN)/libkpptp.a
	$(CC) $(CFLAGS) $(WARN) $(UAPI) -Iuserspace/include -o $@ $(KPPTPD_SRC) \
		-DKPPTPD_PLUGIN='"$(PPPD_PLUGINDIR)/kpptp.so"' \
		$(BIN)/libkpptp.a -lmnl -lnftables $(LDFLAGS)

# The same kpptpd, another version: what the restart tests move onto.
$(BIN)/kpptpd-next: $(KPPTPD_SRC) userspace/kpptpd/kpptpd.h $(BIN)/libkpptp.a
	$(CC) $(CFLAGS) $(WARN) $(UAPI) -Iuserspace/include -o $@ $(KPPTPD_SRC) \
		-DKPPTPD_PLUGIN='"$(PPPD_PLUGINDIR)/kpptp.so"' -DKPPTP_VERSION_OVERRIDE='"$(VERSION)+next"' \
		$(BIN)/libkpptp.a -lmnl -lnftables $(LDFLAGS)

# The pppd plugin: pppd.h is not C11 (its own bool, u_int32_t): gnu11.
PLUGIN_FLAGS = $(CFLAGS) $(subst -std=c11,-std=gnu11,$(WARN)) -fPIC -shared
PLUGIN_SRC := userspace/pppd/kpptp-plugin.c userspace/pppd/kpptp-push.c \
	userspace/pppd/kpptp-early-ipcp.c userspace/pppd/kpptp-pmtu.c userspace/lib/authname.c \
	userspace/lib/dhcp.c
$(BUILD)/lib/kpptp.so: $(PLUGIN_SRC) userspace/pppd/pppd-compat.h userspace/pppd/kpptp-push.h \
		userspace/pppd/kpptp-early-ipcp.h userspace/pppd/kpptp-pmtu.h \
		userspace/include/kpptp/authname.h userspace/include/kpptp/dhcp.h
	@mkdir -p $(BUILD)/lib
	$(CC) $(PLUGIN_FLAGS) $(UAPI) -Iuserspace/include -o $@ $(PLUGIN_SRC) $(LDFLAGS)

# The same plugin for Debian 13's pppd 2.5, built in the Debian 13 root.
plugin-2.5:
	tools/pppd/plugin-2.5.sh

print-plugin-flags:
	@echo '$(PLUGIN_FLAGS)'

# Test helpers on the netlink client library.
$(BIN)/nl-raw $(BIN)/exerciser $(BIN)/fault-walk: $(BIN)/%: selftests/%.c $(BIN)/libkpptp.a
	$(CC) $(CFLAGS) $(WARN) $(UAPI) -Iuserspace/include -o $@ $< $(BIN)/libkpptp.a -lmnl

$(BIN)/pptp-sock: selftests/pptp-sock.c include/uapi/linux/kpptp.h
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(WARN) $(UAPI) -o $@ $<

$(BIN)/pptp-hostile: selftests/pptp-hostile.c
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(WARN) -o $@ $<

$(BIN)/gre-inject: selftests/gre-inject.c
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(WARN) -o $@ $<

$(BIN)/dhcp-client: selftests/dhcp-client.c userspace/lib/dhcp.c userspace/include/kpptp/dhcp.h
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(WARN) -Iuserspace/include -o $@ selftests/dhcp-client.c userspace/lib/dhcp.c

# Crypto for MS-CHAPv2 and the MPPE keys from nettle (the test client only).
$(BIN)/win-client: selftests/win-client.c $(BIN)/libkpptp.a
	$(CC) $(CFLAGS) $(WARN) $(UAPI) -Iuserspace/include -o $@ $< $(BIN)/libkpptp.a -lnettle

$(BIN)/ppp-chan-send: selftests/ppp-chan-send.c
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(WARN) -o $@ $<

# Install for other distributions (Debian: make deb). DESTDIR for staging.
PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
# pppd looks for "plugin kpptp.so" in its own directory, named by its version.
# pppd 2.5 says it through pkg-config, 2.4.9 through patchlevel.h.
PPPD_VERSION ?= $(shell pkg-config --modversion pppd 2>/dev/null || \
	sed -n 's/^\#define VERSION[[:space:]]*"\(.*\)"/\1/p' /usr/include/pppd/patchlevel.h 2>/dev/null)
PPPD_PLUGINDIR ?= $(PREFIX)/lib/pppd/$(PPPD_VERSION)
INSTALLED := $(SBINDIR)/kpptpd $(SBINDIR)/kpptpctl $(PPPD_PLUGINDIR)/kpptp.so \
	$(MANDIR)/man8/kpptpd.8 $(MANDIR)/man8/kpptpctl.8 $(MANDIR)/man5/kpptpd.conf.5 \
	$(UNITDIR)/kpptpd.service $(COMPLETIONDIR)/kpptpctl

install: $(BIN)/kpptpd $(BIN)/kpptpctl $(BUILD)/lib/kpptp.so
	@case "$(PPPD_PLUGINDIR)" in */pppd/) echo "install: pppd's version is unknown (no ppp-dev?): give PPPD_PLUGINDIR=..." >&2; exit 1;; esac
	install -D -m 0755 $(BIN)/kpptpd $(DESTDIR)$(SBINDIR)/kpptpd
	install -D -m 0755 $(BIN)/kpptpctl $(DESTDIR)$(SBINDIR)/kpptpctl
	install -D -m 0644 $(BUILD)/lib/kpptp.so $(DESTDIR)$(PPPD_PLUGINDIR)/kpptp.so
	install -D -m 0644 Documentation/man/kpptpd.8 $(DESTDIR)$(MANDIR)/man8/kpptpd.8
	install -D -m 0644 Documentation/man/kpptpctl.8 $(DESTDIR)$(MANDIR)/man8/kpptpctl.8
	install -D -m 0644 Documentation/man/kpptpd.conf.5 $(DESTDIR)$(MANDIR)/man5/kpptpd.conf.5
	install -d $(DESTDIR)$(UNITDIR)
	sed -e 's|/usr/sbin/kpptpd|$(SBINDIR)/kpptpd|g' -e 's|/usr/sbin/kpptpctl|$(SBINDIR)/kpptpctl|g' userspace/systemd/kpptpd.service \
		>$(DESTDIR)$(UNITDIR)/kpptpd.service
	install -D -m 0644 tools/kpptpctl/kpptpctl.bash-completion $(DESTDIR)$(COMPLETIONDIR)/kpptpctl
	@# An admin's configuration is never overwritten.
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/kpptp
	test -e $(DESTDIR)$(SYSCONFDIR)/kpptp/kpptpd.conf || \
		install -m 0644 userspace/etc/kpptpd.conf $(DESTDIR)$(SYSCONFDIR)/kpptp/kpptpd.conf
	test -e $(DESTDIR)$(SYSCONFDIR)/kpptp/options.kpptpd || \
		install -m 0644 userspace/etc/options.kpptpd $(DESTDIR)$(SYSCONFDIR)/kpptp/options.kpptpd

# The configuration stays (as with Debian's remove; purge removes it).
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

# kpptp.ko into /lib/modules (DKMS does this for packages).
install-module: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install INSTALL_MOD_PATH=$(DESTDIR)
	install -D -m 0644 userspace/etc/modprobe-kpptp.conf $(DESTDIR)$(SYSCONFDIR)/modprobe.d/kpptp.conf

deps:
	tools/deps.sh

# Host-side tests: build the tools with sanitizers and test their CLIs.
unit: tools
	selftests/host/run.sh

vm-check: all
	selftests/run-vm.sh

check: deps
	$(MAKE) all
	selftests/check.sh

# One kernel's guest suite (part of make check): make check-kernel KERNEL=debug
check-kernel: deps
	$(MAKE) all
	KPPTP_KERNEL=$(KERNEL) selftests/run-vm.sh

demo: deps
	$(MAKE) all
	tools/demo.sh

# BENCH_ARGS: tools/bench/run.sh's options and paths, e.g. "--seconds 5 kpptp pptp".
bench: deps
	$(MAKE) all
	tools/bench/run.sh $(BENCH_ARGS)

style:
	tools/style.sh

fuzz:
	tools/fuzz/run.sh $(or $(SECONDS),300)

sparse:
	$(MAKE) -C $$(cat $$(tools/kernel/fetch.sh $(KERNEL))/kdir) M=$(CURDIR)/module C=2 W=1 modules

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/module clean
	rm -rf $(BUILD)
