/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part of pppd's plugin API that kpptp.so uses, for pppd 2.4 (Debian
 * 12: 2.4.9) and pppd 2.5 (Debian 13: 2.5.2), so that one source builds
 * against either ppp-dev.
 *
 * 2.5 made most of pppd's globals private and renamed the calls a channel
 * plugin makes (add_options -> ppp_add_options, add_notifier(&list) ->
 * ppp_add_notify(NF_*), ifname -> ppp_ifname(), ...). The version is told
 * by what the headers define, not by guessing: 2.5's pppdconf.h (pulled
 * in by pppd.h) defines PPPD_VERSION; 2.4's patchlevel.h defines VERSION.
 * The plugin names its functions kp_*; each maps to one pppd call here.
 */
#ifndef KPPTP_PPPD_COMPAT_H
#define KPPTP_PPPD_COMPAT_H

#include <string.h>

/*
 * Debian builds pppd 2.4.9 with IPv6CP (INET6); its headers declare
 * eui64_t and the IPv6CP state only when told so. 2.5 ignores it.
 */
#define INET6 1
#include <pppd/pppd.h>

#ifdef PPPD_VERSION	/* pppd 2.5 */
#include <pppd/multilink.h>
#include <pppd/options.h>
#include <pppd/eui64.h>	/* its ipv6cp.h uses eui64_t without including it */
#include <linux/ppp_defs.h>	/* struct ppp_idle, which its pppd.h only declares */

#define KP_PPPD_VERSION		PPPD_VERSION
#define kp_option_error		ppp_option_error
#define kp_generic_establish	ppp_generic_establish
#define kp_generic_disestablish	ppp_generic_disestablish

typedef ppp_notify_fn kp_notify_fn;

static inline void kp_add_options(option_t *opts)
{
	ppp_add_options(opts);
}

/* The channel is a socket: no modem lines. */
static inline void kp_no_modem(void)
{
	ppp_set_modem(0);
}

/*
 * 2.5 has no devnam_fixed: an option flagged OPT_DEVNAM (kpptp-fd is)
 * already keeps a later device option from replacing the device.
 */
static inline void kp_set_devnam(const char *name)
{
	ppp_set_devnam(name);
}

static inline const char *kp_ifname(void)
{
	return ppp_ifname();
}

static inline const char *kp_peer_authname(char *buf, size_t len)
{
	return ppp_peer_authname(buf, len);
}

static inline void kp_notify_auth_up(kp_notify_fn *fn)
{
	ppp_add_notify(NF_AUTH_UP, fn, NULL);
}

static inline void kp_notify_ip_up(kp_notify_fn *fn)
{
	ppp_add_notify(NF_IP_UP, fn, NULL);
}

static inline void kp_notify_ipv6_up(kp_notify_fn *fn)
{
	ppp_add_notify(NF_IPV6_UP, fn, NULL);
}

static inline void kp_notify_phase(kp_notify_fn *fn)
{
	ppp_add_notify(NF_PHASE_CHANGE, fn, NULL);
}

static inline void kp_notify_ip_down(kp_notify_fn *fn)
{
	ppp_add_notify(NF_IP_DOWN, fn, NULL);
}

static inline void kp_notify_ipv6_down(kp_notify_fn *fn)
{
	ppp_add_notify(NF_IPV6_DOWN, fn, NULL);
}

static inline int kp_idle_limit(void)
{
	return ppp_get_max_idle_time();
}

static inline bool kp_multilink(void)
{
	return mp_on();
}

/* 2.5 does not say whether it dials on demand. */
static inline bool kp_demand(void)
{
	return false;
}

/* pppd 2.5 exports output() but no header declares it. */
void output(int unit, unsigned char *p, int len);

static inline void kp_timeout(void (*fn)(void *), void *arg, int s, int us)
{
	ppp_timeout(fn, arg, s, us);
}

static inline void kp_untimeout(void (*fn)(void *), void *arg)
{
	ppp_untimeout(fn, arg);
}

static inline int kp_get_mtu(void)
{
	return ppp_get_mtu(0);
}

static inline void kp_set_mtu(int mtu)
{
	ppp_set_mtu(0, mtu);
}

#else			/* pppd 2.4 */

#ifndef VERSION
#include <pppd/patchlevel.h>
#endif
#define KP_PPPD_VERSION		VERSION
#define kp_option_error		option_error
#define kp_generic_establish	generic_establish_ppp
#define kp_generic_disestablish	generic_disestablish_ppp

typedef void kp_notify_fn(void *ctx, int arg);

static inline void kp_add_options(option_t *opts)
{
	add_options(opts);
}

static inline void kp_no_modem(void)
{
	modem = 0;
}

static inline void kp_set_devnam(const char *name)
{
	size_t n = strlen(name);

	if (n >= sizeof(devnam))
		n = sizeof(devnam) - 1;
	memcpy(devnam, name, n);
	devnam[n] = '\0';
	devnam_fixed = 1;
}

static inline const char *kp_ifname(void)
{
	return ifname;
}

static inline const char *kp_peer_authname(char *buf, size_t len)
{
	size_t n = strlen(peer_authname);

	if (!len)
		return buf;
	if (n >= len)
		n = len - 1;
	memcpy(buf, peer_authname, n);
	buf[n] = '\0';
	return buf;
}

static inline void kp_notify_auth_up(kp_notify_fn *fn)
{
	add_notifier(&auth_up_notifier, fn, NULL);
}

static inline void kp_notify_ip_up(kp_notify_fn *fn)
{
	add_notifier(&ip_up_notifier, fn, NULL);
}

static inline void kp_notify_ipv6_up(kp_notify_fn *fn)
{
	add_notifier(&ipv6_up_notifier, fn, NULL);
}

static inline void kp_notify_phase(kp_notify_fn *fn)
{
	add_notifier(&phasechange, fn, NULL);
}

static inline void kp_notify_ip_down(kp_notify_fn *fn)
{
	add_notifier(&ip_down_notifier, fn, NULL);
}

static inline void kp_notify_ipv6_down(kp_notify_fn *fn)
{
	add_notifier(&ipv6_down_notifier, fn, NULL);
}

static inline int kp_idle_limit(void)
{
	return idle_time_limit;
}

static inline bool kp_multilink(void)
{
	return multilink || doing_multilink;
}

static inline bool kp_demand(void)
{
	return demand;
}

static inline void kp_timeout(void (*fn)(void *), void *arg, int s, int us)
{
	timeout(fn, arg, s, us);
}

static inline void kp_untimeout(void (*fn)(void *), void *arg)
{
	untimeout(fn, arg);
}

static inline int kp_get_mtu(void)
{
	return netif_get_mtu(0);
}

static inline void kp_set_mtu(int mtu)
{
	netif_set_mtu(0, mtu);
}

#endif

#endif /* KPPTP_PPPD_COMPAT_H */
