/**
 * `--unixctl=SOCKET`: the control sockets `ovsdb-client` opens when it runs detached, served by the
 * long-running commands of `ovn-ts ovsdb` (`monitor*` and `lock`/`steal`/`unlock`) so
 * `ovs-appctl -t SOCKET` drives them as it drives ovsdb-client.
 *
 * @module
 */
import { parseJson } from "../../ovsdb/wire/json.js";
import type { MonitorCondition } from "../../ovsdb/wire/operations.js";
import { UnixctlCommandError } from "../../unixctl/errors.js";
import { UnixctlServer } from "../../unixctl/server.js";
import { type Context, Fatal } from "./context.js";

/** Opens the control socket at `path`, failing as ovsdb-client does when it cannot. */
async function listen(path: string): Promise<UnixctlServer> {
  try {
    return await UnixctlServer.listen(path, { version: "ovn-ts ovsdb (mirrors ovsdb-client)" });
  } catch (e) {
    throw new Fatal(`${path}: could not initialize control socket (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * `--unixctl=SOCKET`: the control socket ovsdb-client opens when it monitors detached, with its
 * commands `exit`, `ovsdb-client/cond_change TABLE COND` (sends `monitor_cond_change`
 * for the running monitor; it answers `condition changed` once the server has accepted the change,
 * or the server's error), `ovsdb-client/block` and `ovsdb-client/unblock` (stop and resume reading
 * from the server).
 */
export async function monitorControl(ctx: Context, path: string, method: "monitor" | "monitor_cond" | "monitor_cond_since", monitorId: string, exit: () => void): Promise<UnixctlServer> {
  const control = await listen(path);
  control.register("exit", { usage: "", minArgs: 0, maxArgs: 0, run: () => void exit() });
  // As ovsdb-client: block stops reading from the server (updates queue up there), unblock reads again.
  let blocked = false;
  control.register("ovsdb-client/block", {
    usage: "",
    minArgs: 0,
    maxArgs: 0,
    run: () => {
      if (blocked) return "already blocking";
      blocked = true;
      ctx.client!.rpc.pause();
      return undefined;
    },
  });
  control.register("ovsdb-client/unblock", {
    usage: "",
    minArgs: 0,
    maxArgs: 0,
    run: () => {
      if (!blocked) return "already unblocked";
      blocked = false;
      ctx.client!.rpc.resume();
      return undefined;
    },
  });
  control.register("ovsdb-client/cond_change", {
    usage: "TABLE COND",
    minArgs: 2,
    maxArgs: 2,
    run: async ([table, condText]) => {
      const fail = (text: string) => new UnixctlCommandError("ovsdb-client/cond_change", [table!, condText!], text);
      if (method === "monitor") throw fail("monitor_cond_change needs a monitor-cond or monitor-cond-since monitor");
      // Sent as given; the server checks it (as ovsdb-client, which sends the text's JSON unchecked).
      let where: readonly MonitorCondition[];
      try {
        where = parseJson(condText!) as readonly MonitorCondition[];
      } catch (e) {
        throw fail(`"${condText}": ${(e as Error).message}`);
      }
      try {
        await ctx.client!.monitorCondChange(monitorId, { [table!]: [{ where }] });
      } catch (e) {
        throw fail((e as Error).message);
      }
      return "condition changed";
    },
  });
  return control;
}

/**
 * `--unixctl=SOCKET` with `lock`/`steal`/`unlock`: ovsdb-client's control socket for them, with
 * `lock LOCK`, `steal LOCK`, `unlock LOCK` (each sends the request on the same session and prints
 * its reply, one request at a time as ovsdb-client) and `exit`.
 */
export async function lockControl(path: string, request: (method: "lock" | "steal" | "unlock", lock: string) => Promise<void>, exit: () => void): Promise<UnixctlServer> {
  const control = await listen(path);
  let queue = Promise.resolve();
  for (const method of ["lock", "steal", "unlock"] as const) {
    control.register(method, {
      usage: "LOCK",
      minArgs: 1,
      maxArgs: 1,
      run: async ([lock]) => {
        const next = queue.then(() => request(method, lock!));
        queue = next.catch(() => undefined);
        await next;
        return undefined;
      },
    });
  }
  control.register("exit", { usage: "", minArgs: 0, maxArgs: 0, run: () => void exit() });
  return control;
}
