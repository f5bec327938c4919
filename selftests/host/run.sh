#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests (no guest): the kernel code standards as test points
# (W=1, checkpatch --strict, sparse) and the CLIs of our tools, built with
# ASan/UBSan, against bad input. KTAP out; counts in build/results/host.counts.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
results=$repo/build/results
asan=$repo/build/asan
mkdir -p "$results" "$asan"
cd "$repo" || exit 1

n=0 pass=0 fail=0 skip=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n $*"; }
notok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else notok "$d"; fi; }

echo "TAP version 13"
# --- kernel code standards, on every kernel we support (tools/kernel/)
for k in ${KPPTP_BUILD_KERNELS:-6.1 6.12 newest debug}; do
	if ko=$(tools/kernel/build-module.sh "$k" 2>"$results/build-$k.log"); then
		ok "module builds W=1 with no warning against $k (${ko#"$repo/build/modules/"})"
	else
		sed 's/^/# /' "$results/build-$k.log" | tail -20
		notok "module builds W=1 with no warning against $k"
	fi
done
kdir=$(cat "$(tools/kernel/fetch.sh 6.1 2>/dev/null)/kdir" 2>/dev/null)
tools/style.sh >"$results/checkpatch.log" 2>&1
check "checkpatch --strict: no error, warning or check" \
	bash -c "! grep -qE '(ERROR|WARNING|CHECK):' '$results/checkpatch.log'"
if command -v sparse >/dev/null && [[ -n $kdir ]]; then
	make -s -C "$kdir" M="$repo/module" C=2 modules >"$results/sparse.log" 2>&1
	check "sparse (C=2) against 6.1: no warning" bash -c "! grep -qE 'warning:|error:' '$results/sparse.log'"
	make -s -C "$kdir" M="$repo/module" clean >/dev/null 2>&1
else
	n=$((n + 1)); skip=$((skip + 1)); echo "ok $n sparse # SKIP sparse or the 6.1 headers missing"
fi

# --- the tools' CLIs, with sanitizers
san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
cflags="-O1 -g -std=c11 -Wall -Wextra -Werror -Iinclude/uapi -Iinclude $san"
check "pptp-static builds with ASan/UBSan" \
	cc $cflags -o "$asan/pptp-static" tools/pptp-static/pptp-static.c
check "gre-inject builds with ASan/UBSan" \
	cc $cflags -o "$asan/gre-inject" selftests/gre-inject.c

# expect STATUS "stderr regex" command... : exact exit status and message.
expect() {
	local want=$1 re=$2 desc out st
	shift 2
	desc="$(basename "$1") ${*:2}: exit $want"
	out=$("$@" 2>&1 >/dev/null)
	st=$?
	if [[ $st -eq $want ]] && [[ $out =~ $re ]]; then
		ok "$desc"
	else
		echo "# got status $st, stderr: $out"
		notok "$desc"
	fi
}
ps=$asan/pptp-static
gi=$asan/gre-inject
expect 0 '^$' "$ps" --help
expect 2 'required' "$ps"
expect 2 'is not an IPv4 address' "$ps" --local 1.2.3 --peer 192.0.2.1 --peer-call 1
expect 2 'not a number in 0..65535' "$ps" --local 192.0.2.1 --peer 192.0.2.2 --peer-call 70000
expect 2 'not a number' "$ps" --local 192.0.2.1 --peer 192.0.2.2 --peer-call -1
expect 2 '0 is not a call ID' "$ps" --local 192.0.2.1 --peer 192.0.2.2 --peer-call 0
expect 2 'not a number in 0..256' "$ps" --local 192.0.2.1 --peer 192.0.2.2 --peer-call 1 --reorder-window 300
expect 2 'unexpected argument' "$ps" --local 192.0.2.1 --peer 192.0.2.2 --peer-call 1 extra
expect 2 'unrecognized option' "$ps" --bogus
# On this host there is no PPPoX: the failing call must be named.
expect 1 'socket\(AF_PPPOX' "$ps" --local 192.0.2.1 --peer 192.0.2.2 --peer-call 1
expect 0 '^$' "$gi" --help
expect 2 'required' "$gi" --src 192.0.2.1
expect 2 'bad number' "$gi" --src 192.0.2.1 --dst 192.0.2.2 --call 1 --flags zz
expect 2 'bad number' "$gi" --src 192.0.2.1 --dst 192.0.2.2 --call 1 --seqs 5-2
expect 2 'ip, lcp-echo or none' "$gi" --src 192.0.2.1 --dst 192.0.2.2 --call 1 --ppp x
expect 2 'not an IPv4' "$gi" --src nowhere --dst 192.0.2.2 --call 1

