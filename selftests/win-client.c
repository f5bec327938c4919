// SPDX-License-Identifier: GPL-2.0
/*
 * win-client: dial a PPTP server as Windows' built-in RAS client does, to
 * test what Windows gets (and what RRAS would give it) and to time its
 * call setup. PPP runs here, not in pppd, because pppd cannot behave as
 * Windows does where it matters: Windows asks for IPCP in the same burst
 * as CCP, offers callback and multilink and gives them up when rejected,
 * sends LCP Identification without address and control fields. The
 * kernel carries the call (kpptp.ko's PPTP socket as a ppp_generic
 * channel, ppp_mppe for MPPE-128); this program negotiates:
 *
 *  - PPTP (RFC 2637): SCCRQ with framing 1, bearer 1, an empty host name
 *    and vendor "Microsoft"; OCRQ with a per-run serial number, window
 *    64, processing delay 0 and 16 random bytes (a GUID) as subaddress;
 *    Set-Link-Info with ACCM ffffffff/ffffffff after the OCRP and after
 *    LCP;
 *  - LCP: MRU, magic, PFC, ACFC, callback (13) and multilink (MRRU 17,
 *    endpoint discriminator 19), each dropped when the server rejects it;
 *    two Identification packets once LCP is open;
 *  - MS-CHAPv2 (RFC 2759), the MPPE-128 stateless keys (RFC 3079);
 *  - CCP (MPPE-128 stateless) and IPCP (address, DNS and NBNS, RFC 1877)
 *    in one burst; then the address on the interface;
 *  - a DHCPINFORM through the tunnel for routes and domain, and an IGMP
 *    report (Windows' SSDP group, 239.255.255.250).
 *
 * It prints one line per step and "ipcp-up-ms N", the time from sending
 * the OCRQ to IPCP up, then hangs up as Windows does: LCP
 * Terminate-Request, Call-Clear-Request, Stop-Control-Connection-Request.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_pppox.h>
#include <linux/ppp-ioctl.h>
#include <linux/ppp_defs.h>
#include <nettle/des.h>
#include <nettle/md4.h>
#include <nettle/sha1.h>

#include "kpptp/ctrl.h"
#include "kpptp/dhcp.h"

static const char usage_text[] =
"usage: win-client --server ADDR --user NAME --password PW [options]\n"
"\n"
"Dial a PPTP server as Windows' RAS client does (see the source for what\n"
"that means byte for byte), bring the call up to IPv4 with MS-CHAPv2 and\n"
"MPPE-128, print each step and \"ipcp-up-ms N\" (Outgoing-Call-Request to\n"
"IPCP up), then hang up.\n"
"\n"
"  --server ADDR     the server's IPv4 address (TCP 1723)\n"
"  --user NAME       the user name\n"
"  --password PW     the password\n"
"  --hold S          stay up S seconds before hanging up (default 0)\n"
"  --timeout S       give up after S seconds of setup (default 20)\n"
"  --debug           print every PPP control frame sent and received\n"
"  -h, --help        this text\n"
"\n"
"Exit status 0 when IPCP came up and the call was cleared, 1 when the\n"
"call failed (said why on stderr), 2 on bad usage.\n";

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int die(const char *what)
{
	fprintf(stderr, "win-client: %s: %s\n", what, errno ? strerror(errno) : "failed");
	exit(1);
}

/* ---- PPTP control ---- */

static int ctl;				/* the TCP connection */
static uint8_t cbuf[4096];
static size_t clen;

static void ctl_send(const struct pptp_msg *m, const uint8_t *raw_sub)
{
	uint8_t b[PPTP_MSG_MAX_LEN];
	size_t n = pptp_encode(m, b, sizeof(b));

	if (!n)
		die("pptp_encode");
	/* Windows' OCRQ subaddress is 16 random octets, not text. */
	if (raw_sub)
		memcpy(b + 104, raw_sub, 16);
	if (write(ctl, b, n) != (ssize_t)n)
		die("write to the control connection");
}

