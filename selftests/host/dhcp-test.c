// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the DHCP codec (userspace/lib/dhcp.c): a DHCPINFORM laid
 * out as Windows sends it after IPCP, every refusal, option overload, the
 * DHCPACK's layout against octets written out by hand from RFC 2131 and
 * RFC 3442, and route parsing. KTAP out; exit 1 if any point failed.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpptp/dhcp.h"

static int n, failed;

static void point(int ok, const char *what)
{
	n++;
	if (!ok)
		failed++;
	printf("%sok %d %s\n", ok ? "" : "not ", n, what);
}

/*
 * A DHCPINFORM as Windows' RAS client sends it: htype 8 (its PPP adapter
 * reports one), a 16-octet client address made of its adapter GUID's
 * tail, ciaddr its new address, a parameter list asking for the domain
 * (15), 249, 121 and more; client ID and vendor class "MSRAS".
 */
static size_t windows_inform(uint8_t *b, size_t size)
{
	static const uint8_t opts[] = {
		53, 1, 8,				/* DHCPINFORM */
		61, 17, 8, 0x52, 0x41, 0x53, 0x20, 0x11, 0x22, 0x33,
		0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc,
		12, 6, 'c', 'l', 'i', 'e', 'n', 't',	/* host name */
		60, 8, 'M', 'S', 'F', 'T', ' ', '5', '.', '0',
		60, 5, 'M', 'S', 'R', 'A', 'S',		/* twice: MSRAS too */
		55, 13, 1, 15, 3, 6, 44, 46, 47, 31, 33, 121, 249, 43, 252,
		255,
	};
	size_t len = 240 + sizeof(opts);

	if (size < len)
		abort();
	memset(b, 0, len);
	b[0] = 1;			/* BOOTREQUEST */
	b[1] = 8;
	b[2] = 16;
	b[4] = 0x12, b[5] = 0x34, b[6] = 0x56, b[7] = 0x78;	/* xid */
	b[12] = 203, b[13] = 0, b[14] = 113, b[15] = 10;	/* ciaddr */
	memset(b + 28, 0xab, 16);
	b[236] = 99, b[237] = 130, b[238] = 83, b[239] = 99;
	memcpy(b + 240, opts, sizeof(opts));
	return len;
}

static void test_decode(void)
{
	uint8_t b[600];
	struct dhcp_msg m;
	size_t len = windows_inform(b, sizeof(b));
	uint32_t ci;

	point(dhcp_decode(b, len, BOOTREQUEST, &m) == DHCP_OK, "Windows' DHCPINFORM decodes");
	inet_pton(AF_INET, "203.0.113.10", &ci);
	point(m.type == DHCPINFORM && m.xid == 0x12345678 && m.ciaddr == ci &&
	      m.hlen == 16 && m.chaddr[15] == 0xab, "... type, xid, ciaddr, chaddr");
	point(m.has_params && m.nparams == 13 && m.params[1] == 15 && m.params[10] == 249,
	      "... its parameter request list");

	point(dhcp_decode(b, DHCP_MIN_LEN - 1, BOOTREQUEST, &m) == DHCP_ERR_SHORT, "too short: refused");
	b[0] = 2;
	point(dhcp_decode(b, len, BOOTREQUEST, &m) == DHCP_ERR_OP, "a BOOTREPLY: refused");
	b[0] = 1;
	b[2] = 17;
	point(dhcp_decode(b, len, BOOTREQUEST, &m) == DHCP_ERR_HLEN, "hlen 17: refused");
	b[2] = 16;
	b[239] = 0;
	point(dhcp_decode(b, len, BOOTREQUEST, &m) == DHCP_ERR_COOKIE, "no magic cookie (plain BOOTP): refused");
	b[239] = 99;
	point(dhcp_decode(b, len - 1, BOOTREQUEST, &m) == DHCP_ERR_OPTION, "no END option: refused");
	point(dhcp_decode(b, 240 + 20, BOOTREQUEST, &m) == DHCP_ERR_OPTION,
	      "an option running past the end: refused");
	b[242] = 9;
	point(dhcp_decode(b, len, BOOTREQUEST, &m) == DHCP_ERR_TYPE, "message type 9: refused");
	b[241] = 2;
	b[242] = 8;
	point(dhcp_decode(b, len, BOOTREQUEST, &m) == DHCP_ERR_TYPE, "message type of length 2: refused");
	b[241] = 1;
	b[240] = 0;	/* the type option becomes a pad and two stray octets */
	point(dhcp_decode(b, len, BOOTREQUEST, &m) != DHCP_OK, "no message type: refused");
	b[240] = 53;
	/* A second type, in place of the host name. */
	b[240 + 22] = 53, b[240 + 23] = 1, b[240 + 24] = 8;
	b[240 + 25] = 0, b[240 + 26] = 0, b[240 + 27] = 0, b[240 + 28] = 0, b[240 + 29] = 0;
	point(dhcp_decode(b, len, BOOTREQUEST, &m) == DHCP_ERR_TYPE, "two message types: refused");
}

