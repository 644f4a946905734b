/**
 * {@link OvnNb}: the entry point of the OVN Northbound API over one connection, with its reader
 * (the indexed NB replica by default) and the reads of {@link NbReads}.
 *
 * @module
 */
import { model, type Row, type TableName, type Tables } from "../../ovsdb/models/ovn-nb.js";
import { GroupCommit } from "./group-commit.js";
import type { TransactClient } from "../../ovsdb/model/model.js";
import type { Operation } from "../../ovsdb/wire/operations.js";
import { OvsdbClient } from "../../ovsdb/client/client.js";
import type { Replica } from "../../ovsdb/cache/replica.js";
import { OvnInvalidArgumentError } from "../errors.js";
import { type NbReader, type NbReaderNow, type NbWhere, READ_NOW, readByUuid, readNow, replicaReader, selectReader } from "../reader.js";
import { startNbReplica } from "../nb-replica.js";
import { NbReads } from "../nb-reads.js";
import { NbTransaction, bundledNbSchema } from "./transaction.js";
import { type OvnSchemaInfo, detectOvnSchema } from "../schema-features.js";
import type { CommitOptions, CommitResult } from "./options.js";

/** Options of {@link OvnNb}. */
export interface OvnNbOptions {
  /**
   * How lookups read the NB:
   * - `"replica"` (the default when the client is an `OvsdbClient`): an indexed replica of the NB
   *   (see {@link startNbReplica}), started on the first lookup on the same client, so lookups
   *   cost no round trip and commits are read-your-writes;
   * - `"select"` (the default otherwise): one `select` per lookup, for one-shot scripts;
   * - any {@link NbReader} (e.g. {@link replicaReader} over a replica of your own).
   */
  readonly reader?: NbReader | "replica" | "select";
  /**
   * Which of a transaction's own operations its lookups see (default: every one, so a call sees
   * what earlier calls of the transaction created, changed or deleted). `ovn-ts nbctl` narrows it
   * to what ovn-nbctl's IDL shows before a commit, with a reader that previews the rest.
   */
  readonly visible?: (op: Operation) => boolean;
  /**
   * The server's NB schema, when known already. Otherwise {@link OvnNb.schema} asks the server
   * once (`get_schema`) when the client can (an `OvsdbClient`), and assumes the bundled 23.03
   * schema for a client that only transacts.
   */
  readonly schema?: OvnSchemaInfo;
  /**
   * Group commit: commits made while another is on the wire are sent together, as one OVSDB
   * transaction, when it returns (a commit made while none is in flight is sent at once). The
   * server's per-transaction work is then paid once per batch; a failed batch is resent one
   * transaction at a time, so each commit still gets its own outcome. Commits with `wait` (nb_cfg)
   * are always sent alone.
   * @default true
   */
  readonly groupCommit?: boolean;
}

/**
 * Entry point of the logical-network API over one NB connection (a real `ovsdb-server` or the
 * embedded server alike). Lookups read through an indexed replica of the NB by default (see
 * {@link OvnNbOptions.reader}); {@link OvnNb.close} stops it.
 *
 * ```ts
 * const nb = new OvnNb(client);
 * await nb.run(async (tx) => {
 *   await tx.lsAdd("subnet-a", { subnet: { cidr: "10.16.0.0/16", excludeIps: ["10.16.0.1"] } });
 *   await tx.lspAdd("subnet-a", "pod1.ns1", { addresses: ["0a:00:00:10:00:05 10.16.0.5"], portSecurity: ["0a:00:00:10:00:05 10.16.0.5"] });
 * });
 * ```
 */
export class OvnNb extends NbReads {
  /** The reader lookups use. */
  readonly reader: NbReader;
  private readonly visible: ((op: Operation) => boolean) | undefined;
  /** The group commit of this `OvnNb`'s transactions (unless turned off). */
  private readonly group: GroupCommit | undefined;
  private started: Promise<Replica<Tables>> | undefined;
  /** Makes the default reader start the replica again (after {@link OvnNb.close}). */
  private readonly resetReader: () => void = () => undefined;
  private detected: Promise<OvnSchemaInfo> | undefined;
  /** The detected schema, once {@link OvnNb.detected} resolved. */
  private known: OvnSchemaInfo | undefined;