/* The next control message of type want (others are skipped), or exit. */
static void ctl_wait(uint16_t want, struct pptp_msg *m, long deadline)
{
	for (;;) {
		size_t len;
		enum pptp_status st = pptp_next(cbuf, clen, m, &len);
		struct pollfd p = { .fd = ctl, .events = POLLIN };
		ssize_t n;

		if (st == PPTP_OK) {
			memmove(cbuf, cbuf + len, clen - len);
			clen -= len;
			if (m->type == want)
				return;
			continue;
		}
		if (st != PPTP_NEED_MORE) {
			errno = 0;
			die("the server's control stream is not PPTP");
		}
		if (now_ms() >= deadline || poll(&p, 1, (int)(deadline - now_ms())) <= 0) {
			errno = 0;
			die("no answer on the control connection");
		}
		n = read(ctl, cbuf + clen, sizeof(cbuf) - clen);
		if (n <= 0)
			die("the control connection closed");
		clen += (size_t)n;
	}
}

/* ---- PPP framing on the channel (LCP, CHAP) and the unit (CCP, IPCP) ---- */

static int chan_fd, unit_fd, unit;
static bool debug;

static void show(const char *dir, uint16_t proto, uint8_t code, uint8_t id, size_t len)
{
	if (debug)
		printf("%s proto %04x code %u id %u len %zu\n", dir, proto, code, id, len);
}

static void ppp_send(int fd, uint16_t proto, uint8_t code, uint8_t id, const uint8_t *data,
		     size_t len)
{
	uint8_t b[1500];
	size_t n = 6 + len;

	if (n > sizeof(b))
		die("frame too long");
	b[0] = (uint8_t)(proto >> 8), b[1] = (uint8_t)proto;
	b[2] = code, b[3] = id;
	b[4] = (uint8_t)((4 + len) >> 8), b[5] = (uint8_t)(4 + len);
	memcpy(b + 6, data, len);
	show("sent", proto, code, id, len);
	if (write(fd, b, n) != (ssize_t)n)
		die("write a PPP frame");
}

/* One received control frame: protocol, code, id, data. */
struct frame {
	uint16_t proto;
	uint8_t code, id;
	uint8_t data[1500];
	size_t len;
};

/* The next control frame from either fd, or false at the deadline. */
static bool ppp_recv(struct frame *f, long deadline)
{
	struct pollfd p[2] = { { .fd = chan_fd, .events = POLLIN }, { .fd = unit_fd, .events = POLLIN } };
	uint8_t b[1600];
	ssize_t n;

	for (;;) {
		long left = deadline - now_ms();

		if (left <= 0 || poll(p, 2, (int)left) <= 0)
			return false;
		for (int i = 0; i < 2; i++) {
			size_t l;

			if (!(p[i].revents & POLLIN))
				continue;
			n = read(p[i].fd, b, sizeof(b));
			if (n < 6)
				continue;
			f->proto = (uint16_t)(b[0] << 8 | b[1]);
			f->code = b[2], f->id = b[3];
			l = (size_t)(b[4] << 8 | b[5]);
			if (l < 4 || l > (size_t)n - 2)
				continue;
			f->len = l - 4;
			memcpy(f->data, b + 6, f->len);
			show("rcvd", f->proto, f->code, f->id, f->len);
			return true;
		}
	}
}

/* ---- MS-CHAPv2 and MPPE keys (RFC 2759, RFC 3079) ---- */

static void nt_hash(const char *pw, uint8_t out[16])
{
	struct md4_ctx c;
	uint8_t u[512];
	size_t n = 0;

	for (; *pw && n + 2 <= sizeof(u); pw++) {
		u[n++] = (uint8_t)*pw;	/* ASCII passwords: UTF-16LE is octet, 0 */
		u[n++] = 0;
	}
	md4_init(&c);
	md4_update(&c, n, u);
	md4_digest(&c, 16, out);
}

static void des7(const uint8_t key7[7], const uint8_t in[8], uint8_t out[8])
{
	struct des_ctx c;
	uint8_t k[8];

	k[0] = key7[0];
	k[1] = (uint8_t)(key7[0] << 7 | key7[1] >> 1);
	k[2] = (uint8_t)(key7[1] << 6 | key7[2] >> 2);
	k[3] = (uint8_t)(key7[2] << 5 | key7[3] >> 3);
	k[4] = (uint8_t)(key7[3] << 4 | key7[4] >> 4);
	k[5] = (uint8_t)(key7[4] << 3 | key7[5] >> 5);
	k[6] = (uint8_t)(key7[5] << 2 | key7[6] >> 6);
	k[7] = (uint8_t)(key7[6] << 1);
	des_fix_parity(8, k, k);
	des_set_key(&c, k);	/* a weak key only matters to security, not to a test */
	des_encrypt(&c, 8, out, in);
}

