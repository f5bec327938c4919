// SPDX-License-Identifier: GPL-2.0
/*
 * tcp-mss: the TCP MSS of a call's connections clamped to what its path
 * carries, so that a path whose MTU is below the tunnel's and whose
 * routers filter ICMP "fragmentation needed" (an MTU black hole) does not
 * stall every transfer. SYNs that enter or leave a call's interface
 * (forwarded, or this host's own) get an MSS option no larger than the
 * call's; both ends of a connection then send segments that fit.
 *
 * Through nftables, as "access local" is (access.c): one table (inet
 * kpptpd_mss for the server; kpptpd --client, of which a host may run
 * many, inet kpptpd_mss_PID for each), with a set of interface names per
 * MTU in use and, per set, the rules that clamp to it (IPv4: MSS MTU - 40,
 * IPv6: MTU - 60). A call adds its interface to its set and removes it
 * when it ends: O(1) per call, and as many sets as distinct MTUs. The
 * table is made anew when kpptpd starts (a crashed kpptpd's elements
 * go), kept across a restart in place (the live calls' elements are in
 * it), deleted when kpptpd stops.
 */
#define _GNU_SOURCE
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "kpptpd.h"

#define MSS_SETS	64	/* distinct MTUs at once; more: clamped to a known one */

static char tab[32] = "kpptpd_mss";	/* the table's name */
static bool made;			/* it is in place */
static unsigned int sets[MSS_SETS];	/* the MTUs whose set exists */
static unsigned int nsets;

#define cmd(what, ...) nftx_cmd("tcp-mss", (what), __VA_ARGS__)

static int table(bool fresh)
{
	if (made)
		return 0;
	if (fresh && cmd("making the table", "add table inet %1$s\ndelete table inet %1$s", tab))
		return -1;
	if (cmd("making the table",
		"table inet %1$s {\n"
		"  chain forward { type filter hook forward priority mangle; policy accept; }\n"
		"  chain input { type filter hook input priority mangle; policy accept; }\n"
		"  chain output { type filter hook output priority mangle; policy accept; }\n"
		"}\n", tab))
		return -1;
	made = true;
	return 0;
}

/* kpptpd --client: a table of this process's own. */
void mss_client(void)
{
	snprintf(tab, sizeof(tab), "kpptpd_mss_%ld", (long)getpid());
}

/* After a restart in place: the previous kpptpd's table, as it is. */
void mss_adopt(void)
{
	if (nftx_cmd("tcp-mss", NULL, "list table inet %s", tab) == 0)
		(void)table(false);
}

/* The set of interfaces clamped for mtu, made with its rules if need be. */
static int set_for(unsigned int mtu)
{
	for (unsigned int i = 0; i < nsets; i++)
		if (sets[i] == mtu)
			return 0;
	if (nsets == MSS_SETS) {
		logmsg(LOG_WARNING, "tcp-mss: %u different MTUs in use: not one more", MSS_SETS);
		return -1;
	}
	if (nftx_cmd("tcp-mss", NULL, "list set inet %s mtu_%u", tab, mtu) != 0) {
		/* A SYN or SYN-ACK whose MSS option is above the call's: lowered. */
		if (cmd("making a set", "add set inet %s mtu_%u { type ifname; }", tab, mtu))
			return -1;
		if (cmd("clamping SYNs",
			"add rule inet %4$s forward iifname @mtu_%1$u meta nfproto ipv4 tcp flags & (syn | rst) == syn tcp option maxseg size > %2$u tcp option maxseg size set %2$u\n"
			"add rule inet %4$s forward oifname @mtu_%1$u meta nfproto ipv4 tcp flags & (syn | rst) == syn tcp option maxseg size > %2$u tcp option maxseg size set %2$u\n"
			"add rule inet %4$s forward iifname @mtu_%1$u meta nfproto ipv6 tcp flags & (syn | rst) == syn tcp option maxseg size > %3$u tcp option maxseg size set %3$u\n"
			"add rule inet %4$s forward oifname @mtu_%1$u meta nfproto ipv6 tcp flags & (syn | rst) == syn tcp option maxseg size > %3$u tcp option maxseg size set %3$u\n"
			"add rule inet %4$s input iifname @mtu_%1$u meta nfproto ipv4 tcp flags & (syn | rst) == syn tcp option maxseg size > %2$u tcp option maxseg size set %2$u\n"
			"add rule inet %4$s input iifname @mtu_%1$u meta nfproto ipv6 tcp flags & (syn | rst) == syn tcp option maxseg size > %3$u tcp option maxseg size set %3$u\n"
			"add rule inet %4$s output oifname @mtu_%1$u meta nfproto ipv4 tcp flags & (syn | rst) == syn tcp option maxseg size > %2$u tcp option maxseg size set %2$u\n"
			"add rule inet %4$s output oifname @mtu_%1$u meta nfproto ipv6 tcp flags & (syn | rst) == syn tcp option maxseg size > %3$u tcp option maxseg size set %3$u\n",
			mtu, mtu - 40, mtu - 60, tab))
			return -1;
	}
	sets[nsets++] = mtu;
	return 0;
}

/* The MTU of interface ifname, or 0. */
unsigned int mss_if_mtu(const char *ifname)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	unsigned int mtu = 0;

	if (fd < 0)
		return 0;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
		mtu = (unsigned int)ifr.ifr_mtu;
	close(fd);
	return mtu;
}

/* Interface names come from pppd: only [A-Za-z0-9_.-] reach nft. */
static bool ifname_ok(const char *ifname)
{
	return ifname[0] && strlen(ifname) < IFNAMSIZ &&
	       strspn(ifname, "abcdefghijklmnopqrstuvwxyz"
		      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == strlen(ifname);
}

int mss_set(struct call *call, const char *ifname, unsigned int mtu)
{
	if (mtu < 576 || mtu > 65535 || !ifname_ok(ifname))
		return -1;
	if (call->mss_mtu == mtu && !strcmp(call->mss_if, ifname))
		return 0;
	mss_clear(call);
	if (table(true) || set_for(mtu) ||
	    cmd("adding a call's interface", "add element inet %s mtu_%u { \"%s\" }",
		tab, mtu, ifname))
		return -1;
	call->mss_mtu = mtu;
	snprintf(call->mss_if, sizeof(call->mss_if), "%s", ifname);
	return 0;
}

void mss_clear(struct call *call)
{
	if (!call->mss_mtu || !made)
		return;
	cmd("removing a call's interface", "delete element inet %s mtu_%u { \"%s\" }",
	    tab, call->mss_mtu, call->mss_if);
	call->mss_mtu = 0;
	call->mss_if[0] = '\0';
}

void mss_fini(void)
{
	if (!made)
		return;
	cmd("deleting the table", "delete table inet %s", tab);
	made = false;
}
