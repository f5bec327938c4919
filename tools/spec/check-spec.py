#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that the kpptp netlink spec, the uapi header, the kernel's policy,
the user-space name tables and kpptpctl's text groups say the same thing.

The YAML spec is the definition (Documentation/netlink/specs/kpptp.yaml);
everything else is written by hand and must follow it: a drift here is a
silent ABI bug (a counter shown under the wrong name, an attribute the
kernel takes with the wrong size). Prints one line per disagreement and
exits 1 if there is any.
"""
import re
import sys

import yaml

REPO = sys.argv[1] if len(sys.argv) > 1 else "."
SPEC = f"{REPO}/Documentation/netlink/specs/kpptp.yaml"
HEADER = f"{REPO}/include/uapi/linux/kpptp.h"
POLICY = f"{REPO}/module/netlink.c"
NAMES = f"{REPO}/userspace/lib/nl.c"

errors = []


def c_name(name):
    return name.upper().replace("-", "_")


def header_enums(text):
    """{enum name: [(member, value)]} with C's implicit numbering."""
    enums = {}
    for m in re.finditer(r"enum\s+(\w+)\s*\{(.*?)\};", text, re.S):
        members, value = [], -1
        body = re.sub(r"/\*.*?\*/", "", m.group(2), flags=re.S)
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            mm = re.fullmatch(r"(\w+)(?:\s*=\s*(.+))?", item, re.S)
            if not mm:
                errors.append(f"header: cannot read enum member '{item}'")
                continue
            if mm.group(1).startswith("__") or mm.group(1).endswith("_MAX"):
                continue
            value = int(mm.group(2), 0) if mm.group(2) else value + 1
            members.append((mm.group(1), value))
        enums[m.group(1)] = members
    return enums


def expect_enum(enums, cenum, want):
    """want: [(member, value)] in order; compare with the header's enum."""
    got = enums.get(cenum)
    if got is None:
        errors.append(f"header: enum {cenum} missing")
        return
    for i in range(max(len(got), len(want))):
        g = got[i] if i < len(got) else "nothing"
        w = want[i] if i < len(want) else "nothing"
        if g != w:
            errors.append(f"header: enum {cenum}: member {i} is {g}, the spec says {w}")
            return


