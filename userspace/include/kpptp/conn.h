/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PPTP control-connection and call state machines (RFC 2637 §3),
 * shared by the server and client roles of kpptpd.
 *
 * No I/O and no clock of its own: the daemon feeds decoded messages
 * (pptp_conn_input), the time (pptp_conn_tick) and local requests (dial,
 * hang up, stop), and the machine answers through the callbacks in
 * struct pptp_conn_ops. That makes every transition testable on the host
 * and fuzzable with arbitrary message sequences.
 *
 * Roles, in the RFC's terms: the server is the PAC for Outgoing-Call-
 * Requests (how Windows and pptp-linux dial) and the PNS for Incoming-
 * Call-Requests; the client is a PNS that places outgoing calls.
 */
#ifndef KPPTP_CONN_H
#define KPPTP_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "kpptp/ctrl.h"

enum pptp_role { PPTP_ROLE_SERVER, PPTP_ROLE_CLIENT };

enum pptp_conn_state {
	PPTP_CONN_IDLE,			/* client: TCP up, SCCRQ not sent yet */
	PPTP_CONN_WAIT_CTL_REQUEST,	/* server: waiting for SCCRQ */
	PPTP_CONN_WAIT_CTL_REPLY,	/* client: SCCRQ sent */
	PPTP_CONN_ESTABLISHED,
	PPTP_CONN_WAIT_STOP_REPLY,	/* StopCCRQ sent */
	PPTP_CONN_CLOSED,		/* done: the daemon closes the socket */
};

enum pptp_call_state {
	PPTP_CALL_FREE,
	PPTP_CALL_WAIT_REPLY,		/* client: OCRQ sent */
	PPTP_CALL_WAIT_CONNECT,		/* server as PNS: ICRP sent */
	PPTP_CALL_ESTABLISHED,
	PPTP_CALL_WAIT_CDN,		/* client: CCRQ sent */
};

/* Why a call or a connection ended: for logs, counters and exit codes. */
enum pptp_end {
	PPTP_END_NONE,
	PPTP_END_LOCAL,			/* we hung up / stopped */
	PPTP_END_PEER_CLEARED,		/* CCRQ or CDN from the peer */
	PPTP_END_PEER_STOPPED,		/* StopCCRQ from the peer */
	PPTP_END_REFUSED,		/* the peer refused (result code) */
	PPTP_END_TIMEOUT,		/* a reply never came */
	PPTP_END_ECHO,			/* Echo-Requests went unanswered */
	PPTP_END_PROTOCOL,		/* the peer broke the protocol */
	PPTP_END_TCP,			/* the TCP connection went away */
	PPTP_END_VERSION,		/* client: the server speaks another version */
};

struct pptp_call {
	enum pptp_call_state state;
	bool incoming;			/* made by an ICRQ */
	uint16_t local_id, peer_id;
	uint16_t serial;
	uint16_t peer_window;		/* the peer's Packet Recv. Window Size */
	uint16_t peer_delay;		/* its Packet Processing Delay, 1/10 s */
	uint32_t speed;			/* connect speed, bit/s */
	uint64_t since_ms;		/* when it entered its state */
	uint8_t result, error;		/* of the refusal or CDN that ended it */
	uint16_t cause;
	void *user;			/* the daemon's per-call data */
};

struct pptp_conn;

struct pptp_conn_ops {
	/* Send a message on the TCP connection. Nonzero: it is broken. */
	int (*send)(void *ctx, const struct pptp_msg *m);
	/*
	 * Server: a peer asks for call c (OCRQ, or ICRQ when c->incoming).
	 * Fill c->local_id (unique on this host towards this peer) and
	 * return 0, or return nonzero with *result and *error set (OCRP or ICRP
	 * codes) to refuse. The call is not up until call_up.
	 */
	int (*call_admit)(void *ctx, struct pptp_call *c, uint8_t *result,
			  uint8_t *error);
	/* Call c is established: start the data path and pppd. */
	void (*call_up)(void *ctx, struct pptp_call *c);
	/* Call c ended (after call_admit or dial); its slot is then reused. */
	void (*call_down)(void *ctx, struct pptp_call *c, enum pptp_end why);
	/* Client: the control connection is up; dial now. */
	void (*established)(void *ctx);
	/* The connection is over: close TCP. No callback follows. */
	void (*closed)(void *ctx, enum pptp_end why);
	/* One log line (no newline); level is syslog's. */
	void (*log)(void *ctx, int level, const char *msg);
};

