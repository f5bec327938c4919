/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpptp-pmtu-probe: the path MTU, found with padded LCP echoes
 * (kpptp-pmtu.c).
 */
#ifndef KPPTP_PMTU_H
#define KPPTP_PMTU_H

typedef void kpptp_pmtu_report_fn(const char *fmt, ...);

extern option_t kpptp_pmtu_options[];
/* The network is up: probe, once per link, if asked to; fn tells kpptpd. */
void kpptp_pmtu_start(kpptp_pmtu_report_fn *fn);
/* Every received frame, as pppd's snoop_recv_hook sees it. */
void kpptp_pmtu_recv(const unsigned char *p, int len);
/* The link is down. */
void kpptp_pmtu_stop(void);

#endif /* KPPTP_PMTU_H */