# --- the netlink library and kpptpctl, with sanitizers
lib="userspace/lib/nl.c userspace/lib/parse.c userspace/lib/icmp-names.c"
ucflags="$cflags -Iuserspace/include"
check "kpptpctl builds with ASan/UBSan" \
	cc $ucflags -o "$asan/kpptpctl" tools/kpptpctl/*.c $lib userspace/lib/ctrl.c \
	userspace/lib/ctrl-names.c userspace/lib/conn.c -lmnl
check "nl-raw builds with ASan/UBSan" \
	cc $ucflags -o "$asan/nl-raw" selftests/nl-raw.c $lib -lmnl
check "the decoder's unit tests build with ASan/UBSan" \
	cc $ucflags -o "$asan/parse-test" selftests/host/parse-test.c $lib -lmnl
"$asan/parse-test" >"$results/parse-test.log" 2>&1
st=$?
sed 's/^/# /' "$results/parse-test.log"
check "decoder unit tests: all pass" test $st -eq 0
ctrl="userspace/lib/ctrl.c userspace/lib/ctrl-names.c"
check "the PPTP control codec's unit tests build with ASan/UBSan" \
	cc $ucflags -o "$asan/ctrl-test" selftests/host/ctrl-test.c $ctrl
"$asan/ctrl-test" >"$results/ctrl-test.log" 2>&1
st=$?
grep -v '^ok ' "$results/ctrl-test.log" | sed 's/^/# /'
check "PPTP control codec unit tests: all $(grep -c '^ok ' "$results/ctrl-test.log") pass" test $st -eq 0
check "the DHCP codec's unit tests build with ASan/UBSan" \
	cc $ucflags -o "$asan/dhcp-test" selftests/host/dhcp-test.c userspace/lib/dhcp.c
"$asan/dhcp-test" >"$results/dhcp-test.log" 2>&1
st=$?
grep -v '^ok ' "$results/dhcp-test.log" | sed 's/^/# /'
check "DHCP codec unit tests: all $(grep -c '^ok ' "$results/dhcp-test.log") pass" test $st -eq 0
check "the control-connection state machine's unit tests build with ASan/UBSan" \
	cc $ucflags -o "$asan/conn-test" selftests/host/conn-test.c userspace/lib/conn.c $ctrl
"$asan/conn-test" >"$results/conn-test.log" 2>&1
st=$?
grep -v '^ok ' "$results/conn-test.log" | sed 's/^/# /'
check "state machine unit tests: all $(grep -c '^ok ' "$results/conn-test.log") pass" test $st -eq 0
kc=$asan/kpptpctl
expect 0 '^$' "$kc" --help
expect 2 'usage:' "$kc"
expect 2 "unknown option '--bogus'" "$kc" --bogus
expect 2 'session needs list, show, add, del or set' "$kc" session
expect 2 'local needs an IPv4 address' "$kc" session add local x peer 192.0.2.1 peer-call 1
expect 2 'peer-call needs a call ID 0..65535' "$kc" session add local 192.0.2.1 peer 192.0.2.2 peer-call 65536
expect 2 'needs local ADDR, peer ADDR and peer-call N' "$kc" session add local 192.0.2.1
expect 2 'reorder-window needs a number 0..256' "$kc" session set 1 reorder-window 257
expect 2 'session set needs at least one tunable' "$kc" session set 1
expect 2 "takes no argument, not 'x'" "$kc" session list x
expect 2 "unknown command 'sessions'" "$kc" sessions
expect 2 '-b takes no command' "$kc" -b /dev/null session list
expect 2 'No such file' "$kc" -b /nonexistent
# This host has generic netlink but no kpptp family: exit 3, said plainly.
expect 3 'the kpptp module is not loaded' "$kc" session list
expect 3 'the kpptp module is not loaded' "$kc" -j stats
check "kpptpctl -j: a failed read still prints a whole JSON array" \
	bash -c "[[ \$('$kc' -j session list 2>/dev/null) == '[]' ]]"
expect 3 'the kpptp module is not loaded' "$kc" monitor
printf 'session list\n' >"$asan/batch"
expect 3 'the kpptp module is not loaded' "$kc" -b "$asan/batch"
printf '%01100d\n' 0 >"$asan/batch"
expect 2 'line too long' "$kc" -b "$asan/batch"
# kpptpctl calls against a stand-in control socket: an IPv6 link-local
# address and a long user name widen their columns, and every later
# column stays under its heading.
printf '%s\n' \
	'call id=1 peer=198.51.100.2:1723 user=alice address=203.0.113.10 ifname=ppp0 uptime=5 rx-bytes=100 tx-bytes=200 health=ok state=up session=7' \
	'call id=2 peer=198.51.100.3:1723 user=a-rather-long-user%40example.org address6=fe80::1234:5678:9abc:def0 ifname=ppp1 uptime=90061 rx-bytes=1 tx-bytes=2 health=ok state=up session=8' \
	'ok 2' >"$asan/calls.answer"
# standin ANSWER_FILE [HOLD]: a stand-in kpptpd control socket for one
# request, at $asan/ctl.sock.
standin() {
	rm -f "$asan/calls.req" "$asan/ctl.sock"
	python3 selftests/host/ctl-answer.py "$asan/ctl.sock" "$1" "$asan/calls.req" ${2:+"$2"} &
	standin_pid=$!
	for _ in $(seq 50); do [[ -S $asan/ctl.sock ]] && break; sleep 0.1; done
}
standin "$asan/calls.answer"
table=$(KPPTPD_SOCKET=$asan/ctl.sock "$kc" calls 2>&1)
wait "$standin_pid"
sed 's/^/# /' <<<"$table"
check "kpptpctl calls asks kpptpd for 'calls'" bash -c "[[ \$(cat '$asan/calls.req') == calls ]]"
check "kpptpctl calls: wide address and user columns keep the rest under their headings" \
	awk 'NR == 1 { col = index($0, "STATE"); h = index($0, "IFACE"); next }
	     substr($0, col, 2) != "up" || substr($0, h, 3) != "ppp" { bad = 1 }
	     END { exit bad || NR != 3 }' <<<"$table"
check "... and show the unescaped user and the IPv6CP address" \
	grep -qE '^2 +198\.51\.100\.3:1723 +a-rather-long-user@example\.org +fe80::1234:5678:9abc:def0 +ppp1 +1d01h ' <<<"$table"
# A kpptpd that stops mid-answer, closes at once, or is stuck: each said.
head -1 "$asan/calls.answer" >"$asan/calls.cut"
standin "$asan/calls.cut"
KPPTPD_SOCKET=$asan/ctl.sock expect 1 "kpptpd's answer ended without 'ok' \(calls read: 1;" "$kc" calls
wait "$standin_pid"
: >"$asan/calls.none"
standin "$asan/calls.none"
KPPTPD_SOCKET=$asan/ctl.sock expect 5 'kpptpd closed the connection without an answer' "$kc" calls
wait "$standin_pid"
head -c $((65 << 20)) /dev/zero | tr '\0' x >"$asan/calls.huge"
standin "$asan/calls.huge"
KPPTPD_SOCKET=$asan/ctl.sock expect 1 'the answer is over 64 MB; is this kpptpd\?' "$kc" calls
wait "$standin_pid"
rm -f "$asan/calls.huge"
standin "$asan/calls.answer" 12
KPPTPD_SOCKET=$asan/ctl.sock expect 5 'kpptpd did not answer within 10 s' "$kc" call hangup 1
wait "$standin_pid"
# kpptpctl probe: the command line, then the steps this host can walk
# (no PPPoX here: from the call on, the guest's selftests/probe.sh).
expect 0 '^$' "$kc" probe --help
expect 2 'probe wants a SERVER' "$kc" probe
expect 2 "probe takes one SERVER, not also 'b'" "$kc" probe a b
expect 2 '--timeout wants 1..120 s' "$kc" probe 127.0.0.1 --timeout 0
expect 2 '--port wants 1..65535' "$kc" probe 127.0.0.1 --port 70000
expect 2 '--user and --password-file go together' "$kc" probe 127.0.0.1 --user alice
expect 2 'are for step 6' "$kc" probe 127.0.0.1 --no-mppe
expect 2 'No such file' "$kc" probe 127.0.0.1 --user a --password-file /nonexistent
# probe_case NAME STATUS VERDICT [probe options]: the verdict, its exit
# status, and JSON that parses, with the evidence named by EVIDENCE.
probe_case() {
	local name=$1 want=$2 verdict=$3 out st
	shift 3
	out=$("$kc" -j probe 127.0.0.1 "$@" 2>"$asan/probe-$name.err")
	st=$?
	if [[ $st -eq $want ]] && printf '%s' "$out" | python3 -c '
import json, re, sys
j = json.load(sys.stdin)
ev = " ".join(e for s in j["steps"] for e in s["evidence"])
sys.exit(not (j["verdict"] == sys.argv[1] and j["exit"] == int(sys.argv[2]) and
              re.search(sys.argv[3], ev)))' "$verdict" "$want" "$EVIDENCE" &&
		[[ ! -s $asan/probe-$name.err ]]; then
		ok "probe $name: $verdict (exit $want), evidence in its JSON"
	else
		echo "# got status $st: $out"
		sed 's/^/# stderr: /' "$asan/probe-$name.err"
		notok "probe $name: $verdict (exit $want), evidence in its JSON"
	fi
}
# peer MODE: selftests/host/probe-peer.py in the background; PORT.
peer() {
	rm -f "$asan/peer.port"
	python3 selftests/host/probe-peer.py "$1" "$asan/peer.port" &
	PEER=$!
	for _ in $(seq 50); do [[ -s $asan/peer.port ]] && break; sleep 0.1; done
	PORT=$(cat "$asan/peer.port" 2>/dev/null)
}
EVIDENCE='127\.0\.0\.1 dev lo src 127\.0\.0\.1' probe_case refused 12 tcp-refused --port 1
peer banner
EVIDENCE='first octets: "SSH-2\.0' probe_case banner 15 not-pptp --port "$PORT" --timeout 2
wait "$PEER"
peer silent
EVIDENCE='no Start-Control-Connection-Reply within 1 s' probe_case silent 16 control-no-reply \
	--port "$PORT" --timeout 1
wait "$PEER"
peer refuse
EVIDENCE='result 4: Requester is not authorized' probe_case refuse 17 control-refused \
	--port "$PORT" --timeout 2
wait "$PEER"
peer close
EVIDENCE='(closed|reset) TCP without sending anything' probe_case close 17 control-refused \
	--port "$PORT" --timeout 2
wait "$PEER"
expect 2 'usage: nl-raw' "$asan/nl-raw" no-such-command
expect 2 'usage: nl-raw' "$asan/nl-raw" session-new local-addr:zz

# --- kpptpd's command line and config checking, with sanitizers
check "kpptpd builds with ASan/UBSan" \
	cc $ucflags -o "$asan/kpptpd" userspace/kpptpd/*.c $lib $ctrl userspace/lib/conn.c \
	userspace/lib/dhcp.c -lmnl -lnftables
kd=$asan/kpptpd
conf=$asan/kpptpd.conf
expect 0 '^$' "$kd" --help
# One version number (include/kpptp-version.h) in every program.
ver=$(sed -n 's/^#define KPPTP_VERSION "\(.*\)"/\1/p' include/kpptp-version.h)
check "kpptpd --version and kpptpctl --version say $ver" \
	bash -c "[[ \$('$kd' --version) == 'kpptpd $ver' && \$('$kc' --version) == 'kpptpctl $ver' ]]"
check "CHANGELOG.md has an entry for $ver" grep -q "^## $ver " CHANGELOG.md
# make install / uninstall into a staging directory, PREFIX moved.
stage=$asan/stage
rm -rf "$stage"
make -s install DESTDIR="$stage" PREFIX=/usr/local >"$results/install.log" 2>&1
st=$?
sed 's/^/# /' "$results/install.log"
staged() {
	local f
	for f in usr/local/sbin/kpptpd usr/local/sbin/kpptpctl usr/local/share/man/man8/kpptpd.8 \
		usr/local/share/man/man8/kpptpctl.8 usr/local/share/man/man5/kpptpd.conf.5 \
		usr/local/share/bash-completion/completions/kpptpctl etc/kpptp/kpptpd.conf \
		etc/kpptp/options.kpptpd; do
		[[ -f $stage/$f ]] || { echo "# missing: $f"; return 1; }
	done
	ls "$stage"/usr/local/lib/pppd/*/kpptp.so >/dev/null &&
		grep -q '^ExecStart=/usr/local/sbin/kpptpd -f' "$stage/usr/local/lib/systemd/system/kpptpd.service" &&
		grep -q '^ExecReload=/usr/local/sbin/kpptpctl daemon restart' \
			"$stage/usr/local/lib/systemd/system/kpptpd.service"
}
check "make install DESTDIR PREFIX=/usr/local: programs, plugin in pppd's directory, man pages, unit, completion, configuration" \
	eval "[[ $st == 0 ]] && staged"
