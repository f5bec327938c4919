/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpptpd's event loop: a callback per watched descriptor and timers in a
 * binary heap, each owned by the object it serves (dhcpcd's eloop and
 * npppd's per-object timers are the models). A wakeup costs the events
 * it delivers and O(log n) per timer that fires or moves: nothing walks
 * every connection or call, so ten thousand idle connections cost what
 * their own timers cost.
 */
#ifndef KPPTPD_ELOOP_H
#define KPPTPD_ELOOP_H

#include <stddef.h>
#include <stdint.h>

struct daemon;

/*
 * What a watched descriptor's events go to; embedded in the owner, which
 * keeps the descriptor (container_of finds the owner).
 */
struct io {
	void (*cb)(struct daemon *d, struct io *io, uint32_t events);
};

/* A timer; embedded in its owner. Not armed: slot 0. */
struct timer {
	uint64_t when;			/* now_ms() clock */
	size_t slot;			/* heap index + 1 */
	void (*cb)(struct daemon *d, struct timer *t, uint64_t now);
};

struct eloop {
	int epfd;
	struct timer **heap;
	size_t n, cap;
	size_t reserved;		/* timers that may be armed at once */
};

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

int eloop_init(struct eloop *l);
void eloop_fini(struct eloop *l);
/* Watch fd for events (EPOLLIN...), delivered to io; 0, or -1 logged. */
int io_add(struct eloop *l, int fd, uint32_t events, struct io *io);
/* Change what fd (if >= 0) is watched for. */
void io_mod(struct eloop *l, int fd, uint32_t events, struct io *io);
void io_del(struct eloop *l, int fd);
/*
 * Room for `more` timers, taken when their owner is made (which can then
 * fail cleanly), so that arming one never allocates. 0, or -1: no memory.
 */
int timers_reserve(struct eloop *l, size_t more);
void timers_unreserve(struct eloop *l, size_t n);
/* Fire at `when` (replaces an earlier arming); UINT64_MAX disarms. */
void timer_arm(struct eloop *l, struct timer *t, uint64_t when);
void timer_disarm(struct eloop *l, struct timer *t);
/* The earliest armed timer's time, UINT64_MAX when none. */
uint64_t timers_next(const struct eloop *l);
/* Fire every timer due at now (each disarmed before its callback). */
void timers_run(struct eloop *l, struct daemon *d, uint64_t now);
/* Wait up to timeout_ms (-1: for ever) and run the callbacks; -1 on error. */
int eloop_wait(struct eloop *l, struct daemon *d, int timeout_ms);

#endif /* KPPTPD_ELOOP_H */
