/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels kpptp supports (Debian 12's 6.1, 6.12,
 * the newest packaged one). Each KPPTP_HAVE_* comes from compat-probe.sh,
 * which looks for the feature in the headers: distribution kernels carry
 * backports, so a version number would be wrong in both directions.
 */
#ifndef _KPPTP_COMPAT_H
#define _KPPTP_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/timer.h>
#include <net/sock.h>

#ifndef KPPTP_HAVE_TIMER_CONTAINER_OF
#define timer_container_of(var, timer, field) from_timer(var, timer, field)
#endif

#ifndef KPPTP_HAVE_TIMER_DELETE_SYNC
#define timer_delete_sync(t) del_timer_sync(t)
#endif

#ifndef KPPTP_HAVE_TIMER_DELETE
#define timer_delete(t) del_timer(t)
#endif

#ifndef KPPTP_HAVE_TIMER_SHUTDOWN
/* Callers also set rx_dead under rx_lock: nothing re-arms the timer. */
#define timer_shutdown_sync(t) del_timer_sync(t)
#endif

#ifndef KPPTP_HAVE_HRTIMER_SETUP
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

/* proto_ops bind/connect take a struct sockaddr_unsized where it exists. */
#ifdef KPPTP_HAVE_SOCKADDR_UNSIZED
#define kpptp_sockaddr sockaddr_unsized
#else
#define kpptp_sockaddr sockaddr
#endif

#ifndef KPPTP_HAVE_SK_UID_HELPER
static inline kuid_t sk_uid(const struct sock *sk)
{
	return sk->sk_uid;
}
#endif

#endif /* _KPPTP_COMPAT_H */