sed 's/^#local-ip/local-ip/; s/^#remote-ip/remote-ip/' "$stage/etc/kpptp/kpptpd.conf" >"$asan/default.conf"
check "the default kpptpd.conf is valid once local-ip and remote-ip are set" \
	"$stage/usr/local/sbin/kpptpd" --check-config -c "$asan/default.conf"
check "... and without it kpptpd says what is missing" \
	bash -c "'$stage/usr/local/sbin/kpptpd' --check-config -c '$stage/etc/kpptp/kpptpd.conf' 2>&1 | grep -q 'local-ip is required'"
check "bash completion: kpptpctl's commands" \
	bash -c "source /usr/share/bash-completion/bash_completion 2>/dev/null; source '$stage/usr/local/share/bash-completion/completions/kpptpctl' &&
		COMP_WORDS=(kpptpctl pr); COMP_CWORD=1; COMP_LINE='kpptpctl pr'; COMP_POINT=11; _kpptpctl;
		[[ \${COMPREPLY[*]} == probe ]]"
echo '# an admin edit' >>"$stage/etc/kpptp/kpptpd.conf"
make -s install DESTDIR="$stage" PREFIX=/usr/local >/dev/null 2>&1
check "make install again keeps the admin's kpptpd.conf" grep -q 'an admin edit' "$stage/etc/kpptp/kpptpd.conf"
make -s uninstall DESTDIR="$stage" PREFIX=/usr/local >/dev/null 2>&1
check "make uninstall: only the configuration is left" \
	bash -c "[[ \$(cd '$stage' && find . -type f | sort | tr '\n' ' ') == './etc/kpptp/kpptpd.conf ./etc/kpptp/options.kpptpd ' ]]"
