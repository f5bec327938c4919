# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared helpers of the guest selftests: KTAP output, namespaces, tunnels,
# counters and bounded waits. Sourced by every selftests/*.sh.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=$REPO/build/bin
# Built per kernel by tools/kernel/build-module.sh.
KPPTP_KO=$REPO/build/modules/$(uname -r)/kpptp.ko
KSFT_PASS=0 KSFT_FAIL=1 KSFT_SKIP=4

_ktap_n=0 _ktap_pass=0 _ktap_fail=0 _ktap_skip=0
_cleanups=()

ktap_header() { echo "TAP version 13"; }
ktap_plan() { _ktap_planned=$1; echo "1..$1"; }
ktap_pass() { _ktap_n=$((_ktap_n + 1)); _ktap_pass=$((_ktap_pass + 1)); echo "ok $_ktap_n $*"; }
ktap_fail() { _ktap_n=$((_ktap_n + 1)); _ktap_fail=$((_ktap_fail + 1)); echo "not ok $_ktap_n $*"; }
ktap_skip() { _ktap_n=$((_ktap_n + 1)); _ktap_skip=$((_ktap_skip + 1)); echo "ok $_ktap_n $1 # SKIP ${2:-}"; }

# ktap_check "description" command...: one test point from a command's status
# (returned too, so that a failure can print what explains it).
ktap_check() {
	local desc=$1; shift
	if "$@"; then ktap_pass "$desc"; else ktap_fail "$desc"; return 1; fi
}

# ktap_eq "description" expected actual
ktap_eq() {
	if [[ $2 == "$3" ]]; then
		ktap_pass "$1"
	else
		echo "# $1: expected '$2', got '$3'"
		ktap_fail "$1"
	fi
}

# ktap_ge "description" minimum actual
ktap_ge() {
	if [[ $3 =~ ^[0-9]+$ ]] && (($3 >= $2)); then
		ktap_pass "$1"
	else
		echo "# $1: expected at least $2, got '$3'"
		ktap_fail "$1"
	fi
}

ktap_finish() {
	echo "# Totals: pass:$_ktap_pass fail:$_ktap_fail xfail:0 xpass:0 skip:$_ktap_skip error:0"
	if ((_ktap_fail)); then exit $KSFT_FAIL; fi
	# A test that skipped points by mistake must not pass.
	if [[ -n ${_ktap_planned:-} && $_ktap_n != "$_ktap_planned" ]]; then
		echo "# planned $_ktap_planned points, ran $_ktap_n"
		exit $KSFT_FAIL
	fi
	if ((_ktap_pass == 0 && _ktap_skip)); then exit $KSFT_SKIP; fi
	exit $KSFT_PASS
}

# ktap_skip_rest REASON: skip every planned point not yet run, and finish
# (a kernel without what the test needs; the reason is printed per point).
ktap_skip_rest() {
	while ((_ktap_n < ${_ktap_planned:-0})); do
		ktap_skip "point $((_ktap_n + 1))" "$1"
	done
	ktap_finish
}

# Bail out of the whole test (setup failed): one failing point, exit 1.
ktap_bail() {
	echo "Bail out! $*"
	exit $KSFT_FAIL
}

defer() { _cleanups+=("$*"); }
_run_cleanups() {
	local i
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_cleanups[i]}" >/dev/null 2>&1 || true
	done
}
trap _run_cleanups EXIT

# Echo what runs, so the log reads as a transcript.
run() { echo "# \$ $*" >&2; "$@"; }

# nsexec NS command...: run in a namespace, echoing it.
nsexec() { local ns=$1; shift; echo "# [$ns] $*" >&2; ip netns exec "$ns" "$@"; }

# uptime_s: whole seconds since boot, monotonic (bash's SECONDS follows
# the wall clock, which may be stepped while a test waits).
uptime_s() { local up _; read -r up _ </proc/uptime; echo "${up%.*}"; }

