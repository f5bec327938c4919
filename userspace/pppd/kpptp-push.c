// SPDX-License-Identifier: GPL-2.0
/*
 * The user's routes and DNS domain, for kpptpd's DHCPINFORM answers
 * (userspace/kpptpd/inform.c). Where they come from:
 *
 *  - pppd options, most usefully per user in chap-secrets after "--"
 *    (pppd applies those once the user has authenticated):
 *
 *	alice  kpptpd  secret  *  -- kpptp-push-route 198.51.100.0/24 kpptp-dns-domain corp.example
 *
 *  - RADIUS, through pppd's radius.so: each Framed-Route attribute
 *    (RFC 2865 5.22, "198.51.100.0/24 0.0.0.0 1": its destination is
 *    taken) becomes a route. radius.so offers the reply's attributes to
 *    one function pointer, radius_attributes_hook; this plugin sets it
 *    when authentication starts (radius.so may be loaded after it) and
 *    calls whatever was there before.
 *
 * When IPCP is up they go to kpptpd, before the "ip-up" line, with the DNS
 * servers pppd gives the peer (ms-dns): "push-route CIDR", "dns-domain
 * NAME", "dns ADDR". kpptpd checks them again (a RADIUS server wrote them).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

/*
 * pppd 2.4's pppd.h makes bool a typedef: it goes before dhcp.h's
 * stdbool.h, whose macro then only renames what this file declares.
 */
#include "pppd-compat.h"
#include <pppd/fsm.h>
#include <pppd/ipcp.h>
#include "kpptp/dhcp.h"

#include "kpptp-push.h"

static char routes[DHCP_MAX_ROUTES][INET_ADDRSTRLEN + 3];
static unsigned int nroutes;
static char domain[254];

/* Keep a route (CIDR) once; false with why in *err if it is not one. */
static bool add_route(const char *cidr, const char **err)
{
	struct dhcp_route r;
	unsigned int i;

	if (!dhcp_route_parse(cidr, &r)) {
		*err = "not a network like 198.51.100.0/24 (no host bits)";
		return false;
	}
	for (i = 0; i < nroutes; i++)
		if (!strcmp(routes[i], cidr))
			return true;
	if (nroutes == DHCP_MAX_ROUTES) {
		*err = "too many routes";
		return false;
	}
	snprintf(routes[nroutes++], sizeof(routes[0]), "%s", cidr);
	return true;
}

static int opt_push_route(char **argv)
{
	const char *err;

	if (strlen(argv[0]) >= sizeof(routes[0]) || !add_route(argv[0], &err)) {
		kp_option_error("kpptp-push-route %s: %s", argv[0],
				strlen(argv[0]) >= sizeof(routes[0]) ? "too long" : err);
		return 0;
	}
	return 1;
}

static int opt_dns_domain(char **argv)
{
	if (!dhcp_domain_ok(argv[0])) {
		kp_option_error("kpptp-dns-domain %s: not a DNS name (letters, digits, hyphens, dots)",
				argv[0]);
		return 0;
	}
	snprintf(domain, sizeof(domain), "%s", argv[0]);
	return 1;
}

option_t kpptp_push_options[] = {
	{ .name = "kpptp-push-route", .type = o_special, .addr = (void *)opt_push_route,
	  .description = "a network (CIDR) kpptpd's DHCPINFORM answer gives this peer a route to; repeat for more" },
	{ .name = "kpptp-dns-domain", .type = o_special, .addr = (void *)opt_dns_domain,
	  .description = "the DNS domain kpptpd's DHCPINFORM answer gives this peer" },
	{ .name = NULL }
};

/*
 * radius.so's VALUE_PAIR (pppd/plugins/radius/radiusclient.h), which no
 * pppd package installs: its layout has not changed since radiusclient
 * 0.3 and is the same in pppd 2.4.9 and 2.5. Only what we read is named;
 * kpptpd-radius.sh shows it right against FreeRADIUS.
 */
struct radius_pair {
	char name[32 + 1];
	int attribute;
	int vendorcode;
	int type;
	unsigned int lvalue;
	unsigned char strvalue[253 + 1];
	struct radius_pair *next;
};

#define RADIUS_FRAMED_ROUTE	22
#define RADIUS_VENDOR_NONE	(-1)	/* radiusclient's vendorcode of RFC attributes */

static void (**radius_hook)(struct radius_pair *);
static void (*radius_next)(struct radius_pair *);

static void radius_attributes(struct radius_pair *vp)
{
	const char *err;
	char dest[INET_ADDRSTRLEN + 4];

	for (struct radius_pair *p = vp; p; p = p->next) {
		if (p->vendorcode != RADIUS_VENDOR_NONE || p->attribute != RADIUS_FRAMED_ROUTE)
			continue;
		/* "DEST[/LEN] GATEWAY METRIC...": the destination. */
		err = "empty";
		if (sscanf((const char *)p->strvalue, "%19s", dest) != 1 ||
		    !add_route(dest, &err))
			warn("kpptp.so: RADIUS Framed-Route '%.64s' not pushed to the peer: %s",
			     (const char *)p->strvalue, err);
		else
			dbglog("kpptp.so: RADIUS Framed-Route %s: pushed to the peer", dest);
	}
	if (radius_next)
		radius_next(vp);
}

void kpptp_push_auth_phase(void)
{
	if (radius_hook)
		return;
	/* pppd loads plugins RTLD_GLOBAL: radius.so's variable, if it is loaded. */
	radius_hook = (void (**)(struct radius_pair *))dlsym(RTLD_DEFAULT, "radius_attributes_hook");
	if (!radius_hook)
		return;
	radius_next = *radius_hook;
	*radius_hook = radius_attributes;
	dbglog("kpptp.so: Framed-Route attributes from radius.so become the peer's routes");
}

void kpptp_push_report(kpptp_tell_fn *tell)
{
	char a[INET_ADDRSTRLEN];
	unsigned int i;

	for (i = 0; i < nroutes; i++)
		tell("push-route %s", routes[i]);
	if (domain[0])
		tell("dns-domain %s", domain);
	for (i = 0; i < 2; i++) {
		struct in_addr d = { ipcp_allowoptions[0].dnsaddr[i] };

		/* One ms-dns fills both (pppd's secondary defaults to the primary). */
		if (i && d.s_addr == ipcp_allowoptions[0].dnsaddr[0])
			continue;
		if (d.s_addr && inet_ntop(AF_INET, &d, a, sizeof(a)))
			tell("dns %s", a);
	}
}