expect 2 "see 'kpptpd --help'" "$kd" --bogus
expect 2 "unexpected argument 'x'" "$kd" x
expect 1 'nonexistent.conf: No such file' "$kd" --check-config -c "$asan/nonexistent.conf"
printf 'local-ip 203.0.113.1\nremote-ip 203.0.113.10-200\n' >"$conf"
expect 0 '^$' "$kd" --check-config -c "$conf"
printf 'local-ip 203.0.113.1\n# comment\nremote-ip 203.0.113.10-200\nmax-calls 0\n' >"$conf"
expect 1 'kpptpd.conf:4: max-calls needs a number 1..65535' "$kd" --check-config -c "$conf"
printf 'local-ip 203.0.113.1\nremote-ip 203.0.113.10-200\nmax-cals 5\n' >"$conf"
expect 1 "kpptpd.conf:3: unknown key 'max-cals'" "$kd" --check-config -c "$conf"
printf 'local-ip 203.0.113.300\n' >"$conf"
expect 1 "kpptpd.conf:1: local-ip: '203.0.113.300' is not an IPv4 address" "$kd" --check-config -c "$conf"
printf 'local-ip 203.0.113.1\nremote-ip 203.0.113.10-5\n' >"$conf"
expect 1 'kpptpd.conf:2: remote-ip: range ends before it starts' "$kd" --check-config -c "$conf"
# DHCPINFORM keys: a good set, then each malformed.
base='local-ip 203.0.113.1\nremote-ip 203.0.113.10-200\n'
printf "$base"'push-route 198.51.100.0/24\npush-route 192.0.2.7\ndns-domain corp.example\ndhcp-inform off\n' >"$conf"
expect 0 '^$' "$kd" --check-config -c "$conf"
printf "$base"'push-route 198.51.100.1/24\n' >"$conf"
expect 1 "kpptpd.conf:3: push-route needs a network like 198.51.100.0/24 \\(no host bits\\), not '198.51.100.1/24'" \
	"$kd" --check-config -c "$conf"
printf "$base"'dns-domain corp_example\n' >"$conf"
expect 1 "kpptpd.conf:3: dns-domain needs a DNS name" "$kd" --check-config -c "$conf"
printf "$base"'dhcp-inform maybe\n' >"$conf"
expect 1 "kpptpd.conf:3: dhcp-inform needs on or off, not 'maybe'" "$kd" --check-config -c "$conf"
# tcp-mss: auto, off, a number in range; anything else named.
for v in auto off 536 1460; do
	printf "$base"'tcp-mss %s\n' "$v" >"$conf"
	expect 0 '^$' "$kd" --check-config -c "$conf"
done
for v in 535 1461 on 1400x ''; do
	printf "$base"'tcp-mss %s\n' "$v" >"$conf"
	expect 1 "kpptpd.conf:3: tcp-mss" "$kd" --check-config -c "$conf"