# wait_for SECONDS command...: poll (every 0.1 s) until command succeeds.
wait_for() {
	local deadline=$(($(uptime_s) + $1)); shift
	until "$@" >/dev/null 2>&1; do
		(($(uptime_s) < deadline)) || return 1
		sleep 0.1
	done
}

# listening NS PORT: a TCP socket in NS listens on PORT.
listening() { ip netns exec "$1" netstat -ltn | grep -q ":$2 "; }

# wait_monitors NS COUNT: until COUNT generic-netlink sockets in NS have
# joined a multicast group (kpptpctl monitor subscribes after resolving the
# family: an event sent before that is not seen). /proc/net/netlink shows
# the namespace's sockets, Groups the first 32 group bits; kpptp's events
# group has a low number (8 on 6.1).
monitors_joined() {
	local n
	n=$(ip netns exec "$1" awk '$2 == 16 && $4 != "00000000"' /proc/net/netlink | wc -l)
	((n >= $2))
}
wait_monitors() {
	wait_for 10 monitors_joined "$1" "$2" ||
		ktap_bail "kpptpctl monitor in $1 did not join the events group within 10 s"
}

load_ppp_modules() {
	modprobe -a ppp_generic pppox gre veth || ktap_bail "modprobe ppp_generic pppox gre veth"
}

load_kpptp() {
	load_ppp_modules
	if [[ ${KPPTP_MODULE:-} == pptp ]]; then	# the in-tree module, for comparison
		modprobe pptp || ktap_bail "modprobe pptp"
		return
	fi
	if ! grep -q '^kpptp ' /proc/modules; then
		insmod "$KPPTP_KO" "$@" || ktap_bail "insmod $KPPTP_KO"
	fi
}

# now_ms: wall time in ms (busybox's date has no %N).
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# sessions_batch N NET: "kpptpctl -b" lines that add N netlink sessions
# from 198.51.100.1 to 50 peers NET.1..NET.50, peer call IDs counting up
# per peer; the kernel picks every local call ID (unique per peer only).
sessions_batch() {
	awk -v n="$1" -v net="$2" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "session add local 198.51.100.1 peer %s.%d peer-call %d\n",
				net, 1 + i % 50, 1 + int(i / 50)
	}'
}

# new_ns VAR: make a namespace with loopback up and IPv6 off (so no router
# solicitation or DAD traffic perturbs exact counters); name in VAR.
new_ns() {
	local name
	name="kp$RANDOM$RANDOM"
	ip netns add "$name" || ktap_bail "ip netns add"
	defer "ip netns del $name"
	ip -n "$name" link set lo up
	ip netns exec "$name" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	printf -v "$1" '%s' "$name"
}

# ipv6_on NS...: IPv6 back on in each (new_ns turns it off), for the ppp
# interfaces to come.
ipv6_on() {
	local ns
	for ns in "$@"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
			net.ipv6.conf.default.disable_ipv6=0
	done
}

# veth_ns NS_A DEV_A ADDR_A/PLEN NS_B DEV_B ADDR_B/PLEN [MTU]: a veth pair
# between two namespaces, addressed and up.
veth_ns() {
	local a=$1 da=$2 aa=$3 b=$4 db=$5 ba=$6 mtu=${7:-1500}
	ip link add "$da" netns "$a" type veth peer name "$db" netns "$b" ||
		ktap_bail "veth $da-$db"
	ip -n "$a" addr add "$aa" dev "$da"
	ip -n "$b" addr add "$ba" dev "$db"
	ip -n "$a" link set "$da" mtu "$mtu" up
	ip -n "$b" link set "$db" mtu "$mtu" up
}

# link_ns NS_A ADDR_A NS_B ADDR_B [MTU]: the tests' main link, kpv0-kpv1, /24.
link_ns() {
	veth_ns "$1" kpv0 "$2/24" "$3" kpv1 "$4/24" "${5:-1500}"
}

