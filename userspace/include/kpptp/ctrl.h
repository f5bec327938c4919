/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PPTP control-connection codec (RFC 2637 §2): all 15 message types.
 *
 * This is the only code that reads or writes control-message bytes.
 * pptp_frame() finds one message in a TCP byte stream and refuses a bad
 * header as soon as its 12 octets are in (so a huge or wrong length never
 * makes us wait for it); pptp_decode() turns a framed message into
 * struct pptp_msg in host byte order; pptp_encode() does the reverse and
 * writes every reserved field as zero.
 */
#ifndef KPPTP_CTRL_H
#define KPPTP_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PPTP_PORT		1723
#define PPTP_MAGIC		0x1A2B3C4Du
#define PPTP_MSG_CONTROL	1	/* PPTP Message Type: control */
#define PPTP_VERSION		0x0100	/* protocol version 1, revision 0 */
#define PPTP_HDR_LEN		12	/* length .. reserved0 */
#define PPTP_MSG_MAX_LEN	220	/* Incoming-Call-Request, the longest */

/* Control Message Types (§1.4, §2). */
enum pptp_type {
	PPTP_SCCRQ = 1,		/* Start-Control-Connection-Request */
	PPTP_SCCRP,		/* Start-Control-Connection-Reply */
	PPTP_STOPCCRQ,		/* Stop-Control-Connection-Request */
	PPTP_STOPCCRP,		/* Stop-Control-Connection-Reply */
	PPTP_ECHORQ,		/* Echo-Request */
	PPTP_ECHORP,		/* Echo-Reply */
	PPTP_OCRQ,		/* Outgoing-Call-Request */
	PPTP_OCRP,		/* Outgoing-Call-Reply */
	PPTP_ICRQ,		/* Incoming-Call-Request */
	PPTP_ICRP,		/* Incoming-Call-Reply */
	PPTP_ICCN,		/* Incoming-Call-Connected */
	PPTP_CCRQ,		/* Call-Clear-Request */
	PPTP_CDN,		/* Call-Disconnect-Notify */
	PPTP_WEN,		/* WAN-Error-Notify */
	PPTP_SLI,		/* Set-Link-Info */
	PPTP_TYPE_MAX = PPTP_SLI
};

/* Result codes, per message (§2.2, 2.4, 2.6, 2.8, 2.10, 2.13). */
enum {
	PPTP_SCCRP_OK = 1, PPTP_SCCRP_GENERAL, PPTP_SCCRP_EXISTS,
	PPTP_SCCRP_NOT_AUTHORIZED, PPTP_SCCRP_BAD_VERSION,
};
enum { PPTP_STOP_NONE = 1, PPTP_STOP_PROTOCOL, PPTP_STOP_SHUTDOWN };
enum { PPTP_STOPCCRP_OK = 1, PPTP_STOPCCRP_GENERAL };
enum { PPTP_ECHORP_OK = 1, PPTP_ECHORP_GENERAL };
enum {
	PPTP_OCRP_CONNECTED = 1, PPTP_OCRP_GENERAL, PPTP_OCRP_NO_CARRIER,
	PPTP_OCRP_BUSY, PPTP_OCRP_NO_DIAL_TONE, PPTP_OCRP_TIMEOUT,
	PPTP_OCRP_DO_NOT_ACCEPT,
};
enum { PPTP_ICRP_CONNECT = 1, PPTP_ICRP_GENERAL, PPTP_ICRP_DO_NOT_ACCEPT };
enum {
	PPTP_CDN_LOST_CARRIER = 1, PPTP_CDN_GENERAL, PPTP_CDN_ADMIN_SHUTDOWN,
	PPTP_CDN_REQUEST,
};

/* General error codes (§2.16), with a "general error" result. */
enum {
	PPTP_ERR_NONE = 0, PPTP_ERR_NOT_CONNECTED, PPTP_ERR_BAD_FORMAT,
	PPTP_ERR_BAD_VALUE, PPTP_ERR_NO_RESOURCE, PPTP_ERR_BAD_CALL_ID,
	PPTP_ERR_PAC_ERROR,
};

/* Framing and bearer capabilities / types (§2.1, 2.7). */
#define PPTP_FRAME_ASYNC	1
#define PPTP_FRAME_SYNC		2
#define PPTP_FRAME_ANY		3
#define PPTP_BEARER_ANALOG	1
#define PPTP_BEARER_DIGITAL	2
#define PPTP_BEARER_ANY		3

/* Text fields: 64 octets on the wire (128 for call statistics), NUL-padded. */
#define PPTP_NAME_LEN		64
#define PPTP_STATS_LEN		128

/*
 * One decoded message. Text fields stop at the first NUL or at the field's
 * end and are always NUL-terminated here; they are the peer's bytes, so
 * print them through pptp_printable().
 */
