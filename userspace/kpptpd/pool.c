// SPDX-License-Identifier: GPL-2.0
/*
 * The remote address pool: one bit per address of the configured ranges.
 * An address is handed out once until it is put back; the search starts
 * after the last address given so that a just-freed address is not
 * reused at once (a client's stale routes and ARP entries age first).
 */
#include <stdlib.h>

#include "kpptpd.h"

static uint64_t cursor;

int pool_init(struct pool *p, const struct range *r, unsigned int n)
{
	p->ranges = r;
	p->nranges = n;
	p->size = 0;
	p->used = 0;
	for (unsigned int i = 0; i < n; i++)
		p->size += (uint64_t)r[i].last - r[i].first + 1;
	p->bits = NULL;
	if (!p->size)
		return 0;	/* remote-ip none: pool_get always says empty */
	p->bits = calloc((size_t)(p->size + 7) / 8, 1);
	return p->bits ? 0 : -1;
}

void pool_free(struct pool *p)
{
	free(p->bits);
	p->bits = NULL;
}

static uint32_t addr_of(const struct pool *p, uint64_t i)
{
	for (unsigned int r = 0; r < p->nranges; r++) {
		uint64_t n = (uint64_t)p->ranges[r].last - p->ranges[r].first + 1;

		if (i < n)
			return p->ranges[r].first + (uint32_t)i;
		i -= n;
	}
	return 0;
}

static int64_t index_of(const struct pool *p, uint32_t addr)
{
	uint64_t base = 0;

	for (unsigned int r = 0; r < p->nranges; r++) {
		if (addr >= p->ranges[r].first && addr <= p->ranges[r].last)
			return (int64_t)(base + addr - p->ranges[r].first);
		base += (uint64_t)p->ranges[r].last - p->ranges[r].first + 1;
	}
	return -1;
}

uint32_t pool_get(struct pool *p)
{
	if (p->used == p->size)
		return 0;
	for (uint64_t k = 0; k < p->size; k++) {
		uint64_t i = (cursor + k) % p->size;

		if (p->bits[i / 8] & (1u << (i % 8)))
			continue;
		p->bits[i / 8] |= (uint8_t)(1u << (i % 8));
		p->used++;
		cursor = i + 1;
		return addr_of(p, i);
	}
	return 0;
}

bool pool_take(struct pool *p, uint32_t addr)
{
	int64_t i = index_of(p, addr);

	if (i < 0 || (p->bits[i / 8] & (1u << (i % 8))))
		return false;
	p->bits[i / 8] |= (uint8_t)(1u << (i % 8));
	p->used++;
	return true;
}

void pool_put(struct pool *p, uint32_t addr)
{
	int64_t i = index_of(p, addr);

	if (i < 0 || !(p->bits[i / 8] & (1u << (i % 8))))
		return;
	p->bits[i / 8] &= (uint8_t)~(1u << (i % 8));
	p->used--;
}