static uint8_t nt_response[24], pw_hash[16];

static void chap_response(const uint8_t auth_chal[16], const uint8_t peer_chal[16],
			  const char *user, const char *pw)
{
	struct sha1_ctx c;
	uint8_t h[SHA1_DIGEST_SIZE], z[21] = { 0 };

	sha1_init(&c);
	sha1_update(&c, 16, peer_chal);
	sha1_update(&c, 16, auth_chal);
	sha1_update(&c, strlen(user), (const uint8_t *)user);
	sha1_digest(&c, sizeof(h), h);
	nt_hash(pw, pw_hash);
	memcpy(z, pw_hash, 16);
	des7(z, h, nt_response);
	des7(z + 7, h, nt_response + 8);
	des7(z + 14, h, nt_response + 16);
}

static void mppe_key(bool send, uint8_t key[16])
{
	static const char magic1[] = "This is the MPPE Master Key";
	static const char magic2[] = "On the client side, this is the send key; "
				     "on the server side, it is the receive key.";
	static const char magic3[] = "On the client side, this is the receive key; "
				     "on the server side, it is the send key.";
	uint8_t hh[16], master[SHA1_DIGEST_SIZE], out[SHA1_DIGEST_SIZE];
	uint8_t pad1[40] = { 0 }, pad2[40];
	struct sha1_ctx c;
	struct md4_ctx m;

	memset(pad2, 0xf2, sizeof(pad2));
	md4_init(&m);
	md4_update(&m, 16, pw_hash);
	md4_digest(&m, 16, hh);
	sha1_init(&c);
	sha1_update(&c, 16, hh);
	sha1_update(&c, 24, nt_response);
	sha1_update(&c, strlen(magic1), (const uint8_t *)magic1);
	sha1_digest(&c, sizeof(master), master);
	sha1_init(&c);
	sha1_update(&c, 16, master);
	sha1_update(&c, 40, pad1);
	sha1_update(&c, 84, (const uint8_t *)(send ? magic2 : magic3));
	sha1_update(&c, 40, pad2);
	sha1_digest(&c, sizeof(out), out);
	memcpy(key, out, 16);
}

/* MPPE-128 stateless (RFC 3078: H and S bits) into the kernel, one way. */
static void mppe_set(bool transmit)
{
	uint8_t opt[6 + 16] = { 18, 6, 0x01, 0x00, 0x00, 0x40 };
	struct ppp_option_data d = { .ptr = opt, .length = sizeof(opt), .transmit = transmit };

	mppe_key(transmit, opt + 6);
	if (ioctl(unit_fd, PPPIOCSCOMPRESS, &d) < 0)
		die("PPPIOCSCOMPRESS (ppp_mppe loaded?)");
}

/*
 * Once up, a peer may still repeat a request (its timer ran out before our
 * answer came): answered as before, or ppp_generic, seeing the peer's CCP
 * request, stops encrypting (ppp_ccp_peek) until our Configure-Ack passes
 * again. Echo-Requests are answered too.
 */
static uint8_t magic[4];

static void ppp_answer(const struct frame *f)
{
	uint8_t b[1500];

	if (f->proto == PPP_CCP && f->code == 1) {
		ppp_send(unit_fd, PPP_CCP, 2, f->id, f->data, f->len);
	} else if (f->proto == PPP_IPCP && f->code == 1) {
		ppp_send(unit_fd, PPP_IPCP, 2, f->id, f->data, f->len);
	} else if (f->proto == PPP_LCP && f->code == 9) {
		memcpy(b, magic, 4);
		if (f->len > 4)
			memcpy(b + 4, f->data + 4, f->len - 4 < sizeof(b) - 4 ? f->len - 4 : sizeof(b) - 4);
		ppp_send(chan_fd, PPP_LCP, 10, f->id, b, f->len > 4 ? f->len : 4);
	}
}

