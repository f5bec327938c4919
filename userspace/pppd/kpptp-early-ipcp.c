// SPDX-License-Identifier: GPL-2.0
/*
 * IPv4 without Windows' 3-second wait.
 *
 * Windows sends its IPCP Configure-Request in the same burst as CCP. With
 * MPPE required, pppd opens IPCP only once CCP is up (auth.c,
 * start_networks() and continue_networks(), so that no IP packet passes
 * unencrypted); until then IPCP is Closed, and fsm.c answers a
 * Configure-Request in Closed with a Terminate-Ack. Windows, in Req-Sent,
 * takes no action on a Terminate-Ack (RFC 1661 4.1) and asks again only
 * when its restart timer fires, 3 s later; RRAS is done in about 15 ms.
 *
 * So kpptp.so keeps a copy of the last Configure-Request that arrives in
 * that window (pppd still sends its Terminate-Ack, which changes nothing
 * on the peer's side), and when pppd opens IPCP (after CCP, as before:
 * the wrapped ipcp_protent.open) it hands the copy to IPCP's input, as
 * if it had just arrived: pppd answers the peer's outstanding request
 * and the peer goes on at once. Nothing about encryption changes: IPCP
 * still starts only after CCP, and IP only after IPCP.
 */
#include <string.h>

#include "pppd-compat.h"
#include <pppd/fsm.h>
#include <pppd/ipcp.h>
#include <pppd/ccp.h>

#include "kpptp-early-ipcp.h"

#define CONFREQ		1
#define PPP_IPCP_PROTO	0x8021

static bool no_early;		/* kpptp-no-early-ipcp: pppd's own behaviour */

option_t kpptp_early_ipcp_options[] = {
	{ .name = "kpptp-no-early-ipcp", .type = o_bool, .addr = &no_early,
	  .description = "answer an IPCP request that comes before CCP is up only when the peer repeats it (pppd's own way)",
	  .flags = 1 },
	{ .name = NULL }
};

/* The held request, from its code on (what IPCP's input takes). */
static unsigned char held[1500];
static int held_len;
static void (*open_orig)(int unit);

static void ipcp_open_wrap(int unit)
{
	int len = held_len;

	open_orig(unit);
	held_len = 0;
	if (len > 0 && ipcp_fsm[unit].state == REQSENT) {
		dbglog("kpptp.so: CCP is up: IPCP takes the peer's early Configure-Request");
		ipcp_protent.input(unit, held, len);
	}
}

void kpptp_early_ipcp_recv(const unsigned char *p, int len)
{
	/* Address, control, protocol, code, identifier, length. */
	if (no_early || len < 8 || p[2] != (PPP_IPCP_PROTO >> 8) || p[3] != (PPP_IPCP_PROTO & 0xff) ||
	    p[4] != CONFREQ)
		return;
	/* pppd would answer Terminate-Ack: IPCP waits for CCP (MPPE required). */
	if (ipcp_fsm[0].state != CLOSED || !ccp_gotoptions[0].mppe ||
	    ccp_fsm[0].state == OPENED || len - 4 > (int)sizeof(held))
		return;
	memcpy(held, p + 4, (size_t)(len - 4));
	held_len = len - 4;
	dbglog("kpptp.so: the peer's IPCP Configure-Request came before CCP: kept for when IPCP opens");
}

void kpptp_early_ipcp_reset(void)
{
	held_len = 0;
}

void kpptp_early_ipcp_init(void)
{
	open_orig = ipcp_protent.open;
	ipcp_protent.open = ipcp_open_wrap;
}
