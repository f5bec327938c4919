// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the kpptp message decoder: the input is a netlink
 * receive buffer, split into messages the way kpptp_nl_talk() does, each
 * given to kpptp_session_parse(). Built with ASan and UBSan.
 */
#include <stdint.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "kpptp/nl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t buf[32768 / 8];	/* one receive, as in kpptp_nl_talk() */
	const struct nlmsghdr *nlh;
	struct kpptp_session_msg m;
	int len;

	if (size > sizeof(buf))
		return 0;
	memcpy(buf, data, size);	/* netlink buffers are aligned */
	len = (int)size;
	for (nlh = (const struct nlmsghdr *)buf; kpptp_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len))
		(void)kpptp_session_parse(nlh, &m);
	return 0;
}
