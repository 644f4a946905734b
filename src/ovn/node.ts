/**
 * Node side of a CNI, on the typed `Open_vSwitch` model: attach a pod's interface to the
 * integration bridge (`br-int`) with `external_ids:iface-id` (what ovn-controller binds to the
 * logical switch port), ingress policing and egress QoS on an interface, and port mirrors.
 *
 * Like the NB API, calls read what they need through a small reader and add operations to a
 * {@link OvsTransaction}; {@link OvsTransaction.commit} sends them as one transaction.
 *
 * @module
 */
import { model, type Row, type TableName, type Tables } from "../ovsdb/models/vswitch.js";
import type { TransactClient } from "../ovsdb/model/model.js";
import type { NamedRef, Ref, Where } from "../ovsdb/model/types.js";
import type { Operation, OperationResult } from "../ovsdb/wire/operations.js";
import { OvnAlreadyExistsError, OvnInvalidArgumentError, OvnNotFoundError, OvnTransactionStateError } from "./errors.js";
import { checkMac } from "./net.js";

/** Reads rows of the Open_vSwitch database (a `select` per call by default; a replica later). */
export interface OvsReader {
  /** The rows of `table` matching `where`. */
  find<N extends TableName>(table: N, where?: Where<Tables[N]>): Promise<readonly Row<N>[]>;
}

/** An {@link OvsReader} that sends one `select` per call. */
export function ovsSelectReader(client: TransactClient): OvsReader {
  return {
    async find<N extends TableName>(table: N, where?: Where<Tables[N]>): Promise<readonly Row<N>[]> {
      const [rows] = await model.transact(client, [model.table(table).select(where)]);
      return rows as readonly Row<N>[];
    },
  };
}

/** What {@link OvsTransaction.attachPodInterface} records on the interface. */
export interface PodInterface {
  /** The logical switch port name (`external_ids:iface-id`), e.g. `pod1.ns1`. */
  readonly ifaceId: string;
  /** The pod's MAC (`external_ids:attached-mac`). */
  readonly mac?: string;
  /** The pod name and namespace (`external_ids:pod_name`, `pod_namespace`), as Kube-OVN records them. */
  readonly pod?: { readonly name: string; readonly namespace: string };
  /** Interface type: `""` (a veth end, the default) or `internal`. */
  readonly type?: "" | "internal";
  /** More `external_ids`. */
  readonly externalIds?: Readonly<Record<string, string>>;
  /** Do nothing but update `external_ids` when the port already exists on the bridge. */
  readonly mayExist?: boolean;
}

/** One Open_vSwitch transaction under construction. */
export class OvsTransaction {
  private readonly ops: Operation[] = [];
  private readonly pendingPorts = new Map<string, NamedRef<"Port">>();
  private done = false;

  /** @param client sends the commit; @param reader answers lookups. */
  constructor(
    private readonly client: TransactClient,
    private readonly reader: OvsReader,
  ) {}

  /** The operations so far. */
  operations(): readonly Operation[] {
    return this.ops;
  }

  private open(): void {
    if (this.done) throw new OvnTransactionStateError("this Open_vSwitch transaction was already committed; start a new one");
  }

  private async bridge(name: string): Promise<Row<"Bridge">> {
    const b = (await this.reader.find("Bridge", { name }))[0];
    if (!b) throw new OvnNotFoundError("row", `bridge ${name}`);
    return b;
  }

  private async port(name: string): Promise<Ref<"Port">> {
    const p = this.pendingPorts.get(name) ?? (await this.reader.find("Port", { name }))[0]?._uuid;
    if (!p) throw new OvnNotFoundError("row", `port ${name}`);
    return p;
  }

  /**
   * Attaches interface `name` (the host end of the pod's veth) to `bridge` as a port whose
   * interface carries `external_ids:iface-id` = the logical switch port, so ovn-controller binds it.
   */
  async attachPodInterface(bridge: string, name: string, pod: PodInterface): Promise<Ref<"Port">> {
    this.open();
    const ids: Record<string, string> = { ...(pod.externalIds ?? {}), "iface-id": pod.ifaceId };
    if (pod.mac !== undefined) ids["attached-mac"] = checkMac(pod.mac);
    if (pod.pod) {
      ids["pod_name"] = pod.pod.name;
      ids["pod_namespace"] = pod.pod.namespace;
    }
    const b = await this.bridge(bridge);
    const existing = (await this.reader.find("Port", { name }))[0];
    if (existing) {
      if (!pod.mayExist) throw new OvnAlreadyExistsError("row", `port ${name}`, { kind: "bridge", name: bridge });
      if (!b.ports.includes(existing._uuid)) throw new OvnInvalidArgumentError("port", name, `exists on another bridge than ${bridge}`);
      const I = model.table("Interface");
      for (const i of existing.interfaces) {
        this.ops.push(I.mutate({ _uuid: i }, [["external_ids", "delete", Object.keys(ids)]]), I.mutate({ _uuid: i }, [["external_ids", "insert", ids]]));
      }
      return existing._uuid;
    }
    const iface = model.table("Interface").insert({ name, type: pod.type ?? "", external_ids: ids });
    const port = model.table("Port").insert({ name, interfaces: [iface.ref] });
    this.ops.push(
      model.table("Bridge").wait({ name: bridge }, { columns: ["name"], until: "==", rows: [{ name: bridge }], timeout: 0 }),
      iface,
      port,
      model.table("Bridge").mutate({ _uuid: b._uuid }, [["ports", "insert", [port.ref]]]),
    );
    this.pendingPorts.set(name, port.ref);
    return port.ref;
  }

