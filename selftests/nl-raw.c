// SPDX-License-Identifier: GPL-2.0
/*
 * nl-raw: send one hand-made request of the "kpptp" family, for the tests
 * of error paths that kpptpctl's own checks never let through (a missing
 * attribute, a wrong size, an unknown attribute, a nest where a scalar is
 * expected).
 *
 *   nl-raw CMD [TYPE:HEX]...
 *
 * CMD is a command name of the spec (session-new) or number; each TYPE:HEX
 * an attribute name (local-addr) or number, and its payload as hex bytes
 * in wire order (empty for a flag). Prints "ok" or the error as
 * kpptpctl would (the kernel's extack and the attribute it names); exits 0
 * on success, 1 when the kernel refused, 2 on a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "kpptp/nl.h"

static int usage(void)
{
	fputs("usage: nl-raw CMD [TYPE:HEX]...\n", stderr);
	return 2;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A name of the spec, looked up with name(), or a number up to max. */
static long lookup(const char *arg, size_t len, const char *(*name)(unsigned int),
		   unsigned long max)
{
	unsigned long v;
	char *end;

	for (v = 1; v < 256; v++)
		if (strlen(name(v)) == len && !strncmp(name(v), arg, len))
			return (long)v;
	v = strtoul(arg, &end, 0);
	if (end != arg + len || end == arg || v > max)
		return -1;
	return (long)v;
}

int main(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned char val[256];
	struct kpptp_nl h = { 0 };
	struct nlmsghdr *nlh;
	long cmd;
	int i;

	if (argc < 2)
		return usage();
	cmd = lookup(argv[1], strlen(argv[1]), kpptp_cmd_name, 255);
	if (cmd < 0)
		return usage();
	/* Checked in full before the socket opens: usage errors leak nothing. */
	nlh = kpptp_nl_request(&h, buf, (uint8_t)cmd, 0);
	for (i = 2; i < argc; i++) {
		const char *hex = strchr(argv[i], ':');
		size_t len = 0, hexlen;
		long type;

		if (!hex)
			return usage();
		type = lookup(argv[i], (size_t)(hex - argv[i]), kpptp_attr_name, 0x7fff);
		if (type < 0)
			return usage();
		hex++;
		hexlen = strlen(hex);
		if (hexlen % 2 || hexlen / 2 > sizeof(val))
			return usage();
		for (; len < hexlen / 2; len++) {
			int hi = hexval(hex[2 * len]), lo = hexval(hex[2 * len + 1]);

			if (hi < 0 || lo < 0)
				return usage();
			val[len] = (unsigned char)(hi << 4 | lo);
		}
		mnl_attr_put(nlh, (uint16_t)type, len, val);
	}
	if (kpptp_nl_open(&h) < 0) {
		fprintf(stderr, "nl-raw: %s\n", h.err);
		return 1;
	}
	if (kpptp_nl_talk(&h, nlh, NULL, NULL) < 0) {
		printf("%s\n", h.err);
		kpptp_nl_close(&h);
		return 1;
	}
	puts("ok");
	kpptp_nl_close(&h);
	return 0;
}