/* Control frames answered until `until`, or until fd (if >= 0) is readable. */
static bool ppp_service(long until, int fd)
{
	struct pollfd p[3] = { { .fd = chan_fd, .events = POLLIN }, { .fd = unit_fd, .events = POLLIN },
			       { .fd = fd, .events = POLLIN } };
	struct frame f;

	while (now_ms() < until) {
		if (poll(p, fd >= 0 ? 3 : 2, (int)(until - now_ms())) <= 0)
			return false;
		if (fd >= 0 && (p[2].revents & POLLIN))
			return true;
		if (ppp_recv(&f, now_ms() + 1))
			ppp_answer(&f);
	}
	return false;
}

/*
 * After IPCP, as Windows: a DHCPINFORM from our address to
 * 255.255.255.255:67 (its answer printed), and the SSDP group joined,
 * which makes the kernel send an IGMP report on the interface.
 */
static void inform_and_join(uint32_t addr)
{
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(DHCP_CLIENT_PORT) };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(DHCP_SERVER_PORT),
				  .sin_addr.s_addr = INADDR_BROADCAST };
	struct ip_mreqn mr = { .imr_ifindex = 0 };
	uint8_t b[DHCP_MAX_LEN + 64];
	char ifn[IFNAMSIZ], line[1024];
	uint32_t xid = (uint32_t)now_ms() * 2654435761u;
	int fd, one = 1;
	long until;
	size_t len;

	snprintf(ifn, sizeof(ifn), "ppp%d", unit);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifn, (socklen_t)strlen(ifn) + 1) ||
	    bind(fd, (struct sockaddr *)&me, sizeof(me)))
		die("a UDP socket on port 68");
	/*
	 * Sent at once and again after 1, 2 and 4 s without an answer: this
	 * end of IPCP can be up before the server's, whose ppp_generic drops
	 * what comes before its interface is up (RFC 2131's retransmission
	 * starts at 4 s; shorter here, for the test's sake).
	 */
	len = dhcp_encode_request(b, sizeof(b), DHCPINFORM, addr, xid, NULL, 0);
	if (!len)
		die("encode the DHCPINFORM");
	for (int tries = 0;; tries++) {
		struct dhcp_msg m;
		uint8_t ans[DHCP_MAX_LEN + 64];
		ssize_t n;

		if (tries == 4) {
			printf("dhcp no answer\n");
			break;
		}
		if (sendto(fd, b, len, 0, (struct sockaddr *)&to, sizeof(to)) != (ssize_t)len)
			die("send the DHCPINFORM");
		until = now_ms() + (1000L << (tries < 2 ? tries : 2));
		while (ppp_service(until, fd)) {
			n = recv(fd, ans, sizeof(ans), MSG_DONTWAIT);
			if (n > 0 && !dhcp_decode(ans, (size_t)n, BOOTREPLY, &m) && m.xid == xid &&
			    m.type == DHCPACK) {
				dhcp_describe_ack(ans, (size_t)n, line, sizeof(line));
				printf("dhcp %s (try %d)\n", line, tries + 1);
				goto answered;
			}
		}
	}
answered:
	/* Kept open (and the group joined) until the program ends. */
	inet_pton(AF_INET, "239.255.255.250", &mr.imr_multiaddr);
	mr.imr_ifindex = (int)if_nametoindex(ifn);
	if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)))
		die("join 239.255.255.250 (IGMP report)");
	printf("igmp joined 239.255.255.250\n");
}