struct pptp_conn_cfg {
	enum pptp_role role;
	const char *hostname, *vendor;	/* announced in SCCRQ/SCCRP */
	uint16_t firmware;
	uint16_t max_calls;		/* per connection, 1..65535 */
	uint16_t recv_window;		/* announced Packet Recv. Window Size */
	uint16_t proc_delay;		/* announced, 1/10 s */
	uint32_t connect_speed;		/* announced in OCRP/ICCN, bit/s */
	uint32_t setup_timeout_ms;	/* SCCRQ, SCCRP, OCRP, ICCN, CDN (§3: 60 s) */
	uint32_t echo_interval_ms;	/* idle time before an Echo-Request; 0: off */
	uint32_t echo_failures;		/* unanswered Echo-Requests that end it */
	uint32_t stop_timeout_ms;	/* wait for Stop-Control-Connection-Reply */
};

/* Counters of one connection (kpptpctl shows them). */
struct pptp_conn_stats {
	uint64_t rx_msgs[PPTP_TYPE_MAX + 1], tx_msgs[PPTP_TYPE_MAX + 1];
	uint64_t rx_unexpected;		/* valid message, wrong state or role */
	uint64_t rx_unknown_call;	/* names a call we do not have */
	uint64_t rx_reserved_nonzero;
	uint64_t calls_refused, calls_up;
	uint64_t echo_sent, echo_missed;
};

struct pptp_conn {
	struct pptp_conn_cfg cfg;
	const struct pptp_conn_ops *ops;
	void *ctx;
	enum pptp_conn_state state;
	enum pptp_end end;
	uint64_t now_ms, since_ms;	/* last tick / input; state entered */
	uint64_t last_rx_ms;		/* any message from the peer */
	uint64_t echo_sent_ms;		/* 0: no Echo-Request outstanding */
	uint32_t echo_id, echo_missed;
	uint16_t serial;		/* next call serial number */
	uint16_t ncalls;		/* calls not FREE */
	uint16_t peer_max_channels;
	char peer_host[PPTP_NAME_LEN + 1], peer_vendor[PPTP_NAME_LEN + 1];
	uint16_t peer_firmware;
	bool warned_reserved;
	struct pptp_conn_stats stats;
	struct pptp_call *calls;	/* cfg.max_calls slots */
};

/* 0, or -1 (errno ENOMEM, EINVAL for a bad cfg). now_ms: any clock. */
int pptp_conn_init(struct pptp_conn *c, const struct pptp_conn_cfg *cfg,
		   const struct pptp_conn_ops *ops, void *ctx, uint64_t now_ms);
/* Free the call slots; no callback. */
void pptp_conn_free(struct pptp_conn *c);

/* Client: send Start-Control-Connection-Request. */
void pptp_conn_start(struct pptp_conn *c);

/* One decoded message from the peer. */
void pptp_conn_input(struct pptp_conn *c, const struct pptp_msg *m, uint64_t now_ms);

/*
 * The stream broke the framing (bad cookie, length, type): log what,
 * stop the connection without waiting (§1.4: the stream is out of sync).
 */
void pptp_conn_bad_stream(struct pptp_conn *c, enum pptp_status st);

/* TCP closed or failed under us: every call down, closed(). */
void pptp_conn_tcp_gone(struct pptp_conn *c);

/* Drop the connection now for a reason of the daemon's (a slow peer):
 * every call down, closed(why). */
void pptp_conn_abort(struct pptp_conn *c, enum pptp_end why);

/* Time passes: timeouts, echo. */
void pptp_conn_tick(struct pptp_conn *c, uint64_t now_ms);
/* When pptp_conn_tick must next run (UINT64_MAX: nothing pending). */
uint64_t pptp_conn_deadline(const struct pptp_conn *c);

/* Client: place an outgoing call with our call ID. NULL if no slot or
 * not established. */
struct pptp_call *pptp_conn_dial(struct pptp_conn *c, uint16_t local_id,
				 void *user);

/*
 * End one call from our side (pppd exited, admin): the server sends
 * Call-Disconnect-Notify with result/cause, the client Call-Clear-Request
 * (and waits for the CDN). call_down follows, now or on the CDN.
 */
void pptp_conn_hangup(struct pptp_conn *c, struct pptp_call *call,
		      uint8_t result, uint16_t cause);

/*
 * Client (the PNS): tell the PAC the ACCMs PPP negotiated, with
 * Set-Link-Info (§2.15), as Windows clients do once LCP is up. 0, or -1
 * (nothing sent) when this is not the PNS's own established call.
 */
int pptp_conn_set_link_info(struct pptp_conn *c, struct pptp_call *call,
			    uint32_t send_accm, uint32_t recv_accm);

/* Stop the connection: CDN for each call (server), then StopCCRQ. */
void pptp_conn_stop(struct pptp_conn *c, uint8_t reason);

struct pptp_call *pptp_conn_call_by_local(struct pptp_conn *c, uint16_t id);

const char *pptp_conn_state_name(enum pptp_conn_state s);
const char *pptp_call_state_name(enum pptp_call_state s);
const char *pptp_end_str(enum pptp_end e);

#endif /* KPPTP_CONN_H */
