// SPDX-License-Identifier: GPL-2.0
/* kpptpctl monitor: the "events" multicast group, one line per event. */
#include <stdio.h>

#include "kpptpctl.h"

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct kpptp_session_msg m;

	if (kpptp_session_parse(nlh, &m) < 0) {
		fprintf(stderr, "kpptpctl: malformed event skipped\n");
		return 1;
	}
	print_event(data, &m);
	/* Scripts read events as they come. */
	return fflush(stdout) == 0 ? 1 : -1;
}

int cmd_monitor(struct ctl *c, int argc, char **argv)
{
	if (argc)
		return usage_error("monitor takes no argument, not '%s'", argv[0]);
	if (kpptp_nl_monitor(&c->nl, event_cb, c) < 0)
		return nl_error(c, "monitor");
	return EXIT_OK;
}