/* Options in the file field (overload 1): found, and bounded by the field. */
static void test_overload(void)
{
	uint8_t b[600] = { 0 };
	struct dhcp_msg m;
	size_t len;

	b[0] = 1, b[1] = 1, b[2] = 6;
	b[236] = 99, b[237] = 130, b[238] = 83, b[239] = 99;
	len = 240;
	b[len++] = 52, b[len++] = 1, b[len++] = 1;	/* overload: file */
	b[len++] = 255;
	b[108] = 53, b[109] = 1, b[110] = 8, b[111] = 55, b[112] = 1, b[113] = 121;
	b[114] = 255;
	point(dhcp_decode(b, len, BOOTREQUEST, &m) == DHCP_OK && m.type == DHCPINFORM &&
	      m.nparams == 1 && m.params[0] == 121, "the type and parameters from the file field");
	b[114] = 0;
	b[108 + 126] = 60, b[108 + 127] = 10;	/* runs past the file field */
	point(dhcp_decode(b, len, BOOTREQUEST, &m) == DHCP_ERR_OPTION, "an option past the file field: refused");
	b[108 + 126] = 0, b[108 + 127] = 0;
	b[242] = 4;
	point(dhcp_decode(b, len, BOOTREQUEST, &m) == DHCP_ERR_OVERLOAD, "overload 4: refused");
	b[242] = 2;	/* sname instead: no type there */
	point(dhcp_decode(b, len, BOOTREQUEST, &m) == DHCP_ERR_TYPE, "overload 2: the type is not looked for in file");
	b[242] = 1;
	b[108] = 52, b[109] = 1, b[110] = 1;	/* option 52 inside file */
	point(dhcp_decode(b, len, BOOTREQUEST, &m) == DHCP_ERR_OVERLOAD, "option 52 outside the options field: refused");
}

static void test_routes(void)
{
	struct dhcp_route r;

	point(dhcp_route_parse("198.51.100.0/24", &r) && r.len == 24 &&
	      r.dest == htonl(0xc6336400), "198.51.100.0/24 parses");
	point(dhcp_route_parse("192.0.2.7", &r) && r.len == 32, "a bare address is a /32");
	point(dhcp_route_parse("0.0.0.0/0", &r) && r.len == 0 && r.dest == 0, "the default route parses");
	point(!dhcp_route_parse("198.51.100.1/24", &r), "host bits set: refused");
	point(!dhcp_route_parse("198.51.100.0/33", &r), "/33: refused");
	point(!dhcp_route_parse("198.51.100.0/", &r), "an empty prefix: refused");
	point(!dhcp_route_parse("198.51.100.0/2x", &r), "a prefix with junk: refused");
	point(!dhcp_route_parse("example.org/24", &r), "a name: refused");
	point(!dhcp_route_parse("", &r), "nothing: refused");
	point(dhcp_domain_ok("corp.example") && dhcp_domain_ok("a-1.b"), "domains: corp.example, a-1.b");
	point(!dhcp_domain_ok("") && !dhcp_domain_ok("a..b") && !dhcp_domain_ok(".a") &&
	      !dhcp_domain_ok("a.") && !dhcp_domain_ok("-a.b") && !dhcp_domain_ok("a-.b") &&
	      !dhcp_domain_ok("a b") && !dhcp_domain_ok("a_b"),
	      "domains refused: empty, empty label, leading or trailing hyphen, blank, underscore");
	{
		char longlabel[70];

		memset(longlabel, 'a', 64);
		longlabel[64] = '\0';
		point(!dhcp_domain_ok(longlabel), "a label of 64: refused");
		longlabel[63] = '\0';
		point(dhcp_domain_ok(longlabel), "a label of 63: taken");
	}
}