# start_tunnel NS LOCAL PEER CALL PEER_CALL INNER_LOCAL INNER_PEER [pptp-static options]
# Starts pptp-static in NS; sets TUN_IF and TUN_PID.
start_tunnel() {
	local ns=$1 local=$2 peer=$3 call=$4 pcall=$5 il=$6 ip_=$7
	shift 7
	local out=/tmp/tun.$ns.$call
	# The child truncates $out only once it runs: a stale file from an
	# earlier tunnel must not satisfy the wait below.
	rm -f "$out"
	ip netns exec "$ns" "$BIN/pptp-static" --local "$local" --peer "$peer" \
		--call "$call" --peer-call "$pcall" "$@" >"$out" 2>&1 &
	TUN_PID=$!
	defer "kill $TUN_PID; wait $TUN_PID"
	if ! wait_for 10 grep -q '^ppp' "$out"; then
		cat "$out" >&2
		return 1
	fi
	TUN_IF=$(awk '/^ppp/ {print $1; exit}' "$out")
	ip -n "$ns" addr add "$il" peer "$ip_" dev "$TUN_IF" || return 1
	ip -n "$ns" link set "$TUN_IF" mtu 1400 up || return 1
}

# sess NS CALL FIELD: one field of a session's line in /proc/net/kpptp.
sess() {
	ip netns exec "$1" awk -v c="$2" -v f="$3" '
		$1 == "call" && $2 == c { for (i = 1; i < NF; i += 2) if ($i == f) { print $(i + 1); exit } }
	' /proc/net/kpptp
}

# sess_ge NS CALL FIELD MIN: true once the counter reached MIN (for wait_for).
sess_ge() {
	local v
	v=$(sess "$1" "$2" "$3")
	[[ $v =~ ^[0-9]+$ ]] && ((v >= $4))
}

# netstat_kpptp NS FIELD: a namespace counter from /proc/net/kpptp_stats.
netstat_kpptp() {
	ip netns exec "$1" awk -v f="$2" '$1 == f { print $2 }' /proc/net/kpptp_stats
}

# iperf_run NS_CLIENT SERVER_ADDR NS_SERVER [iperf3 client options]: prints
# the received Mbit/s (integer); fails if iperf3 fails. With IPERF_JSON
# set, iperf3's whole report is written to that file too.
iperf_run() {
	local nc=$1 addr=$2 nsrv=$3 json mbps
	shift 3
	ip netns exec "$nsrv" iperf3 -s -1 -D -I "/tmp/iperf.$nsrv.pid" >/dev/null 2>&1 ||
		return 1
	wait_for 5 listening "$nsrv" 5201
	json=$(ip netns exec "$nc" timeout 60 iperf3 -c "$addr" -J "$@") || {
		echo "$json" | grep -m1 '"error"' >&2
		return 1
	}
	[[ -z ${IPERF_JSON:-} ]] || printf '%s\n' "$json" >"$IPERF_JSON"
	mbps=$(echo "$json" | grep -A12 '"sum_received"' | awk -F'[:,]' '/bits_per_second/ { printf "%d", $2 / 1e6; exit }')
	[[ -n $mbps ]] || mbps=$(echo "$json" | grep -A12 '"sum"' | awk -F'[:,]' '/bits_per_second/ { printf "%d", $2 / 1e6; exit }')
	echo "${mbps:-0}"
}

# kpptpd_setup DIR [kpptpd.conf lines...]: a kpptpd server's files in DIR:
# chap-secrets user alice (password s3cret-Pw) for server kpptpd, pppd
# options requiring MS-CHAPv2 and MPPE-128, and DIR/kpptpd.conf listening
# on 198.51.100.1 with local-ip 203.0.113.1 plus the given lines.
kpptpd_setup() {
	local dir=$1
	shift
	printf '%s\n' 'alice kpptpd s3cret-Pw *' >/etc/ppp/chap-secrets
	chmod 600 /etc/ppp/chap-secrets
	defer "rm -f /etc/ppp/chap-secrets"
	printf '%s\n' 'name kpptpd' auth require-mschap-v2 require-mppe-128 refuse-pap \
		refuse-chap refuse-mschap nodefaultroute 'lcp-echo-interval 0' >"$dir/options.pptp"
	printf '%s\n' 'listen 198.51.100.1' 'local-ip 203.0.113.1' \
		"plugin $REPO/build/lib/kpptp.so" "ppp-options $dir/options.pptp" "$@" \
		>"$dir/kpptpd.conf"
}

