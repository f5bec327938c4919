/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DHCP codec kpptpd needs to answer a PPP client's DHCPINFORM (RFC 2131
 * 3.4, 4.3.5) with the routes (RFC 3442 option 121 and Microsoft's 249, the
 * same encoding), the DNS domain (15) and the DNS servers (6) of its call,
 * as Windows RRAS does. Windows sends one right after IPCP is up, from its
 * new address to 255.255.255.255:67, and learns from the answer which
 * networks are behind the server when it does not use it as its default
 * gateway.
 *
 * This is the only code that reads or writes DHCP bytes. dhcp_decode()
 * validates a whole BOOTP/DHCP message (fixed part, magic cookie, every
 * option's length, option overload into the file and sname fields,
 * exactly one message type) into struct dhcp_msg; dhcp_encode_ack() writes
 * the answer. Neither allocates.
 */
#ifndef KPPTP_DHCP_H
#define KPPTP_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68

#define DHCP_FIXED_LEN		236	/* op .. file, before the magic cookie */
#define DHCP_MIN_LEN		(DHCP_FIXED_LEN + 4)
/* The most an answer can take: the fixed part, the cookie, 312 of options. */
#define DHCP_MAX_LEN		(DHCP_FIXED_LEN + 4 + 312)

#define BOOTREQUEST		1
#define BOOTREPLY		2

/* Message types (option 53, RFC 2132 9.6). */
enum dhcp_type {
	DHCPDISCOVER = 1, DHCPOFFER, DHCPREQUEST, DHCPDECLINE, DHCPACK,
	DHCPNAK, DHCPRELEASE, DHCPINFORM,
};

/* Options this codec reads or writes (RFC 2132, RFC 3442). */
enum {
	DHCP_OPT_PAD = 0,
	DHCP_OPT_DNS = 6,
	DHCP_OPT_HOSTNAME = 12,
	DHCP_OPT_DOMAIN = 15,
	DHCP_OPT_OVERLOAD = 52,
	DHCP_OPT_MSGTYPE = 53,
	DHCP_OPT_SERVER_ID = 54,
	DHCP_OPT_PARAMS = 55,
	DHCP_OPT_VENDOR_CLASS = 60,
	DHCP_OPT_CLIENT_ID = 61,
	DHCP_OPT_CLASSLESS = 121,
	DHCP_OPT_MS_CLASSLESS = 249,
	DHCP_OPT_END = 255,
};

/* Why dhcp_decode() refused a message (counted by kpptpd, per reason). */
enum dhcp_err {
	DHCP_OK = 0,
	DHCP_ERR_SHORT,		/* under the fixed part and the cookie */
	DHCP_ERR_OP,		/* not the op asked for (a request, or a reply) */
	DHCP_ERR_HLEN,		/* hardware address longer than chaddr */
	DHCP_ERR_COOKIE,	/* no DHCP magic cookie: plain BOOTP */
	DHCP_ERR_OPTION,	/* an option runs past its area, or no end */
	DHCP_ERR_OVERLOAD,	/* option 52 malformed, or twice */
	DHCP_ERR_TYPE,		/* no message type, a bad one, or two */
	DHCP_ERR_MAX
};

/* A decoded request: addresses in network byte order, as on the wire. */
struct dhcp_msg {
	uint8_t op, htype, hlen;
	uint32_t xid;			/* host order; echoed as is */
	uint16_t flags;			/* host order */
	uint32_t ciaddr, giaddr;	/* network order */
	uint8_t chaddr[16];
	enum dhcp_type type;
	/* Parameter request list (55), as asked: which options to answer. */
	uint8_t params[255];
	uint8_t nparams;
	bool has_params;
};

/* One classless static route (RFC 3442): dest/len via router. */
struct dhcp_route {
	uint32_t dest;			/* network order, host bits zero */
	uint8_t len;			/* 0..32 */
	uint32_t router;		/* network order */
};

/* What a DHCPACK carries. */
#define DHCP_MAX_ROUTES		32
#define DHCP_MAX_DNS		4
struct dhcp_answer {
	uint32_t server_id;		/* network order: our end of the call */
	const struct dhcp_route *routes;
	unsigned int nroutes;
	const char *domain;		/* NULL or "": none */
	const uint32_t *dns;		/* network order */
	unsigned int ndns;
};

/* A message whose op is op (BOOTREQUEST, or BOOTREPLY for a test client). */
enum dhcp_err dhcp_decode(const uint8_t *buf, size_t len, uint8_t op, struct dhcp_msg *m);
/*
 * In a message dhcp_decode() accepted: the value of the first option code
 * (the options field, then the fields it overloads), its length in *olen;
 * NULL if absent.
 */
const uint8_t *dhcp_option(const uint8_t *buf, size_t len, uint8_t code, uint8_t *olen);
const char *dhcp_err_name(enum dhcp_err e);

/*
 * The DHCPACK to INFORM request m (RFC 2131 4.3.5: yiaddr 0, no lease
 * time), into out (size at least DHCP_MAX_LEN): the message type, the
 * server identifier, then those of ours (6, 15, 121, 249) that the
 * request's parameter list names, in its order, or all of them when it
 * has none. Returns the length, or 0 when what is configured does not fit
 * (a route option over 255 octets, or over 312 of options in all).
 */
size_t dhcp_encode_ack(const struct dhcp_msg *m, const struct dhcp_answer *a,
		       uint8_t *out, size_t size);

/*
 * "198.51.100.0/24" (or a bare address: /32) into r, router 0; false if
 * it is not one, or has host bits set past the prefix.
 */
bool dhcp_route_parse(const char *s, struct dhcp_route *r);

/*
 * A client's request as Windows' RAS client sends it after IPCP (htype 8,
 * a 16-octet client address, vendor class "MSRAS"): type (DHCPINFORM),
 * ciaddr (network order), xid, and the parameter request list (NULL:
 * Windows' own). For test clients. The length, or 0 if it does not fit
 * size.
 */
size_t dhcp_encode_request(uint8_t *out, size_t size, enum dhcp_type type, uint32_t ciaddr,
			   uint32_t xid, const uint8_t *params, size_t nparams);
/*
 * A DHCPACK dhcp_decode() accepted, as one line for a test's log:
 * "ack routes CIDR>ROUTER,... routes249 ... domain NAME dns ADDR,...
 * server ADDR" (each part only when its option is there).
 */
void dhcp_describe_ack(const uint8_t *buf, size_t len, char *out, size_t size);

/* Octets option 121 (or 249) takes for these routes; over 255 cannot go. */
size_t dhcp_routes_len(const struct dhcp_route *r, unsigned int n);

/*
 * A DNS domain option 15 may carry: dot-separated labels of letters,
 * digits and hyphens, 1..63 each, not starting or ending with a hyphen,
 * 253 in all.
 */
bool dhcp_domain_ok(const char *s);

#endif /* KPPTP_DHCP_H */
