// SPDX-License-Identifier: GPL-2.0
/* kpptpctl stats [ID]: one session's counters, or the namespace's. */
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "kpptpctl.h"

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct kpptp_session_msg m;

	if (kpptp_session_parse(nlh, &m) < 0)
		return -1;
	print_stats(data, &m);
	return 0;
}

int cmd_stats(struct ctl *c, int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	uint32_t id;

	if (argc > 1)
		return usage_error("stats takes at most one session ID, not '%s'", argv[1]);
	if (argc == 1 && (!parse_u32(argv[0], UINT32_MAX, &id) || !id))
		return usage_error("a session ID (a number from 'session list') is needed, not '%s'",
				   argv[0]);
	nlh = kpptp_nl_request(&c->nl, buf, KPPTP_CMD_STATS_GET, 0);
	if (argc == 1)
		mnl_attr_put_u32(nlh, KPPTP_A_ID, id);
	return query(c, nlh, stats_cb, "stats");
}
