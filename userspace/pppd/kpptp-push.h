/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user's routes and DNS domain for kpptpd's DHCPINFORM answers
 * (kpptp-push.c): options, the RADIUS hook, and the report at ip-up.
 */
#ifndef KPPTP_PUSH_H
#define KPPTP_PUSH_H

typedef void kpptp_tell_fn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* kpptp-push-route CIDR (repeatable), kpptp-dns-domain NAME. */
extern option_t kpptp_push_options[];
/* Authentication starts: take radius.so's attributes hook if it is there. */
void kpptp_push_auth_phase(void);
/* IPCP is up: one line each to kpptpd, before "ip-up". */
void kpptp_push_report(kpptp_tell_fn *tell);

#endif /* KPPTP_PUSH_H */
