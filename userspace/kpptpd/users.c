// SPDX-License-Identifier: GPL-2.0
/*
 * Failed logins per user name, from whatever sources they come.
 *
 * source.c slows down an address whose logins keep failing. A guesser
 * with many addresses stays under that limit at each of them, so the name
 * it guesses is counted too: after auth-fail-user-limit failures for one
 * name within auth-fail-window, logins as that name are refused for a
 * back-off that doubles like a source's. kpptp.so asks before pppd checks
 * a password ("auth-try NAME"), so a refused login is never checked and
 * a guess that happens to be right tells the guesser nothing.
 *
 * Refusing a name is what a guesser could use to lock its owner out. So a
 * source from which the name logged in successfully within USER_KNOWN_MS
 * (the last USER_KNOWN of them) is still let in: the owner at home or in
 * the office keeps working while the name is blocked everywhere else.
 *
 * Names are kept escaped, as kpptp.so reports them (authname.h): the peer
 * chose the octets. The table has a bound (max-users): when it is full a
 * new name is not counted (and that is counted), nobody's history is
 * evicted. The hash seed is secret, so a peer cannot choose names that
 * share one chain.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/random.h>

#include "kpptpd.h"

#define USER_BUCKETS	1024u	/* chains; a power of two */

static struct user *table[USER_BUCKETS];
static uint32_t seed;
static unsigned int nusers;

void users_init(void)
{
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint32_t)now_ms() * 2246822519u;
}

/* FNV-1a over the name, started from the secret seed, then mixed. */
static unsigned int slot(const char *name)
{
	uint32_t h = 2166136261u ^ seed;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	return h & (USER_BUCKETS - 1);
}

struct user *user_find(const char *name)
{
	for (struct user *u = table[slot(name)]; u; u = u->next)
		if (!strcmp(u->name, name))
			return u;
	return NULL;
}

struct user *user_get(const struct config *cfg, const char *name)
{
	struct user *u = user_find(name);
	unsigned int h;

	if (u)
		return u;
	if (nusers >= cfg->max_users) {
		source_stats.refused_users_full++;
		return NULL;
	}
	u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	snprintf(u->name, sizeof(u->name), "%s", name);
	h = slot(name);
	u->next = table[h];
	table[h] = u;
	nusers++;
	return u;
}

unsigned int users_count(void)
{
	return nusers;
}

/* Did name log in from addr lately? */
static bool known_source(const struct user *u, uint32_t addr, uint64_t now)
{
	for (unsigned int i = 0; i < USER_KNOWN; i++)
		if (u->known[i].addr == addr && user_known_fresh(u, i, now))
			return true;
	return false;
}

void user_auth_failed(const struct config *cfg, const char *name, uint32_t addr, uint64_t now)
{
	struct user *u;
	uint64_t backoff;

	if (!cfg->auth_fail_user_limit || !name[0])
		return;
	u = user_get(cfg, name);
	if (!u)
		return;
	u->last_source = addr;
	if (!u->fails || now - u->fail_first >= cfg->auth_fail_window * 1000ull) {
		u->fails = 0;
		u->fail_first = now;
	}
	u->fail_last = now;
	if (++u->fails < cfg->auth_fail_user_limit)
		return;
	backoff = auth_backoff_ms(cfg, u->penalties);
	u->penalties++;
	u->fails = 0;
	u->blocked_until = now + backoff;
	source_stats.user_blocks++;
	logmsg(LOG_NOTICE,
	       "user '%s': %u failed logins within %u s (the last from %s): logins refused for %llu s (back-off round %u) except from its known sources",
	       name, cfg->auth_fail_user_limit, cfg->auth_fail_window,
	       inet_ntoa((struct in_addr){ htonl(addr) }), (unsigned long long)(backoff / 1000),
	       u->penalties);
}

/* A login that pppd accepted: addr becomes one of the name's known sources. */
void user_auth_ok(const struct config *cfg, const char *name, uint32_t addr, uint64_t now)
{
	struct user *u;
	unsigned int oldest = 0;

	if (!cfg->auth_fail_user_limit || !name[0])
		return;
	u = user_get(cfg, name);
	if (!u)
		return;
	for (unsigned int i = 0; i < USER_KNOWN; i++) {
		if (u->known[i].addr == addr && u->known[i].at) {
			u->known[i].at = now;
			return;
		}
		if (u->known[i].at < u->known[oldest].at)
			oldest = i;
	}
	u->known[oldest].addr = addr;
	u->known[oldest].at = now;
}

uint64_t user_refused_s(const struct config *cfg, const char *name, uint32_t addr, uint64_t now)
{
	const struct user *u;

	if (!cfg->auth_fail_user_limit)
		return 0;
	u = user_find(name);
	if (!u || u->blocked_until <= now || known_source(u, addr, now))
		return 0;
	return (u->blocked_until - now + 999) / 1000;
}

uint64_t user_blocked_s(const struct user *u, uint64_t now)
{
	return u->blocked_until > now ? (u->blocked_until - now + 999) / 1000 : 0;
}

static bool unblock(struct user *u)
{
	if (!u || (!u->blocked_until && !u->fails && !u->penalties))
		return false;
	u->blocked_until = 0;
	u->fails = 0;
	u->penalties = 0;
	return true;
}

bool user_unblock(const char *name)
{
	return unblock(user_find(name));
}

unsigned int users_unblock_all(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < USER_BUCKETS; i++)
		for (struct user *u = table[i]; u; u = u->next)
			n += unblock(u);
	return n;
}

static bool user_live(const struct config *cfg, const struct user *u, uint64_t now)
{
	uint64_t history = auth_history_ms(cfg);

	if (u->blocked_until > now)
		return true;
	if ((u->fails || u->penalties) && now - u->fail_last < history)
		return true;
	for (unsigned int i = 0; i < USER_KNOWN; i++)
		if (user_known_fresh(u, i, now))
			return true;
	return false;
}

/* With sources_sweep: names whose history has run out are forgotten. */
void users_sweep(const struct config *cfg, uint64_t now)
{
	for (unsigned int i = 0; i < USER_BUCKETS; i++) {
		for (struct user **pp = &table[i]; *pp;) {
			struct user *u = *pp;

			if (u->blocked_until && u->blocked_until <= now)
				u->blocked_until = 0;
			if (user_live(cfg, u, now)) {
				pp = &u->next;
				continue;
			}
			*pp = u->next;
			free(u);
			nusers--;
		}
	}
}

void users_each(void (*fn)(struct user *u, void *arg), void *arg)
{
	for (unsigned int i = 0; i < USER_BUCKETS; i++)
		for (struct user *u = table[i]; u; u = u->next)
			fn(u, arg);
}

void users_free(void)
{
	for (unsigned int i = 0; i < USER_BUCKETS; i++)
		while (table[i]) {
			struct user *u = table[i];

			table[i] = u->next;
			free(u);
		}
	nusers = 0;
}