done
expect 2 "--tcp-mss needs auto, off or an MSS 536..1460, not 'big'" "$kd" --client 192.0.2.1 --tcp-mss big
expect 2 'client options need --client' "$kd" --tcp-mss auto
# Restart in place: kpptpctl daemon's words, kpptpd's internal --resume.
expect 2 "daemon restart --binary needs an absolute path without blanks, not 'rel/path'" \
	"$kc" daemon restart --binary rel/path
expect 2 "daemon needs 'restart \\[--binary PATH\\]'" "$kc" daemon stop
expect 2 'daemon restart takes only --binary PATH' "$kc" daemon restart x y
expect 2 '--resume needs a descriptor number' "$kd" --resume x
expect 2 "--resume is the server's" "$kd" --client 192.0.2.1 --resume 3
# 31 /24 networks fit one option (8 octets each), the 32nd does not.
{ printf "$base"; for i in $(seq 1 31); do echo "push-route 198.51.$i.0/24"; done; } >"$conf"
expect 0 '^$' "$kd" --check-config -c "$conf"
echo 'push-route 198.51.32.0/24' >>"$conf"
expect 1 "kpptpd.conf:34: push-route: the routes no longer fit one DHCP option" "$kd" --check-config -c "$conf"
printf 'local-ip 203.0.113.1\nremote-ip 203.0.113.10-20,203.0.113.15-30\n' >"$conf"
expect 1 'kpptpd.conf:2: remote-ip: ranges overlap' "$kd" --check-config -c "$conf"
printf 'local-ip 203.0.113.11\nremote-ip 203.0.113.10-20\n' >"$conf"
expect 1 'local-ip is inside remote-ip' "$kd" --check-config -c "$conf"
printf 'remote-ip 203.0.113.10-20\n' >"$conf"
expect 1 'local-ip is required' "$kd" --check-config -c "$conf"
printf 'local-ip 203.0.113.1\nremote-ip 203.0.113.10-20\nlisten 198.51.100.1:0\n' >"$conf"
expect 1 'kpptpd.conf:3: listen \(port\) needs a number 1..65535' "$kd" --check-config -c "$conf"
printf 'local-ip 203.0.113.1\nremote-ip 203.0.113.10-20\nallow 198.51.100.0/33\n' >"$conf"
expect 1 'kpptpd.conf:3: allow \(prefix length\) needs a number 0..32' "$kd" --check-config -c "$conf"
printf 'local-ip 203.0.113.1\nremote-ip 203.0.113.10-20\ntcp-timeout 3601\n' >"$conf"
expect 1 'kpptpd.conf:3: tcp-timeout needs a number 0..3600' "$kd" --check-config -c "$conf"
printf 'local-ip 203.0.113.1\nremote-ip 203.0.113.10-20\ngre-stall-timeout 3601\n' >"$conf"
expect 1 'kpptpd.conf:3: gre-stall-timeout needs a number 0..3600' "$kd" --check-config -c "$conf"
printf 'local-ip 203.0.113.1\nremote-ip 203.0.113.10-20\nanomaly-threshold -1\n' >"$conf"
expect 1 'kpptpd.conf:3: anomaly-threshold needs a number 0..1000000' "$kd" --check-config -c "$conf"
# Every per-source limit's key: its range named, and the pairs that must agree.
for kv in 'connect-burst 0:1..100000' 'max-sources 15:16..10000000' \
	'max-connections-per-source 0:1..100000' 'max-calls-per-source 65536:1..65535' \
	'max-starting x:1..65535' 'max-starting-per-source 0:1..65535' \
	'idle-timeout 86401:0..86400' 'auth-fail-limit 1001:0..1000' \
	'auth-fail-window 0:1..86400' 'auth-fail-backoff 0:1..86400' \
	'auth-fail-backoff-max 604801:1..604800' 'log-rate -1:0..600000' \
	'log-burst 0:1..100000' 'pppd-kill-timeout 601:1..600' \
	'auth-fail-user-limit 100001:0..100000' 'max-users 15:16..10000000'; do
	printf 'local-ip 203.0.113.1\nremote-ip 203.0.113.10-20\n%s\n' "${kv%%:*}" >"$conf"
	expect 1 "kpptpd.conf:3: ${kv%% *} needs a number ${kv##*:}, not '$(v=${kv#* }; echo "${v%%:*}")'" \
		"$kd" --check-config -c "$conf"
