// SPDX-License-Identifier: GPL-2.0
/*
 * kpptp.so: the pppd channel plugin of kpptpd.
 *
 * kpptpd makes the call's kernel session, opens a PX_PROTO_PPTP socket,
 * binds and connects it to the call, and starts pppd with the socket as
 * an inherited descriptor:
 *
 *	pppd plugin kpptp.so kpptp-fd 3 [kpptp-status-fd 4] ...
 *
 * This plugin only hands that descriptor to pppd as its channel; LCP,
 * authentication, MPPE and IPCP stay pppd's. With kpptp-status-fd it
 * tells the daemon, one line each, what only pppd knows: the interface
 * ("ifname ppp0"), the authenticated peer ("auth NAME") and the addresses
 * ("ip-up IF LOCAL REMOTE", "ip6-up IF LOCAL REMOTE" with the link-local
 * addresses of the interface identifiers IPv6CP agreed), so kpptpctl can
 * show them, and a failed login ("auth-fail NAME", the name the peer gave
 * in CHAP or PAP, %XX-escaped: the peer chose those octets), which kpptpd
 * counts against the peer's address and the name. With kpptp-user-check
 * it also asks ("auth-try NAME") before pppd checks a login, and ends the
 * link unchecked when kpptpd answers that the name is refused for now.
 *
 * Builds against Debian 12's ppp-dev (pppd 2.4.9) and Debian 13's (pppd
 * 2.5.2) through pppd-compat.h; pppd loads only a plugin built for its
 * exact version (pppd_version below).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/if_pppox.h>
#include <linux/kpptp.h>
#include <sys/socket.h>

#include "kpptp/authname.h"
#include "pppd-compat.h"
#include <pppd/fsm.h>
#include <pppd/lcp.h>
#include <pppd/ipcp.h>
#include <pppd/ipv6cp.h>
#include <pppd/ccp.h>
#include "kpptp-push.h"
#include "kpptp-pmtu.h"
#include "kpptp-early-ipcp.h"

char pppd_version[] = KP_PPPD_VERSION;

static int kpptp_fd = -1;
static int status_fd = -1;
static bool user_check;		/* kpptp-user-check: ask before a login is checked */
/*
 * kpptp-fastpath: once IPCP (IPv6CP) is up, ask kpptp.ko to take that
 * protocol's packets around ppp_generic both ways. Not with what
 * ppp_generic would do to them: compression (CCP up), multilink, demand
 * dialling, VJ, a pass-filter or an active-filter; pppd 2.4 says which of
 * those is set, 2.5 hides demand. An idle limit works: pppd reads its
 * idle time from ppp_generic, and idle_hook() adds the fast path's.
 */
static bool fastpath;
static uint32_t fastpath_ncp;		/* what kpptp.ko was asked for */
static struct channel kpptp_channel;

/* A descriptor option: a number that must be an open descriptor. */
static int parse_fd(const char *opt, const char *arg, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < 0 || v > 65535) {
		kp_option_error("%s: '%s' is not a file descriptor number", opt, arg);
		return 0;
	}
	if (fcntl((int)v, F_GETFD) < 0) {
		kp_option_error("%s %ld: not an open descriptor (%s)", opt, v, strerror(errno));
		return 0;
	}
	*out = (int)v;
	return 1;
}

