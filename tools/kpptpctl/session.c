// SPDX-License-Identifier: GPL-2.0
/* kpptpctl session list|show|add|del|set */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "kpptpctl.h"

static int print_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctl *c = data;
	struct kpptp_session_msg m;

	if (kpptp_session_parse(nlh, &m) < 0)
		return -1;
	print_session(c, &m);
	return 0;
}

/* TUNABLE VALUE pairs, shared by add and set. Returns words used, or -1. */
static int put_tunable(struct nlmsghdr *nlh, char **argv, int argc)
{
	static const struct {
		const char *word;
		int attr;
		uint32_t max;
	} t[] = {
		{ "reorder-window", KPPTP_A_REORDER_WINDOW, KPPTP_REORDER_WINDOW_MAX },
		{ "reorder-timeout", KPPTP_A_REORDER_TIMEOUT, KPPTP_TIMEOUT_MAX_MS },
		{ "ack-delay", KPPTP_A_ACK_DELAY, KPPTP_TIMEOUT_MAX_MS },
		{ "peer-window", KPPTP_A_PEER_RECV_WINDOW, UINT16_MAX },
		{ "stall-timeout", KPPTP_A_STALL_TIMEOUT, KPPTP_STALL_TIMEOUT_MAX_S },
		{ "anomaly-threshold", KPPTP_A_ANOMALY_THRESHOLD, UINT32_MAX },
	};
	uint64_t cookie;
	uint32_t v;
	size_t i;

	/* Only off: pppd turns it on, through its socket. */
	if (!strcmp(argv[0], "fastpath")) {
		if (argc < 2 || strcmp(argv[1], "off")) {
			usage_error("fastpath takes only 'off', not '%s'", argc < 2 ? "" : argv[1]);
			return -1;
		}
		mnl_attr_put_u8(nlh, KPPTP_A_FASTPATH, 0);
		return 2;
	}
	if (!strcmp(argv[0], "cookie")) {
		if (argc < 2 || !parse_u64(argv[1], &cookie)) {
			usage_error("cookie needs a number, not '%s'", argc < 2 ? "" : argv[1]);
			return -1;
		}
		mnl_attr_put_u64(nlh, KPPTP_A_COOKIE, cookie);
		return 2;
	}
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (strcmp(argv[0], t[i].word))
			continue;
		if (argc < 2 || !parse_u32(argv[1], t[i].max, &v)) {
			fprintf(stderr, "kpptpctl: %s needs a number 0..%u\n", t[i].word,
				t[i].max);
			return -1;
		}
		/* The kernel checks the lower bounds and says so. */
		if (t[i].attr == KPPTP_A_PEER_RECV_WINDOW)
			mnl_attr_put_u16(nlh, t[i].attr, (uint16_t)v);
		else
			mnl_attr_put_u32(nlh, t[i].attr, v);
		return 2;
	}
	usage_error("unknown word '%s'", argv[0]);
	return -1;
}

/* ID | call N [peer ADDR] */
static int put_key(struct nlmsghdr *nlh, int argc, char **argv, int *used)
{
	uint32_t v, addr;

	if (argc >= 2 && !strcmp(argv[0], "call")) {
		if (!parse_u32(argv[1], UINT16_MAX, &v))
			return usage_error("call needs a call ID 0..65535, not '%s'", argv[1]);
		mnl_attr_put_u16(nlh, KPPTP_A_LOCAL_CALL_ID, (uint16_t)v);
		*used = 2;
		if (argc >= 4 && !strcmp(argv[2], "peer")) {
			if (!parse_addr(argv[3], &addr))
				return usage_error("peer needs an IPv4 address, not '%s'", argv[3]);
			mnl_attr_put_u32(nlh, KPPTP_A_PEER_ADDR, addr);
			*used = 4;
		}
		return 0;
	}
	if (argc < 1 || !parse_u32(argv[0], UINT32_MAX, &v) || !v)
		return usage_error("a session ID (a number from 'session list') is needed, not '%s'",
				   argc ? argv[0] : "");
	mnl_attr_put_u32(nlh, KPPTP_A_ID, v);
	*used = 1;
	return 0;
}

