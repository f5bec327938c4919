// SPDX-License-Identifier: GPL-2.0
/*
 * pptp-sock: drive the PX_PROTO_PPTP socket ABI the way a hostile or a
 * buggy local process would, and print what each call answered, for the
 * hardening selftests (takeover attempts, call-ID exhaustion).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_pppox.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/kpptp.h>

static const char usage_text[] =
"usage: pptp-sock --local ADDR [options]\n"
"\n"
"  --local ADDR       bind to this address\n"
"  --call ID          our call ID (default 0: the kernel picks)\n"
"  --peer ADDR        connect to this peer\n"
"  --peer-call N      with this peer call ID\n"
"  --peer-calls A-B   try connect with each peer call ID from A to B, a new\n"
"                     socket (bound like the first) for each, and print how\n"
"                     many answered what\n"
"  --window N         after connect, setsockopt(SOL_KPPTP, reorder window)\n"
"  --many N           bind N sockets (call ID 0) and hold them; print how\n"
"                     many succeeded and the first error\n"
"  --hold S           keep the sockets open S seconds before exiting\n"
"  --retry-call N     after the first connect (which may fail), wait for\n"
"  --retry-after FILE FILE to exist (at most 20 s), then connect the same\n"
"                     socket again with peer call N: 'reconnect: ...'\n"
"  --fastpath I,N[,L] after connect (or bind, without --peer), setsockopt\n"
"                     KPPTP_SO_FASTPATH with ifindex I, NCP bits N, an\n"
"                     optlen of L (default the struct's): 'fastpath: ...'\n"
"  --ppp-mtu          then getsockopt KPPTP_SO_PPP_MTU: 'ppp-mtu: ok N'\n"
"\n"
"Prints one line per step: 'bind: ok', 'connect: EADDRINUSE', ...\n"
"Exit status: 0 when the last step succeeded, 1 when it failed, 2 on bad\n"
"usage.\n";

static const char *errname(int e)
{
	switch (e) {
	case 0: return "ok";
	case EBUSY: return "EBUSY";
	case EADDRINUSE: return "EADDRINUSE";
	case EALREADY: return "EALREADY";
	case EINVAL: return "EINVAL";
	case ENOTCONN: return "ENOTCONN";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	case ENOMEM: return "ENOMEM";
	case EMFILE: return "EMFILE";
	case ENFILE: return "ENFILE";
	case ENODEV: return "ENODEV";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	}
	return strerror(e);
}

static int sock_bound(struct in_addr local, unsigned int call)
{
	struct sockaddr_pppox sp = { .sa_family = AF_PPPOX,
				     .sa_protocol = PX_PROTO_PPTP };
	int fd = socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP);

	if (fd < 0)
		return -errno;
	sp.sa_addr.pptp.sin_addr = local;
	sp.sa_addr.pptp.call_id = call;
	if (bind(fd, (struct sockaddr *)&sp, sizeof(sp))) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

static int sock_connect(int fd, struct in_addr peer, unsigned int pcall)
{
	struct sockaddr_pppox sp = { .sa_family = AF_PPPOX,
				     .sa_protocol = PX_PROTO_PPTP };

	sp.sa_addr.pptp.sin_addr = peer;
	sp.sa_addr.pptp.call_id = pcall;
	return connect(fd, (struct sockaddr *)&sp, sizeof(sp)) ? errno : 0;
}

static int many(struct in_addr local, long n, long hold)
{
	struct rlimit rl = { n + 64, n + 64 };
	long ok = 0;
	int first = 0;

	if (setrlimit(RLIMIT_NOFILE, &rl))
		fprintf(stderr, "pptp-sock: setrlimit: %s\n", strerror(errno));
	for (long i = 0; i < n; i++) {
		int fd = sock_bound(local, 0);

		if (fd < 0) {
			if (!first)
				first = -fd;
			continue;
		}
		ok++;
	}
	printf("many: %ld of %ld bound, first error %s\n", ok, n, errname(first));
	fflush(stdout);
	if (hold > 0)
		sleep(hold);
	return ok == n ? 0 : 1;
}

/* --fastpath and --ppp-mtu, in that order: the last one's error, or 0. */
static int sockopts(int fd, const char *fp, int mtu)
{
	struct kpptp_fastpath req = {0};
	unsigned int ifindex, ncp, len = sizeof(req);
	socklen_t vlen;
	__u32 val;
	int err = 0, n;

	if (fp) {
		n = sscanf(fp, "%u,%u,%u", &ifindex, &ncp, &len);
		if (n < 2 || len > sizeof(req))
			return EINVAL;
		req.ifindex = ifindex;
		req.ncp = ncp;
		err = setsockopt(fd, SOL_KPPTP, KPPTP_SO_FASTPATH, &req, len) ? errno : 0;
		printf("fastpath: %s\n", errname(err));
	}
	if (mtu) {
		vlen = sizeof(val);
		err = getsockopt(fd, SOL_KPPTP, KPPTP_SO_PPP_MTU, &val, &vlen) ? errno : 0;
		if (err)
			printf("ppp-mtu: %s\n", errname(err));
		else
			printf("ppp-mtu: ok %u\n", val);
	}
	return err;
}

