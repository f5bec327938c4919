#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 100 kpptpd --client calls through one kpptpd at once (MS-CHAPv2 and
# MPPE-128 each), a pool of exactly 100 addresses: the 101st call is
# refused with the RFC's code (General Error, No-Resource) and its client
# exits 7; then SIGTERM on the server ends every call and leaves nothing.
source "$(dirname "$0")/lib.sh"

N=100
ktap_header
ktap_plan 7
kpptpd_pair
work=$WORK
# Every client dials from one address: its per-source limits are lifted.
kpptpd_setup "$work" 'remote-ip 203.0.113.10-109' 'max-calls 1000' 'echo-interval 0' \
	"${KPPTPD_ONE_SOURCE[@]}"
kpptpd_start "$S" "$work" || ktap_bail "kpptpd did not start"

client() {	# client LOG: one more kpptpd --client, its PID appended to PIDS
	kpptpd_client "$1" s3cret-Pw
	PIDS+=("$CLIENT")
}
up_calls() { ip -n "$C" -4 addr show | grep -c 'inet 203\.0\.113\.'; }
all_up() { [[ $(up_calls) == "$N" ]]; }
PIDS=()
t0=$SECONDS
for ((i = 0; i < N; i++)); do
	client "$work/c$i.log"
	sleep 0.05
done
wait_for 300 all_up
echo "# $(up_calls) calls up after $((SECONDS - t0)) s"
if ! all_up; then
	for ((i = 0; i < N; i++)); do
		grep -q ' up: ' "$work/c$i.log" || tail -8 "$work/c$i.log" | sed "s/^/# c$i: /"
	done
	tail -25 "$work/server.log" | sed 's/^/# server: /'
fi
ktap_eq "$N concurrent calls up (MS-CHAPv2 + MPPE-128 each)" "$N" "$(up_calls)"
ktap_eq "... $N kernel sessions on the server" "$N" "$(netstat_kpptp "$S" sessions)"
ktap_eq "... kpptpctl calls lists $N" "$N" \
	"$(ip netns exec "$S" "$BIN/kpptpctl" calls | grep -c ' alice ')"

client "$work/extra.log"
extra=${PIDS[-1]}
finished "$extra"
ktap_eq "call $((N + 1)) with the pool empty: its client exits 7 (call refused)" 7 "$ST"
ktap_check "... refused General Error, No-Resource, and the server says why" eval \
	"grep -q 'result 2 (General Error), error 4 (No-Resource)' $work/extra.log &&
	 grep -q 'the address pool (100 addresses) is exhausted' $work/server.log"

kill -TERM "$KPPTPD"
finished "$KPPTPD"
ktap_eq "SIGTERM on the server with $N calls: exit 0" 0 "$ST"
clean() {
	[[ -z $(pidof pppd) && -z $(pidof kpptpd) && $(netstat_kpptp "$S" sessions) == 0 &&
	   $(netstat_kpptp "$C" sessions) == 0 ]]
}
wait_for 60 clean
ktap_check "... every client exits, no pppd, no kernel session anywhere" clean
ktap_finish