static int session_add(struct ctl *c, int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = kpptp_nl_request(&c->nl, buf, KPPTP_CMD_SESSION_NEW, 0);
	bool local = false, peer = false, pcall = false;
	uint32_t v;
	int i, n;

	for (i = 0; i < argc; i += n) {
		n = 2;
		if (!strcmp(argv[i], "owned")) {
			mnl_attr_put(nlh, KPPTP_A_OWNED, 0, NULL);
			n = 1;
		} else if (!strcmp(argv[i], "local") || !strcmp(argv[i], "peer")) {
			if (i + 1 >= argc || !parse_addr(argv[i + 1], &v))
				return usage_error("%s needs an IPv4 address", argv[i]);
			mnl_attr_put_u32(nlh, argv[i][0] == 'l' ? KPPTP_A_LOCAL_ADDR :
					 KPPTP_A_PEER_ADDR, v);
			*(argv[i][0] == 'l' ? &local : &peer) = true;
		} else if (!strcmp(argv[i], "call") || !strcmp(argv[i], "peer-call")) {
			if (i + 1 >= argc || !parse_u32(argv[i + 1], UINT16_MAX, &v))
				return usage_error("%s needs a call ID 0..65535", argv[i]);
			mnl_attr_put_u16(nlh, argv[i][0] == 'c' ? KPPTP_A_LOCAL_CALL_ID :
					 KPPTP_A_PEER_CALL_ID, (uint16_t)v);
			if (argv[i][0] == 'p')
				pcall = true;
		} else {
			n = put_tunable(nlh, argv + i, argc - i);
			if (n < 0)
				return EXIT_USAGE;
		}
	}
	if (!local || !peer || !pcall)
		return usage_error("%s", "session add needs local ADDR, peer ADDR and peer-call N");
	return query(c, nlh, print_cb, "session add");
}

static int session_key_cmd(struct ctl *c, uint8_t cmd, int argc, char **argv,
			   const char *what)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = kpptp_nl_request(&c->nl, buf, cmd, 0);
	int used, key_used, rc, n;

	rc = put_key(nlh, argc, argv, &used);
	if (rc)
		return rc;
	key_used = used;
	for (; used < argc; used += n) {
		if (cmd != KPPTP_CMD_SESSION_SET)
			return usage_error("unexpected '%s'", argv[used]);
		n = put_tunable(nlh, argv + used, argc - used);
		if (n < 0)
			return EXIT_USAGE;
	}
	if (cmd == KPPTP_CMD_SESSION_SET && used == key_used)
		return usage_error("%s", "session set needs at least one tunable");
	return query(c, nlh, cmd == KPPTP_CMD_SESSION_GET ? print_cb : NULL, what);
}

static int session_list(struct ctl *c, int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	if (argc)
		return usage_error("session list takes no argument, not '%s'", argv[0]);
	nlh = kpptp_nl_request(&c->nl, buf, KPPTP_CMD_SESSION_GET, NLM_F_DUMP);
	return query(c, nlh, print_cb, "session list");
}

int cmd_session(struct ctl *c, int argc, char **argv)
{
	if (argc < 1)
		return usage_error("%s", "session needs list, show, add, del or set");
	if (!strcmp(argv[0], "list") || !strcmp(argv[0], "ls"))
		return session_list(c, argc - 1, argv + 1);
	if (!strcmp(argv[0], "show"))
		return session_key_cmd(c, KPPTP_CMD_SESSION_GET, argc - 1, argv + 1,
				       "session show");
	if (!strcmp(argv[0], "add"))
		return session_add(c, argc - 1, argv + 1);
	if (!strcmp(argv[0], "del"))
		return session_key_cmd(c, KPPTP_CMD_SESSION_DEL, argc - 1, argv + 1,
				       "session del");
	if (!strcmp(argv[0], "set"))
		return session_key_cmd(c, KPPTP_CMD_SESSION_SET, argc - 1, argv + 1,
				       "session set");
	return usage_error("unknown session command '%s'", argv[0]);
}
