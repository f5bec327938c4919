// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the DHCP codec kpptpd runs on what a PPP client
 * sends to port 67 (dhcp.c). Besides "no crash" under ASan/UBSan it checks
 * what kpptpd relies on: a message decodes or is refused with a reason,
 * the parameter list never outgrows its array, and the answer to any
 * decoded request fits DHCP_MAX_LEN and echoes the request's xid.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kpptp/dhcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct dhcp_route routes[] = {
		{ .dest = 0x006433c6, .len = 24, .router = 0x017100cb },
		{ .dest = 0, .len = 0, .router = 0x017100cb },
	};
	static const uint32_t dns[] = { 0x350200c0 };
	struct dhcp_answer a = {
		.server_id = 0x017100cb, .routes = routes, .nroutes = 2,
		.domain = "corp.example", .dns = dns, .ndns = 1,
	};
	uint8_t out[DHCP_MAX_LEN];
	struct dhcp_msg m;
	enum dhcp_err e;
	size_t len;
	uint32_t xid;

	e = dhcp_decode(data, size, BOOTREQUEST, &m);
	if (e >= DHCP_ERR_MAX || !dhcp_err_name(e))
		abort();
	if (e != DHCP_OK)
		return 0;
	if (m.nparams > sizeof(m.params) || m.type < DHCPDISCOVER || m.type > DHCPINFORM)
		abort();
	len = dhcp_encode_ack(&m, &a, out, sizeof(out));
	if (!len || len > sizeof(out))
		abort();
	memcpy(&xid, out + 4, 4);
	if (ntohl(xid) != m.xid || out[0] != BOOTREPLY)
		abort();
	/* The answer reads back as what it is, whatever the request was. */
	if (dhcp_decode(out, len, BOOTREPLY, &m) != DHCP_OK || m.type != DHCPACK)
		abort();
	for (unsigned int c = 0; c < 256; c++) {
		uint8_t olen;
		const uint8_t *v = dhcp_option(data, size, (uint8_t)c, &olen);

		if (v && (v < data || v + olen > data + size))
			abort();
	}
	return 0;
}
