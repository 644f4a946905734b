/**
 * `ovn-ts nbctl --help`: every command with its syntax, grouped by object family in ovn-nbctl's
 * order, each preceded by the options it takes (read from the command table, so the two cannot
 * disagree). The syntax lines are ovn-nbctl's (a test compares them with `ovn-nbctl --help`).
 *
 * @module
 */

/** One command of the help: its syntax (name first) and what it does. */
interface HelpEntry {
  readonly syntax: string;
  readonly what: string;
}

/** The help's sections, in ovn-nbctl's order. */
const SECTIONS: readonly (readonly [title: string, entries: readonly HelpEntry[]])[] = [
  [
    "General commands",
    [
      { syntax: "init", what: "create the NB_Global row if missing" },
      { syntax: "show", what: "print an overview of every switch and router" },
      { syntax: "show SWITCH", what: "print an overview of SWITCH" },
      { syntax: "show ROUTER", what: "print an overview of ROUTER" },
    ],
  ],
  [
    "Logical switch commands",
    [
      { syntax: "ls-add [SWITCH]", what: "create a logical switch (named SWITCH)" },
      { syntax: "ls-del SWITCH", what: "delete SWITCH with its ports" },
      { syntax: "ls-list", what: "print every logical switch's UUID and name" },
    ],
  ],
  [
    "ACL commands",
    [
      { syntax: "acl-add {SWITCH | PORTGROUP} DIRECTION PRIORITY MATCH ACTION", what: "add an ACL to a switch or port group" },
      { syntax: "acl-del {SWITCH | PORTGROUP} [DIRECTION [PRIORITY MATCH]]", what: "delete ACLs of a switch or port group" },
      { syntax: "acl-list {SWITCH | PORTGROUP}", what: "print the ACLs of a switch or port group" },
    ],
  ],
  [
    "QoS commands",
    [
      { syntax: "qos-add SWITCH DIRECTION PRIORITY MATCH [rate=RATE [burst=BURST]] [dscp=DSCP]", what: "add a QoS rule (rate limit and/or DSCP mark) to SWITCH" },
      { syntax: "qos-del SWITCH [{DIRECTION | UUID} [PRIORITY MATCH]]", what: "delete QoS rules of SWITCH" },
      { syntax: "qos-list SWITCH", what: "print the QoS rules of SWITCH" },
    ],
  ],
  [
    "Mirror commands",
    [
      { syntax: "mirror-add NAME TYPE INDEX FILTER IP", what: "add a mirror: TYPE gre or erspan, INDEX the GRE key or ERSPAN index, FILTER to-lport or from-lport, IP the sink" },
      { syntax: "mirror-del [NAME]", what: "delete mirror NAME (all without NAME)" },
      { syntax: "mirror-list", what: "print the mirrors" },
    ],
  ],
  [
    "Meter commands",
    [
      { syntax: "meter-add NAME ACTION RATE UNIT [BURST]", what: "add a meter (ACTION drop; UNIT kbps or pktps)" },
      { syntax: "meter-del [NAME]", what: "delete meter NAME (all without NAME)" },
      { syntax: "meter-list", what: "print the meters and their bands" },
    ],
  ],
  [
    "Logical switch port commands",
    [
      { syntax: "lsp-add SWITCH PORT", what: "add port PORT to SWITCH" },
      { syntax: "lsp-add SWITCH PORT PARENT TAG", what: "add PORT to SWITCH as a child of PARENT on VLAN TAG" },
      { syntax: "lsp-del PORT", what: "delete PORT from its switch" },
      { syntax: "lsp-list SWITCH", what: "print the ports of SWITCH" },
      { syntax: "lsp-get-parent PORT", what: "print PORT's parent port, if any" },
      { syntax: "lsp-get-tag PORT", what: "print PORT's VLAN tag, if any" },
      { syntax: "lsp-set-addresses PORT [ADDRESS]...", what: "set PORT's addresses (MAC, MAC IP..., router, dynamic, unknown)" },
      { syntax: "lsp-get-addresses PORT", what: "print PORT's addresses" },
      { syntax: "lsp-set-port-security PORT [ADDRS]...", what: "set the addresses PORT may send from" },
      { syntax: "lsp-get-port-security PORT", what: "print PORT's port security addresses" },
      { syntax: "lsp-get-up PORT", what: "print whether PORT is up or down" },
      { syntax: "lsp-set-enabled PORT STATE", what: "enable or disable PORT (STATE enabled or disabled)" },
      { syntax: "lsp-get-enabled PORT", what: "print PORT's administrative state" },
      { syntax: "lsp-set-type PORT TYPE", what: "set PORT's type (router, localnet, localport, ...)" },
      { syntax: "lsp-get-type PORT", what: "print PORT's type" },
      { syntax: "lsp-set-options PORT KEY=VALUE [KEY=VALUE]...", what: "set PORT's type-specific options" },
      { syntax: "lsp-get-options PORT", what: "print PORT's options" },
      { syntax: "lsp-set-dhcpv4-options PORT [DHCP_OPTIONS_UUID]", what: "use these DHCPv4 options on PORT (none without UUID)" },
      { syntax: "lsp-get-dhcpv4-options PORT", what: "print PORT's DHCPv4 options" },
      { syntax: "lsp-set-dhcpv6-options PORT [DHCP_OPTIONS_UUID]", what: "use these DHCPv6 options on PORT (none without UUID)" },
      { syntax: "lsp-get-dhcpv6-options PORT", what: "print PORT's DHCPv6 options" },
      { syntax: "lsp-get-ls PORT", what: "print the switch PORT is on" },
      { syntax: "lsp-attach-mirror PORT MIRROR", what: "mirror PORT's traffic with MIRROR" },
      { syntax: "lsp-detach-mirror PORT MIRROR", what: "stop mirroring PORT with MIRROR" },
    ],
  ],
  [
    "Forwarding group commands",
    [
      { syntax: "fwd-group-add GROUP SWITCH VIP VMAC PORTS...", what: "add forwarding group GROUP to SWITCH" },
      { syntax: "fwd-group-del GROUP", what: "delete forwarding group GROUP" },
      { syntax: "fwd-group-list [SWITCH]", what: "print the forwarding groups (of SWITCH)" },
    ],
  ],
  [
    "Logical router commands",
    [
      { syntax: "lr-add [ROUTER]", what: "create a logical router (named ROUTER)" },
      { syntax: "lr-del ROUTER", what: "delete ROUTER with its ports" },
      { syntax: "lr-list", what: "print every logical router's UUID and name" },
    ],
  ],
  [
    "Logical router port commands",
    [
      { syntax: "lrp-add ROUTER PORT MAC NETWORK... [peer=PEER]", what: "add port PORT to ROUTER" },
      { syntax: "lrp-set-gateway-chassis PORT CHASSIS [PRIORITY]", what: "make CHASSIS a gateway chassis of PORT" },
      { syntax: "lrp-set-options PORT KEY=VALUE [KEY=VALUE]...", what: "set PORT's options" },
      { syntax: "lrp-del-gateway-chassis PORT CHASSIS", what: "remove CHASSIS from PORT's gateway chassis" },
      { syntax: "lrp-get-gateway-chassis PORT", what: "print PORT's gateway chassis with their priorities" },
      { syntax: "lrp-del PORT", what: "delete PORT from its router" },
      { syntax: "lrp-list ROUTER", what: "print the ports of ROUTER" },
      { syntax: "lrp-set-enabled PORT STATE", what: "enable or disable PORT (STATE enabled or disabled)" },
      { syntax: "lrp-get-enabled PORT", what: "print PORT's administrative state" },
      { syntax: "lrp-set-redirect-type PORT TYPE", what: "send traffic redirected to PORT's gateway chassis as overlay or bridged" },
      { syntax: "lrp-get-redirect-type PORT", what: "print PORT's redirect type (overlay or bridged)" },
    ],
  ],
  [
    "Route commands",
    [
      { syntax: "lr-route-add ROUTER PREFIX NEXTHOP [PORT]", what: "add a static route to ROUTER (NEXTHOP may be discard)" },
      { syntax: "lr-route-del ROUTER [PREFIX [NEXTHOP [PORT]]]", what: "delete static routes of ROUTER" },
      { syntax: "lr-route-list ROUTER", what: "print the static routes of ROUTER" },
    ],
  ],
  [
    "Policy commands",
    [
      { syntax: "lr-policy-add ROUTER PRIORITY MATCH ACTION [NEXTHOP,[NEXTHOP,...]] [OPTIONS KEY=VALUE ...]", what: "add a routing policy (allow, drop, reroute) to ROUTER" },
      { syntax: "lr-policy-del ROUTER [{PRIORITY | UUID} [MATCH]]", what: "delete routing policies of ROUTER" },
      { syntax: "lr-policy-list ROUTER", what: "print the routing policies of ROUTER" },
    ],
  ],
  [
    "NAT commands",
    [
      { syntax: "lr-nat-add ROUTER TYPE EXTERNAL_IP LOGICAL_IP [LOGICAL_PORT EXTERNAL_MAC] [EXTERNAL_PORT_RANGE]", what: "add a NAT rule (TYPE snat, dnat or dnat_and_snat) to ROUTER" },
      { syntax: "lr-nat-del ROUTER [TYPE [IP] [GATEWAY_PORT]]", what: "delete NAT rules of ROUTER" },
      { syntax: "lr-nat-list ROUTER", what: "print the NAT rules of ROUTER" },
    ],
  ],
  [
    "LB commands",
    [
      { syntax: "lb-add LB VIP[:PORT] IP[:PORT]... [PROTOCOL]", what: "create load balancer LB, or add a VIP to it" },
      { syntax: "lb-del LB [VIP]", what: "delete load balancer LB, or only its VIP" },
      { syntax: "lb-list [LB]", what: "print the load balancers (or LB)" },
      { syntax: "lr-lb-add ROUTER LB", what: "attach LB to ROUTER" },
      { syntax: "lr-lb-del ROUTER [LB]", what: "detach LB (all without LB) from ROUTER" },
      { syntax: "lr-lb-list ROUTER", what: "print the load balancers of ROUTER" },
      { syntax: "ls-lb-add SWITCH LB", what: "attach LB to SWITCH" },
      { syntax: "ls-lb-del SWITCH [LB]", what: "detach LB (all without LB) from SWITCH" },
      { syntax: "ls-lb-list SWITCH", what: "print the load balancers of SWITCH" },
    ],
  ],
  [
    "DHCP Options commands",
    [
      { syntax: "dhcp-options-create CIDR [EXTERNAL_IDS]", what: "create a DHCP_Options row for CIDR (KEY=VALUE external ids)" },
      { syntax: "dhcp-options-del DHCP_OPTIONS_UUID", what: "delete a DHCP_Options row" },
      { syntax: "dhcp-options-list", what: "print the DHCP_Options rows' UUIDs" },
      { syntax: "dhcp-options-set-options DHCP_OPTIONS_UUID KEY=VALUE [KEY=VALUE]...", what: "set a DHCP_Options row's options" },
      { syntax: "dhcp-options-get-options DHCP_OPTIONS_UUID", what: "print a DHCP_Options row's options" },
    ],
  ],
  [
    "Connection commands",
    [
      { syntax: "get-connection", what: "print the database's connection targets" },
      { syntax: "del-connection", what: "delete every connection target" },
      { syntax: "set-connection TARGET...", what: "replace the connection targets with TARGET..." },
    ],
  ],
  [
    "SSL commands",
    [
      { syntax: "get-ssl", what: "print the SSL settings" },
      { syntax: "del-ssl", what: "delete the SSL settings" },
      { syntax: "set-ssl PRIV-KEY CERT CA-CERT [SSL-PROTOS [SSL-CIPHERS]]", what: "set the SSL settings" },
    ],
  ],
  [
    "Port group commands",
    [
      { syntax: "pg-add PG [PORTS]", what: "create port group PG (with PORTS)" },
      { syntax: "pg-set-ports PG PORTS", what: "replace the ports of PG" },
      { syntax: "pg-del PG", what: "delete port group PG" },
    ],
  ],
  [
    "HA chassis group commands",
    [
      { syntax: "ha-chassis-group-add GRP", what: "create HA chassis group GRP" },
      { syntax: "ha-chassis-group-del GRP", what: "delete HA chassis group GRP" },
      { syntax: "ha-chassis-group-list", what: "print the HA chassis groups and their chassis" },
      { syntax: "ha-chassis-group-add-chassis GRP CHASSIS PRIORITY", what: "add CHASSIS with PRIORITY to GRP" },
      { syntax: "ha-chassis-group-remove-chassis GRP CHASSIS", what: "remove CHASSIS from GRP" },
    ],
  ],
  [
    "Control Plane Protection Policy commands",
    [
      { syntax: "copp-add NAME PROTO METER", what: "police PROTO packets of CoPP NAME with METER" },
      { syntax: "copp-del NAME [PROTO]", what: "delete the PROTO entry (all without PROTO) of CoPP NAME" },
      { syntax: "copp-list NAME", what: "print the entries of CoPP NAME" },
      { syntax: "ls-copp-add NAME SWITCH", what: "apply CoPP NAME to SWITCH" },
      { syntax: "lr-copp-add NAME ROUTER", what: "apply CoPP NAME to ROUTER" },
    ],
  ],
  [
    "MAC_Binding commands",
    [
      { syntax: "static-mac-binding-add LOGICAL_PORT IP MAC", what: "add a static MAC binding of IP on LOGICAL_PORT" },
      { syntax: "static-mac-binding-del LOGICAL_PORT IP", what: "delete the static MAC binding of IP on LOGICAL_PORT" },
      { syntax: "static-mac-binding-list", what: "print the static MAC bindings" },
    ],
  ],
  [
    "Database commands",
    [
      { syntax: "list TBL [REC]", what: "print every column of REC (or of every row) of TBL" },
      { syntax: "find TBL CONDITION...", what: "print the rows of TBL that satisfy every COL[:KEY]{=,!=,<,>,<=,>=,{=},{!=},{<},{>},{<=},{>=}}VALUE" },
      { syntax: "get TBL REC COL[:KEY]", what: "print the values of columns of REC" },
      { syntax: "set TBL REC COL[:KEY]=VALUE", what: "set columns of REC" },
      { syntax: "add TBL REC COL [KEY=]VALUE", what: "add values (or KEY=VALUE pairs) to a set or map column of REC" },
      { syntax: "remove TBL REC COL [KEY=]VALUE", what: "remove values (or keys) from a set or map column of REC" },
      { syntax: "clear TBL REC COL", what: "empty a set or map column of REC" },
      { syntax: "create TBL COL[:KEY]=VALUE", what: "insert a row into TBL and print its UUID" },
      { syntax: "destroy TBL REC", what: "delete REC from TBL (--all: every row)" },
      { syntax: "wait-until TBL REC [COL[:KEY]=VALUE]", what: "wait until REC exists and has these values" },
    ],
  ],
  ["Synchronization command (use with --wait=sb|hv)", [{ syntax: "sync", what: "wait until earlier changes have taken effect too" }]],
];

