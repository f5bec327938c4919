// SPDX-License-Identifier: GPL-2.0
/*
 * What each source address holds, and what it may hold.
 *
 * Port 1723 on the internet is scanned and brute-forced all day, so every
 * resource a peer can make kpptpd hold is counted per source address as
 * well as in all: control connections, calls, calls still authenticating,
 * the rate of new connections, failed logins and log lines. One table,
 * keyed by the exact address (never a hash slot that a second address
 * can share or reset), with a secret hash seed so that a peer cannot
 * choose addresses that land in one chain.
 *
 * An entry lives while the source holds anything or has history that
 * still counts (failed logins in their window, a back-off, a bucket not
 * yet refilled, suppressed log lines). Nothing the peer says shortens
 * that: only time and the admin (kpptpctl source unblock). The table has
 * a bound (max-sources): when it is full of live entries a new source is
 * refused, never given the history of another.
 *
 * Rates are GCRA token buckets ("theoretical arrival time"): one integer
 * per bucket, exact, no floating point.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/random.h>

#include "kpptpd.h"

#define SOURCE_BUCKETS	4096u	/* chains; a power of two */

static struct source *table[SOURCE_BUCKETS];
static uint32_t seed;
static unsigned int nsources;
struct source_stats source_stats;

/* A 32-bit mix (murmur3's finaliser) of the address and a secret seed. */
static unsigned int slot(uint32_t addr)
{
	uint32_t h = addr ^ seed;

	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h & (SOURCE_BUCKETS - 1);
}

void sources_init(void)
{
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint32_t)now_ms() * 2654435761u;
}

struct source *source_find(uint32_t addr)
{
	for (struct source *s = table[slot(addr)]; s; s = s->next)
		if (s->addr == addr)
			return s;
	return NULL;
}

struct source *source_get(const struct config *cfg, uint32_t addr)
{
	struct source *s = source_find(addr);
	unsigned int h;

	if (s)
		return s;
	if (nsources >= cfg->max_sources) {
		source_stats.refused_table_full++;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->addr = addr;
	h = slot(addr);
	s->next = table[h];
	table[h] = s;
	nsources++;
	return s;
}

unsigned int sources_count(void)
{
	return nsources;
}

/* GCRA: one event now, at most `burst` at once, one per interval_us after. */
static bool bucket_take(uint64_t *tat, uint64_t interval_us, unsigned int burst, uint64_t now_us)
{
	uint64_t t = *tat > now_us ? *tat : now_us;

	if (t - now_us > interval_us * (burst ? burst - 1 : 0))
		return false;
	*tat = t + interval_us;
	return true;
}

bool source_connect_ok(const struct config *cfg, struct source *s, uint64_t now)
{
	if (!cfg->connect_rate)
		return true;
	return bucket_take(&s->connect_tat, 1000000ull / cfg->connect_rate,
			   cfg->connect_burst, now * 1000);
}

/* Still blocked for failed logins: the seconds left (rounded up), else 0. */
uint64_t source_blocked_s(const struct source *s, uint64_t now)
{
	return s->blocked_until > now ? (s->blocked_until - now + 999) / 1000 : 0;
}

uint64_t auth_history_ms(const struct config *cfg)
{
	return (uint64_t)(cfg->auth_fail_window > cfg->auth_fail_backoff_max ?
			  cfg->auth_fail_window : cfg->auth_fail_backoff_max) * 1000;
}

uint64_t auth_backoff_ms(const struct config *cfg, unsigned int rounds)
{
	uint64_t max = cfg->auth_fail_backoff_max * 1000ull;
	uint64_t backoff = cfg->auth_fail_backoff * 1000ull;

	for (unsigned int i = 0; i < rounds && backoff < max; i++)
		backoff *= 2;
	return backoff < max ? backoff : max;
}

/*
 * A login from this source failed (kpptp.so saw pppd refuse it, or pppd
 * exited with "the peer failed to authenticate"). After auth-fail-limit
 * of them within
 * auth-fail-window, the source's calls are refused for auth-fail-backoff,
 * doubled at each further round, up to auth-fail-backoff-max.
 */
void source_auth_failed(const struct config *cfg, uint32_t addr, const char *user,
			uint64_t now)
{
	struct source *s;
	uint64_t backoff;

	source_stats.auth_failures++;
	if (!cfg->auth_fail_limit)
		return;
	s = source_get(cfg, addr);
	if (!s)
		return;
	if (user)
		snprintf(s->last_user, sizeof(s->last_user), "%s", user);
	if (!s->fails || now - s->fail_first >= cfg->auth_fail_window * 1000ull) {
		s->fails = 0;
		s->fail_first = now;
	}
	s->fail_last = now;
	if (++s->fails < cfg->auth_fail_limit)
		return;
	backoff = auth_backoff_ms(cfg, s->penalties);
	s->penalties++;
	s->fails = 0;
	s->blocked_until = now + backoff;
	source_stats.blocks++;
	source_log(cfg, s, SRC_LOG_LIMIT, LOG_NOTICE,
		   "%s: %u failed logins within %u s (the last as '%s'): new calls refused for %llu s (back-off round %u)",
		   inet_ntoa((struct in_addr){ htonl(addr) }), cfg->auth_fail_limit, cfg->auth_fail_window,
		   s->last_user[0] ? s->last_user : "?", (unsigned long long)(backoff / 1000),
		   s->penalties);
}

/* Forget s's failed logins and back-off; false when it had none. */
static bool unblock(struct source *s)
{
	if (!s || (!s->blocked_until && !s->fails && !s->penalties))
		return false;
	s->blocked_until = 0;
	s->fails = 0;
	s->penalties = 0;
	s->last_user[0] = '\0';
	return true;
}

bool source_unblock(uint32_t addr)
{
	return unblock(source_find(addr));
}

unsigned int sources_unblock_all(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < SOURCE_BUCKETS; i++)
		for (struct source *s = table[i]; s; s = s->next)
			n += unblock(s);
	return n;
}

