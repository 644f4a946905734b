/**
 * `ovn-ts ovsdb --help`: the usage text in ovsdb-client's words.
 *
 * @module
 */
import { rundir } from "./options.js";

/** Usage text, in ovsdb-client's words. */
export function ovsdbUsage(): string {
  return `ovn-ts ovsdb: Open vSwitch database JSON-RPC client (mirrors ovsdb-client)
usage: ovn-ts ovsdb [OPTIONS] COMMAND [ARG...]

Valid commands are:

  list-dbs [SERVER]
    list databases available on SERVER

  get-schema [SERVER] [DATABASE]
    retrieve schema for DATABASE from SERVER

  get-schema-version [SERVER] [DATABASE]
    retrieve schema for DATABASE from SERVER and report only its
    version number on stdout

  get-schema-cksum [SERVER] [DATABASE]
    retrieve schema for DATABASE from SERVER and report only its
    checksum on stdout

  list-tables [SERVER] [DATABASE]
    list tables for DATABASE on SERVER

  list-columns [SERVER] [DATABASE] [TABLE]
    list columns in TABLE (or all tables) in DATABASE on SERVER

  transact [SERVER] TRANSACTION
    run TRANSACTION (params for "transact" request) on SERVER
    and print the results as JSON on stdout
    (TRANSACTION may be @FILE to read it from FILE, or - for stdin)

  query [SERVER] TRANSACTION
    run TRANSACTION (params for "transact" request) on SERVER,
    as read-only, and print the results as JSON on stdout

  monitor [SERVER] [DATABASE] TABLE [COLUMN,...]...
    monitor contents of COLUMNs in TABLE in DATABASE on SERVER.
    COLUMNs may include !initial, !insert, !delete, !modify
    to avoid seeing the specified kinds of changes.

  monitor-cond [SERVER] [DATABASE] CONDITION TABLE [COLUMN,...]...
    monitor contents that match CONDITION of COLUMNs in TABLE in
    DATABASE on SERVER.

  monitor-cond-since [SERVER] [DATABASE] [LASTID] CONDITION TABLE [COLUMN,...]...
    as monitor-cond, since the transaction after LASTID.

  monitor [SERVER] [DATABASE] ALL
    monitor all changes to all columns in all tables

  convert [SERVER] SCHEMA
    convert database on SERVER named in SCHEMA to SCHEMA.

  needs-conversion [SERVER] SCHEMA
    tests whether SCHEMA's db on SERVER needs conversion.

  wait [SERVER] DATABASE STATE
    wait until DATABASE reaches STATE ("added" or "connected" or "removed")
    in DATABASE on SERVER.

  dump [SERVER] [DATABASE] [TABLE [COLUMN]...]
    dump contents of DATABASE on SERVER to stdout

  backup [SERVER] [DATABASE] > SNAPSHOT
    dump database contents in the form of a database file

  [--force] restore [SERVER] [DATABASE] < SNAPSHOT
    restore database contents from a database file

  lock [SERVER] LOCK
    create or wait for LOCK in SERVER

  steal [SERVER] LOCK
    steal LOCK from SERVER

  unlock [SERVER] LOCK
    unlock LOCK from SERVER

The default SERVER is unix:${rundir()}/db.sock.
The default DATABASE is Open_vSwitch.

Output formatting options:
  -f, --format=FORMAT         set output formatting to FORMAT
                              ("table", "list", "html", "csv", or "json")
  -d, --data=FORMAT           set table cell output formatting to
                              FORMAT ("string", "bare", or "json")
  --no-headings               omit table heading row
  --pretty                    pretty-print JSON in output
  --bare                      equivalent to "--format=list --data=bare --no-headings"
  --timestamp                 timestamp "monitor" output

Daemon options (transact, query, monitor*, lock, steal, unlock):
  --detach                run in background as daemon
  --monitor               creates a process to monitor this daemon
  --user=username[:group] changes the effective daemon user:group
                          (every command: as ovsdb-client, right after the options)
  --no-chdir              do not chdir to '/'
  --pidfile[=FILE]        create pidfile (default: ${rundir()}/ovsdb-client.pid)
  --overwrite-pidfile     with --pidfile, start even if already running

Other options:
  -t, --timeout=SECS          give up after SECS seconds (exit status 142)
  -p, --private-key=FILE      file with private key (ssl: remotes)
  -c, --certificate=FILE      file with certificate for private key
  -C, --ca-cert=FILE          file with peer CA certificate
  --force                     with restore, go ahead when the schemas differ
  --unixctl=SOCKET            with monitor, monitor-cond(-since): answer
                              "ovs-appctl -t SOCKET" (exit, ovsdb-client/cond_change,
                              ovsdb-client/block, ovsdb-client/unblock); with lock,
                              steal, unlock: lock, steal, unlock, exit
  --leader-only, --no-leader-only
                              with several remotes, accept only the leader
  -h, --help                  display this help message
  -V, --version               display version information
`;
}
