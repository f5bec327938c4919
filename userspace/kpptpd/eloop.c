// SPDX-License-Identifier: GPL-2.0
/*
 * The event loop (eloop.h): epoll for descriptors, a binary min-heap for
 * timers. Objects are freed only between wakeups (kpptpd's reap steps),
 * so a callback never sees a freed io of its own batch; a descriptor
 * closed earlier in the batch is -1 in its owner, which each callback
 * checks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/epoll.h>

#include "kpptpd.h"

int eloop_init(struct eloop *l)
{
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->heap = NULL;
	l->n = l->cap = l->reserved = 0;
	return l->epfd < 0 ? -1 : 0;
}

void eloop_fini(struct eloop *l)
{
	if (l->epfd >= 0)
		close(l->epfd);
	l->epfd = -1;
	free(l->heap);
	l->heap = NULL;
	l->n = l->cap = 0;
}

int io_add(struct eloop *l, int fd, uint32_t events, struct io *io)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		logmsg(LOG_ERR, "epoll_ctl: %m");
		return -1;
	}
	return 0;
}

void io_mod(struct eloop *l, int fd, uint32_t events, struct io *io)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	if (fd >= 0 && epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev))
		logmsg(LOG_ERR, "epoll_ctl: %m");
}

void io_del(struct eloop *l, int fd)
{
	if (fd >= 0)
		epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
}

/* Heap slot i (0-based) holds t: keep the back-pointer right. */
static void place(struct eloop *l, size_t i, struct timer *t)
{
	l->heap[i] = t;
	t->slot = i + 1;
}

static void sift_up(struct eloop *l, size_t i)
{
	struct timer *t = l->heap[i];

	while (i) {
		size_t parent = (i - 1) / 2;

		if (l->heap[parent]->when <= t->when)
			break;
		place(l, i, l->heap[parent]);
		i = parent;
	}
	place(l, i, t);
}

static void sift_down(struct eloop *l, size_t i)
{
	struct timer *t = l->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= l->n)
			break;
		if (c + 1 < l->n && l->heap[c + 1]->when < l->heap[c]->when)
			c++;
		if (t->when <= l->heap[c]->when)
			break;
		place(l, i, l->heap[c]);
		i = c;
	}
	place(l, i, t);
}

void timer_disarm(struct eloop *l, struct timer *t)
{
	size_t i;

	if (!t->slot)
		return;
	i = t->slot - 1;
	t->slot = 0;
	if (--l->n == i)
		return;
	place(l, i, l->heap[l->n]);
	sift_down(l, i);
	sift_up(l, l->heap[i]->slot - 1);
}

void timer_arm(struct eloop *l, struct timer *t, uint64_t when)
{
	if (when == UINT64_MAX) {
		timer_disarm(l, t);
		return;
	}
	if (t->slot) {
		if (t->when == when)
			return;
		t->when = when;
		sift_down(l, t->slot - 1);
		sift_up(l, t->slot - 1);
		return;
	}
	if (l->n == l->cap) {
		/* A timer armed without timers_reserve(): a kpptpd bug. */
		logmsg(LOG_CRIT, "timers: more armed than reserved (%zu)", l->cap);
		abort();
	}
	t->when = when;
	place(l, l->n, t);
	l->n++;
	sift_up(l, l->n - 1);
}

int timers_reserve(struct eloop *l, size_t more)
{
	size_t want = l->reserved + more, cap = l->cap ? l->cap : 64;
	struct timer **h;

	while (cap < want)
		cap *= 2;
	if (cap != l->cap) {
		h = realloc(l->heap, cap * sizeof(*h));
		if (!h)
			return -1;
		l->heap = h;
		l->cap = cap;
	}
	l->reserved = want;
	return 0;
}

void timers_unreserve(struct eloop *l, size_t n)
{
	l->reserved -= n;
}

uint64_t timers_next(const struct eloop *l)
{
	return l->n ? l->heap[0]->when : UINT64_MAX;
}

void timers_run(struct eloop *l, struct daemon *d, uint64_t now)
{
	/* A callback that re-arms for now or earlier runs on the next wakeup. */
	for (size_t budget = l->n; budget && l->n && l->heap[0]->when <= now; budget--) {
		struct timer *t = l->heap[0];

		timer_disarm(l, t);
		t->cb(d, t, now);
	}
}

int eloop_wait(struct eloop *l, struct daemon *d, int timeout_ms)
{
	struct epoll_event evs[64];
	int n = epoll_wait(l->epfd, evs, 64, timeout_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -1;
	for (int i = 0; i < n; i++) {
		struct io *io = evs[i].data.ptr;

		io->cb(d, io, evs[i].events);
	}
	return 0;
}
