// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the kpptp message decoder (userspace/lib/parse.c): what
 * the kernel may send is read right, anything malformed is refused as a
 * whole, and attributes of a newer kernel are skipped. KTAP output.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "kpptp/nl.h"

static int n, failed;

static void check(int cond, const char *what)
{
	printf("%sok %d %s\n", cond ? "" : "not ", ++n, what);
	if (!cond)
		failed++;
}

static struct nlmsghdr *start(void *buf, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = cmd;
	g->version = KPPTP_GENL_VERSION;
	return nlh;
}

/* A session as the kernel sends it, with a stats nest. */
static struct nlmsghdr *full(void *buf)
{
	struct nlmsghdr *nlh = start(buf, KPPTP_CMD_SESSION_GET);
	struct nlattr *nest;

	mnl_attr_put_u32(nlh, KPPTP_A_ID, 7);
	mnl_attr_put_u16(nlh, KPPTP_A_LOCAL_CALL_ID, 100);
	mnl_attr_put_u16(nlh, KPPTP_A_PEER_CALL_ID, 200);
	mnl_attr_put_u32(nlh, KPPTP_A_LOCAL_ADDR, 0x016433c6);
	mnl_attr_put_u32(nlh, KPPTP_A_PEER_ADDR, 0x026433c6);
	mnl_attr_put(nlh, KPPTP_A_OWNED, 0, NULL);
	mnl_attr_put_u8(nlh, KPPTP_A_ORIGIN, KPPTP_ORIGIN_NETLINK);
	mnl_attr_put_u64(nlh, KPPTP_A_COOKIE, 0x1122334455667788ULL);
	nest = mnl_attr_nest_start(nlh, KPPTP_A_STATS);
	mnl_attr_put_u64(nlh, KPPTP_A_STATS_RX_PACKETS, 42);
	mnl_attr_put_u64(nlh, KPPTP_A_STATS_ICMP_OTHER, 3);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* --seed FILE: write the full message, the fuzzer's starting point. */
static int write_seed(const char *path)
{
	char buf[4096] __attribute__((aligned(8))) = { 0 };
	struct nlmsghdr *nlh = full(buf);
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(nlh, 1, nlh->nlmsg_len, f) != nlh->nlmsg_len) {
		perror(path);
		if (f)
			fclose(f);
		return 1;
	}
	return fclose(f) ? 1 : 0;
}

int main(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE] __attribute__((aligned(8)));
	struct kpptp_session_msg m;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int r;

	if (argc == 3 && !strcmp(argv[1], "--seed"))
		return write_seed(argv[2]);
	puts("TAP version 13");
	puts("1..11");

	nlh = full(buf);
	r = kpptp_session_parse(nlh, &m);
	check(r == 0 && m.cmd == KPPTP_CMD_SESSION_GET && m.id == 7 &&
	      m.local_call_id == 100 && m.peer_call_id == 200 &&
	      m.local_addr == 0x016433c6 && m.peer_addr == 0x026433c6 && m.owned &&
	      m.origin == KPPTP_ORIGIN_NETLINK && m.cookie == 0x1122334455667788ULL,
	      "a full session message is read");
	check(r == 0 && m.has_stats[KPPTP_A_STATS_RX_PACKETS] &&
	      m.stats[KPPTP_A_STATS_RX_PACKETS] == 42 &&
	      m.stats[KPPTP_A_STATS_ICMP_OTHER] == 3 &&
	      !m.has_stats[KPPTP_A_STATS_TX_PACKETS],
	      "its counters, and which ones were present");
	check(r == 0 && !m.has[KPPTP_A_CHANNEL] && m.has[KPPTP_A_COOKIE],
	      "absent attributes are marked absent");

	nlh = full(buf);
	mnl_attr_put_u32(nlh, KPPTP_A_MAX + 5, 1);
	check(kpptp_session_parse(nlh, &m) == 0 && m.id == 7,
	      "an attribute of a newer kernel is skipped");

	nlh = start(buf, KPPTP_CMD_SESSION_GET);
	mnl_attr_put_u32(nlh, KPPTP_A_LOCAL_CALL_ID, 100);
	errno = 0;
	check(kpptp_session_parse(nlh, &m) < 0 && errno == EBADMSG,
	      "a u16 sent as 4 bytes is refused");

	nlh = start(buf, KPPTP_CMD_SESSION_GET);
	mnl_attr_put_u8(nlh, KPPTP_A_COOKIE, 1);
	check(kpptp_session_parse(nlh, &m) < 0, "a u64 sent as 1 byte is refused");

	nlh = start(buf, KPPTP_CMD_STATS_GET);
	nest = mnl_attr_nest_start(nlh, KPPTP_A_STATS);
	mnl_attr_put_u32(nlh, KPPTP_A_STATS_RX_PACKETS, 42);
	mnl_attr_nest_end(nlh, nest);
	check(kpptp_session_parse(nlh, &m) < 0, "a 4-byte counter in the nest is refused");

	nlh = full(buf);
	nlh->nlmsg_len -= 3;	/* the stats nest now overruns the message */
	check(kpptp_session_parse(nlh, &m) < 0, "an attribute overrunning the message is refused");

	nlh = full(buf);
	memset((char *)nlh + nlh->nlmsg_len, 0xff, 2);
	nlh->nlmsg_len += 2;	/* two bytes that are not an attribute */
	check(kpptp_session_parse(nlh, &m) < 0, "trailing bytes are refused");

	nlh = start(buf, KPPTP_CMD_SESSION_GET);
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	check(kpptp_session_parse(nlh, &m) < 0, "a message shorter than its genl header is refused");

	check(!strcmp(kpptp_attr_name(KPPTP_A_PEER_RECV_WINDOW), "peer-recv-window") &&
	      !strcmp(kpptp_attr_name(KPPTP_A_MAX + 1), "?") &&
	      !strcmp(kpptp_stat_name(KPPTP_A_STATS_MAX), "icmp-other"),
	      "attribute names come from the spec, unknown ones are '?'");

	printf("# Totals: pass:%d fail:%d\n", n - failed, failed);
	return failed ? 1 : 0;
}