  /** Removes port `name` from `bridge` (its row and interface are garbage-collected). */
  async detachInterface(bridge: string, name: string, options: { readonly ifExists?: boolean } = {}): Promise<void> {
    this.open();
    const b = await this.bridge(bridge);
    const p = (await this.reader.find("Port", { name }))[0];
    if (!p || !b.ports.includes(p._uuid)) {
      if (options.ifExists) return;
      throw new OvnNotFoundError("row", `port ${name}`, { kind: "bridge", name: bridge });
    }
    this.ops.push(model.table("Bridge").mutate({ _uuid: b._uuid }, [["ports", "delete", [p._uuid]]]));
  }

  /** Ingress policing on interface `name` (rate in kbps, burst in kb; 0 disables), as Kube-OVN limits a pod's egress. */
  async setIngressPolicing(name: string, rateKbps: number, burstKb = 0): Promise<void> {
    this.open();
    if (!Number.isInteger(rateKbps) || rateKbps < 0) throw new OvnInvalidArgumentError("policing rate", String(rateKbps), "must be a non-negative integer (kbps)");
    if (!Number.isInteger(burstKb) || burstKb < 0) throw new OvnInvalidArgumentError("policing burst", String(burstKb), "must be a non-negative integer (kb)");
    if (this.pendingPorts.has(name)) {
      this.ops.push(model.table("Interface").update({ name }, { ingress_policing_rate: rateKbps, ingress_policing_burst: burstKb }));
      return;
    }
    const i = (await this.reader.find("Interface", { name }))[0];
    if (!i) throw new OvnNotFoundError("row", `interface ${name}`);
    this.ops.push(model.table("Interface").update({ _uuid: i._uuid }, { ingress_policing_rate: rateKbps, ingress_policing_burst: burstKb }));
  }

  /** Egress QoS on port `name`: a `linux-htb` QoS row with `max-rate` (bits per second); null removes it. */
  async setPortQos(name: string, maxRateBps: number | null): Promise<void> {
    this.open();
    const port = await this.port(name);
    if (maxRateBps === null) {
      this.ops.push(model.table("Port").update({ _uuid: port }, { qos: undefined }));
      return;
    }
    if (!Number.isInteger(maxRateBps) || maxRateBps <= 0) throw new OvnInvalidArgumentError("max rate", String(maxRateBps), "must be a positive integer (bps)");
    const q = model.table("QoS").insert({ type: "linux-htb", other_config: { "max-rate": String(maxRateBps) } });
    this.ops.push(q, model.table("Port").update({ _uuid: port }, { qos: q.ref }));
  }

  /** Adds mirror `mirror` on `bridge`: traffic from/to the `source` ports is copied to port `output`. */
  async addPortMirror(bridge: string, mirror: string, spec: { readonly selectSrc?: readonly string[]; readonly selectDst?: readonly string[]; readonly output: string }): Promise<Ref<"Mirror">> {
    this.open();
    const b = await this.bridge(bridge);
    if ((await this.reader.find("Mirror", { name: mirror })).length > 0) throw new OvnAlreadyExistsError("mirror", mirror, { kind: "bridge", name: bridge });
    const src: Ref<"Port">[] = [];
    for (const p of spec.selectSrc ?? []) src.push(await this.port(p));
    const dst: Ref<"Port">[] = [];
    for (const p of spec.selectDst ?? []) dst.push(await this.port(p));
    const m = model.table("Mirror").insert({ name: mirror, select_src_port: src, select_dst_port: dst, output_port: await this.port(spec.output) });
    this.ops.push(m, model.table("Bridge").mutate({ _uuid: b._uuid }, [["mirrors", "insert", [m.ref]]]));
    return m.ref;
  }

  /** Sends the operations as one transaction. */
  async commit(): Promise<readonly OperationResult[]> {
    this.open();
    this.done = true;
    if (this.ops.length === 0) return [];
    return (await this.client.transact(model.name, this.ops)).results;
  }
}

/** Entry point of the node-side API over one Open_vSwitch connection. */
export class OvsNode {
  /** The reader lookups use. */
  readonly reader: OvsReader;
  /** @param client the local `ovsdb-server` (`unix:/var/run/openvswitch/db.sock`). */
  constructor(
    readonly client: TransactClient,
    options: { readonly reader?: OvsReader } = {},
  ) {
    this.reader = options.reader ?? ovsSelectReader(client);
  }

  /** A new, empty transaction. */
  transaction(): OvsTransaction {
    return new OvsTransaction(this.client, this.reader);
  }
}