done
printf 'local-ip 203.0.113.1\nremote-ip 203.0.113.10-20\nauth-fail-backoff 600\nauth-fail-backoff-max 60\n' >"$conf"
expect 1 'auth-fail-backoff \(600\) is above auth-fail-backoff-max \(60\)' "$kd" --check-config -c "$conf"
printf 'local-ip 203.0.113.1\nremote-ip 203.0.113.10-20\nmax-starting 2\n' >"$conf"
expect 1 'max-starting-per-source \(8\) is above max-starting \(2\)' "$kd" --check-config -c "$conf"
printf 'local-ip 203.0.113.1\nremote-ip 203.0.113.10-20\naccess everywhere\n' >"$conf"
expect 1 "kpptpd.conf:3: access needs local, network or routed, not 'everywhere'" "$kd" --check-config -c "$conf"
printf 'local-ip 203.0.113.1\nremote-ip 203.0.113.10-20\naccess local\n' >"$conf"
expect 0 '^$' "$kd" --check-config -c "$conf"
printf 'local-ip\n' >"$conf"
expect 1 'kpptpd.conf:1: local-ip needs a value' "$kd" --check-config -c "$conf"
printf 'local-ip 203.0.113.1\n' >"$conf"
expect 1 'remote-ip is required \(ranges, or none\)' "$kd" --check-config -c "$conf"
printf 'remote-ip none\n' >"$conf"
expect 0 '^$' "$kd" --check-config -c "$conf"
printf 'local-ip 203.0.113.1\nremote-ip none\n' >"$conf"
expect 0 '^$' "$kd" --check-config -c "$conf"
printf 'remote-ip none\nremote-ip 203.0.113.10-20\n' >"$conf"
expect 1 'kpptpd.conf:2: remote-ip: ranges after remote-ip none' "$kd" --check-config -c "$conf"
printf 'remote-ip 203.0.113.10-20\nremote-ip none\n' >"$conf"
expect 1 'kpptpd.conf:2: remote-ip none: ranges were given already' "$kd" --check-config -c "$conf"
printf 'remote-ip none\naccess local\n' >"$conf"
expect 1 'access local needs remote-ip ranges' "$kd" --check-config -c "$conf"
expect 2 "see 'kpptpd --help'" "$kd" --client
expect 2 "'192.0.2' is not an IPv4 address" "$kd" --client 192.0.2
expect 2 'client options need --client' "$kd" --persist
expect 2 '--connect-timeout needs a number 1..600' "$kd" --client 192.0.2.1 --connect-timeout 0
expect 2 '--client \(port\) needs a number 1..65535' "$kd" --client 192.0.2.1:99999
expect 2 '--client takes no configuration file' "$kd" --client 192.0.2.1 -c "$conf"
# The client's event loop on this host (no PPPoX needed to fail at TCP).
expect 4 'refused the TCP connection' "$kd" --client 127.0.0.1:1 --plugin build/lib/kpptp.so
expect 1 'kpptp.so: No such file' "$kd" --client 127.0.0.1:1 --plugin "$asan/kpptp.so"

# --- the pppd plugin, one source for pppd 2.4 and 2.5: each build loads
# in its own pppd (the exact-version check passes, every symbol resolves)
# and its option parser runs (this host has no PPPoX, so fd 0 is refused
# as not a PPTP socket: the plugin's own message, through pppd's printer)
expect 2 'kpptp-fd 0 is not a PPTP \(PX_PROTO_PPTP\) socket' \
	pppd plugin "$repo/build/lib/kpptp.so" kpptp-fd 0 nodetach
expect 2 "kpptp-fd: 'x' is not a file descriptor number" \
	pppd plugin "$repo/build/lib/kpptp.so" kpptp-fd x nodetach
# The per-user DHCPINFORM options (chap-secrets, after "--"): each bad
# value refused with what is wrong, pppd exiting as for any bad option.
expect 2 'kpptp-push-route 192.0.2.0/33: not a network like 198.51.100.0/24' \
	pppd plugin "$repo/build/lib/kpptp.so" kpptp-push-route 192.0.2.0/33 nodetach
expect 2 'kpptp-push-route 192.0.2.1/24: not a network .*no host bits' \
	pppd plugin "$repo/build/lib/kpptp.so" kpptp-push-route 192.0.2.1/24 nodetach
expect 2 'kpptp-push-route x{40}: too long' \
	pppd plugin "$repo/build/lib/kpptp.so" kpptp-push-route "$(printf 'x%.0s' {1..40})" nodetach
routes=()
for i in $(seq 0 32); do routes+=(kpptp-push-route "198.51.100.$((i * 4))/30"); done
expect 2 'kpptp-push-route 198.51.100.128/30: too many routes' \
	pppd plugin "$repo/build/lib/kpptp.so" "${routes[@]}" nodetach
expect 2 'kpptp-dns-domain bad_domain!: not a DNS name' \
	pppd plugin "$repo/build/lib/kpptp.so" kpptp-dns-domain 'bad_domain!' nodetach
expect 2 "kpptp-dns-domain $(printf 'a%.0s' {1..64}).example: not a DNS name" \
	pppd plugin "$repo/build/lib/kpptp.so" kpptp-dns-domain "$(printf 'a%.0s' {1..64}).example" nodetach
# Good ones pass the parser: pppd goes on to find no PPTP socket.
expect 2 'kpptp-fd 0 is not a PPTP' \
	pppd plugin "$repo/build/lib/kpptp.so" kpptp-push-route 192.0.2.0/24 kpptp-push-route 192.0.2.0/24 \
	kpptp-dns-domain corp.example kpptp-fd 0 nodetach
if p25=$(tools/pppd/plugin-2.5.sh 2>"$results/plugin-2.5.log"); then
	ok "kpptp.so builds against Debian 13's pppd 2.5 with -Werror"
	root=$(tools/kernel/trixie-root.sh)
	mkdir -p "$root/tmp/kpptp-test"
	cp "$p25" "$root/tmp/kpptp-test/kpptp.so"
	expect 2 'kpptp-fd 0 is not a PPTP \(PX_PROTO_PPTP\) socket' \
		chroot "$root" /usr/sbin/pppd plugin /tmp/kpptp-test/kpptp.so kpptp-fd 0 nodetach
	check "... it names pppd 2.5.2 as its version, not 2.4's" \
		grep -qxF "$(chroot "$root" /usr/sbin/pppd --version 2>&1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)" \
		<(strings "$p25")
	rm -rf "$root/tmp/kpptp-test"
else
	sed 's/^/# /' "$results/plugin-2.5.log" | tail -20
	notok "kpptp.so builds against Debian 13's pppd 2.5 with -Werror"
