/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpptpd: the PPTP control plane. One event-driven process (eloop.h:
 * epoll and a timer heap) for every control connection, one pppd per
 * call.
 */
#ifndef KPPTPD_H
#define KPPTPD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <linux/if_pppox.h>

#include "kpptp/authname.h"
#include "kpptp/conn.h"
#include "kpptp/dhcp.h"
#include "kpptp/nl.h"
#include "eloop.h"

#define KPPTPD_CONF		"/etc/kpptp/kpptpd.conf"
/* pppd's plugin directory for the pppd built against (the Makefile says). */
#ifndef KPPTPD_PLUGIN
#define KPPTPD_PLUGIN		"/usr/lib/pppd/kpptp.so"
#endif
#define KPPTPD_MAX_RANGES	16
#define KPPTPD_MAX_ALLOW	32

struct range {
	uint32_t first, last;		/* host order, inclusive */
};

struct cidr {
	uint32_t addr, mask;		/* host order */
};

/* Where a client may go (the Windows RAS "this computer only / entire
 * network" port setting); access.c. */
enum access_mode {
	ACCESS_ROUTED = 0,	/* kpptpd changes nothing: the admin routes */
	ACCESS_LOCAL,		/* this host only: nftables drops forwarding */
	ACCESS_NETWORK,		/* the LAN: pppd's proxyarp and ktune */
};

struct config {
	struct sockaddr_in listen;
	enum access_mode access;
	uint32_t local_ip;		/* host order; 0: not set */
	struct range ranges[KPPTPD_MAX_RANGES];
	unsigned int nranges;
	bool no_pool;			/* remote-ip none: pppd assigns */
	struct cidr allow[KPPTPD_MAX_ALLOW];
	unsigned int nallow;		/* 0: every source */
	char pppd[256], plugin[256], ppp_options[256], hostname[PPTP_NAME_LEN + 1];
	char control_socket[108];	/* "" : none */
	unsigned int max_connections, max_calls, max_calls_per_conn;
	unsigned int connect_rate;	/* per source per second; 0: off */
	unsigned int connect_burst;	/* at once, before connect-rate applies */
	/* Per source address (source.c); 0: no limit. */
	unsigned int max_sources, max_conns_per_source, max_calls_per_source;
	unsigned int max_starting, max_starting_per_source;
	unsigned int idle_timeout;	/* s without a call: the connection closes */
	unsigned int auth_fail_limit, auth_fail_window;	/* failures, s */
	unsigned int auth_fail_backoff, auth_fail_backoff_max;	/* s */
	unsigned int auth_fail_user_limit;	/* failures per user name; 0: off */
	unsigned int max_users;		/* names users.c keeps */
	unsigned int log_rate, log_burst;	/* lines per minute per source and kind */
	unsigned int pppd_kill_timeout;	/* s from SIGTERM to SIGKILL */
	unsigned int echo_interval, echo_failures;	/* s */
	unsigned int setup_timeout, stop_timeout;	/* s */
	unsigned int hello_timeout, message_timeout;	/* s */
	unsigned int tcp_timeout;	/* s, TCP_USER_TIMEOUT; 0: the kernel's */
	unsigned int recv_window;
	unsigned int gre_stall_timeout;	/* s; 0: off (health.c) */
	unsigned int anomaly_threshold;	/* per s; 0: off */
	/* DHCPINFORM answers (inform.c): routes and domain for every call. */
	bool dhcp_inform;		/* dhcp-inform on (the default) */
	struct dhcp_route push_routes[DHCP_MAX_ROUTES];	/* router 0: the call's end */
	unsigned int npush_routes;
	char dns_domain[254];		/* "": none */
	/* tcp-mss (mss.c): 0 off, TCP_MSS_AUTO, else the IPv4 MSS to clamp to. */
	unsigned int tcp_mss;
};
#define TCP_MSS_AUTO		1

/* config.c: 0, or -1 with "FILE:LINE: what" in err. */
int config_load(const char *path, struct config *cfg, char *err, size_t errlen);
void config_defaults(struct config *cfg);
/* A decimal lo..hi, nothing else on the string: the one number parser. */
bool parse_uint(const char *v, unsigned int lo, unsigned int hi, unsigned int *out);