def main():
    spec = yaml.safe_load(open(SPEC))
    header = open(HEADER).read()
    enums = header_enums(header)

    m = re.search(r'#define KPPTP_GENL_NAME\s+"(\w+)"', header)
    if not m or m.group(1) != spec["name"]:
        errors.append(f"header: KPPTP_GENL_NAME is not \"{spec['name']}\"")
    for grp in spec["mcast-groups"]["list"]:
        define = f'#define KPPTP_GENL_MCGRP_{c_name(grp["name"])}'
        if not re.search(re.escape(define) + rf'\s+"{grp["name"]}"', header):
            errors.append(f"header: {define} \"{grp['name']}\" missing")

    prefixes = {"origin": "KPPTP_ORIGIN_", "state": "KPPTP_STATE_",
                "down-reason": "KPPTP_DOWN_"}
    for d in spec["definitions"]:
        start = d.get("value-start", 0)
        want = [(prefixes[d["name"]] + c_name(e), start + i)
                for i, e in enumerate(d["entries"])]
        expect_enum(enums, "kpptp_" + c_name(d["name"]).lower(), want)

    want = [("KPPTP_CMD_UNSPEC", 0)]
    for i, op in enumerate(spec["operations"]["list"], 1):
        want.append(("KPPTP_CMD_" + c_name(op["name"]), op.get("value", i)))
    expect_enum(enums, "kpptp_cmd", want)

    set_enum = {"session": ("kpptp_a", "KPPTP_A_"),
                "stats": ("kpptp_a_stats", "KPPTP_A_STATS_"),
                "net-stats": ("kpptp_a_net_stats", "KPPTP_A_NET_STATS_")}
    sets = {}
    for aset in spec["attribute-sets"]:
        cenum, prefix = set_enum[aset["name"]]
        want, value = [(prefix + "UNSPEC", 0)], 0
        for a in aset["attributes"]:
            value = a.get("value", value + 1)
            want.append((prefix + c_name(a["name"]), value))
        expect_enum(enums, cenum, want)
        sets[aset["name"]] = {prefix + c_name(a["name"]): a for a in aset["attributes"]}

    # The kernel's policy: what it accepts must have the spec's type.
    nla = {"u8": "NLA_U8", "u16": "NLA_U16", "u32": "NLA_U32", "u64": "NLA_U64",
           "flag": "NLA_FLAG", "nest": "NLA_NESTED"}
    policy = open(POLICY).read()
    seen = set()
    for m in re.finditer(r"\[(KPPTP_A_\w+)\]\s*=\s*(?:\{\s*\.type\s*=\s*|NLA_POLICY_\w+\(\s*)(NLA_\w+)", policy):
        attr, typ = m.groups()
        seen.add(attr)
        a = sets["session"].get(attr)
        if a is None:
            errors.append(f"policy: {attr} is not in the spec")
            continue
        if typ == "NLA_REJECT":
            continue
        want = nla[a["type"]]
        if a.get("byte-order") == "big-endian":
            want = want.replace("NLA_U", "NLA_BE")
        if typ != want:
            errors.append(f"policy: {attr} is {typ}, the spec says {want}")
    for attr, a in sets["session"].items():
        if a["type"] != "pad" and attr not in seen:
            errors.append(f"policy: {attr} has no policy entry")

    # Ranges live in the policy (so the policy dump shows them), as the spec says.
    defines = {m.group(1): int(m.group(2), 0) for m in
               re.finditer(r"#define\s+(\w+)\s+(\d+|0x[0-9a-fA-F]+)\b", header)}

    def num(tok):
        tok = tok.strip()
        return defines.get(tok, None) if not re.fullmatch(r"\d+", tok) else int(tok)

    ranges = {}
    for m in re.finditer(r"\[(KPPTP_A_\w+)\]\s*=\s*NLA_POLICY_(MIN|MAX|RANGE)\(\s*NLA_\w+\s*,([^)]*)\)",
                         policy):
        attr, kind, args = m.group(1), m.group(2), m.group(3).split(",")
        if kind == "RANGE":
            ranges[attr] = {"min": num(args[0]), "max": num(args[1])}
        else:
            ranges[attr] = {kind.lower(): num(args[0])}
    for attr, a in sets["session"].items():
        want = a.get("checks", {})
        got = ranges.get(attr, {})
        if want != got:
            errors.append(f"policy: {attr} checks {got or 'nothing'}, the spec says {want or 'nothing'}")

    # User space prints the spec's names.
    names = open(NAMES).read()
    for aset, (cenum, prefix) in set_enum.items():
        for attr, a in sets[aset].items():
            mm = re.search(r"\[" + attr + r'\]\s*=\s*"([\w-]+)"', names)
            if a["type"] == "pad":
                continue
            if not mm:
                errors.append(f"nl.c: no name for {attr}")
            elif mm.group(1) != a["name"]:
                errors.append(f"nl.c: {attr} is named \"{mm.group(1)}\", "
                              f"the spec says \"{a['name']}\"")
    for op in spec["operations"]["list"]:
        cmd = "KPPTP_CMD_" + c_name(op["name"])
        shown = op["name"][:-4] if op["name"].endswith("-ntf") else op["name"]
        mm = re.search(r"\[" + cmd + r'\]\s*=\s*"([\w-]+)"', names)
        if not mm or mm.group(1) != shown:
            errors.append(f"nl.c: {cmd} should be named \"{shown}\"")

    # kpptpctl's text output shows every counter in some group.
    printer = open(f"{REPO}/tools/kpptpctl/print.c").read()
    for aset in ("stats", "net-stats"):
        for attr, a in sets[aset].items():
            if a["type"] != "pad" and not re.search(r"\b" + attr + r"\b", printer):
                errors.append(f"print.c: counter {attr} is not in any text group")

    for e in errors:
        print(f"check-spec: {e}")
    if not errors:
        print("check-spec: spec, header, policy and names agree")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
