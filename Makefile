# SPDX-License-Identifier: GPL-2.0
#
# kpptp: PPTP/GRE kernel data path, its control plane and their tests.
#
#   make deps     install what the build and the tests need (apt-get)
#   make          build the module (against KDIR) and the tools
#   make check    deps + build + every test (host units, guest selftests)
#   make demo     boot a guest, bring up a tunnel, push iperf3 through it
#   make bench    benchmarks, side by side in one guest boot
#   make style    checkpatch --strict on the module
#   make sparse   sparse (C=1) on the module
#   make fuzz     libFuzzer on the user-space decoders (SECONDS=300)

KVER ?= $(shell tools/vm/kver.sh 2>/dev/null)
KDIR ?= /lib/modules/$(KVER)/build
BUILD := $(CURDIR)/build
BIN := $(BUILD)/bin

CC ?= cc
CFLAGS ?= -O2 -g
WARN := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -D_FORTIFY_SOURCE=2
UAPI := -I$(CURDIR)/include/uapi

TOOLS := $(BIN)/pptp-static $(BIN)/gre-inject $(BIN)/kpptpctl $(BIN)/nl-raw

LIBKPPTP_SRC := userspace/lib/nl.c userspace/lib/parse.c
LIBKPPTP_HDR := userspace/include/kpptp/nl.h userspace/lib/attr.h include/uapi/linux/kpptp.h
KPPTPCTL_SRC := $(wildcard tools/kpptpctl/*.c)

.PHONY: all module tools deps check unit vm-check demo bench style sparse fuzz \
	clean help

all: module tools

help:
	@sed -n '3,14p' Makefile | sed 's/^# \{0,1\}//'

module:
	@test -n "$(KVER)" || { echo "no kernel headers found: run 'make deps'"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/module W=1 modules

tools: $(TOOLS)

$(BIN)/pptp-static: tools/pptp-static/pptp-static.c include/uapi/linux/kpptp.h
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(WARN) $(UAPI) -o $@ $<

$(BIN)/libkpptp.a: $(LIBKPPTP_SRC) $(LIBKPPTP_HDR)
	@mkdir -p $(BUILD)/obj
	$(CC) $(CFLAGS) $(WARN) $(UAPI) -Iuserspace/include -c userspace/lib/nl.c -o $(BUILD)/obj/nl.o
	$(CC) $(CFLAGS) $(WARN) $(UAPI) -Iuserspace/include -c userspace/lib/parse.c -o $(BUILD)/obj/parse.o
	ar rcs $@ $(BUILD)/obj/nl.o $(BUILD)/obj/parse.o

$(BIN)/kpptpctl: $(KPPTPCTL_SRC) tools/kpptpctl/kpptpctl.h $(BIN)/libkpptp.a
	$(CC) $(CFLAGS) $(WARN) $(UAPI) -Iuserspace/include -o $@ $(KPPTPCTL_SRC) \
		$(BIN)/libkpptp.a -lmnl

$(BIN)/nl-raw: selftests/nl-raw.c $(BIN)/libkpptp.a
	$(CC) $(CFLAGS) $(WARN) $(UAPI) -Iuserspace/include -o $@ $< $(BIN)/libkpptp.a -lmnl

$(BIN)/gre-inject: selftests/gre-inject.c
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(WARN) -o $@ $<

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

demo: deps
	$(MAKE) all
	tools/demo.sh

bench: deps
	$(MAKE) all
	tools/bench/run.sh

style:
	tools/style.sh

fuzz:
	tools/fuzz/run.sh $(or $(SECONDS),300)

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/module C=1 W=1 modules

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/module clean
	rm -rf $(BUILD)