# kpptpd.conf lines that lift kpptpd's per-source limits, for tests whose
# many clients all come from one address (scale, descriptors, dial race).
KPPTPD_ONE_SOURCE=('connect-rate 0' 'max-connections-per-source 100000'
	'max-calls-per-source 65535' 'max-starting 65535' 'max-starting-per-source 65535'
	'log-rate 0')

# kpptpd_start NS DIR: kpptpd -f -v with DIR/kpptpd.conf in NS, its log in
# DIR/server.log; KPPTPD is its PID (ip netns exec execs it: signals reach
# kpptpd itself). Fails if it is not listening within 10 s.
kpptpd_start() {
	ip netns exec "$1" "$BIN/kpptpd" -f -v -c "$2/kpptpd.conf" >"$2/server.log" 2>&1 &
	KPPTPD=$!
	defer "kill $KPPTPD; wait $KPPTPD"
	wait_for 10 grep -q 'listening on' "$2/server.log" || { cat "$2/server.log" >&2; return 1; }
}

# kpptpd_pair: the module (kpptp.ko, or KPPTP_MODULE=pptp) and ppp_mppe
# loaded; namespaces S (server, 198.51.100.1) and C (client, 198.51.100.2)
# joined by veth; a scratch directory WORK, removed at exit.
kpptpd_pair() {
	load_kpptp
	modprobe ppp_mppe || ktap_bail "modprobe ppp_mppe"
	new_ns S
	new_ns C
	link_ns "$S" 198.51.100.1 "$C" 198.51.100.2
	WORK=$(mktemp -d)
	defer "rm -rf $WORK"
}

gone() { ! kill -0 "$1" 2>/dev/null; }
# has_addr NS REGEX: an interface in NS has an IPv4 address matching REGEX.
has_addr() { ip -n "$1" -4 addr show | grep -qE "inet $2"; }
pppd_count() { pidof pppd | wc -w; }
no_pppd() { [[ $(pppd_count) == 0 ]]; }

# finished PID: wait for it (60 s, then SIGKILL, said); its status in ST.
finished() {
	if ! wait_for 60 gone "$1"; then
		echo "# pid $1 still running after 60 s: killed"
		kill -9 "$1"
	fi
	wait "$1"
	ST=$?
}

# bind_into_root ROOT DIR...: bind each /DIR of the guest onto ROOT/DIR
# (the Debian 13 root shared read-only), undone at exit, so that programs
# chrooted there see the guest's devices, scratch files and pppd config.
bind_into_root() {
	local root=$1 d
	shift
	for d in "$@"; do
		mount --bind "/$d" "$root/$d" || ktap_bail "bind /$d into $root"
		defer "umount -l $root/$d"
	done
}

# pptpd_start NS DIR: Debian's pptpd in NS on 198.51.100.1 with DIR's
# pppd options (kpptpd_setup's) and DIR/pptpd.conf (localip 203.0.113.1,
# remoteip and more from PPTPD_CONF lines); fails unless it listens
# within 10 s. Its children (pptpctrl) are ended at exit too.
pptpd_start() {
	printf '%s\n' "${PPTPD_LOCAL-localip 203.0.113.1}" \
		"${PPTPD_CONF[@]:-remoteip 203.0.113.10-11}" >"$2/pptpd.conf"
	ip netns exec "$1" pptpd -f -c "$2/pptpd.conf" -o "$2/options.pptp" \
		-l 198.51.100.1 -p "$2/pptpd.pid" >"$2/pptpd.log" 2>&1 &
	defer "kill $!; wait $!; pkill -x pptpctrl"
	wait_for 10 listening "$1" 1723
}