/* Find option code in an answer's options; its value and length. */
static const uint8_t *find(const uint8_t *b, size_t len, uint8_t code, uint8_t *olen)
{
	size_t i = 240;

	while (i + 1 < len && b[i] != 255) {
		if (b[i] == 0) {
			i++;
			continue;
		}
		if (b[i] == code) {
			*olen = b[i + 1];
			return b + i + 2;
		}
		i += 2u + b[i + 1];
	}
	return NULL;
}

static void test_encode(void)
{
	uint8_t req[600], out[DHCP_MAX_LEN], olen = 0;
	struct dhcp_route routes[2];
	uint32_t dns[2], server;
	struct dhcp_answer a = { 0 };
	struct dhcp_msg m, back;
	const uint8_t *v;
	size_t len;
	/* RFC 3442: 198.51.100.0/24 via 203.0.113.1, 192.0.2.128/25 via the same. */
	static const uint8_t want_routes[] = {
		24, 198, 51, 100, 203, 0, 113, 1,
		25, 192, 0, 2, 128, 203, 0, 113, 1,
	};

	point(dhcp_decode(req, windows_inform(req, sizeof(req)), BOOTREQUEST, &m) == DHCP_OK,
	      "the request to answer decodes");
	inet_pton(AF_INET, "203.0.113.1", &server);
	dhcp_route_parse("198.51.100.0/24", &routes[0]);
	dhcp_route_parse("192.0.2.128/25", &routes[1]);
	routes[0].router = routes[1].router = server;
	inet_pton(AF_INET, "192.0.2.53", &dns[0]);
	inet_pton(AF_INET, "192.0.2.54", &dns[1]);
	a.server_id = server;
	a.routes = routes;
	a.nroutes = 2;
	a.domain = "corp.example";
	a.dns = dns;
	a.ndns = 2;

	len = dhcp_encode_ack(&m, &a, out, sizeof(out));
	point(len >= 300 && len <= DHCP_MAX_LEN, "the DHCPACK fits, at least BOOTP's 300 octets");
	point(out[0] == 2 && out[1] == 8 && out[2] == 16 && !memcmp(out + 4, req + 4, 4) &&
	      !memcmp(out + 12, req + 12, 4) && !memcmp(out + 16, "\0\0\0\0", 4) &&
	      !memcmp(out + 28, req + 28, 16), "BOOTREPLY; xid, ciaddr, chaddr echoed; yiaddr 0");
	v = find(out, len, 53, &olen);
	point(v && olen == 1 && v[0] == DHCPACK, "message type DHCPACK");
	v = find(out, len, 54, &olen);
	point(v && olen == 4 && !memcmp(v, &server, 4), "server identifier: our end of the call");
	v = find(out, len, 15, &olen);
	point(v && olen == 12 && !memcmp(v, "corp.example", 12), "option 15: the domain");
	v = find(out, len, 121, &olen);
	point(v && olen == sizeof(want_routes) && !memcmp(v, want_routes, olen),
	      "option 121: the routes, RFC 3442's encoding");
	v = find(out, len, 249, &olen);
	point(v && olen == sizeof(want_routes) && !memcmp(v, want_routes, olen),
	      "option 249: the same");
	v = find(out, len, 6, &olen);
	point(v && olen == 8 && !memcmp(v, dns, 8), "option 6: the DNS servers");
	point(!find(out, len, 51, &olen) && !find(out, len, 3, &olen),
	      "no lease time, no router option (RFC 2131 4.3.5)");
	/* The answer is a message the decoder reads back as a reply. */
	point(dhcp_decode(out, len, BOOTREQUEST, &back) == DHCP_ERR_OP, "the answer is no request to the decoder");
	point(dhcp_decode(out, len, BOOTREPLY, &back) == DHCP_OK && back.type == DHCPACK &&
	      back.xid == m.xid, "... and a DHCPACK, xid echoed, as a reply");
	v = dhcp_option(out, len, 121, &olen);
	point(v && olen == sizeof(want_routes), "dhcp_option() finds option 121 in it");
	point(!dhcp_option(out, len, 51, &olen), "... and no option 51");

	/* Only what is asked: a list naming 249 alone. */
	m.nparams = 1;
	m.params[0] = 249;
	len = dhcp_encode_ack(&m, &a, out, sizeof(out));
	point(len && find(out, len, 249, &olen) && !find(out, len, 121, &olen) &&
	      !find(out, len, 15, &olen), "a list naming 249 only: 249 only");
	/* No list: all of ours. */
	m.has_params = false;
	len = dhcp_encode_ack(&m, &a, out, sizeof(out));
	point(len && find(out, len, 121, &olen) && find(out, len, 249, &olen) &&
	      find(out, len, 15, &olen) && find(out, len, 6, &olen), "no list: all of ours");
	point(!dhcp_encode_ack(&m, &a, out, DHCP_MAX_LEN - 1), "a buffer under DHCP_MAX_LEN: refused");
	/* 32 /32 routes: 9 octets each, 288 > 255: refused, not truncated. */
	{
		struct dhcp_route many[32];
		unsigned int i;

		for (i = 0; i < 32; i++) {
			many[i].dest = htonl(0xc0000200 + i);
			many[i].len = 32;
			many[i].router = server;
		}
		a.routes = many;
		a.nroutes = 32;
		point(!dhcp_encode_ack(&m, &a, out, sizeof(out)), "routes over 255 octets: no answer, not a truncated one");
	}
}