/* kpptp-fd N: the connected PPTP socket becomes the channel. */
static int opt_kpptp_fd(char **argv)
{
	struct sockaddr_storage ss;
	struct sockaddr_pppox sp;
	socklen_t len = sizeof(ss);
	char name[32];
	int fd;

	if (!parse_fd("kpptp-fd", argv[0], &fd))
		return 0;
	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		len = 0;
	memcpy(&sp, &ss, sizeof(sp));
	if (len < sizeof(sp) ||
	    sp.sa_family != AF_PPPOX || sp.sa_protocol != PX_PROTO_PPTP) {
		kp_option_error("kpptp-fd %d is not a PPTP (PX_PROTO_PPTP) socket", fd);
		return 0;
	}
	kpptp_fd = fd;
	the_channel = &kpptp_channel;
	/* A socket, not a serial line: no modem lines, no device to lock. */
	kp_no_modem();
	snprintf(name, sizeof(name), "kpptp call %u", (unsigned int)sp.sa_addr.pptp.call_id);
	kp_set_devnam(name);
	/* Sync PPP over GRE: an ACCM means nothing; MPPE is the only
	 * compression Windows and pptp-linux negotiate on PPTP. */
	lcp_wantoptions[0].neg_asyncmap = 0;
	lcp_allowoptions[0].neg_asyncmap = 0;
	ccp_wantoptions[0].deflate = 0;
	ccp_allowoptions[0].deflate = 0;
	ccp_wantoptions[0].bsd_compress = 0;
	ccp_allowoptions[0].bsd_compress = 0;
	ccp_wantoptions[0].predictor_1 = 0;
	ccp_allowoptions[0].predictor_1 = 0;
	/*
	 * No Van Jacobson TCP header compression: one lost or reordered GRE
	 * packet desynchronises it until the next uncompressed header (RFC
	 * 1144 assumes a serial line), and at tunnel rates it costs more CPU
	 * than the bytes it saves (make bench: TCP through a full call ran
	 * at 0.57 of the static tunnel with it, UDP at 0.94).
	 */
	ipcp_wantoptions[0].neg_vj = 0;
	ipcp_allowoptions[0].neg_vj = 0;
	return 1;
}

static int opt_status_fd(char **argv)
{
	return parse_fd("kpptp-status-fd", argv[0], &status_fd);
}

static option_t kpptp_options[] = {
	{ .name = "kpptp-fd", .type = o_special, .addr = (void *)opt_kpptp_fd,
	  .description = "the connected PPTP socket kpptpd made for this call",
	  .flags = OPT_PRIO | OPT_DEVNAM },
	{ .name = "kpptp-status-fd", .type = o_special, .addr = (void *)opt_status_fd,
	  .description = "where to tell kpptpd the interface, peer name and addresses",
	  .flags = OPT_PRIO },
	{ .name = "kpptp-user-check", .type = o_bool, .addr = &user_check,
	  .description = "ask kpptpd whether a login name is refused before checking it",
	  .flags = 1 },
	{ .name = "kpptp-fastpath", .type = o_bool, .addr = &fastpath,
	  .description = "let kpptp.ko hand IP frames to GRO on the interface, around ppp_generic",
	  .flags = 1 },
	{ .name = NULL }
};

