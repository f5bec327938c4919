/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The login names in PPP authentication packets, as kpptp.so (inside
 * pppd) and kpptpd (which counts failed logins per name) both spell them.
 */
#ifndef KPPTP_AUTHNAME_H
#define KPPTP_AUTHNAME_H

#include <stddef.h>

/* Octets of a name kept; the escaped form is at most 3x that plus NUL. */
#define AUTHNAME_MAX		64
#define AUTHNAME_ESCAPED	(3 * AUTHNAME_MAX + 1)

enum authpkt {
	AUTHPKT_NONE,		/* not CHAP or PAP, or malformed */
	AUTHPKT_TRY,		/* CHAP Response / PAP Authenticate-Request: a name */
	AUTHPKT_REFUSE,		/* CHAP Failure / PAP Authenticate-Nak */
	AUTHPKT_OTHER,		/* another CHAP or PAP code */
};

/*
 * Classify a PPP frame as pppd's packet hooks see it (address, control,
 * protocol, then the packet). For AUTHPKT_TRY, name (AUTHNAME_ESCAPED
 * octets) receives the name the peer gave, escaped.
 */
enum authpkt authpkt_parse(const unsigned char *p, size_t len, char *name);

/*
 * The peer chose those octets: printable ASCII other than space and '%'
 * is kept, everything else becomes %XX, and at most AUTHNAME_MAX octets
 * are taken. out has room for AUTHNAME_ESCAPED. Returns out.
 */
char *authname_escape(const unsigned char *in, size_t len, char *out);

#endif /* KPPTP_AUTHNAME_H */
