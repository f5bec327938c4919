/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause */
/*
 * kpptp: userspace API of the PPTP (RFC 2637) GRE data path.
 *
 * The PPPoX socket ABI is the in-tree pptp one and is not repeated here:
 * socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP), bind() and connect() with
 * struct sockaddr_pppox / sa_addr.pptp (linux/if_pppox.h).
 *
 * What kpptp adds on the socket: per-session tuning through setsockopt()
 * at level SOL_KPPTP. All values are __u32.
 */
#ifndef _UAPI_LINUX_KPPTP_H
#define _UAPI_LINUX_KPPTP_H

#include <linux/types.h>

/* Socket option level of kpptp's PPPoX sockets (not a SOL_* of the kernel). */
#define SOL_KPPTP			0x4b50

enum kpptp_sockopt {
	/* packets held while waiting for a missing one; 0 = no reordering */
	KPPTP_SO_REORDER_WINDOW = 1,
	/* how long a gap is waited for, in milliseconds (1..10000) */
	KPPTP_SO_REORDER_TIMEOUT,
	/* delay before an ack-only packet is sent, in milliseconds (1..10000) */
	KPPTP_SO_ACK_DELAY,
};

/* Upper bound of KPPTP_SO_REORDER_WINDOW. */
#define KPPTP_REORDER_WINDOW_MAX	256
#define KPPTP_TIMEOUT_MAX_MS		10000

#endif /* _UAPI_LINUX_KPPTP_H */