int main(int argc, char **argv)
{
	struct in_addr local = {0}, peer = {0};
	long call = 0, pa = -1, pb = -1, window = -1, n = 0, hold = 0, retry = -1;
	const char *retry_after = NULL, *fastpath = NULL;
	int fd, err, ppp_mtu = 0;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (!strcmp(o, "--ppp-mtu")) {
			ppp_mtu = 1;
			continue;
		}
		if (!v)
			goto bad;
		i++;
		if (!strcmp(o, "--local") && inet_pton(AF_INET, v, &local) == 1)
			continue;
		if (!strcmp(o, "--peer") && inet_pton(AF_INET, v, &peer) == 1)
			continue;
		if (!strcmp(o, "--call"))
			call = strtol(v, NULL, 0);
		else if (!strcmp(o, "--peer-calls") && sscanf(v, "%ld-%ld", &pa, &pb) == 2)
			;
		else if (!strcmp(o, "--peer-call"))
			pb = strtol(v, NULL, 0);
		else if (!strcmp(o, "--window"))
			window = strtol(v, NULL, 0);
		else if (!strcmp(o, "--many"))
			n = strtol(v, NULL, 0);
		else if (!strcmp(o, "--hold"))
			hold = strtol(v, NULL, 0);
		else if (!strcmp(o, "--retry-call"))
			retry = strtol(v, NULL, 0);
		else if (!strcmp(o, "--retry-after"))
			retry_after = v;
		else if (!strcmp(o, "--fastpath"))
			fastpath = v;
		else
			goto bad;
	}
	if (!local.s_addr || call < 0 || call > 65535)
		goto bad;
	if (n > 0)
		return many(local, n, hold);

	fd = sock_bound(local, call);
	printf("bind: %s\n", errname(fd < 0 ? -fd : 0));
	if (fd < 0)
		return 1;
	if (!peer.s_addr)
		return sockopts(fd, fastpath, ppp_mtu) ? 1 : 0;
	if (pa >= 0) {
		long counts[4] = {0};	/* ok, EADDRINUSE, other, bind failed */
		long first_ok = -1;

		for (long pc = pa; pc <= pb; pc++) {
			int s = pc == pa ? fd : sock_bound(local, call);

			if (s < 0) {
				counts[3]++;
				continue;
			}
			err = sock_connect(s, peer, pc);
			counts[err == 0 ? 0 : err == EADDRINUSE ? 1 : 2]++;
			if (!err && first_ok < 0)
				first_ok = pc;
			if (err)
				close(s);
		}
		printf("sweep: ok %ld EADDRINUSE %ld other %ld bind-failed %ld first-ok %ld\n",
		       counts[0], counts[1], counts[2], counts[3], first_ok);
		fflush(stdout);
		if (hold > 0)
			sleep(hold);
		return counts[0] ? 0 : 1;
	}
	err = sock_connect(fd, peer, pb >= 0 ? pb : 0);
	printf("connect: %s\n", errname(err));
	if (retry >= 0 && retry_after) {
		struct stat st;
		int waited = 0;

		fflush(stdout);
		while (stat(retry_after, &st) && waited++ < 200)
			usleep(100 * 1000);
		err = sock_connect(fd, peer, retry);
		printf("reconnect: %s\n", errname(err));
	}
	if (err)
		return 1;
	if (window >= 0) {
		unsigned int w = window;

		err = setsockopt(fd, SOL_KPPTP, KPPTP_SO_REORDER_WINDOW, &w,
				 sizeof(w)) ? errno : 0;
		printf("setsockopt: %s\n", errname(err));
	}
	if (!err)
		err = sockopts(fd, fastpath, ppp_mtu);
	fflush(stdout);
	if (hold > 0)
		sleep(hold);
	return err ? 1 : 0;
bad:
	fputs(usage_text, stderr);
	return 2;
}
