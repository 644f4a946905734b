/**
 * The detailed text output of `ovn-trace`, parsed: pipeline sections, the logical-flow stages that
 * matched and their actions, the logical ports the packet was output to, and whether it was
 * dropped. Shared by the OVN API's `traceFromPort` and the testing harness's `ovnTrace`.
 *
 * @module
 */

/** One logical flow that matched, as `ovn-trace` prints it (`N. stage (source): match, priority P, uuid U`). */
export interface TraceStage {
  /** Logical flow table number within the pipeline. */
  readonly table: number;
  /** Stage name, e.g. `ls_in_l2_lkup`. */
  readonly stage: string;
  /** Where northd built the flow (e.g. `northd.c:9122`), when printed. */
  readonly source: string | undefined;
  /** The flow's match expression. */
  readonly match: string;
  /** The flow's priority. */
  readonly priority: number;
  /** The first bytes of the logical flow's UUID, as printed. */
  readonly uuid: string;
  /** Actions executed, one per line as printed (e.g. `outport = "lp2";`, `drop;`, `/* output to "lp2", type "" *\/`). */
  readonly actions: readonly string[];
}

/** A titled block of the trace: a pipeline (`ingress(...)`, `egress(...)`) or a continuation (`ct_lb_mark`, ...). */
export interface TraceSection {
  /** The header line, e.g. `ingress(dp="ls0", inport="lp1")`. */
  readonly title: string;
  /** `ingress` / `egress` for a pipeline, `other` for a continuation such as a conntrack recirculation. */
  readonly kind: "ingress" | "egress" | "other";
  /** `dp="..."` of a pipeline header. */
  readonly datapath: string | undefined;
  /** `inport="..."` of a pipeline header. */
  readonly inport: string | undefined;
  /** `outport="..."` of an egress header. */
  readonly outport: string | undefined;
  /** The stages, in order. */
  readonly stages: readonly TraceStage[];
}

/** A parsed `ovn-trace` run. */
export interface OvnTrace {
  /** The OpenFlow-style flow line (`# udp,reg14=0x1,...`), without the `# `. */
  readonly flow: string;
  /** The sections, in order. */
  readonly sections: readonly TraceSection[];
  /** Logical ports the packet was output to (from `/* output to "PORT", type "..." *\/`), in order. */
  readonly outputs: readonly string[];
  /**
   * True when the packet reached no logical output (an explicit `drop;`, or a pipeline that ended
   * without `output`, e.g. an ACL that only commits a blocked connection). An output to a `patch`
   * port whose peer's pipeline follows in the trace (a router hop) is not a delivery: a packet that
   * crosses routers and is then dropped (e.g. by the destination switch's ACL) is dropped.
   */
  readonly dropped: boolean;
  /** The text as `ovn-trace` printed it. */
  readonly raw: string;
}

const STAGE = /^\s*(\d+)\.\s+(\S+)(?:\s+\(([^)]*)\))?:\s(.*),\s+priority\s+(-?\d+),\s+uuid\s+([0-9a-f]+)\s*$/;
const OUTPUT = /\/\*\s*output to "([^"]*)"(?:, type "([^"]*)")?/;
const PIPELINE = /^(ingress|egress)\(dp="/;

function attr(title: string, name: string): string | undefined {
  return new RegExp(`${name}="([^"]*)"`).exec(title)?.[1];
}

/** Parses the detailed (default) output of `ovn-trace`. */
export function parseOvnTrace(text: string): OvnTrace {
  const lines = text.split("\n");
  let flow = "";
  const sections: { title: string; kind: TraceSection["kind"]; datapath: string | undefined; inport: string | undefined; outport: string | undefined; stages: TraceStage[] }[] = [];
  const outputs: string[] = [];
  let delivered = 0;
  let current: { actions: string[] } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("# ") && flow === "") {
      flow = line.slice(2).trim();
      continue;
    }
    const next = lines[i + 1];
    if (line.trim() !== "" && !line.startsWith(" ") && next !== undefined && /^-+$/.test(next.trim()) && !STAGE.test(line)) {
      const title = line.trim();
      const kind = title.startsWith("ingress(") ? "ingress" : title.startsWith("egress(") ? "egress" : "other";
      sections.push({ title, kind, datapath: attr(title, "dp"), inport: attr(title, "inport"), outport: attr(title, "outport"), stages: [] });
      current = undefined;
      i++;
      continue;
    }
    const m = STAGE.exec(line);
    if (m) {
      if (sections.length === 0) sections.push({ title: "", kind: "other", datapath: undefined, inport: undefined, outport: undefined, stages: [] });
      const stage: TraceStage = { table: Number(m[1]), stage: m[2]!, source: m[3], match: m[4]!, priority: Number(m[5]), uuid: m[6]!, actions: [] };
      sections[sections.length - 1]!.stages.push(stage);
      current = stage as unknown as { actions: string[] };
      continue;
    }
    if (current && line.startsWith("    ") && line.trim() !== "") {
      const action = line.trim();
      current.actions.push(action);
      const o = OUTPUT.exec(action);
      if (o) {
        outputs.push(o[1]!);
        // A patch port is a hop when its peer's pipeline comes next, else a delivery.
        const after = lines.slice(i + 1).find((l) => l.trim() !== "");
        if (o[2] !== "patch" || after === undefined || !PIPELINE.test(after.trim())) delivered++;
      }
    }
  }
  return { flow, sections, outputs, dropped: delivered === 0 && sections.length > 0, raw: text };
}
