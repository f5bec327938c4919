// SPDX-License-Identifier: GPL-2.0
/*
 * Descriptors: each control connection holds one, each call two more
 * (pppd's status pipe and its output pipe), and a call being set up a
 * PPPoX socket for a moment. The default soft RLIMIT_NOFILE (1024) would stop a server with
 * the default max-connections and max-calls at about 500 calls, so
 * kpptpd raises it to the hard limit: it waits with epoll, never
 * select(), and any descriptor number is fine for it. Its pppds get the
 * old soft limit back: they are not ours to change.
 */
#include <errno.h>
#include <string.h>
#include <syslog.h>
#include <sys/resource.h>

#include "kpptpd.h"

static struct rlimit inherited;
static bool have_inherited;

/* What the configuration can hold open at once, with room for the rest. */
static unsigned long long fds_needed(const struct daemon *d)
{
	if (d->client)
		return 64;
	return (unsigned long long)d->cfg.max_connections + 2ull * d->cfg.max_calls + 64;
}

void limits_raise(struct daemon *d)
{
	struct rlimit r;
	unsigned long long need = fds_needed(d);

	if (getrlimit(RLIMIT_NOFILE, &r)) {
		logmsg(LOG_WARNING, "getrlimit(RLIMIT_NOFILE): %m");
		return;
	}
	inherited = r;
	have_inherited = true;
	if (r.rlim_cur < r.rlim_max) {
		struct rlimit up = { r.rlim_max, r.rlim_max };

		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			r = up;
		else
			logmsg(LOG_WARNING, "setrlimit(RLIMIT_NOFILE, %llu): %m",
			       (unsigned long long)r.rlim_max);
	}
	d->nofile = r.rlim_cur;
	if (r.rlim_cur != RLIM_INFINITY && r.rlim_cur < need)
		logmsg(LOG_WARNING,
		       "descriptors: RLIMIT_NOFILE is %llu, max-connections %u and max-calls %u need about %llu: connections and calls beyond it are refused (raise LimitNOFILE= in kpptpd.service, or ulimit -n)",
		       (unsigned long long)r.rlim_cur, d->cfg.max_connections, d->cfg.max_calls,
		       need);
}

/* In a child before exec: the limit kpptpd was started with. */
void limits_restore_child(void)
{
	if (have_inherited)
		(void)setrlimit(RLIMIT_NOFILE, &inherited);
}
