/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libkpptp: the netlink client of the "kpptp" generic netlink family,
 * shared by kpptpctl and kpptpd. Built on libmnl; every message from the
 * kernel goes through one validated decoder (kpptp_session_parse).
 */
#ifndef KPPTP_NL_H
#define KPPTP_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kpptp.h>

struct mnl_socket;
struct nlmsghdr;

struct kpptp_nl {
	struct mnl_socket *sock;
	uint16_t family;
	uint32_t events_group;		/* multicast group id, 0 if none */
	uint32_t seq;
	bool no_module;			/* the family is not registered */
	char err[256];			/* last error, with the kernel's extack */
};

/* Open the socket. -1 with errno and h->err set. */
int kpptp_nl_open(struct kpptp_nl *h);
void kpptp_nl_close(struct kpptp_nl *h);
/*
 * A socket opened before (kpptpd's restart in place keeps the one that
 * owns its sessions across execve): wrapped and its family resolved.
 */
int kpptp_nl_adopt(struct kpptp_nl *h, int fd);

/*
 * Look the family up (talk and monitor do it on first use, so a command
 * line can be checked before the module is needed). -1 with h->err set;
 * h->no_module when kpptp.ko is not loaded.
 */
int kpptp_nl_resolve(struct kpptp_nl *h);

/* Start a request in buf (MNL_SOCKET_BUFFER_SIZE bytes); talk fills in
 * the family. */
struct nlmsghdr *kpptp_nl_request(struct kpptp_nl *h, void *buf, uint8_t cmd,
				  uint16_t flags);

typedef int (*kpptp_nl_cb)(const struct nlmsghdr *nlh, void *data);

/*
 * Send and read replies until the ack or the end of the dump, calling cb
 * (may be NULL) for each message. 0, or -1 with errno and h->err set.
 */
int kpptp_nl_talk(struct kpptp_nl *h, struct nlmsghdr *req, kpptp_nl_cb cb,
		  void *data);

/* Subscribe to "events" and call cb per event until it returns <= 0. */
int kpptp_nl_monitor(struct kpptp_nl *h, kpptp_nl_cb cb, void *data);

/*
 * For an event loop: join "events" on this handle (use one handle for
 * events and another for requests, so replies and events never mix),
 * poll kpptp_nl_fd() for input, then kpptp_nl_events() reads what is
 * queued without blocking, cb per event, until cb returns <= 0 or the
 * queue is empty. Each: 0, or -1 with h->err set (errno ENOBUFS: events
 * were lost; the caller should re-read the state it keeps).
 */
int kpptp_nl_subscribe(struct kpptp_nl *h);
int kpptp_nl_fd(const struct kpptp_nl *h);
int kpptp_nl_events(struct kpptp_nl *h, kpptp_nl_cb cb, void *data);

/* Name of an attribute of the "session" set ("?" if unknown). */
const char *kpptp_attr_name(unsigned int type);
const char *kpptp_stat_name(unsigned int type);		/* stats nest */
const char *kpptp_net_stat_name(unsigned int type);	/* net-stats nest */
const char *kpptp_cmd_name(unsigned int cmd);
/* An ICMP error's type and code in words ("protocol unreachable"). */
const char *kpptp_icmp_str(unsigned int type, unsigned int code);

/* A decoded message: has[] says which attributes were present. */
struct kpptp_session_msg {
	uint8_t cmd;
	bool has[KPPTP_A_MAX + 1];
	uint32_t id;
	uint16_t local_call_id, peer_call_id;
	uint32_t local_addr, peer_addr;		/* network order */
	bool owned;
	uint8_t origin, state, down_reason, icmp_type, icmp_code;
	uint32_t channel, reorder_window, reorder_timeout, ack_delay;
	uint16_t peer_recv_window;
	uint64_t cookie;
	uint32_t stall_timeout, anomaly_threshold, pmtu, uid;
	uint8_t fastpath;		/* KPPTP_FP_* bits, 0 = off */
	uint32_t icmp_router, rx_idle, anomalies;
	bool has_stats[KPPTP_A_STATS_MAX + 1];
	uint64_t stats[KPPTP_A_STATS_MAX + 1];
	bool has_net_stats[KPPTP_A_NET_STATS_MAX + 1];
	uint64_t net_stats[KPPTP_A_NET_STATS_MAX + 1];
};

/*
 * Is there a whole message at nlh, in len bytes? libmnl's mnl_nlmsg_ok()
 * compares nlmsg_len as an int, so a length above 2^31 passes and the
 * next message lands outside the buffer (found by fuzzing): use this.
 */
bool kpptp_nlmsg_ok(const struct nlmsghdr *nlh, int len);

/* 0, or -1 (errno EBADMSG) when an attribute has the wrong size or type. */
int kpptp_session_parse(const struct nlmsghdr *nlh, struct kpptp_session_msg *m);

/*
 * A kpptp_nl_talk callback that decodes each reply into the struct
 * kpptp_session_msg at m (a single reply: session-new, stats-get):
 * -1 when it is malformed, 1 otherwise.
 */
int kpptp_session_parse_cb(const struct nlmsghdr *nlh, void *m);

#endif /* KPPTP_NL_H */