/** Placeholder text of the options that take a value. */
const OPTION_VALUES: Readonly<Record<string, string>> = {
  "--type": "{switch | port-group}",
  "--severity": "SEVERITY",
  "--name": "NAME",
  "--meter": "METER",
  "--label": "LABEL",
  "--policy": "POLICY",
  "--route-table": "ROUTE_TABLE",
  "--gateway-port": "GATEWAY_PORT",
  "--inactivity-probe": "MSECS",
  "--columns": "COLUMNS",
  "--id": "@NAME",
};

const OPTIONS_TEXT = `Options:
  --db=DATABASE               connect to DATABASE
                              (default: $OVN_NB_DB or unix:/var/run/ovn/ovnnb_db.sock)
  --no-wait, --wait=none      do not wait for ovn-northd (default)
  --wait=sb                   wait until ovn-northd has updated the southbound database
  --wait=hv                   wait until every chassis has caught up too
  -t, --timeout=SECS          give up after SECS seconds
  --dry-run                   check the transaction, commit nothing
  --oneline                   print one line of output per command

Output formatting options:
  -f, --format=FORMAT         output format: table, list, html, csv or json
  -d, --data=FORMAT           cell format: string, bare or json
  --no-headings               no heading row
  --pretty                    indented JSON output
  --bare                      same as --format=list --data=bare --no-headings

Other options:
  -h, --help                  this help

Database connection methods (--db):
  tcp:HOST:PORT               TCP to PORT at HOST
  ssl:HOST:PORT               SSL to PORT at HOST
  unix:FILE                   the Unix domain socket FILE
`;