  /** @param client the NB connection (an `OvsdbClient`, or anything with `transact`). */
  constructor(
    readonly client: TransactClient,
    options: OvnNbOptions = {},
  ) {
    super();
    const r = options.reader ?? (client instanceof OvsdbClient ? "replica" : "select");
    // The select reader reads the server's columns too (detected once, at the first lookup).
    if (r === "select") this.reader = selectReader(client, () => this.schema().then((info) => (info.match.kind === "unknown" ? undefined : info.schema)));
    else if (r === "replica") {
      if (!(client instanceof OvsdbClient)) throw new OvnInvalidArgumentError("reader", "replica", "a replica needs an OvsdbClient (it monitors the database)");
      const lazy = lazyReader(() => this.replica().then(replicaReader));
      this.resetReader = () => lazy.reset();
      this.reader = lazy;
    } else this.reader = r;
    this.visible = options.visible;
    this.group = options.groupCommit === false ? undefined : new GroupCommit(client, model.name);
    if (options.schema) {
      this.detected = Promise.resolve(options.schema);
      this.known = options.schema;
    }
  }

  /**
   * What the server's NB schema has: its version, the bundled release it matches and its features
   * (`ACL.tier`, `ACL.action=pass`, `Logical_Router_Policy.bfd_sessions`, ...). Asked once per
   * `OvnNb` (one `get_schema`, at the first transaction call that needs it, or when called), then
   * cached; calls that use a newer feature refuse with `OvnFeatureUnavailableError` before
   * sending anything when the server lacks it.
   */
  schema(): Promise<OvnSchemaInfo> {
    if (!this.detected) {
      const c = this.client;
      this.detected = c instanceof OvsdbClient ? detectOvnSchema(c) : Promise.resolve(bundledNbSchema());
      this.detected.then(
        (info) => (this.known = info),
        () => (this.detected = undefined),
      );
    }
    return this.detected;
  }

  protected override async readRows<N extends TableName>(table: N, where?: NbWhere<N>): Promise<Row<N>[]> {
    return [...(await this.reader.find(table, where))];
  }

  protected override async readUuids<N extends TableName>(table: N, uuids: readonly string[]): Promise<Row<N>[]> {
    return [...(await readByUuid(this.reader, table, uuids))];
  }

  /**
   * The indexed replica lookups read through (with the default reader), started on the first
   * call; rejects when this `OvnNb` was given another reader.
   */
  replica(): Promise<Replica<Tables>> {
    if (!(this.client instanceof OvsdbClient)) return Promise.reject(new OvnInvalidArgumentError("reader", "replica", "a replica needs an OvsdbClient (it monitors the database)"));
    const client = this.client;
    // Replicates the server's columns too (a newer server's `ACL.tier`, ...), so that lookups see them.
    return (this.started ??= this.schema().then(
      (info) => startNbReplica(client, info.match.kind === "unknown" ? undefined : info.schema),
      () => startNbReplica(client),
    ));
  }

  /** Stops the replica this `OvnNb` started (the client stays open). */
  async close(): Promise<void> {
    const r = this.started;
    this.started = undefined;
    this.resetReader();
    if (r) await (await r.catch(() => undefined))?.close();
  }

  /** A new, empty transaction. */
  transaction(): NbTransaction {
    const group = this.group;
    return new NbTransaction(this.client, this.reader, this.visible, () => this.schema(), () => this.known, group ? (ops) => group.transact(ops) : undefined);
  }

  /** Runs `build` on a new transaction and commits it; resolves with `build`'s value and the commit result. */
  async run<T>(build: (tx: NbTransaction) => Promise<T>, options: CommitOptions = {}): Promise<{ value: T; commit: CommitResult }> {
    const tx = this.transaction();
    const value = await build(tx);
    const commit = await tx.commit(options);
    return { value, commit };
  }
}

/** A reader that starts its backing reader on first use (and then calls it directly); `reset` forgets it. */
function lazyReader(start: () => Promise<NbReader>): NbReader & { reset(): void } {
  let ready: NbReader | undefined;
  let starting: Promise<NbReader> | undefined;
  const get = (): NbReader | Promise<NbReader> =>
    ready ??
    (starting ??= start().then(
      (r) => (ready = r),
      (e: unknown) => {
        starting = undefined;
        throw e;
      },
    ));
  const reader: NbReader & { reset(): void; [READ_NOW]: () => NbReaderNow | undefined } = {
    [READ_NOW]: () => (ready ? readNow(ready) : undefined),
    find(table, where) {
      const r = get();
      return r instanceof Promise ? r.then((x) => x.find(table, where)) : r.find(table, where);
    },
    ids(table, where) {
      const r = get();
      return r instanceof Promise ? r.then((x) => x.ids(table, where)) : r.ids(table, where);
    },
    get(table, uuids) {
      const r = get();
      return r instanceof Promise ? r.then((x) => readByUuid(x, table, uuids)) : readByUuid(r, table, uuids);
    },
    reset() {
      ready = undefined;
      starting = undefined;
    },
  };
  return reader;
}
