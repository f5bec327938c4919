// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl calls | call hangup ...: kpptpd's calls, through its control
 * socket (kpptpd(8), CONTROL SOCKET). The answer is "call key=value ..."
 * lines and "ok N" or "error TEXT"; values are %XX-escaped by kpptpd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include "kpptpctl.h"

#define MAX_FIELDS CALL_MAX_FIELDS

static const char *socket_path(void)
{
	const char *p = getenv("KPPTPD_SOCKET");

	return p && *p ? p : "/run/kpptpd.sock";
}

/*
 * kpptpd builds an answer in one pass of its event loop, so a silence this
 * long means it is stuck; kpptpctl says so instead of hanging with it.
 */
#define ANSWER_TIMEOUT_S 10
/* 200 bytes a call: room for 300,000 calls. More is not kpptpd talking. */
#define ANSWER_MAX (64u << 20)

/* Send one request; the whole answer in *out (malloc'd). An exit code. */
int ask(const char *req, char **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = ANSWER_TIMEOUT_S };
	const char *path = socket_path();
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int fd, rc = EXIT_FAIL;

	if (strlen(path) >= sizeof(sa.sun_path))
		return usage_error("KPPTPD_SOCKET: path too long");
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		if (err == EACCES || err == EPERM) {
			fprintf(stderr, "kpptpctl: %s: %s (kpptpd's control socket is root's)\n",
				path, strerror(err));
			return EXIT_FAIL;
		}
		fprintf(stderr, "kpptpctl: kpptpd is not running here: %s: %s\n", path,
			strerror(err));
		return EXIT_NODAEMON;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv))) {
		fprintf(stderr, "kpptpctl: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		fprintf(stderr, "kpptpctl: %s: %s\n", path, strerror(errno));
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			size_t next;
			char *b;

			if (cap >= ANSWER_MAX) {
				fprintf(stderr, "kpptpctl: %s: the answer is over %u MB; is this kpptpd?\n",
					path, ANSWER_MAX >> 20);
				goto out;
			}
			/* Doubling: a 64 KB step copied a big answer over and over. */
			next = cap ? cap * 2 : 65536;
			if (next > ANSWER_MAX)
				next = ANSWER_MAX;
			b = realloc(buf, next);
			if (!b) {
				fprintf(stderr, "kpptpctl: %s: out of memory\n", path);
				goto out;
			}
			buf = b;
			cap = next;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			fprintf(stderr, "kpptpctl: %s: kpptpd did not answer within %d s\n",
				path, ANSWER_TIMEOUT_S);
			rc = EXIT_NODAEMON;
			goto out;
		}
		if (n < 0) {
			fprintf(stderr, "kpptpctl: %s: %s\n", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (!len) {
		fprintf(stderr, "kpptpctl: %s: kpptpd closed the connection without an answer\n",
			path);
		rc = EXIT_NODAEMON;
		goto out;
	}
	buf[len] = '\0';
	*out = buf;
	buf = NULL;
	rc = EXIT_OK;
out:
	free(buf);
	close(fd);
	return rc;
}

/* Undo kpptpd's %XX escapes in place. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		unsigned int c;

		if (*s == '%' && sscanf(s + 1, "%2x", &c) == 1) {
			*o++ = (char)c;
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* "call k=v k=v": the fields, pointing into line. */
static int fields(char *line, struct call_field_kv *f)
{
	int n = 0;

	for (char *save = NULL, *w = strtok_r(line, " ", &save); w && n < MAX_FIELDS;
	     w = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(w, '=');

		if (!eq)
			continue;
		*eq = '\0';
		f[n].key = w;
		f[n].val = eq + 1;
		unescape(f[n].val);
		n++;
	}
	return n;
}

static const char *get(const struct call_field_kv *f, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(f[i].key, key))
			return f[i].val;
	return "-";
}

static bool numeric(const char *s)
{
	if (!*s || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static void uptime(unsigned long s, char *out, size_t len)
{
	if (s >= 86400)
		snprintf(out, len, "%lud%02luh", s / 86400, s % 86400 / 3600);
	else
		snprintf(out, len, "%02lu:%02lu:%02lu", s / 3600, s % 3600 / 60, s % 60);
}

/* An IPv6-only call (no IPCP) shows its IPv6CP link-local address. */
static const char *shown_address(const struct call_fields *cf)
{
	const char *addr = get(cf->f, cf->n, "address");

	if (!strcmp(addr, "-") && strcmp(get(cf->f, cf->n, "address6"), "-"))
		addr = get(cf->f, cf->n, "address6");
	return addr;
}

/*
 * The text table's variable columns are as wide as their longest value:
 * an IPv6 address or a long user name would push the columns after it
 * out of line.
 */
struct widths {
	int peer, user, addr, iface;
};

static int widest(int w, const char *s)
{
	size_t len = strlen(s);

	return len > (size_t)w ? (int)len : w;
}

static void measure(struct widths *w, const struct call_fields *calls, size_t n)
{
	*w = (struct widths){ .peer = 21, .user = 16, .addr = 15, .iface = 8 };
	for (size_t i = 0; i < n; i++) {
		w->peer = widest(w->peer, get(calls[i].f, calls[i].n, "peer"));
		w->user = widest(w->user, get(calls[i].f, calls[i].n, "user"));
		w->addr = widest(w->addr, shown_address(&calls[i]));
		w->iface = widest(w->iface, get(calls[i].f, calls[i].n, "ifname"));
	}
}

static void print_call(struct ctl *c, const struct call_fields *cf,
		       const struct widths *w, bool *header)
{
	const struct call_field_kv *f = cf->f;
	int n = cf->n;
	char up[32];

	if (c->json) {
		json_fields(c, cf);
		return;
	}
	if (!*header) {
		printf("%-6s %-*s %-*s %-*s %-*s %-9s %12s %12s %-11s %s\n", "CALL",
		       w->peer, "PEER", w->user, "USER", w->addr, "ADDRESS", w->iface,
		       "IFACE", "UPTIME", "RX-BYTES", "TX-BYTES", "HEALTH", "STATE");
		*header = true;
	}
	uptime(strtoul(get(f, n, "uptime"), NULL, 10), up, sizeof(up));
	printf("%-6s %-*s %-*s %-*s %-*s %-9s %12s %12s %-11s %s (session %s)\n",
	       get(f, n, "id"), w->peer, get(f, n, "peer"), w->user, get(f, n, "user"),
	       w->addr, shown_address(cf), w->iface, get(f, n, "ifname"), up,
	       get(f, n, "rx-bytes"),
	       get(f, n, "tx-bytes"), get(f, n, "health"), get(f, n, "state"),
	       get(f, n, "session"));
	/* Why it is not ok: the line kpptpd logged. */
	if (strcmp(get(f, n, "health"), "ok") && strcmp(get(f, n, "health"), "-"))
		printf("       health: %s\n", get(f, n, "health-why"));
}

int cmd_calls(struct ctl *c, int argc, char **argv)
{
	struct call_fields *calls;
	bool header = false;
	struct widths w;
	size_t n;
	int rc;

	(void)argv;
	if (argc)
		return usage_error("calls takes no argument, not '%s'", argv[0]);
	rc = calls_read(&calls, &n);
	if (rc) {
		if (c->json)
			puts("[]");
		return rc;
	}
	if (c->json)
		json_begin_list(c);
	measure(&w, calls, n);
	for (size_t i = 0; i < n; i++)
		print_call(c, &calls[i], &w, &header);
	if (c->json)
		json_end_list(c);
	else if (!n)
		puts("no calls");
	calls_free(calls, n);
	return EXIT_OK;
}

/* call hangup ID | call hangup user NAME */
int cmd_call(struct ctl *c, int argc, char **argv)
{
	char req[300];
	uint32_t id;

	(void)c;
	if (argc == 2 && !strcmp(argv[0], "hangup")) {
		if (!parse_u32(argv[1], UINT16_MAX, &id))
			return usage_error("call hangup needs a call ID 0..65535, not '%s'", argv[1]);
		snprintf(req, sizeof(req), "hangup id %u\n", id);
	} else if (argc == 3 && !strcmp(argv[0], "hangup") && !strcmp(argv[1], "user")) {
		if (strlen(argv[2]) > 255 || strpbrk(argv[2], "\n\r") || !argv[2][0])
			return usage_error("%s", "call hangup user needs a user name (one line, 1..255)");
		snprintf(req, sizeof(req), "hangup user %s\n", argv[2]);
	} else {
		return usage_error("%s", "call needs 'hangup ID' or 'hangup user NAME'");
	}
	return ask_done(req, "hung up");
}

int ask_done(const char *req, const char *done)
{
	char *answer = NULL;
	int rc = ask(req, &answer);

	if (rc)
		return rc;
	if (!strncmp(answer, "ok ", 3)) {
		printf("%s %s", done, answer + 3);
		rc = EXIT_OK;
	} else {
		fprintf(stderr, "kpptpctl: kpptpd: %s", !strncmp(answer, "error ", 6) ?
			answer + 6 : answer);
		rc = EXIT_NOTFOUND;
	}
	free(answer);
	return rc;
}

void json_fields(struct ctl *c, const struct call_fields *r)
{
	if (!c->first)
		putchar(',');
	c->first = false;
	putchar('{');
	for (int i = 0; i < r->n; i++) {
		printf("%s", i ? "," : "");
		json_string(r->f[i].key);
		putchar(':');
		if (numeric(r->f[i].val))
			fputs(r->f[i].val, stdout);
		else
			json_string(r->f[i].val);
	}
	putchar('}');
}

int calls_read(struct call_fields **out, size_t *count)
{
	return records_read("calls\n", "call", out, count);
}

int records_read(const char *req, const char *kind, struct call_fields **out, size_t *count)
{
	struct call_fields *v = NULL;
	size_t n = 0, klen = strlen(kind);
	char *answer = NULL;
	bool oom = false, said = false;
	int rc = ask(req, &answer);

	*out = NULL;
	*count = 0;
	if (rc)
		return rc;
	rc = EXIT_FAIL;
	for (char *save = NULL, *line = strtok_r(answer, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct call_fields *nv;

		if (!strncmp(line, "ok ", 3)) {
			rc = EXIT_OK;
			break;
		}
		if (!strncmp(line, "error ", 6)) {
			fprintf(stderr, "kpptpctl: kpptpd: %s\n", line + 6);
			said = true;
			break;
		}
		if (strncmp(line, kind, klen) || line[klen] != ' ')
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (nv)
			v = nv;
		if (!nv || !(v[n].line = strdup(line + klen + 1))) {
			fprintf(stderr, "kpptpctl: out of memory\n");
			oom = true;
			break;
		}
		v[n].n = fields(v[n].line, v[n].f);
		n++;
	}
	if (rc && !oom && !said)
		fprintf(stderr, "kpptpctl: kpptpd's answer ended without 'ok' (%ss read: %zu;"
			" did kpptpd stop?)\n", kind, n);
	free(answer);
	if (rc) {
		calls_free(v, n);
		return rc;
	}
	*out = v;
	*count = n;
	return EXIT_OK;
}

const char *call_field(const struct call_fields *c, const char *key)
{
	return get(c->f, c->n, key);
}

void calls_free(struct call_fields *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].line);
	free(c);
}