/* One line to kpptpd; it may be gone, which must not stop pppd. */
static void tell_daemon(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void tell_daemon(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	if (status_fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(status_fd, line, n) != n) {
		close(status_fd);
		status_fd = -1;
	}
}

static void on_auth_up(void *arg, int unused)
{
	char name[MAXNAMELEN], escaped[AUTHNAME_ESCAPED];

	(void)arg;
	(void)unused;
	kp_peer_authname(name, sizeof(name));
	/* Escaped like the other names: a newline must not start a line. */
	if (name[0])
		tell_daemon("auth %s", authname_escape((const unsigned char *)name,
						       strlen(name), escaped));
}

/*
 * Is pppd's NAME (pass_filter, active_filter) a compiled filter? Neither
 * pppd 2.4 nor 2.5 declares them to plugins, but both export them (as
 * struct bpf_program, whose first member is the instruction count); a
 * pppd built without filters has neither.
 */
static bool pppd_filter_set(const char *name)
{
	const unsigned int *bf_len = dlsym(RTLD_DEFAULT, name);

	return bf_len && *bf_len;
}

/* Why the fast path must stay off, or NULL. */
static const char *fastpath_refusal(void)
{
	if (ccp_fsm[0].state == OPENED)
		return "compression (CCP) is up";
	if (ipcp_gotoptions[0].neg_vj || ipcp_hisoptions[0].neg_vj)
		return "Van Jacobson compression is on (novj allows the fast path)";
	if (pppd_filter_set("pass_filter"))
		return "a pass-filter is set (fast packets would not pass it)";
	if (pppd_filter_set("active_filter"))
		return "an active-filter is set (fast packets would not pass it)";
	if (kp_multilink())
		return "multilink";
	if (kp_demand())
		return "demand dialling";
	return NULL;
}

/*
 * pppd's idle check: the time since a data packet went either way, as
 * ppp_generic saw it (idle) and as the fast path did, whichever is less.
 * NULL when the network comes up: the limit itself. Chains a hook another
 * plugin set before us.
 */
static int (*idle_next)(struct ppp_idle *);

static int idle_hook(struct ppp_idle *idle)
{
	struct kpptp_fastpath_idle fi;
	socklen_t len = sizeof(fi);

	if (idle && fastpath && kpptp_fd >= 0 &&
	    !getsockopt(kpptp_fd, SOL_KPPTP, KPPTP_SO_FASTPATH_IDLE, &fi, &len)) {
		if ((time_t)fi.xmit_idle < idle->xmit_idle)
			idle->xmit_idle = fi.xmit_idle;
		if ((time_t)fi.recv_idle < idle->recv_idle)
			idle->recv_idle = fi.recv_idle;
	}
	if (idle_next)
		return idle_next(idle);
	if (!idle)
		return kp_idle_limit();
	return kp_idle_limit() - (int)(idle->xmit_idle < idle->recv_idle ?
				       idle->xmit_idle : idle->recv_idle);
}

/* Ask kpptp.ko for exactly the NCPs in ncp (0: off). */
static void fastpath_set(uint32_t ncp)
{
	struct kpptp_fastpath req;
	const char *why;

	if (!fastpath)
		return;
	if (ncp && (why = fastpath_refusal())) {
		notice("kpptp.so: no fast path: %s", why);
		ncp = 0;
	}
	req.ncp = ncp;
	req.ifindex = if_nametoindex(kp_ifname());
	if (ncp && !req.ifindex) {
		warn("kpptp.so: no fast path: %s: %s", kp_ifname(), strerror(errno));
		return;
	}
	if (setsockopt(kpptp_fd, SOL_KPPTP, KPPTP_SO_FASTPATH, &req, sizeof(req)) < 0) {
		if (errno == EOPNOTSUPP)
			notice("kpptp.so: no fast path: kpptp.ko's fastpath parameter is 0");
		else
			warn("kpptp.so: no fast path: %s", strerror(errno));
		return;
	}
	if (ncp != fastpath_ncp)
		info("kpptp.so: fast path %s%s%s", ncp ? "on for" : "off",
		     ncp & KPPTP_FP_IPV4 ? " IPv4" : "", ncp & KPPTP_FP_IPV6 ? " IPv6" : "");
	fastpath_ncp = ncp;
}

static void on_ip_down(void *arg, int unused)
{
	(void)arg;
	(void)unused;
	fastpath_set(fastpath_ncp & ~KPPTP_FP_IPV4);
}

static void on_ipv6_down(void *arg, int unused)
{
	(void)arg;
	(void)unused;
	fastpath_set(fastpath_ncp & ~KPPTP_FP_IPV6);
}

static void on_ip_up(void *arg, int unused)
{
	struct in_addr l = { ipcp_gotoptions[0].ouraddr };
	struct in_addr r = { ipcp_hisoptions[0].hisaddr };
	char ls[INET_ADDRSTRLEN], rs[INET_ADDRSTRLEN];

	(void)arg;
	(void)unused;
	inet_ntop(AF_INET, &l, ls, sizeof(ls));
	inet_ntop(AF_INET, &r, rs, sizeof(rs));
	/* The user's routes and domain first: kpptpd answers DHCPINFORM from ip-up on. */
	kpptp_push_report(tell_daemon);
	tell_daemon("ip-up %s %s %s", kp_ifname(), ls, rs);
	/* Each time: kpptp.ko may have turned it off on a renegotiation. */
	fastpath_set(fastpath_ncp | KPPTP_FP_IPV4);
	kpptp_pmtu_start(tell_daemon);
}

/* fe80:: plus the 64-bit interface identifier, as pppd assigns it. */
static void link_local(const eui64_t *id, char *buf, size_t len)
{
	struct in6_addr a = { .s6_addr = { 0xfe, 0x80 } };

	memcpy(&a.s6_addr[8], id->e8, 8);
	inet_ntop(AF_INET6, &a, buf, len);
}

static void on_ipv6_up(void *arg, int unused)
{
	char ls[INET6_ADDRSTRLEN], rs[INET6_ADDRSTRLEN];

	(void)arg;
	(void)unused;
	link_local(&ipv6cp_gotoptions[0].ourid, ls, sizeof(ls));
	link_local(&ipv6cp_hisoptions[0].hisid, rs, sizeof(rs));
	tell_daemon("ip6-up %s %s %s", kp_ifname(), ls, rs);
	fastpath_set(fastpath_ncp | KPPTP_FP_IPV6);
}

/*
 * A failed login, whoever checked it (pppd's secrets files or a plugin
 * such as radius.so): the name from the peer's last CHAP Response or PAP
 * Authenticate-Request, reported when we send CHAP Failure or PAP
 * Authenticate-Nak. pppd's packet hooks see each frame with its 4-octet
 * PPP header (address, control, protocol); another plugin's hook is
 * chained. As a client we never send those, so nothing is reported.
 */
static void (*recv_next)(unsigned char *p, int len);
static void (*send_next)(unsigned char *p, int len);
static char tried[AUTHNAME_ESCAPED];	/* the name, escaped: the peer chose it */
static char asked[AUTHNAME_ESCAPED];	/* the last name kpptpd let through */

/*
 * "auth-try NAME" and kpptpd's one-line answer, "ok" or "refused SECONDS".
 * pppd waits (it is inside its packet hook) at most LOGIN_WAIT_MS; no
 * answer refuses the login, said in pppd's log: a daemon that cannot
 * answer cannot count failures either. Five seconds, not two: with tens
 * of calls starting at once on a starved machine (selftests'
 * kpptpd-scale.sh and kpptpd-restart.sh in a TCG guest beside others),
 * kpptpd's answer took over two seconds and good logins were refused;
 * a peer waits longer than that for its CHAP Success anyway.
 */
#define LOGIN_WAIT_MS	5000
static int login_allowed(const char *name)
{
	char reply[64];
	size_t got = 0;

	if (!strcmp(name, asked))
		return 1;	/* the peer resent its Response */
	tell_daemon("auth-try %s", name);
	while (status_fd >= 0 && got < sizeof(reply) - 1) {
		struct pollfd pfd = { .fd = status_fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, LOGIN_WAIT_MS) <= 0) {
			error("kpptp.so: kpptpd did not answer whether '%s' may log in: refused",
			      name);
			return 0;
		}
		n = read(status_fd, reply + got, sizeof(reply) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		reply[got] = '\0';
		if (!strchr(reply, '\n'))
			continue;
		if (!strcmp(reply, "ok\n")) {
			snprintf(asked, sizeof(asked), "%s", name);
			return 1;
		}
		notice("kpptp.so: kpptpd refuses logins as '%s' for now (failed logins): %.*s",
		       name, (int)strcspn(reply, "\n"), reply);
		return 0;
	}
	error("kpptp.so: no answer from kpptpd whether '%s' may log in: refused", name);
	return 0;
}

static void snoop_recv(unsigned char *p, int len)
{
	char name[AUTHNAME_ESCAPED];

	if (recv_next)
		recv_next(p, len);
	kpptp_early_ipcp_recv(p, len);
	kpptp_pmtu_recv(p, len);
	if (len < 0 || authpkt_parse(p, (size_t)len, name) != AUTHPKT_TRY)
		return;
	memcpy(tried, name, sizeof(tried));
	/*
	 * Refused: LCP closes before pppd dispatches this packet, and CHAP
	 * and PAP ignore a response once the link is down, so the password
	 * is never checked and the peer learns nothing about it.
	 */
	if (user_check && !login_allowed(name))
		lcp_close(0, "login name refused by kpptpd");
}

static void snoop_send(unsigned char *p, int len)
{
	char name[AUTHNAME_ESCAPED];

	if (send_next)
		send_next(p, len);
	if (len >= 0 && authpkt_parse(p, (size_t)len, name) == AUTHPKT_REFUSE) {
		tell_daemon("auth-fail %s", tried[0] ? tried : "-");
		asked[0] = '\0';	/* a retry asks again */
	}
}

static void on_phase(void *arg, int p)
{
	(void)arg;
	if (p == PHASE_DEAD || p == PHASE_ESTABLISH) {
		kpptp_early_ipcp_reset();
		kpptp_pmtu_stop();
	}
	if (p == PHASE_AUTHENTICATE)
		kpptp_push_auth_phase();
	if (p == PHASE_NETWORK)
		tell_daemon("ifname %s", kp_ifname());
}

/*
 * pppd's default MTU and MRU are 1500, and a 1500-byte PPP frame does not
 * fit a 1500-byte path after 40 bytes of IP, GRE and PPP: every full-size
 * packet went out as two IP fragments. TCP with DF learns the path MTU
 * (kpptp.ko answers with "fragmentation needed"), but MPPE frames hide
 * the DF bit, so an MPPE call fragmented every packet (and lost some when
 * the second fragment found the receiver's queue full). So: the defaults
 * become what the path carries (kpptp.ko says, KPPTP_SO_PPP_MTU); an mtu
 * or mru the admin gave stays, with a warning if it is too big.
 */
static void fit_mtu(void)
{
	struct lcp_options *wo = &lcp_wantoptions[0], *ao = &lcp_allowoptions[0];
	socklen_t len = sizeof(uint32_t);
	uint32_t fit;

	if (getsockopt(kpptp_fd, SOL_KPPTP, KPPTP_SO_PPP_MTU, &fit, &len) < 0) {
		warn("kpptp.so: kpptp.ko does not say what the path carries (%s): "
		     "MTU and MRU stay as configured", strerror(errno));
		return;
	}
	if (fit < MINMRU) {
		warn("kpptp.so: the path to the peer carries only %u-byte PPP frames: "
		     "MTU and MRU stay as configured (GRE will be fragmented)", fit);
		return;
	}
	if (wo->mru == DEFMRU && fit < DEFMRU) {
		wo->mru = fit;
		wo->neg_mru = 1;
	} else if (wo->neg_mru && wo->mru > (int)fit) {
		warn("kpptp.so: mru %d is more than the path carries (%u): "
		     "the peer's GRE packets will be fragmented", wo->mru, fit);
	}
	if (ao->mru == MAXMRU && fit < MAXMRU) {
		ao->mru = fit;
	} else if (ao->mru > (int)fit) {
		warn("kpptp.so: mtu %d is more than the path carries (%u): "
		     "our GRE packets will be fragmented", ao->mru, fit);
	}
	info("kpptp.so: the path carries %u-byte PPP frames: MRU %d, MTU at most %d",
	     fit, wo->mru, ao->mru);
}

static void kpptp_check_options(void)
{
	if (kpptp_fd < 0)
		fatal("kpptp.so: no kpptp-fd given (kpptpd passes it)");
	fit_mtu();
}

static int kpptp_connect(void)
{
	return kpptp_fd;
}

static void kpptp_disconnect(void)
{
	/* Closing the socket ends the kernel session's data path now. */
	if (kpptp_fd >= 0)
		close(kpptp_fd);
	kpptp_fd = -1;
}

/* In children pppd forks (scripts): they must not hold the call open. */
static void kpptp_close(void)
{
	if (kpptp_fd >= 0)
		close(kpptp_fd);
	if (status_fd >= 0)
		close(status_fd);
}

static struct channel kpptp_channel = {
	.options = kpptp_options,
	.check_options = kpptp_check_options,
	.connect = kpptp_connect,
	.disconnect = kpptp_disconnect,
	.establish_ppp = kp_generic_establish,
	.disestablish_ppp = kp_generic_disestablish,
	.close = kpptp_close,
};

void plugin_init(void);

void plugin_init(void)
{
	kp_add_options(kpptp_options);
	kp_add_options(kpptp_push_options);
	kp_add_options(kpptp_early_ipcp_options);
	kp_add_options(kpptp_pmtu_options);
	kpptp_early_ipcp_init();
	kp_notify_auth_up(on_auth_up);
	kp_notify_ip_up(on_ip_up);
	kp_notify_ipv6_up(on_ipv6_up);
	kp_notify_ip_down(on_ip_down);
	kp_notify_ipv6_down(on_ipv6_down);
	kp_notify_phase(on_phase);
	recv_next = snoop_recv_hook;
	snoop_recv_hook = snoop_recv;
	send_next = snoop_send_hook;
	snoop_send_hook = snoop_send;
	idle_next = idle_time_hook;
	idle_time_hook = idle_hook;
}