struct pptp_msg {
	uint16_t type;			/* enum pptp_type */
	bool reserved_nonzero;		/* a reserved field was not 0 (§1.4: MUST be) */
	union {
		struct pptp_scc {	/* SCCRQ, SCCRP */
			uint16_t version;
			uint8_t result, error;	/* SCCRP only */
			uint32_t framing, bearer;
			uint16_t max_channels, firmware;
			char hostname[PPTP_NAME_LEN + 1];
			char vendor[PPTP_NAME_LEN + 1];
		} scc;
		struct pptp_stop {	/* StopCCRQ: reason; StopCCRP: result, error */
			uint8_t reason, result, error;
		} stop;
		struct pptp_echo {	/* Echo-Request: id; Echo-Reply: all */
			uint32_t id;
			uint8_t result, error;
		} echo;
		struct pptp_ocrq {
			uint16_t call_id, serial;
			uint32_t min_bps, max_bps, bearer, framing;
			uint16_t recv_window, proc_delay, phone_len;
			char phone[PPTP_NAME_LEN + 1];
			char subaddress[PPTP_NAME_LEN + 1];
		} ocrq;
		struct pptp_ocrp {
			uint16_t call_id, peer_call_id;
			uint8_t result, error;
			uint16_t cause;
			uint32_t speed;
			uint16_t recv_window, proc_delay;
			uint32_t channel;
		} ocrp;
		struct pptp_icrq {
			uint16_t call_id, serial;
			uint32_t bearer, channel;
			uint16_t dialed_len, dialing_len;
			char dialed[PPTP_NAME_LEN + 1];
			char dialing[PPTP_NAME_LEN + 1];
			char subaddress[PPTP_NAME_LEN + 1];
		} icrq;
		struct pptp_icrp {
			uint16_t call_id, peer_call_id;
			uint8_t result, error;
			uint16_t recv_window, proc_delay;
		} icrp;
		struct pptp_iccn {
			uint16_t peer_call_id;
			uint32_t speed;
			uint16_t recv_window, proc_delay;
			uint32_t framing;
		} iccn;
		struct pptp_ccrq {
			uint16_t call_id;
		} ccrq;
		struct pptp_cdn {
			uint16_t call_id;
			uint8_t result, error;
			uint16_t cause;
			char stats[PPTP_STATS_LEN + 1];
		} cdn;
		struct pptp_wen {
			uint16_t peer_call_id;
			uint32_t crc, framing, hw_overrun, buf_overrun,
				 timeout, alignment;
		} wen;
		struct pptp_sli {
			uint16_t peer_call_id;
			uint32_t send_accm, recv_accm;
		} sli;
	};
};

/* What is wrong with a message (or that more bytes are needed). */
enum pptp_status {
	PPTP_OK = 0,
	PPTP_NEED_MORE,		/* not a whole message yet: read more */
	PPTP_BAD_LENGTH,	/* length outside 12..220 */
	PPTP_BAD_MSG_TYPE,	/* PPTP Message Type is not 1 (control) */
	PPTP_BAD_COOKIE,	/* magic cookie is not 0x1A2B3C4D */
	PPTP_BAD_CTRL_TYPE,	/* control message type not in 1..15 */
	PPTP_BAD_TYPE_LENGTH,	/* length is not the one of its type */
};

/*
 * Look at the start of a byte stream. PPTP_OK with *len = the message's
 * length when all of it is in buf; PPTP_NEED_MORE when the header (or the
 * rest of the message) has not arrived yet; otherwise what is wrong, as
 * soon as the octets that show it are in. §1.4: a bad cookie means the
 * stream is out of sync; the connection must close, never scan ahead.
 */
enum pptp_status pptp_frame(const uint8_t *buf, size_t n, size_t *len);

/* Decode a message pptp_frame() accepted (len bytes at buf). */
enum pptp_status pptp_decode(const uint8_t *buf, size_t len, struct pptp_msg *m);

/*
 * The next whole message of a TCP stream's n buffered octets: PPTP_OK
 * with it decoded in m and its length in *len (to drop from the buffer),
 * PPTP_NEED_MORE, or why the stream is not PPTP. Both roles' read loops
 * and kpptpctl probe use it.
 */
enum pptp_status pptp_next(const uint8_t *buf, size_t n, struct pptp_msg *m, size_t *len);

/*
 * Encode m into buf (cap bytes; PPTP_MSG_MAX_LEN always suffices). Returns
 * the message length, or 0 if the type is unknown or cap is too small.
 * Text fields longer than their wire field are cut (never overrun).
 */
size_t pptp_encode(const struct pptp_msg *m, uint8_t *buf, size_t cap);

/* Wire length of a message type, 0 if there is no such type. */
size_t pptp_type_len(unsigned int type);

/* Names for logs: "Start-Control-Connection-Request", "?" when unknown. */
const char *pptp_type_name(unsigned int type);
const char *pptp_type_abbrev(unsigned int type);	/* "SCCRQ" */
const char *pptp_status_str(enum pptp_status st);
/* The meaning of a result code in a reply of this type ("Busy"). */
const char *pptp_result_str(unsigned int type, unsigned int result);
const char *pptp_error_str(unsigned int error);		/* §2.16 */

/*
 * Copy a peer's text into out (cap bytes, always terminated) with every
 * byte outside printable ASCII as \xNN: safe for logs and JSON.
 */
const char *pptp_printable(const char *in, char *out, size_t cap);

#endif /* KPPTP_CTRL_H */
