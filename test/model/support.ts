/** Test support of the model's kind tests: apply a manifest text once through a fresh controller (recording what it sends), and normalized ovn-nbctl output. */
import { NB_CONTROLLER_TABLES, NbController } from "../../src/ovn/controller/index.js";
import { KUBE_OVN_IDENTITY, type Manifest, applyModel, existingAddresses, parseManifestText, resolveModel } from "../../src/model/index.js";
import { nbctl, recordingClient } from "../ovn/controller/support.js";

/** Parses manifest text, failing the test on any issue. */
export function manifestOf(text: string): Manifest {
  const r = parseManifestText(text, "m.yaml");
  if (r.issues.length) throw new Error(JSON.stringify(r.issues));
  return { objects: r.objects };
}

/** Applies `manifest` through a new controller on `unix`; returns the result and the operation lists sent. */
export async function applyOnce(unix: string, manifest: Manifest, options: Parameters<typeof applyModel>[2] = {}) {
  const { client, sent } = await recordingClient(unix);
  const ctl = await NbController.open(client, { identity: KUBE_OVN_IDENTITY, tables: NB_CONTROLLER_TABLES });
  try {
    const model = resolveModel(manifest, { existing: existingAddresses(ctl) });
    const r = await applyModel(ctl, model, options);
    return { r, sent, model };
  } finally {
    await ctl.close();
    client.close();
  }
}

/** `ovn-nbctl ARGS` output as trimmed lines with runs of blanks collapsed. */
export async function lines(db: string, ...args: string[]): Promise<string[]> {
  return (await nbctl(db, ...args))
    .split("\n")
    .map((l) => l.replace(/\s+/g, " ").trim())
    .filter((l) => l !== "");
}

/** The `name` column of every row of `table` (sorted). */
export async function names(db: string, table: string): Promise<string[]> {
  return (await nbctl(db, "--bare", "--columns=name", "list", table)).split(/\s+/).filter(Boolean).sort();
}
