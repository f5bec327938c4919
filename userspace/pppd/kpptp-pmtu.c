// SPDX-License-Identifier: GPL-2.0
/*
 * kpptp-pmtu-probe: find the largest packet the path carries both ways,
 * with padded LCP Echo-Requests, once the call's network is up.
 *
 * A path whose MTU is below what the tunnel sends, and whose routers do
 * not say so (ICMP "fragmentation needed" filtered), connects fine and
 * then stalls every TCP transfer: the MTU black hole of "Fragmentation
 * and Performance Issues with PPTP Connections". Every PPP peer answers an
 * Echo-Request with the same data (RFC 1661 5.8), so an echo padded to N
 * octets that comes back means N-octet packets pass both ways; kpptp.ko
 * sends padded echoes with DF, so that a link too small drops them
 * instead of fragmenting them. The search: the interface's MTU first (a
 * healthy path ends there), then 576, then halving between, two tries of
 * a second each per size, within 8 octets: at most about 20 s, while the
 * call already carries traffic.
 *
 * The finding goes to kpptpd on the status pipe ("path-mtu N MTU", N the
 * largest packet that came back, MTU the interface's before), and when N
 * is smaller pppN's MTU becomes N: this host's own TCP then sizes its
 * segments to fit, and a packet forwarded into the call that does not fit
 * gets "fragmentation needed" from this host, on a path where ICMP works.
 * kpptpd's tcp-mss clamps the rest (senders behind filters). "path-mtu
 * none MTU": no padded echo came back at all (a peer that does not echo
 * data): nothing is changed.
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "pppd-compat.h"
#include <pppd/fsm.h>
#include <pppd/lcp.h>

#include "kpptp-pmtu.h"

#define PMTU_MIN	576	/* IPv4's minimum datagram every path carries */
#define PMTU_STEP	8	/* close enough: TCP segments are not byte-exact */
#define PMTU_TRIES	2
#define PMTU_MARK	"kpptp-pmtu"
#define PMTU_ID_BASE	0xa0	/* our echo IDs: 0xa0..0xff, pppd's count from 0 */

static bool want;
static int running, done;
static int lo, hi, cur, tries, if_mtu;
static unsigned char id = PMTU_ID_BASE;
static kpptp_pmtu_report_fn *report;

option_t kpptp_pmtu_options[] = {
	{ .name = "kpptp-pmtu-probe", .type = o_bool, .addr = &want,
	  .description = "find the path MTU with padded LCP echoes once the network is up (kpptpd's tcp-mss auto)",
	  .flags = 1 },
	{ .name = NULL }
};

static void expired(void *arg);

static void send_probe(void)
{
	unsigned char buf[4 + 1600];
	uint32_t magic = lcp_gotoptions[0].neg_magicnumber ? lcp_gotoptions[0].magicnumber : 0;
	int len = cur;

	id = id == 0xff ? PMTU_ID_BASE : id + 1;
	memset(buf, 0x5a, sizeof(buf));
	buf[0] = PPP_ALLSTATIONS;
	buf[1] = PPP_UI;
	buf[2] = PPP_LCP >> 8;
	buf[3] = PPP_LCP & 0xff;
	buf[4] = ECHOREQ;
	buf[5] = id;
	buf[6] = (unsigned char)(len >> 8);
	buf[7] = (unsigned char)len;
	buf[8] = (unsigned char)(magic >> 24);
	buf[9] = (unsigned char)(magic >> 16);
	buf[10] = (unsigned char)(magic >> 8);
	buf[11] = (unsigned char)magic;
	memcpy(buf + 12, PMTU_MARK, sizeof(PMTU_MARK) - 1);
	output(0, buf, 4 + len);
	kp_timeout(expired, NULL, 1, 0);
}

static void finish(int mtu)
{
	running = 0;
	done = 1;
	kp_untimeout(expired, NULL);
	if (!mtu) {
		notice("kpptp.so: path MTU: no padded LCP echo came back (the peer does not echo data?): left at %d",
		       if_mtu);
		report("path-mtu none %d", if_mtu);
		return;
	}
	if (mtu < if_mtu) {
		notice("kpptp.so: path MTU: packets over %d octets do not come back (the interface had %d): MTU now %d",
		       mtu, if_mtu, mtu);
		kp_set_mtu(mtu);
	} else {
		info("kpptp.so: path MTU: %d-octet packets pass both ways", mtu);
	}
	report("path-mtu %d %d", mtu, if_mtu);
}

/* The next size to try, or the end. */
static void next(void)
{
	tries = 0;
	if (hi - lo <= PMTU_STEP) {
		finish(lo);
		return;
	}
	cur = lo + (hi - lo) / 2;
	send_probe();
}

static void passed(void)
{
	kp_untimeout(expired, NULL);
	if (cur == if_mtu) {	/* the first try: a healthy path */
		finish(if_mtu);
		return;
	}
	lo = cur;
	next();
}

static void failed(void)
{
	if (cur == if_mtu) {
		/* Too big: does the minimum pass at all? */
		hi = if_mtu;
		cur = PMTU_MIN;
		tries = 0;
		send_probe();
		return;
	}
	if (cur == PMTU_MIN && lo == 0) {
		finish(0);
		return;
	}
	hi = cur;
	next();
}

static void expired(void *arg)
{
	(void)arg;
	if (!running)
		return;
	if (++tries < PMTU_TRIES) {
		send_probe();
		return;
	}
	failed();
}

void kpptp_pmtu_recv(const unsigned char *p, int len)
{
	int n;

	if (!running || len < 4 + 8 + (int)sizeof(PMTU_MARK) - 1)
		return;
	/* ff 03 c0 21, or c0 21 alone (ACFC): LCP is never PFC'd. */
	if (p[0] == PPP_ALLSTATIONS && p[1] == PPP_UI) {
		p += 2;
		len -= 2;
	}
	if (p[0] != (PPP_LCP >> 8) || p[1] != (PPP_LCP & 0xff) || p[2] != ECHOREP || p[3] != id)
		return;
	n = p[4] << 8 | p[5];
	if (n != cur || len - 2 < n || memcmp(p + 10, PMTU_MARK, sizeof(PMTU_MARK) - 1))
		return;
	if (cur == PMTU_MIN && lo == 0)
		lo = PMTU_MIN;
	passed();
}

void kpptp_pmtu_start(kpptp_pmtu_report_fn *fn)
{
	if (!want || running || done)
		return;
	report = fn;
	if_mtu = kp_get_mtu();
	if (if_mtu <= PMTU_MIN + PMTU_STEP || if_mtu > 1600) {
		report("path-mtu none %d", if_mtu);
		done = 1;
		return;
	}
	running = 1;
	lo = 0;
	hi = if_mtu + 1;
	cur = if_mtu;
	tries = 0;
	info("kpptp.so: path MTU: probing with padded LCP echoes, from %d", if_mtu);
	send_probe();
}

void kpptp_pmtu_stop(void)
{
	if (running)
		kp_untimeout(expired, NULL);
	running = 0;
	done = 0;
}
