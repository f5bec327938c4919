// SPDX-License-Identifier: GPL-2.0
/* Log lines to stderr (-f) or syslog (daemon facility). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

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
		fprintf(stderr, "kpptpd: %s: ", names[level & 7]);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
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
