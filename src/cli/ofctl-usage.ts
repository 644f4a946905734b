/**
 * The usage text of `ovn-ts ofctl`.
 *
 * @module
 */

/** What `ovn-ts ofctl --help` prints. */
export const USAGE = `usage: ovn-ts ofctl [OPTIONS] COMMAND [ARG...]
  parse-flow FLOW [--hex]     print FLOW as ovs-ofctl parse-flow does (--hex: the flow_mod bytes)
  parse-flows FILE            same for every line of FILE
  parse-actions VERSION       decode hex action lists from stdin, print them and the re-encoding differences
  parse-instructions VERSION  same for instruction lists
  ofp-print HEX [VERBOSITY]   decode and print an OpenFlow message
  show TARGET                 print the switch's features, ports and configuration
  dump-flows TARGET [FLOW]    print flows (--no-stats to omit counters; --sort[=FIELD], --rsort[=FIELD])
  dump-aggregate TARGET [FLOW]  print the flows' aggregate statistics
  dump-tables TARGET          print table statistics
  dump-ports TARGET [PORT]    print port statistics
  dump-ports-desc TARGET      print port descriptions
  dump-desc TARGET            print the switch description
  dump-table-features TARGET  print the switch's table features
  add-tlv-map TARGET MAP      add Geneve option mappings: {class=C,type=T,len=L}->tun_metadataN[,...]
  del-tlv-map TARGET [MAP]    remove mappings (all of them without MAP)
  dump-tlv-map TARGET         print the switch's TLV mapping table
  add-group TARGET GROUP      add a group (group_id=N,type=all|select|indirect|ff,bucket=...)
  add-groups TARGET FILE      add groups from FILE (a line may begin with its command: add, modify, ...)
  mod-group TARGET GROUP      modify a group (--may-create: add it if missing)
  del-groups TARGET [GROUP]   delete a group (all groups without GROUP)
  insert-buckets TARGET GROUP add buckets (group_id=N,command_bucket_id=first|last|N,bucket=...; OpenFlow 1.0 or 1.5)
  remove-buckets TARGET GROUP remove buckets (group_id=N[,command_bucket_id=first|last|all|N]; OpenFlow 1.0 or 1.5)
  dump-groups TARGET [GROUP]  print group descriptions (OpenFlow 1.0: Nicira NXST_GROUP_DESC)
  dump-group-stats TARGET [GROUP]  print group statistics
  dump-meters TARGET [meter=N]  print meter configurations (OpenFlow 1.3+)
  meter-stats TARGET [meter=N]  print meter statistics (OpenFlow 1.3+)
  ct-flush-zone TARGET ZONE   flush the connection tracking entries of ZONE
  ct-flush TARGET [zone=N] [CT_ORIG_TUPLE [CT_REPLY_TUPLE]]
                              flush the connection tracking entries matching the tuples
  dump-group-features TARGET  print the switch's group features
  dump-ipfix-bridge TARGET    print the bridge's IPFIX statistics
  dump-ipfix-flow TARGET      print the flow-based IPFIX statistics
  monitor TARGET [MISSLEN] [invalid_ttl] [watch:[SPEC...]]
                              print the switch's asynchronous messages (flow updates, packet-ins);
                              --timestamp, --unixctl=SOCKET (ovs-appctl: exit, ofctl/send, ofctl/packet-out,
                              ofctl/barrier, ofctl/set-output-file, ofctl/block, ofctl/unblock, vlog/*);
                              --detach, --pidfile[=FILE], --overwrite-pidfile, --no-chdir, --monitor
  snoop TARGET                print the messages between the switch and its controllers (BRIDGE.snoop);
                              the monitor's control socket and daemon options
  add-flow TARGET FLOW        add a flow
  add-flows TARGET FILE       add flows from FILE
  mod-flows TARGET FLOW       modify actions of matching flows (--strict)
  del-flows TARGET [FLOW]     delete matching flows (--strict)
  packet-out TARGET "in_port=PORT packet=HEX actions=..."   send a packet (or: packet-out TARGET IN_PORT ACTIONS PACKET...)
  replace-flows TARGET FILE   make TARGET's flows FILE's, sending the differences (--readd: every flow)
  diff-flows SOURCE1 SOURCE2  print the flows that differ (a SOURCE is a switch or a file); exit status 2 if any
Options: --may-create, --readd, --names (print port and table names), --no-names (no port names in flows or output), --bundle (flow and group writes in one atomic bundle), -O OpenFlow10|OpenFlow11|OpenFlow12|OpenFlow13|OpenFlow14|OpenFlow15[,...] (default OpenFlow10: OpenFlow 1.0
         with NXM as flows need it), -F/--flow-format PROTOCOLS, --strict, --no-stats, --hex, --log-file[=FILE], -v[SPEC]/--verbose[=SPEC] (vlog levels: -vvconn, -vconsole:dbg, -vPATTERN:console:FORMAT)
TARGET: tcp:IP[:PORT] or unix:PATH
`;
