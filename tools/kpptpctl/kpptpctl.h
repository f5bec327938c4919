/* SPDX-License-Identifier: GPL-2.0 */
/* kpptpctl: shared declarations of the subcommands and the printer. */
#ifndef KPPTPCTL_H
#define KPPTPCTL_H

#include <stdbool.h>
#include <stdint.h>

#include "kpptp/nl.h"

/* Exit codes scripts can rely on (documented in --help and the man page). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* the kernel refused or the request failed */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_NOMODULE = 3,	/* kpptp.ko not loaded */
	EXIT_NOTFOUND = 4,	/* no such session (or call) */
	EXIT_NODAEMON = 5,	/* calls: kpptpd's control socket does not answer */
};

struct ctl {
	struct kpptp_nl nl;
	bool json;
	bool first;		/* JSON: no comma before the next object */
};

int cmd_session(struct ctl *c, int argc, char **argv);
int cmd_stats(struct ctl *c, int argc, char **argv);
int cmd_monitor(struct ctl *c, int argc, char **argv);
int cmd_calls(struct ctl *c, int argc, char **argv);	/* calls.c: kpptpd's */
int cmd_call(struct ctl *c, int argc, char **argv);
int cmd_probe(struct ctl *c, int argc, char **argv);	/* probe*.c */
int cmd_metrics(struct ctl *c, int argc, char **argv);	/* metrics.c */
int cmd_sources(struct ctl *c, int argc, char **argv);	/* sources.c: kpptpd's */
int cmd_limits(struct ctl *c, int argc, char **argv);
int cmd_source(struct ctl *c, int argc, char **argv);
int cmd_users(struct ctl *c, int argc, char **argv);
int cmd_user(struct ctl *c, int argc, char **argv);

/* calls.c: kpptpd's calls as key/value fields (its control socket). */
#define CALL_MAX_FIELDS 32
struct call_field_kv {
	char *key, *val;
};
struct call_fields {
	char *line;			/* the fields point into it */
	int n;
	struct call_field_kv f[CALL_MAX_FIELDS];
};
/* An exit code (EXIT_NODAEMON: kpptpd does not answer, said on stderr). */
int calls_read(struct call_fields **calls, size_t *n);
/* The same for any request answered with "KIND k=v ..." lines and "ok N". */
int records_read(const char *req, const char *kind, struct call_fields **out, size_t *n);
/* One request to kpptpd's control socket; the answer in *out. An exit code. */
int ask(const char *req, char **out);
/* A request answered "ok N" (printed as "DONE N") or "error TEXT" (exit 4). */
int ask_done(const char *req, const char *done);
int cmd_daemon(struct ctl *c, int argc, char **argv);
/* A record as one JSON object, numbers as numbers (inside a list: commas). */
void json_fields(struct ctl *c, const struct call_fields *r);
const char *call_field(const struct call_fields *c, const char *key);	/* "-" if none */
void calls_free(struct call_fields *calls, size_t n);

/* print.c */
void print_session(struct ctl *c, const struct kpptp_session_msg *m);
void print_stats(struct ctl *c, const struct kpptp_session_msg *m);
void print_event(struct ctl *c, const struct kpptp_session_msg *m);
void json_begin_list(struct ctl *c);
/* s as a JSON string: quotes, backslashes and control octets escaped. */
void json_string(const char *s);
void json_end_list(struct ctl *c);

/* util.c: helpers of the subcommands. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int nl_error(struct ctl *c, const char *what);
/*
 * Send req and wait for the kernel's answer; print (may be NULL) gets each
 * reply, inside a JSON list with -j (closed after an error too). An exit
 * code, the error on stderr.
 */
int query(struct ctl *c, struct nlmsghdr *req, kpptp_nl_cb print, const char *what);
bool parse_u32(const char *s, uint32_t max, uint32_t *out);
bool parse_u64(const char *s, uint64_t *out);
bool parse_addr(const char *s, uint32_t *out);

#endif /* KPPTPCTL_H */
