// SPDX-License-Identifier: GPL-2.0
/* Log lines to stderr (-f) or syslog (daemon facility). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kpptpd.h"

bool log_stderr;
int log_verbose;

void log_open(bool to_stderr)
{
	log_stderr = to_stderr;
	if (!to_stderr)
		openlog("kpptpd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void logmsg(int level, const char *fmt, ...)
{
	static const char *const names[] = { "emerg", "alert", "crit", "error",
					     "warning", "notice", "info", "debug" };
	va_list ap;

	if (level == LOG_DEBUG && !log_verbose)
		return;
	va_start(ap, fmt);
	if (log_stderr) {
		/*
		 * One write per line: stderr may be shared (a terminal, a
		 * journal stream), and a line in pieces can be cut by another
		 * writer's bytes. Cut to 2 KB, with the cut marked.
		 */
		char line[2048];
		int h = snprintf(line, sizeof(line), "kpptpd: %s: ", names[level & 7]);
		int n = vsnprintf(line + h, sizeof(line) - (size_t)h - 1, fmt, ap);
		size_t len = (size_t)h + (n < 0 ? 0 : (size_t)n);

		if (len > sizeof(line) - 5) {
			len = sizeof(line) - 5;
			memcpy(line + len, "...", 3);
			len += 3;
		}
		line[len++] = '\n';
		(void)!write(2, line, len);
	} else {
		vsyslog(level, fmt, ap);
	}
	va_end(ap);
}

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