/* ---- the call ---- */

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "hold", required_argument, NULL, 'H' },
		{ "timeout", required_argument, NULL, 't' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *user = NULL, *pw = NULL;
	struct sockaddr_in srv = { .sin_family = AF_INET, .sin_port = htons(PPTP_PORT) };
	struct sockaddr_pppox sp = { .sa_family = AF_PPPOX, .sa_protocol = PX_PROTO_PPTP };
	socklen_t sl = sizeof(sp);
	long hold = 0, tmo = 20, deadline, t_ocrq;
	struct pptp_msg m;
	uint16_t my_call, peer_call;
	uint8_t guid[16];
	int c, sock, idx, flags;
	bool have_srv = false;
	char *end;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			have_srv = inet_pton(AF_INET, optarg, &srv.sin_addr) == 1;
			if (!have_srv) {
				fprintf(stderr, "win-client: --server: not an IPv4 address: '%s'\n", optarg);
				return 2;
			}
			break;
		case 'u':
			user = optarg;
			break;
		case 'p':
			pw = optarg;
			break;
		case 'H':
		case 't':
			errno = 0;
			if (c == 'H')
				hold = strtol(optarg, &end, 10);
			else
				tmo = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || (c == 'H' ? hold : tmo) < 0 ||
			    (c == 'H' ? hold : tmo) > 3600) {
				fprintf(stderr, "win-client: --%s: seconds 0..3600, not '%s'\n",
					c == 'H' ? "hold" : "timeout", optarg);
				return 2;
			}
			break;
		case 'd':
			debug = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (!have_srv || !user || !pw || optind != argc || strlen(user) > 64) {
		fputs(usage_text, stderr);
		return 2;
	}
	/* One line at a time, in order with the errors on stderr. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	deadline = now_ms() + tmo * 1000;
	if (getrandom(guid, sizeof(guid), 0) != sizeof(guid) ||
	    getrandom(magic, sizeof(magic), 0) != sizeof(magic))
		die("getrandom");

	/* PPTP control connection, as Windows opens it. */
	ctl = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ctl < 0 || connect(ctl, (struct sockaddr *)&srv, sizeof(srv)))
		die("connect to TCP 1723");
	memset(&m, 0, sizeof(m));
	m.type = PPTP_SCCRQ;
	m.scc.version = PPTP_VERSION;
	m.scc.framing = PPTP_FRAME_ASYNC;
	m.scc.bearer = PPTP_BEARER_ANALOG;
	snprintf(m.scc.vendor, sizeof(m.scc.vendor), "Microsoft");
	ctl_send(&m, NULL);
	ctl_wait(PPTP_SCCRP, &m, deadline);
	if (m.scc.result != PPTP_SCCRP_OK) {
		fprintf(stderr, "win-client: SCCRP result %u\n", m.scc.result);
		return 1;
	}
	printf("sccrp host '%s' vendor '%s'\n", m.scc.hostname, m.scc.vendor);

	/* The kernel's end of the call: a PPTP socket, its call ID chosen there. */
	sock = socket(AF_PPPOX, SOCK_STREAM | SOCK_CLOEXEC, PX_PROTO_PPTP);
	if (sock < 0)
		die("socket(AF_PPPOX, PX_PROTO_PPTP)");
	if (getsockname(ctl, (struct sockaddr *)&srv, &(socklen_t){ sizeof(srv) }))
		die("getsockname");
	sp.sa_addr.pptp.sin_addr = srv.sin_addr;	/* our address */
	if (bind(sock, (struct sockaddr *)&sp, sizeof(sp)) ||
	    getsockname(sock, (struct sockaddr *)&sp, &sl))
		die("bind the PPTP socket");
	my_call = sp.sa_addr.pptp.call_id;
	if (getpeername(ctl, (struct sockaddr *)&srv, &(socklen_t){ sizeof(srv) }))
		die("getpeername");

	memset(&m, 0, sizeof(m));
	m.type = PPTP_OCRQ;
	m.ocrq.call_id = my_call;
	m.ocrq.serial = (uint16_t)(getpid() & 0xffff);	/* per run, as Windows' per boot */
	m.ocrq.min_bps = 300;
	m.ocrq.max_bps = 100000000;
	m.ocrq.bearer = PPTP_BEARER_ANY;
	m.ocrq.framing = PPTP_FRAME_ANY;
	m.ocrq.recv_window = 64;
	m.ocrq.proc_delay = 0;
	t_ocrq = now_ms();
	ctl_send(&m, guid);
	ctl_wait(PPTP_OCRP, &m, deadline);
	if (m.ocrp.result != PPTP_OCRP_CONNECTED) {
		fprintf(stderr, "win-client: OCRP result %u error %u\n", m.ocrp.result, m.ocrp.error);
		return 1;
	}
	peer_call = m.ocrp.call_id;
	printf("ocrp call %u peer %u\n", my_call, peer_call);
	memset(&m, 0, sizeof(m));
	m.type = PPTP_SLI;
	m.sli.peer_call_id = peer_call;
	m.sli.send_accm = m.sli.recv_accm = 0xffffffff;
	ctl_send(&m, NULL);

	sp.sa_addr.pptp.sin_addr = srv.sin_addr;
	sp.sa_addr.pptp.call_id = peer_call;
	if (connect(sock, (struct sockaddr *)&sp, sizeof(sp)))
		die("connect the PPTP socket");
	if (ioctl(sock, PPPIOCGCHAN, &idx) < 0)
		die("PPPIOCGCHAN");
	chan_fd = open("/dev/ppp", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	unit_fd = open("/dev/ppp", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	unit = -1;
	if (chan_fd < 0 || unit_fd < 0 || ioctl(chan_fd, PPPIOCATTCHAN, &idx) < 0 ||
	    ioctl(unit_fd, PPPIOCNEWUNIT, &unit) < 0 || ioctl(chan_fd, PPPIOCCONNECT, &unit) < 0)
		die("attach the channel to a new PPP unit");
	printf("ppp%d channel %d\n", unit, idx);

	/* LCP, Windows' options; what the server rejects is dropped. */
	bool want_cb = true, want_mp = true, lcp_acked = false, lcp_peer_acked = false;
	uint8_t lid = 1;
	long next_req = 0;
	struct frame f;
	uint8_t req[64];
	size_t rl;

	while (!(lcp_acked && lcp_peer_acked)) {
		if (now_ms() >= next_req && !lcp_acked) {
			rl = 0;
			req[rl++] = 1, req[rl++] = 4, req[rl++] = 0x05, req[rl++] = 0x78;	/* MRU 1400 */
			req[rl++] = 5, req[rl++] = 6;
			memcpy(req + rl, magic, 4);
			rl += 4;
			req[rl++] = 7, req[rl++] = 2;	/* PFC */
			req[rl++] = 8, req[rl++] = 2;	/* ACFC */
			if (want_cb)
				req[rl++] = 13, req[rl++] = 3, req[rl++] = 6;	/* callback: CBCP */
			if (want_mp) {
				req[rl++] = 17, req[rl++] = 4, req[rl++] = 0x06, req[rl++] = 0x4e;
				req[rl++] = 19, req[rl++] = 7, req[rl++] = 1;	/* endpoint: local */
				memcpy(req + rl, guid, 4);
				rl += 4;
			}
			ppp_send(chan_fd, PPP_LCP, 1, ++lid, req, rl);
			next_req = now_ms() + 3000;
		}
		if (!ppp_recv(&f, next_req < deadline ? next_req : deadline)) {
			if (now_ms() >= deadline) {
				errno = 0;
				die("LCP did not open");
			}
			continue;
		}
		if (f.proto != PPP_LCP)
			continue;
		if (f.code == 1) {		/* the server's request: take it as it is */
			ppp_send(chan_fd, PPP_LCP, 2, f.id, f.data, f.len);
			lcp_peer_acked = true;
		} else if (f.code == 2 && f.id == lid) {
			lcp_acked = true;
		} else if (f.code == 4 && f.id == lid) {	/* Configure-Reject */
			for (size_t i = 0; i + 1 < f.len && f.data[i + 1] >= 2; i += f.data[i + 1]) {
				if (f.data[i] == 13)
					want_cb = false;
				if (f.data[i] == 17 || f.data[i] == 19)
					want_mp = false;
			}
			printf("lcp rejected:%s%s\n", want_cb ? "" : " callback", want_mp ? "" : " multilink");
			next_req = 0;
		}
	}
	printf("lcp open\n");
	flags = SC_COMP_PROT | SC_COMP_AC;
	if (ioctl(chan_fd, PPPIOCSFLAGS, &flags) < 0)
		die("PPPIOCSFLAGS on the channel");
	{
		static const char id1[] = "MSRASV5.20", id2[] = "MSRAS-0-WINCLIENT";
		uint8_t b[64];

		memcpy(b, magic, 4);
		memcpy(b + 4, id1, sizeof(id1) - 1);
		ppp_send(chan_fd, PPP_LCP, 12, ++lid, b, 4 + sizeof(id1) - 1);
		memcpy(b + 4, id2, sizeof(id2) - 1);
		ppp_send(chan_fd, PPP_LCP, 12, ++lid, b, 4 + sizeof(id2) - 1);
	}
	memset(&m, 0, sizeof(m));
	m.type = PPTP_SLI;
	m.sli.peer_call_id = peer_call;
	m.sli.send_accm = m.sli.recv_accm = 0xffffffff;
	ctl_send(&m, NULL);

	/* MS-CHAPv2. */
	for (;;) {
		if (!ppp_recv(&f, deadline)) {
			errno = 0;
			die("no MS-CHAPv2 challenge");
		}
		if (f.proto == PPP_CHAP && f.code == 1 && f.len >= 17 && f.data[0] == 16)
			break;
	}
	{
		uint8_t resp[1 + 49 + 64], peer_chal[16];
		size_t ul = strlen(user);

		if (getrandom(peer_chal, sizeof(peer_chal), 0) != sizeof(peer_chal))
			die("getrandom");
		chap_response(f.data + 1, peer_chal, user, pw);
		memset(resp, 0, sizeof(resp));
		resp[0] = 49;
		memcpy(resp + 1, peer_chal, 16);
		memcpy(resp + 1 + 24, nt_response, 24);
		memcpy(resp + 50, user, ul);
		ppp_send(chan_fd, PPP_CHAP, 2, f.id, resp, 50 + ul);
	}
	for (;;) {
		if (!ppp_recv(&f, deadline)) {
			errno = 0;
			die("no MS-CHAPv2 answer");
		}
		if (f.proto != PPP_CHAP)
			continue;
		if (f.code == 3)
			break;
		if (f.code == 4) {
			fprintf(stderr, "win-client: MS-CHAPv2 failure: %.*s\n", (int)f.len, f.data);
			return 1;
		}
	}
	printf("ms-chap-v2 ok\n");

	/* CCP (MPPE-128 stateless) and IPCP (address, DNS, NBNS) in one burst. */
	/*
	 * Both keys before any CCP frame passes: ppp_ccp_peek() starts the
	 * decompressor when the server's Configure-Ack of our request comes
	 * in (which can be before we read the server's own request), and the
	 * compressor when our Configure-Ack of its request goes out.
	 */
	flags = SC_CCP_OPEN;
	if (ioctl(unit_fd, PPPIOCSFLAGS, &flags) < 0)
		die("PPPIOCSFLAGS on the unit");
	mppe_set(true);
	mppe_set(false);
	static const uint8_t ccp_req[] = { 18, 6, 0x01, 0x00, 0x00, 0x40 };
	uint8_t ipcp_opts[30], cid = 1, iid = 1;
	uint32_t addr = 0, dns[2] = { 0 }, nbns[2] = { 0 }, server_addr = 0;
	bool want_dns = true, want_nbns = true, want_dns2 = true;
	bool ccp_acked = false, ccp_peer = false, ipcp_acked = false, ipcp_peer = false;
	long next_ccp = 0, next_ipcp = 0;

	while (!(ccp_acked && ccp_peer && ipcp_acked && ipcp_peer)) {
		long now = now_ms();

		if (!ccp_acked && now >= next_ccp) {
			ppp_send(unit_fd, PPP_CCP, 1, cid, ccp_req, sizeof(ccp_req));
			next_ccp = now + 3000;
		}
		if (!ipcp_acked && now >= next_ipcp) {
			size_t n = 0;

			ipcp_opts[n++] = 3, ipcp_opts[n++] = 6;
			memcpy(ipcp_opts + n, &addr, 4), n += 4;
			if (want_dns) {
				ipcp_opts[n++] = 129, ipcp_opts[n++] = 6;
				memcpy(ipcp_opts + n, &dns[0], 4), n += 4;
			}
			if (want_nbns) {
				ipcp_opts[n++] = 130, ipcp_opts[n++] = 6;
				memcpy(ipcp_opts + n, &nbns[0], 4), n += 4;
			}
			if (want_dns2) {
				ipcp_opts[n++] = 131, ipcp_opts[n++] = 6;
				memcpy(ipcp_opts + n, &dns[1], 4), n += 4;
			}
			ppp_send(unit_fd, PPP_IPCP, 1, iid, ipcp_opts, n);
			next_ipcp = now + 3000;
		}
		long wake = deadline;

		if (!ccp_acked && next_ccp < wake)
			wake = next_ccp;
		if (!ipcp_acked && next_ipcp < wake)
			wake = next_ipcp;
		if (!ppp_recv(&f, wake)) {
			if (now_ms() >= deadline) {
				errno = 0;
				die("CCP or IPCP did not open");
			}
			continue;
		}
		if (f.proto == PPP_CCP) {
			if (f.code == 1) {
				ppp_send(unit_fd, PPP_CCP, 2, f.id, f.data, f.len);
				ccp_peer = true;
			} else if (f.code == 2 && f.id == cid) {
				ccp_acked = true;
			} else if (f.code == 3 || f.code == 4) {
				fprintf(stderr, "win-client: the server refused MPPE-128 stateless\n");
				return 1;
			}
		} else if (f.proto == PPP_IPCP) {
			if (f.code == 1) {
				/* The server's own address: acknowledged. */
				for (size_t i = 0; i + 6 <= f.len && f.data[i + 1] >= 2; i += f.data[i + 1])
					if (f.data[i] == 3)
						memcpy(&server_addr, f.data + i + 2, 4);
				ppp_send(unit_fd, PPP_IPCP, 2, f.id, f.data, f.len);
				ipcp_peer = true;
			} else if (f.code == 2 && f.id == iid) {
				ipcp_acked = true;
			} else if ((f.code == 3 || f.code == 4) && f.id == iid) {
				for (size_t i = 0; i + 1 < f.len && f.data[i + 1] >= 2; i += f.data[i + 1]) {
					uint8_t t = f.data[i];
					const uint8_t *v = f.data + i + 2;

					if (f.code == 4) {	/* as Windows: go on without it */
						if (t == 3) {
							errno = 0;
							die("the server rejects IPCP's address option");
						}
						if (t == 129)
							want_dns = false;
						if (t == 130 || t == 132)
							want_nbns = false;
						if (t == 131)
							want_dns2 = false;
						continue;
					}
					if (f.data[i + 1] != 6)
						continue;
					if (t == 3)
						memcpy(&addr, v, 4);
					if (t == 129)
						memcpy(&dns[0], v, 4);
					if (t == 131)
						memcpy(&dns[1], v, 4);
					if (t == 130)
						memcpy(&nbns[0], v, 4);
				}
				iid++;
				next_ipcp = 0;
			}
		}
	}
	flags = SC_CCP_OPEN | SC_CCP_UP;
	if (ioctl(unit_fd, PPPIOCSFLAGS, &flags) < 0)
		die("PPPIOCSFLAGS CCP up");
	{
		struct npioctl np = { .protocol = PPP_IP, .mode = NPMODE_PASS };
		char a[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN], cmd[160];

		if (ioctl(unit_fd, PPPIOCSNPMODE, &np) < 0)
			die("PPPIOCSNPMODE");
		inet_ntop(AF_INET, &addr, a, sizeof(a));
		inet_ntop(AF_INET, &server_addr, s, sizeof(s));
		inet_ntop(AF_INET, &dns[0], d, sizeof(d));
		printf("ipcp up address %s server %s dns %s\n", a, s, d);
		printf("ipcp-up-ms %ld\n", now_ms() - t_ocrq);
		snprintf(cmd, sizeof(cmd), "ip addr add %s peer %s dev ppp%d && ip link set ppp%d up",
			 a, s, unit, unit);
		if (system(cmd))
			die("configure the interface");
	}
	inform_and_join(addr);
	fflush(stdout);
	ppp_service(now_ms() + hold * 1000, -1);

	/* Hang up as Windows does. */
	ppp_send(chan_fd, PPP_LCP, 5, ++lid, NULL, 0);
	for (long t = now_ms() + 1000; ppp_recv(&f, t);)
		if (f.proto == PPP_LCP && f.code == 6)
			break;
	memset(&m, 0, sizeof(m));
	m.type = PPTP_CCRQ;
	m.ccrq.call_id = my_call;
	ctl_send(&m, NULL);
	ctl_wait(PPTP_CDN, &m, now_ms() + 5000);
	memset(&m, 0, sizeof(m));
	m.type = PPTP_STOPCCRQ;
	m.stop.reason = PPTP_STOP_NONE;
	ctl_send(&m, NULL);
	ctl_wait(PPTP_STOPCCRP, &m, now_ms() + 5000);
	printf("cleared\n");
	return 0;
}
