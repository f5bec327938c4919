/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The peer's IPCP Configure-Request that came before CCP was up, kept
 * for when pppd opens IPCP (kpptp-early-ipcp.c).
 */
#ifndef KPPTP_EARLY_IPCP_H
#define KPPTP_EARLY_IPCP_H

/* kpptp-no-early-ipcp */
extern option_t kpptp_early_ipcp_options[];
/* At plugin_init: wrap IPCP's open. */
void kpptp_early_ipcp_init(void);
/* Every received frame, as pppd's snoop_recv_hook sees it. */
void kpptp_early_ipcp_recv(const unsigned char *p, int len);
/* The link is down: forget what was kept. */
void kpptp_early_ipcp_reset(void);

#endif /* KPPTP_EARLY_IPCP_H */