# pptp_linux_dial NS LOG PASSWORD: Debian's pptp-linux in NS dialling
# 198.51.100.1 as alice with pppd, MPPE-128 required, logging to LOG;
# PPTP_CLIENT is pppd's PID.
pptp_linux_dial() {
	ip netns exec "$1" pppd pty "pptp 198.51.100.1 --nolaunchpppd" \
		name alice password "$3" remotename kpptpd require-mppe-128 \
		refuse-pap refuse-chap refuse-mschap noauth nodetach nodefaultroute \
		lcp-echo-interval 0 logfile "$2" >>"$2" 2>&1 &
	PPTP_CLIENT=$!
}

# kpptpd_client LOG PASSWORD [SERVER [kpptpd options...]]: kpptpd --client
# in $C dialling SERVER (default 198.51.100.1) as alice, MPPE-128 required,
# plus the pppd options in $EXTRA_PPP; CLIENT is its PID.
kpptpd_client() {
	local log=$1 pw=$2 server=${3:-198.51.100.1}
	shift $(($# < 3 ? $# : 3))
	# shellcheck disable=SC2086
	ip netns exec "$C" "$BIN/kpptpd" --client "$server" --plugin "$REPO/build/lib/kpptp.so" \
		"$@" -- name alice password "$pw" remotename kpptpd require-mppe-128 \
		refuse-pap refuse-chap refuse-mschap noauth nodefaultroute \
		lcp-echo-interval 0 ${EXTRA_PPP:-} >"$log" 2>&1 &
	CLIENT=$!
}

# snmp NS GROUP FIELD: a counter of /proc/net/snmp in NS (GROUP: Ip, Tcp,
# Udp...; the first line of a group names its fields, the second holds them).
snmp() {
	ip netns exec "$1" awk -v g="$2:" -v f="$3" '
		$1 == g && !n { for (i = 2; i <= NF; i++) col[$i] = i; n = 1; next }
		$1 == g { print $col[f] + 0; exit }' /proc/net/snmp
}

# backlog_drops: packets the input backlogs dropped since boot, all CPUs
# and namespaces (softnet_stat's second column, hex): a loaded guest's
# veth drops there, outside any tunnel.
backlog_drops() {
	local d t=0
	while read -r _ d _; do t=$((t + 16#$d)); done </proc/net/softnet_stat
	echo "$t"
}

# client_up LOG: wait until the client in $C has a pool address
# (203.0.113.10-11); if it does not, print LOG and $WORK/server.log, bail.
client_up() {
	if ! wait_for 40 has_addr "$C" '203\.0\.113\.1[01] '; then
		sed 's/^/# client: /' "$1"
		sed 's/^/# server: /' "$WORK/server.log"
		ktap_bail "the call did not come up"
	fi
}

# client_hangup: SIGTERM the client ($CLIENT); wait for it and every pppd.
client_hangup() {
	kill -TERM "$CLIENT"
	finished "$CLIENT"
	wait_for 15 no_pppd
}

# prom_valid < TEXT: Prometheus text exposition format, checked line by
# line: comments are HELP or TYPE, every sample's metric has a TYPE,
# labels are name="escaped value", values are numbers; at least one.
prom_valid() {
	awk '
	/^# TYPE / { type[$3] = $4; next }
	/^# HELP / { next }
	/^#/ || /^$/ { print "# bad line: " $0; bad = 1; next }
	{
		if (!match($0, /^[a-zA-Z_:][a-zA-Z0-9_:]*/)) { print "# bad name: " $0; bad = 1; next }
		name = substr($0, 1, RLENGTH); rest = substr($0, RLENGTH + 1)
		if (!(name in type)) { print "# no TYPE for " name; bad = 1 }
		if (rest ~ /^\{/ && !sub(/^\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\}/, "", rest)) {
			print "# bad labels: " $0; bad = 1; next
		}
		if (rest !~ /^ [0-9]+(\.[0-9]+)?$/) { print "# bad value: " $0; bad = 1 }
		n++
	}
	END { exit bad || n == 0 }'
}