/* Summary of what was held back, once the burst is over. */
static void flush_suppressed(struct source *s, unsigned int kind)
{
	char a[INET_ADDRSTRLEN];

	if (!s->log[kind].suppressed)
		return;
	inet_ntop(AF_INET, &(struct in_addr){ htonl(s->addr) }, a, sizeof(a));
	logmsg(LOG_NOTICE, "%s: %u similar lines (%s) suppressed", a, s->log[kind].suppressed,
	       source_log_kind_str(kind));
	s->log[kind].suppressed = 0;
}

const char *source_log_kind_str(unsigned int kind)
{
	switch (kind) {
	case SRC_LOG_PEER: return "the peer's control messages";
	case SRC_LOG_LIMIT: return "limits";
	case SRC_LOG_PPPD: return "pppd's output";
	}
	return "?";
}

/*
 * A log line about what this source did: at most log-burst at once and
 * log-rate a minute after that, per source and kind, so that one peer's
 * flood can neither fill the disk nor, under journald's own rate limit,
 * drown the lines about everybody else. s may be NULL (no table entry):
 * then one shared bucket stands for all such sources. The line names its
 * peer itself; the summary of suppressed lines names the address.
 */
void source_log(const struct config *cfg, struct source *s, unsigned int kind, int level,
		const char *fmt, ...)
{
	static struct source nobody;
	uint64_t now = now_ms();
	char line[1024];
	va_list ap;

	if (!s)
		s = &nobody;
	if (level == LOG_DEBUG && !log_verbose)
		return;
	if (cfg->log_rate &&
	    !bucket_take(&s->log[kind].tat, 60000000ull / cfg->log_rate, cfg->log_burst,
			 now * 1000)) {
		s->log[kind].suppressed++;
		s->log[kind].last = now;
		source_stats.log_suppressed++;
		return;
	}
	flush_suppressed(s, kind);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	logmsg(level, "%s", line);
}

/* Does the entry still carry anything that must not be forgotten? */
static bool source_live(const struct config *cfg, const struct source *s, uint64_t now)
{
	uint64_t history = auth_history_ms(cfg);

	if (s->conns || s->calls || s->starting || s->blocked_until > now)
		return true;
	if ((s->fails || s->penalties) && now - s->fail_last < history)
		return true;
	if (s->connect_tat > now * 1000)
		return true;
	for (unsigned int k = 0; k < SRC_LOG_KINDS; k++)
		if (s->log[k].suppressed || s->log[k].tat > now * 1000)
			return true;
	return false;
}

/* Free a source that holds nothing and remembers nothing. */
void source_release(const struct config *cfg, struct source *s)
{
	if (!s || source_live(cfg, s, now_ms()))
		return;
	for (struct source **pp = &table[slot(s->addr)]; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			free(s);
			nsources--;
			return;
		}
}

/*
 * Every few seconds: summaries of suppressed lines whose burst is over,
 * and entries whose history has run out. O(sources), but only this often.
 */
void sources_sweep(const struct config *cfg, uint64_t now)
{
	for (unsigned int i = 0; i < SOURCE_BUCKETS; i++) {
		for (struct source **pp = &table[i]; *pp;) {
			struct source *s = *pp;

			for (unsigned int k = 0; k < SRC_LOG_KINDS; k++)
				if (s->log[k].suppressed && now - s->log[k].last >= 5000)
					flush_suppressed(s, k);
			if (s->blocked_until && s->blocked_until <= now)
				s->blocked_until = 0;
			if (source_live(cfg, s, now)) {
				pp = &s->next;
				continue;
			}
			*pp = s->next;
			free(s);
			nsources--;
		}
	}
}

void sources_each(void (*fn)(struct source *s, void *arg), void *arg)
{
	for (unsigned int i = 0; i < SOURCE_BUCKETS; i++)
		for (struct source *s = table[i]; s; s = s->next)
			fn(s, arg);
}

void sources_free(void)
{
	for (unsigned int i = 0; i < SOURCE_BUCKETS; i++)
		while (table[i]) {
			struct source *s = table[i];

			table[i] = s->next;
			free(s);
		}
	nsources = 0;
}
