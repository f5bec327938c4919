/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the rest of kpptp.ko calls in netlink.c: its registration and the
 * five event notifications. Nothing else in the module speaks netlink:
 * the object layer (session.c) returns distinct errnos, and netlink.c puts
 * them in words and decides who may see what.
 *
 * Ordering, which the event stream promises (design.rst, "Events"):
 *  - up and down are sent under kpptp_net.lock, so they cannot arrive
 *    inverted;
 *  - icmp, stall and anomaly are sent under the session's rx_lock and only
 *    while rx_dead is clear; unhash sets rx_dead under that lock before it
 *    sends down, so nothing about a session follows its down event.
 */
#ifndef _KPPTP_NETLINK_H
#define _KPPTP_NETLINK_H

#include <linux/types.h>

struct kpptp_session;

int kpptp_nl_init(void);
void kpptp_nl_exit(void);

void kpptp_nl_notify_up(struct kpptp_session *s);
void kpptp_nl_notify_down(struct kpptp_session *s);
void kpptp_nl_notify_icmp(struct kpptp_session *s);
void kpptp_nl_notify_stall(struct kpptp_session *s, u32 idle_ms);
void kpptp_nl_notify_anomaly(struct kpptp_session *s, u32 anomalies);

#endif