/* The test clients' request encoder and answer line. */
static void test_clients(void)
{
	static const uint8_t params[] = { 15, 121, 249 };
	uint8_t b[DHCP_MAX_LEN], out[DHCP_MAX_LEN];
	struct dhcp_route r[1];
	struct dhcp_answer a = { 0 };
	struct dhcp_msg m;
	uint32_t ci, srv;
	char line[256];
	size_t len;

	point(inet_pton(AF_INET, "203.0.113.10", &ci) == 1 &&
	      inet_pton(AF_INET, "203.0.113.1", &srv) == 1, "addresses");
	len = dhcp_encode_request(b, sizeof(b), DHCPINFORM, ci, 0xabcdef01, params, sizeof(params));
	point(len == 300 && dhcp_decode(b, len, BOOTREQUEST, &m) == DHCP_OK && m.type == DHCPINFORM &&
	      m.ciaddr == ci && m.xid == 0xabcdef01 && m.nparams == 3 && m.params[2] == 249,
	      "dhcp_encode_request: a DHCPINFORM the decoder reads back, padded to 300");
	point(!dhcp_encode_request(b, 299, DHCPINFORM, ci, 1, params, sizeof(params)),
	      "dhcp_encode_request: a buffer under 300: refused");
	len = dhcp_encode_request(b, sizeof(b), DHCPINFORM, ci, 2, NULL, 0);
	point(len && dhcp_decode(b, len, BOOTREQUEST, &m) == DHCP_OK && m.nparams == 12 &&
	      m.params[1] == 15 && m.params[10] == 249, "dhcp_encode_request: NULL asks what Windows asks");
	point(dhcp_route_parse("198.51.100.0/24", &r[0]), "a route");
	r[0].router = srv;
	a.server_id = srv;
	a.routes = r;
	a.nroutes = 1;
	a.domain = "corp.example";
	len = dhcp_encode_ack(&m, &a, out, sizeof(out));
	dhcp_describe_ack(out, len, line, sizeof(line));
	point(!strcmp(line, "ack domain corp.example routes 198.51.100.0/24>203.0.113.1 "
		      "routes249 198.51.100.0/24>203.0.113.1 server 203.0.113.1") ||
	      !strcmp(line, "ack routes 198.51.100.0/24>203.0.113.1 routes249 198.51.100.0/24>203.0.113.1 "
		      "domain corp.example server 203.0.113.1"),
	      "dhcp_describe_ack: the answer in one line");
	dhcp_describe_ack(out, len, line, 8);
	point(strlen(line) < 8, "dhcp_describe_ack: cut, never past its buffer");
}

int main(void)
{
	printf("TAP version 13\n");
	test_decode();
	test_overload();
	test_routes();
	test_encode();
	test_clients();
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
