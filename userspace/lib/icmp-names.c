// SPDX-License-Identifier: GPL-2.0
/*
 * What an ICMP error about our packets means, in words, for kpptpd's log,
 * kpptpctl probe's evidence and kpptpctl's events: one table for all.
 */
#include <linux/icmp.h>

#include "kpptp/nl.h"

const char *kpptp_icmp_str(unsigned int type, unsigned int code)
{
	if (type == ICMP_TIME_EXCEEDED)
		return "time exceeded";
	if (type != ICMP_DEST_UNREACH)
		return "ICMP error";
	switch (code) {
	case ICMP_NET_UNREACH: return "network unreachable";
	case ICMP_HOST_UNREACH: return "host unreachable";
	case ICMP_PROT_UNREACH: return "protocol unreachable";
	case ICMP_PORT_UNREACH: return "port unreachable";
	case ICMP_FRAG_NEEDED: return "fragmentation needed";
	case ICMP_NET_ANO: return "network administratively prohibited";
	case ICMP_HOST_ANO: return "host administratively prohibited";
	case ICMP_PKT_FILTERED: return "communication administratively prohibited";
	default: return "destination unreachable";
	}
}