/* log.c */
extern bool log_stderr;
extern int log_verbose;
void log_open(bool to_stderr);
void logmsg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* pool.c: remote addresses; one bit per address. */
struct pool {
	const struct range *ranges;
	unsigned int nranges;
	uint64_t size, used;
	uint8_t *bits;
};
int pool_init(struct pool *p, const struct range *r, unsigned int n);
void pool_free(struct pool *p);
/* 0 when empty; else a host-order address taken from the pool. */
uint32_t pool_get(struct pool *p);
void pool_put(struct pool *p, uint32_t addr);
/* Mark addr used (a live call's, after a reload); false if not in the pool. */
bool pool_take(struct pool *p, uint32_t addr);

struct daemon;
struct conn;

/* source.c: one entry per source address that holds or remembers anything. */
enum { SRC_LOG_PEER, SRC_LOG_LIMIT, SRC_LOG_PPPD, SRC_LOG_KINDS };

struct source {
	uint32_t addr;			/* host order */
	unsigned int conns, calls, starting;
	uint64_t connect_tat;		/* connect-rate bucket, us */
	unsigned int fails, penalties;	/* failed logins in the window; back-offs */
	char last_user[AUTHNAME_ESCAPED];	/* its last failed login's name */
	uint64_t fail_first, fail_last, blocked_until;	/* ms */
	struct {
		uint64_t tat;		/* us */
		uint64_t last;		/* ms of the last suppressed line */
		unsigned int suppressed;
	} log[SRC_LOG_KINDS];
	struct source *next;		/* hash chain */
};

/* Every limit that bit, since start (kpptpctl limits, metrics). */
struct source_stats {
	uint64_t refused_table_full, refused_conns, refused_rate, refused_total_conns;
	uint64_t refused_calls, refused_starting, refused_starting_total;
	uint64_t refused_blocked, refused_max_calls;
	uint64_t closed_idle, auth_failures, blocks, log_suppressed, pppd_killed;
	uint64_t user_blocks, refused_user_blocked, refused_users_full;	/* users.c */
};
extern struct source_stats source_stats;

void sources_init(void);
struct source *source_find(uint32_t addr);
/* Found or made; NULL when max-sources entries are live (counted). */
struct source *source_get(const struct config *cfg, uint32_t addr);
void source_release(const struct config *cfg, struct source *s);
unsigned int sources_count(void);
bool source_connect_ok(const struct config *cfg, struct source *s, uint64_t now);
uint64_t source_blocked_s(const struct source *s, uint64_t now);
/* user: the name the peer tried, %XX-escaped (kpptp.so), or NULL. */
void source_auth_failed(const struct config *cfg, uint32_t addr, const char *user,
			uint64_t now);