fi

# --- kpptpd against broken and hostile peers, on 127.0.0.1; tshark's
# dissector over every message it and the state machine send
KPPTP_DUMP_MSGS=$asan/ctrl-msgs.bin "$asan/conn-test" >/dev/null 2>&1
python3 selftests/host/kpptpd-wire.py "$kd" build/lib/kpptp.so "$asan/wire" \
	"$asan/ctrl-msgs.bin" "$kc" >"$results/kpptpd-wire.log" 2>&1
st=$?
grep -v '^ok ' "$results/kpptpd-wire.log" | grep -v '^1\.\.' | sed 's/^/# /'
check "kpptpd on the wire: all $(grep -c '^ok ' "$results/kpptpd-wire.log") points pass" \
	test $st -eq 0 -a "$(grep -c '^not ok' "$results/kpptpd-wire.log")" -eq 0

# --- kpptpd's per-source limits against a hostile peer at 127.0.0.2
# while another at 127.0.0.3 is served (calls: the guest's kpptpd-hostile.sh)
python3 selftests/host/kpptpd-limits.py "$kd" build/lib/kpptp.so "$asan/limits" "$kc" \
	>"$results/kpptpd-limits.log" 2>&1
st=$?
grep -v '^ok ' "$results/kpptpd-limits.log" | grep -v '^1\.\.' | sed 's/^/# /'
check "kpptpd's per-source limits: all $(grep -c '^ok ' "$results/kpptpd-limits.log") points pass" \
	test $st -eq 0 -a "$(grep -c '^not ok' "$results/kpptpd-limits.log")" -eq 0

# --- restart in place: control connections handed to another binary,
# a message split across it, refusals (calls: the guest's kpptpd-restart.sh)
python3 selftests/host/kpptpd-restart.py "$kd" build/bin/kpptpd-next build/lib/kpptp.so \
	"$asan/restart" "$kc" >"$results/kpptpd-restart.log" 2>&1
st=$?
grep -v '^ok ' "$results/kpptpd-restart.log" | grep -v '^1\.\.' | sed 's/^/# /'
check "kpptpd restart in place: all $(grep -c '^ok ' "$results/kpptpd-restart.log") points pass" \
	test $st -eq 0 -a "$(grep -c '^not ok' "$results/kpptpd-restart.log")" -eq 0 -a \
	"$(grep -c '^ok ' "$results/kpptpd-restart.log")" -eq 14

# --- a real call, recorded in a guest (6.1) and read by tshark's PPTP, GRE
# and PPP dissectors: kpptpd serving kpptpd --client and pptp-linux, MPPE
cap=$asan/capture
rm -rf "$cap"
mkdir -p "$cap"
if tools/vm/run --quiet --kernel 6.1 --timeout 300 --out "$cap" -- \
	bash selftests/capture-call.sh >"$results/capture-call.log" 2>&1; then
	python3 selftests/host/call-dissect.py "$cap/call.pcap" 198.51.100.1 \
		>"$results/call-dissect.log" 2>/dev/null
	st=$?
	sed 's/^/# /' "$results/call-dissect.log"
	check "a real call through tshark's dissectors: all $(grep -c '^ok ' "$results/call-dissect.log") points pass" \
		test $st -eq 0 -a "$(grep -c '^not ok' "$results/call-dissect.log")" -eq 0
else
	tail -30 "$results/capture-call.log" | sed 's/^/# /'
	notok "a real call through tshark's dissectors: the guest could not record the call"
fi

# --- a fast-path call, recorded in a guest (6.1) and read by tshark: GRE
# numbers rise by one per packet each way with LCP among the bulk IP
cap=$asan/capture-fp
rm -rf "$cap"
mkdir -p "$cap"
if tools/vm/run --quiet --kernel 6.1 --timeout 300 --out "$cap" -- \
	bash selftests/capture-fastpath.sh >"$results/capture-fastpath.log" 2>&1; then
	python3 selftests/host/fastpath-dissect.py "$cap" >"$results/fastpath-dissect.log" 2>/dev/null
	st=$?
	sed 's/^/# /' "$results/fastpath-dissect.log"
	check "a fast-path call through tshark's dissectors: all $(grep -c '^ok ' "$results/fastpath-dissect.log") points pass" \
		test $st -eq 0 -a "$(grep -c '^not ok' "$results/fastpath-dissect.log")" -eq 0
else
	tail -30 "$cap/capture.log" "$results/capture-fastpath.log" 2>/dev/null | sed 's/^/# /'
	notok "a fast-path call through tshark's dissectors: the guest could not record it"
fi

# --- the systemd unit: systemd's own checker, on a copy that points at
# this tree's kpptpd (no man pages are installed here)
if command -v systemd-analyze >/dev/null; then
	unit=$asan/kpptpd.service
	sed -e "s|/usr/sbin/kpptpd|$repo/build/bin/kpptpd|" -e "s|/usr/sbin/kpptpctl|$repo/build/bin/kpptpctl|" \
		-e '/^Documentation=/d' \
		userspace/systemd/kpptpd.service >"$unit"
	out=$(systemd-analyze verify "$unit" 2>&1)
	[[ -z $out ]] || sed 's/^/# /' <<<"$out"
	check "kpptpd.service: systemd-analyze verify finds nothing" test -z "$out"
else
	n=$((n + 1)); skip=$((skip + 1)); echo "ok $n kpptpd.service # SKIP no systemd-analyze"
fi

