// SPDX-License-Identifier: GPL-2.0
/*
 * "access local": a client reaches this host only (the Windows RAS "this
 * computer only" setting), enforced with nftables through libnftables,
 * not left to the admin's firewall.
 *
 * kpptpd owns one table, "inet kpptpd", made when the first such call
 * starts and deleted when kpptpd stops (a table left by a crashed kpptpd
 * is replaced at the next start). Its forward chain drops what comes from
 * or goes to a local-only call, matched two ways:
 *  - by the call's address, added before its pppd starts, so no packet
 *    can be forwarded before the rule is there (a static address from
 *    chap-secrets is added when pppd reports it at ip-up);
 *  - by the call's interface, added when pppd names it (before IPCP
 *    opens), so a client that sends with another source address is
 *    dropped too.
 * Both elements leave when the call ends. Every drop is counted by the
 * rules' counters ("nft list table inet kpptpd").
 *
 * "access network" needs no table: pppd's proxyarp answers ARP for the
 * client on the LAN interface of its subnet and ktune turns on IP
 * forwarding (call.c passes both).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>


#include "kpptpd.h"


const char *access_str(enum access_mode m)
{
	switch (m) {
	case ACCESS_LOCAL:
		return "local";
	case ACCESS_NETWORK:
		return "network";
	case ACCESS_ROUTED:
		break;
	}
	return "routed";
}

/* Runs nft commands; on failure logs nftables' own words and returns -1. */
#define nft_cmd(what, ...) nftx_cmd("access local", (what), __VA_ARGS__)

static bool made;	/* the table is in place */

static int access_table(void)
{
	if (made)
		return 0;
	/* "add" then "delete": no error whether or not a stale one exists. */
	if (nft_cmd("making table inet kpptpd",
		    "add table inet kpptpd\n"
		    "delete table inet kpptpd\n"
		    "table inet kpptpd {\n"
		    "  set local_addrs { type ipv4_addr; }\n"
		    "  set local_ifs { type ifname; }\n"
		    "  chain forward {\n"
		    "    type filter hook forward priority filter - 1; policy accept;\n"
		    "    ip saddr @local_addrs counter drop comment \"access local: from a client\"\n"
		    "    ip daddr @local_addrs counter drop comment \"access local: to a client\"\n"
		    "    iifname @local_ifs counter drop comment \"access local: from a client's interface\"\n"
		    "    oifname @local_ifs counter drop comment \"access local: to a client's interface\"\n"
		    "  }\n"
		    "}\n"))
		return -1;
	made = true;
	logmsg(LOG_INFO, "access local: nftables table inet kpptpd in place");
	return 0;
}

/*
 * After a restart in place: the table the previous kpptpd made holds the
 * live calls' elements, so it is used as it is, never made anew (which
 * would empty it). No table: access_table makes one when first needed.
 */
void access_adopt(void)
{
	if (!made && nftx_cmd("access local", NULL, "list table inet kpptpd") == 0)
		made = true;
}

static const char *addr_str(uint32_t a, char *buf)
{
	struct in_addr in = { htonl(a) };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

int access_add_addr(uint32_t addr)
{
	char a[INET_ADDRSTRLEN];

	if (access_table())
		return -1;
	return nft_cmd("adding a client's address",
		       "add element inet kpptpd local_addrs { %s }", addr_str(addr, a));
}

void access_del_addr(uint32_t addr)
{
	char a[INET_ADDRSTRLEN];

	if (made)
		nft_cmd("removing a client's address",
			"delete element inet kpptpd local_addrs { %s }", addr_str(addr, a));
}

/* Interface names come from pppd: only [A-Za-z0-9_.-] reach nft. */
static bool ifname_ok(const char *ifname)
{
	return ifname[0] && strspn(ifname, "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == strlen(ifname);
}

int access_add_if(const char *ifname)
{
	if (!ifname_ok(ifname)) {
		logmsg(LOG_ERR, "access local: interface name '%.15s' not accepted", ifname);
		return -1;
	}
	if (access_table())
		return -1;
	return nft_cmd("adding a client's interface",
		       "add element inet kpptpd local_ifs { \"%s\" }", ifname);
}

void access_del_if(const char *ifname)
{
	if (made && ifname_ok(ifname))
		nft_cmd("removing a client's interface",
			"delete element inet kpptpd local_ifs { \"%s\" }", ifname);
}

void access_fini(void)
{
	if (!made)
		return;
	nft_cmd("deleting table inet kpptpd", "delete table inet kpptpd");
	made = false;
}