/* A back-off of auth-fail-backoff doubled `rounds` times, at most -max. */
uint64_t auth_backoff_ms(const struct config *cfg, unsigned int rounds);
/* How long after its last failure a source's or name's history counts. */
uint64_t auth_history_ms(const struct config *cfg);
bool source_unblock(uint32_t addr);
unsigned int sources_unblock_all(void);
void sources_sweep(const struct config *cfg, uint64_t now);
void sources_each(void (*fn)(struct source *s, void *arg), void *arg);
void sources_free(void);
const char *source_log_kind_str(unsigned int kind);
void source_log(const struct config *cfg, struct source *s, unsigned int kind, int level,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* users.c: failed logins per user name, across sources. */
#define USER_KNOWN	4			/* sources remembered per name */
#define USER_KNOWN_MS	(24 * 3600 * 1000ull)	/* for that long after a login */
struct user {
	char name[AUTHNAME_ESCAPED];	/* as kpptp.so escaped it */
	unsigned int fails, penalties;	/* failed logins in the window; back-offs */
	uint64_t fail_first, fail_last, blocked_until;	/* ms */
	uint32_t last_source;		/* of the last failed login, host order */
	struct {
		uint32_t addr;		/* host order */
		uint64_t at;		/* ms of its last login; 0: empty */
	} known[USER_KNOWN];		/* let in while the name is blocked */
	struct user *next;		/* hash chain */
};

/* Is known[i] a source the name logged in from within USER_KNOWN_MS? */
static inline bool user_known_fresh(const struct user *u, unsigned int i, uint64_t now)
{
	return u->known[i].at && now - u->known[i].at < USER_KNOWN_MS;
}

void users_init(void);
struct user *user_find(const char *name);
struct user *user_get(const struct config *cfg, const char *name);
unsigned int users_count(void);
void user_auth_failed(const struct config *cfg, const char *name, uint32_t addr, uint64_t now);
void user_auth_ok(const struct config *cfg, const char *name, uint32_t addr, uint64_t now);
/* Seconds a login as name from addr is still refused; 0: let it be checked. */
uint64_t user_refused_s(const struct config *cfg, const char *name, uint32_t addr, uint64_t now);
uint64_t user_blocked_s(const struct user *u, uint64_t now);
bool user_unblock(const char *name);
unsigned int users_unblock_all(void);
void users_sweep(const struct config *cfg, uint64_t now);
void users_each(void (*fn)(struct user *u, void *arg), void *arg);
void users_free(void);

/* What kpptp.ko's events say about a live call (health.c). */
enum call_health { HEALTH_OK, HEALTH_STALLED, HEALTH_ICMP, HEALTH_LOSSY };

/* Timers a call owns (kill_timer, health_timer), reserved when it is made. */
#define CALL_TIMERS		2

/* One call: its kernel session, its pppd, what pppd told us. */
struct call {
	struct daemon *d;
	const struct conn_role *role;	/* its connection's */
	struct io status_io;		/* its status pipe */
	struct conn *conn;		/* NULL once the call ended */
	struct pptp_call *pc;		/* NULL once the call ended */
	char conn_name[32];		/* for log lines after that */
	uint16_t local_id, peer_id;
	uint32_t session_id;		/* kernel handle, 0: none */
	struct call *session_next;	/* session.c's index by session_id */
	uint32_t remote_ip;		/* from the pool, host order; 0: none */
	uint32_t ppp_remote;		/* what IPCP agreed (ip-up); 0: not yet */
	char ppp_remote6[48];		/* IPv6CP's link-local (ip6-up); "": not up */
	int sock;			/* PPPoX socket until pppd has it */
	pid_t pppd;			/* 0: not running */
	int status_fd;			/* pppd's kpptp-status-fd, read end */
	char status_buf[256];
	size_t status_len;
	char ifname[16];
	char user[AUTHNAME_ESCAPED];	/* as kpptp.so escaped it */
	enum access_mode access;	/* the configuration's when it started */
	uint32_t access_addr[2];	/* access local: pool and ip-up address */
	char access_if[16];		/* access local: the interface added */
	uint64_t started_ms;
	bool rx_seen;			/* client: the kernel counted GRE from the server */
	bool server_cleared;		/* client: the server's CDN ended it */
	uint64_t kill_at_ms;		/* client: SIGTERM its pppd then, 0: not */
	struct source *src;		/* counted there while the call lives */
	uint32_t src_addr;		/* the peer's, host order, for its pppd's exit */
	bool starting;			/* not authenticated yet (max-starting) */
	bool auth_failed;		/* kpptp.so said so: counted already */
	struct timer kill_timer;	/* SIGTERM sent: SIGKILL when it fires */
	struct timer health_timer;	/* not ok: look for recovery (health.c) */
	struct pppd_out {
		struct io io;
		int fd;			/* pppd's stdout and stderr, read end */
		char buf[256];
		size_t len;
	} out;
	enum call_health health;
	char health_why[200];		/* the evidence, as logged */
	uint64_t health_rx;		/* the peer's GRE packets when it changed */
	uint64_t anomalies;		/* lost + late + out-of-order, from events */
	uint64_t lossy_logged_ms;
	struct inform *inform;		/* DHCPINFORM answers (inform.c); NULL: none */
	unsigned int tcp_mss;		/* the configuration's when it started */
	unsigned int path_mtu;		/* what kpptp.so found (path-mtu), 0: not yet */
	unsigned int mss_mtu;		/* the clamp in place (mss.c), 0: none */
	char mss_if[16];		/* ... on this interface */
	struct call *next;		/* daemon's list */
};

/*
 * What differs between the roles of a control connection (transport.c):
 * the state machine's callbacks, what its end means, whether a
 * connection without calls is stopped (idle-timeout).
 */
struct conn_role {
	enum pptp_role role;
	const struct pptp_conn_ops *ops;
	void (*closed)(struct conn *c, enum pptp_end why);	/* may be NULL */
	bool idle_timeout;
	/*
	 * Its calls (call.c). per_source: limits, failed logins and pppd's
	 * log lines count against the peer's address (server.c); the
	 * access setting applies. keeps_socket: the call's socket and
	 * session stay while pppd runs (the client reads their counters
	 * after pppd gave up: "no GRE ever arrived").
	 */
	bool per_source, keeps_socket;
	const char *no_pool_address;	/* where the address comes from, for the log */
	/* The call is up, before pppd starts: 0, or -1 (hung up). */
	int (*call_attach)(struct conn *c, struct call *call, struct pptp_call *pc);
	/* In pppd's child: the role's options after the common ones, exec. */
	void (*pppd_exec)(struct daemon *d, const struct call *call, const char **argv, int n);
	/* The call ended; true when its running pppd may end by itself. */
	bool (*call_ended)(struct conn *c, struct call *call, struct pptp_call *pc,
			   enum pptp_end why);
	/* Its pppd was reaped; ended: its call had ended before. */
	void (*pppd_exited)(struct daemon *d, struct call *call, int st, bool ended);
	/* LCP is up (pppd named the interface). */
	void (*link_up)(struct conn *c, struct call *call);
};
extern const struct conn_role server_role, client_role;

/* One control connection. */
struct conn {
	const struct conn_role *role;
	struct io io;
	struct timer timer;		/* its nearest deadline (conn_rearm) */
	struct conn *dirty_next;	/* touched in this wakeup: rearm after */
	bool dirty;
	struct daemon *d;
	int fd;
	struct sockaddr_in peer, local;
	char name[32];			/* "ADDR:PORT" for logs */
	uint8_t rx[PPTP_MSG_MAX_LEN];
	size_t rx_len;
	uint8_t tx[4096];
	size_t tx_len;
	uint64_t accepted_ms, msg_start_ms;	/* msg_start: 0 = none pending */
	bool got_message, dead;
	uint64_t last_call_ms;		/* a call placed or ended (idle-timeout) */
	struct source *src;		/* server: counted there */
	struct pptp_conn pc;
	struct conn *next;
};

/* kpptpd --client's command line. */
struct client_opts {
	struct sockaddr_in server;
	bool persist;
	unsigned int connect_timeout;	/* s */
	unsigned int max_protocol_tries;
	char **pppd_args;		/* the user's pppd options */
	int npppd_args;
};

/* client.c: the client role's own state (kpptpd --client). */
struct client_state {
	struct client_opts opts;
	int connect_fd;			/* connect() in progress, else -1 */
	uint64_t connect_deadline, redial_at;	/* 0: none */
	unsigned int tries, protocol_failures, backoff;
	uint64_t call_up_ms;		/* when this attempt's call came up, 0: not */
	int exit_code;			/* the outcome once known, else -1 */
	bool exit_now, hangup;
};

struct daemon {
	struct config cfg;
	const char *conf_path;
	struct eloop loop;
	int listen_fd, signal_fd, ctl_fd;
	struct kpptp_nl nl;
	bool have_nl;			/* kpptp.ko's netlink family */
	struct kpptp_nl events;		/* its "events" group (health.c) */
	bool have_events;
	struct pool pool;
	struct conn *conns;
	struct conn *dirty;		/* conns to rearm after this wakeup */
	unsigned int nconns, ncalls;
	unsigned int nstarting;		/* calls not authenticated yet */
	struct timer sweep_timer;	/* sources_sweep */
	struct timer resume_timer;	/* listeners paused: resume then */
	struct call *calls;
	struct call *dead_calls;	/* freed after the current epoll batch */
	struct call *exiting;		/* ended, their pppd not reaped yet */
	unsigned int nexiting;
	bool stopping;
	uint64_t stop_deadline;
	bool client;			/* kpptpd --client: cl is in use */
	struct client_state cl;
	unsigned long long nofile;	/* RLIMIT_NOFILE in force (limits.c) */
	bool accept_paused;		/* out of descriptors: resume_timer armed */
	uint64_t accept_paused_logged;	/* when that was last logged */
	unsigned int accept_pauses;	/* since then */
	char exe[256];			/* the binary a restart runs by default */
	bool foreground;		/* -f: a restart keeps it */
	uint64_t restarts;		/* hand-overs this process went through */
};

/* handover.c: restart in place (kpptpctl daemon restart). */
/* Hand everything to binary (NULL: d->exe); returns only if it did not
 * happen, with why in err. reply_fd: the admin's, answered by the new one. */
int handover_restart(struct daemon *d, const char *binary, int reply_fd, char *err,
		     size_t errlen);
/* In the new binary: take the state in fd over. 0, or -1 (logged). */
int handover_resume(struct daemon *d, int fd, int fallback_fd, char **argv);
/* Start-up of the new binary failed before the state: back to the old one. */
void handover_fallback(int fallback_fd, char **argv, const char *why);

uint64_t now_ms(void);

/* limits.c: RLIMIT_NOFILE up to its hard limit; the old one for children. */
void limits_raise(struct daemon *d);
void limits_restore_child(void);

/* server.c: the listener and who may connect. */
int server_listen(struct daemon *d);
/* Out of descriptors: both listeners unwatched for 1 s; the tick resumes. */
void listeners_pause(struct daemon *d, const char *which);
int server_adopt(struct daemon *d, int fd);
/* transport.c: a control connection, either role. */
/* After each wakeup: touched connections' timers re-armed, closed ones freed. */
void conns_settle(struct daemon *d);
/* The connection's deadlines may have moved: rearm it after this wakeup. */
void conn_touch(struct conn *c);
struct conn *conn_new(struct daemon *d, int fd, const struct sockaddr_in *peer,
		      const struct conn_role *role);
struct pptp_conn_cfg conn_cfg(const struct daemon *d, const struct conn_role *role,
			      uint16_t max_calls);
struct conn *conn_alloc_restored(struct daemon *d, const struct conn_role *role);

/* kpptpd --client exit statuses, one per way a call fails (kpptpd.8). */
enum {
	KPPTPD_EXIT_OK = 0,
	KPPTPD_EXIT_START = 1,
	KPPTPD_EXIT_USAGE = 2,
	KPPTPD_EXIT_NO_ANSWER = 3,
	KPPTPD_EXIT_TCP_REFUSED = 4,
	KPPTPD_EXIT_NOT_PPTP = 5,
	KPPTPD_EXIT_CTRL_REFUSED = 6,
	KPPTPD_EXIT_CALL_REFUSED = 7,
	KPPTPD_EXIT_AUTH = 8,
	KPPTPD_EXIT_NO_GRE = 9,
	KPPTPD_EXIT_PPP = 10,
	KPPTPD_EXIT_SERVER_ENDED = 11,
	KPPTPD_EXIT_VERSION = 12,	/* the server speaks another PPTP version */
	KPPTPD_EXIT_CALL_TIMEOUT = 13,	/* no answer to the Outgoing-Call-Request */
};
const char *kpptpd_exit_str(int code);

/* server.c: the server role's calls. */
void server_pppd_exec(struct daemon *d, const struct call *call, const char **argv, int n);

/* inform.c: DHCPINFORM answers, per call, once its IPv4 is up. */
struct inform_stats {
	uint64_t answered;
	uint64_t not_inform;		/* a DISCOVER, REQUEST...: a DHCP server's */
	uint64_t wrong_source;		/* not from (or ciaddr not) the call's address */
	uint64_t malformed;		/* dhcp_decode() refused it */
	uint64_t rate_limited;		/* over the call's answer rate */
	uint64_t send_failed;
	uint64_t no_socket;		/* port 67 could not be bound on the interface */
};
extern struct inform_stats inform_stats;
/* A status line of kpptp.so's about the user's routes, domain, DNS; false: not one. */
bool inform_status_line(struct call *call, const char *line);
/* LCP is up, pppd named the interface: bind there (read from ip-up on). */
void inform_listen(struct daemon *d, struct call *call, const char *ifname);
/* IPv4 is up, local and remote in host order: answer from now on. */
void inform_start(struct daemon *d, struct call *call, uint32_t local, uint32_t remote);
void inform_free(struct daemon *d, struct call *call);
struct state_out;
struct state_rec;
void inform_save(struct state_out *o, const struct call *call, unsigned int idx);
bool inform_load(struct call *call, struct state_rec *r);
void inform_adopt(struct daemon *d, struct call *call);
int inform_fd(const struct call *call);
void inform_forget(struct call *call);

/* call.c: a PPTP socket's address (AF_PPPOX, PX_PROTO_PPTP). */
struct sockaddr_pppox call_sockaddr(struct in_addr a, uint16_t call_id);
/* call.c, in pppd's child: argv[0..n) then extra[0..nextra); returns on failure. */
void call_exec(const char *path, const char **argv, int n, char **extra, int nextra);

/* client.c: the client role (kpptpd --client). */
int client_call_attach(struct conn *c, struct call *call, struct pptp_call *pc);
void client_pppd_exec(struct daemon *d, const struct call *call, const char **argv, int n);
bool client_call_ended(struct conn *c, struct call *call, struct pptp_call *pc,
		       enum pptp_end why);
void client_pppd_exited(struct daemon *d, struct call *call, int st, bool ended);
void client_link_up(struct conn *c, struct call *call);
int client_start(struct daemon *d);
void client_connected(struct daemon *d);
void client_established(struct conn *c);
void client_closed(struct conn *c, enum pptp_end why);
void client_pppd_exit(struct daemon *d, struct call *call, int status);
/* How long the client's pppd may outlive a call the server cleared. */
#define KPPTPD_PPPD_GRACE_MS	3000
void client_call_down(struct conn *c, struct pptp_call *pc, enum pptp_end why);
void client_tick(struct daemon *d, uint64_t now);
uint64_t client_deadline(struct daemon *d);
int call_dial(struct conn *c);

/* access.c: "access local" through nftables. Each returns 0, or -1
 * having logged why; the call is then refused or ended. */
int access_add_addr(uint32_t addr);
void access_del_addr(uint32_t addr);
int access_add_if(const char *ifname);
void access_del_if(const char *ifname);
void access_fini(void);
void access_adopt(void);

/* nft.c: one libnftables command for who's table; what NULL: a quiet
 * query (0: it succeeded). 0, or -1 logged. */
int nftx_cmd(const char *who, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void nftx_fini(void);

/* mss.c: tcp-mss through nftables. mss_set: 0, or -1 logged. */
int mss_set(struct call *call, const char *ifname, unsigned int mtu);
void mss_clear(struct call *call);
void mss_adopt(void);
void mss_client(void);
void mss_fini(void);
unsigned int mss_if_mtu(const char *ifname);
const char *access_str(enum access_mode m);

/* ctl.c: the admin's control socket (kpptpctl calls). */
#define KPPTPD_CONTROL_SOCKET	"/run/kpptpd.sock"
int ctl_listen(struct daemon *d);
void ctl_accept(struct daemon *d);
void ctl_watch(struct daemon *d, bool on);
void ctl_close(struct daemon *d);
int ctl_adopt(struct daemon *d, int fd);
void ctl_clients_free(struct daemon *d);

/* call.c */
/* 0, or -1 (out of memory): a new call's timers reserved in the loop. */
int call_admit(struct conn *c, struct pptp_call *pc, uint8_t *result, uint8_t *error);
void call_start(struct conn *c, struct pptp_call *pc);
void call_end(struct conn *c, struct pptp_call *pc, enum pptp_end why);
void calls_reap_children(struct daemon *d);
void calls_free_dead(struct daemon *d);
/* session.c: the calls' kernel sessions (kpptp.ko's netlink family). */
/* Sets call->session_id and indexes it; ksession_del undoes both. */
int ksession_new(struct daemon *d, struct call *call, const struct conn *c,
		 const struct pptp_call *pc, uint16_t want_id, struct kpptp_session_msg *m);
void ksession_del(struct daemon *d, struct call *call);
void ksession_adopt(struct call *call);
/* The call whose kernel session is id (health.c's events), or NULL. */
struct call *ksession_call(uint32_t id);
int ksession_stats(struct daemon *d, uint32_t id, struct kpptp_session_msg *m);
/* What kpptpctl calls shows of a session. */
struct ksession_counters {
	uint32_t id;
	uint64_t rx_bytes, tx_bytes, rx_packets, tx_packets, rx_lost;
};
/* Every session's counters in one dump, sorted by ID (free *v); 0 or -1. */
int ksessions_dump(struct daemon *d, struct ksession_counters **v, size_t *n);
const struct ksession_counters *ksessions_find(const struct ksession_counters *v, size_t n,
					       uint32_t id);

/* The call's kernel session counters (stats-get). 0, or -1 with m empty. */
int call_stats(struct daemon *d, const struct call *call, struct kpptp_session_msg *m);
/* GRE packets the kernel took for this call; -1: cannot tell (no netlink). */
int64_t call_rx_packets(struct daemon *d, const struct call *call);
/* At the end of a stop: SIGKILL the pppds that ignored SIGTERM. */
void calls_kill_exiting(struct daemon *d);
/* SIGTERM now, SIGKILL pppd-kill-timeout later if it is still there. */
void call_term_pppd(struct call *call);
/* No longer starting: kpptp.so said the peer authenticated, or the call ended. */
void call_started(struct daemon *d, struct call *call);
struct call *call_alloc_restored(struct daemon *d);

/* health.c: live call health from kpptp.ko's events. */
int health_start(struct daemon *d);
void health_stop(struct daemon *d);
void health_watch(struct daemon *d, struct call *call);
/* call->health_timer's callback. */
void health_recheck(struct daemon *d, struct timer *t, uint64_t now);
const char *health_str(enum call_health h);


#endif /* KPPTPD_H */