# --- the documentation renders without a warning: reST and man pages
for f in Documentation/*.rst README.md; do
	[[ $f == *.rst ]] || continue
	out=$(python3 -c 'import sys, docutils.core
docutils.core.publish_string(open(sys.argv[1]).read(), source_path=sys.argv[1],
	writer_name="null", settings_overrides={"halt_level": 2, "report_level": 2})' "$f" 2>&1)
	[[ -z $out ]] || sed 's/^/# /' <<<"$out" | head -5
	check "$f: reStructuredText without a warning" test -z "$out"
done
for f in Documentation/man/*.[0-9]; do
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)
	[[ -z $out ]] || sed 's/^/# /' <<<"$out" | head -5
	check "$f: man renders it without a warning" test -z "$out"
done

# --- the Debian packages: Debian 12 here, Debian 13 in its cached root
for rel in bookworm trixie; do
	make -s deb RELEASE=$rel >"$results/deb-$rel.log" 2>&1
	st=$?
	[[ $st == 0 ]] || tail -20 "$results/deb-$rel.log" | sed 's/^/# /'
	check "make deb RELEASE=$rel: kpptp and kpptp-dkms build; lintian: no error or warning" test $st -eq 0
	d=build/deb/$rel
	pv=$(case $rel in bookworm) echo 2.4.9;; trixie) echo 2.5.2;; esac)
	check "... $rel: kpptp depends on pppd $pv exactly; its plugin is in pppd $pv's directory" \
		bash -c "dpkg-deb -f $d/kpptp_${ver}_amd64.deb Depends | grep -q 'ppp (<< $pv-' &&
			dpkg-deb -c $d/kpptp_${ver}_amd64.deb | grep ' ./usr/lib/pppd/$pv/kpptp.so\$' >/dev/null"
	check "... $rel: kpptpd, kpptpctl, man pages, unit, completion; the configuration as conffiles" \
		bash -c "c=\$(dpkg-deb -c $d/kpptp_${ver}_amd64.deb) &&
			for f in usr/sbin/kpptpd usr/sbin/kpptpctl usr/share/man/man8/kpptpd.8.gz \
				usr/share/man/man5/kpptpd.conf.5.gz lib/systemd/system/kpptpd.service \
				usr/share/bash-completion/completions/kpptpctl; do
				grep -qE \" ./(usr/)?\$f\\\$\" <<<\"\$c\" || { echo \"# missing \$f\"; exit 1; }
			done &&
			[[ \$(dpkg-deb --ctrl-tarfile $d/kpptp_${ver}_amd64.deb | tar -xO ./conffiles | sort | tr '\n' ' ') == '/etc/kpptp/kpptpd.conf /etc/kpptp/options.kpptpd ' ]]"
	check "... $rel: kpptp-dkms: dkms.conf for $ver, the module's source, the modprobe configuration" \
		bash -c "t=\$(mktemp -d) && dpkg-deb -x $d/kpptp-dkms_${ver}_all.deb \$t &&
			grep -qx 'PACKAGE_VERSION=\"$ver\"' \$t/usr/src/kpptp-$ver/dkms.conf &&
			test -f \$t/usr/src/kpptp-$ver/module/main.c && test -f \$t/usr/src/kpptp-$ver/include/kpptp-version.h &&
			grep -qx 'blacklist pptp' \$t/etc/modprobe.d/kpptp.conf; r=\$?; rm -rf \$t; exit \$r"
done

# --- the netlink spec is the definition: the header, policy and names follow
check "spec, uapi header, kernel policy and tool names agree" \
	python3 tools/spec/check-spec.py "$repo"

# --- make check's and CI's list of failures (selftests/failures.sh): each
# failing point named by its guest test, a stage's own by the stage, the
# packages' too; nothing when nothing failed
fr=$(mktemp -d)
printf '# ===== a.sh (debug)\nok 1 x\nnot ok 2 y\n# ===== b.sh (debug)\nnot ok - b.sh: ran 3 of 5 planned points\n' \
	>"$fr/stage-debug.log"
printf 'not ok 7 z\nok 8 w\n' >"$fr/stage-host.log"
printf 'ok - p\nnot ok - packages-trixie: q\n' >"$fr/packages.out"
check "failures.sh names each failing point by its test or stage" \
	test "$(selftests/failures.sh "$fr")" == "$(printf '%s\n' \
		'# failed: a.sh (debug): not ok 2 y' \
		'# failed: b.sh (debug): not ok - b.sh: ran 3 of 5 planned points' \
		'# failed: host: not ok 7 z' '# failed: packages: not ok - packages-trixie: q')"
sed -i 's/^not ok/ok/' "$fr"/*
check "... and prints nothing when nothing failed" test -z "$(selftests/failures.sh "$fr")"
rm -rf "$fr"

# --- fuzzing the decoder (a short smoke run; 'make fuzz' runs longer)
if clang -fsanitize=fuzzer -x c -o /dev/null - <<<'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' 2>/dev/null; then
	tools/fuzz/run.sh 20 >"$results/fuzz.log" 2>&1
	st=$?
	grep -E '^# fuzz-|^Done|ERROR|SUMMARY' "$results/fuzz.log" | sed 's/^/# /'
	check "fuzz-nl-parse, fuzz-ctrl-decode, fuzz-conn, fuzz-authname, fuzz-dhcp, fuzz-state: 20 s each under ASan/UBSan, no crash" test $st -eq 0
else
	n=$((n + 1)); skip=$((skip + 1)); echo "ok $n fuzzers # SKIP clang with libFuzzer missing"
fi

echo "1..$n"
echo "$pass $fail $skip" >"$results/host.counts"
echo "host: $pass passed, $fail failed, $skip skipped"
((fail == 0))