const COLUMN = 28;

/** `words` joined by spaces, in lines of at most 100 columns, each starting with `indent`. */
function wrap(words: readonly string[], indent: string): string {
  const lines: string[] = [];
  let line = indent;
  for (const w of words) {
    if (line.length + w.length + 1 > 100 && line !== indent) {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += `${w} `;
  }
  lines.push(line.trimEnd());
  return `${lines.join("\n")}\n`;
}

/** The command names the help documents, in help order (a test checks them against the command table). */
export function helpCommandNames(): string[] {
  return [...new Set(SECTIONS.flatMap(([, es]) => es.map((e) => e.syntax.split(" ")[0]!)))];
}

/** The syntax line of each command the help documents (`lsp-add` has two). */
export function helpSyntaxLines(): string[] {
  return SECTIONS.flatMap(([, es]) => es.map((e) => e.syntax));
}

/**
 * The full `ovn-ts nbctl --help` text. `optionsOf(command)` gives the options a command accepts
 * (from the command table); they are shown above the command, as ovn-nbctl does. `namedTables`
 * are the tables whose rows the database commands also find by their `name`.
 */
export function renderNbctlHelp(optionsOf: (command: string) => readonly string[], namedTables: readonly string[] = []): string {
  let out = `ovn-ts nbctl: OVN northbound DB management utility (mirrors ovn-nbctl)
usage: ovn-ts nbctl [OPTIONS] COMMAND [ARG...] [-- [OPTIONS] COMMAND [ARG...]]...
`;
  for (const [title, entries] of SECTIONS) {
    out += `\n${title}:\n`;
    let lastName = "";
    for (const e of entries) {
      const name = e.syntax.split(" ")[0]!;
      const options = optionsOf(name)
        .filter((o) => o !== "--columns" || name === "list" || name === "find")
        .map((o) => `[${o}${OPTION_VALUES[o] ? `=${OPTION_VALUES[o]}` : ""}]`)
        .join(" ");
      // the second syntax of a command (lsp-add ... PARENT TAG) takes the same options
      if (options && name !== lastName) out += `  ${options}\n`;
      lastName = name;
      const head = `  ${e.syntax}`;
      out += head.length < COLUMN ? `${head.padEnd(COLUMN)}${e.what}\n` : `${head}\n${" ".repeat(COLUMN)}${e.what}\n`;
    }
  }
  out += "\nDatabase commands may reference a row in each table by its UUID";
  out += namedTables.length > 0 ? `, in these tables by its "name" too:\n${wrap([...namedTables].sort(), "  ")}` : ".\n";
  out += 'and the NB_Global row as ".".\n';
  return `${out}\n${OPTIONS_TEXT}`;
}
