/**
 * `ovsdb-client --user USER[:GROUP]` (OVS 3.1 `lib/daemon.man`, `daemon_set_new_user` and
 * `daemon_become_new_user` of `lib/daemon-unix.c`): right after its options are read, a process
 * started by root drops to USER (its primary group, or GROUP when USER is a member of it), for every
 * command. An empty USER means the current user (`:GROUP` changes only the group).
 *
 * What matches ovsdb-client: who may use it (root only), the checks and their messages (`user X
 * not found`, `group X not found`, `Invalid --user option U:G (user U is not in group G)`), and the
 * result: real and effective user and group ids switched, the supplementary groups dropped (as
 * libcap-ng's `CAPNG_DROP_SUPP_GRP`), so what runs after it (the connection, the pidfile, the
 * control socket) runs as USER. Differences: names are looked up with `getent` (the system's name
 * services, as `getpwnam_r` uses them; `/etc/passwd` and `/etc/group` when `getent` is missing),
 * and no capability is kept (ovsdb-client keeps `CAP_IPC_LOCK` and `CAP_NET_BIND_SERVICE`; Node
 * cannot, and a client needs neither).
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { Fatal } from "./context.js";

/** One `passwd` entry: name, user id and primary group id. */
interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** One `group` entry: name, group id and member names. */
interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

/** The ids `--user` switches to (see {@link resolveUser}). */
export interface UserSwitch {
  /** The user's name (its entry's, for the current user). */
  readonly user: string;
  readonly uid: number;
  readonly gid: number;
}

/** `getent DATABASE KEY`'s line; undefined when there is no such entry; `null` when getent itself is missing. */
function getent(database: "passwd" | "group", key: string): string | undefined | null {
  try {
    return execFileSync("getent", [database, key], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n")[0];
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? null : undefined; // exit status 2: no such entry
  }
}

/** The first line of /etc/DATABASE whose field `field` is `key`. */
function etcEntry(database: "passwd" | "group", field: number, key: string): string | undefined {
  let text = "";
  try {
    text = readFileSync(`/etc/${database}`, "utf8");
  } catch {
    return undefined;
  }
  return text.split("\n").find((l) => l.split(":")[field] === key);
}

function passwdBy(key: string, byId: boolean): PasswdEntry | undefined {
  let line = getent("passwd", key);
  if (line === null) line = etcEntry("passwd", byId ? 2 : 0, key);
  const f = line?.split(":");
  if (!f || f.length < 4) return undefined;
  const e = { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]) };
  // getent also takes a number for a name; getpwnam_r does not
  if (byId ? e.uid !== Number(key) : e.name !== key) return undefined;
  return e;
}

function groupByName(name: string): GroupEntry | undefined {
  let line = getent("group", name);
  if (line === null) line = etcEntry("group", 0, name);
  const f = line?.split(":");
  if (!f || f.length < 4 || f[0] !== name) return undefined;
  return { name: f[0], gid: Number(f[2]), members: f[3] === "" ? [] : f[3]!.split(",") };
}

/**
 * OVS `daemon_set_new_user`: checks `spec` (`USER[:GROUP]`) and returns the ids to switch to, or
 * throws ovsdb-client's fatal error. `label` starts each message, as OVS's (the pidfile's name,
 * `(null)` without `--pidfile`).
 */
export function resolveUser(spec: string, label: string): UserSwitch {
  if (process.geteuid?.() !== 0 || process.getuid?.() !== 0) throw new Fatal(`${label}: only root can use --user option`);
  const s = spec.replace(/^[ \t\r\n]+/, "");
  const colon = s.indexOf(":");
  const userName = colon < 0 ? s : s.slice(0, colon);
  let pw: PasswdEntry | undefined;
  if (userName !== "") {
    pw = passwdBy(userName, false);
    if (!pw) throw new Fatal(`${label}: user ${userName} not found, aborting.`);
  } else {
    pw = passwdBy(String(process.getuid!()), true);
    if (!pw) throw new Fatal(`${label}: Failed to retrieve current user's name (No such file or directory), aborting.`);
  }
  let gid = pw.gid;
  if (colon >= 0) {
    const groupName = s.slice(colon + 1).replace(/^[ \t\r\n]+/, "");
    if (groupName !== "") {
      const gr = groupByName(groupName);
      if (!gr) throw new Fatal(`${label}: group ${groupName} not found, aborting.`);
      if (gr.gid !== gid) {
        if (!gr.members.includes(pw.name)) {
          throw new Fatal(`${label}: Invalid --user option ${s} (user ${pw.name} is not in group ${groupName}), aborting.`);
        }
        gid = gr.gid;
      }
    }
  }
  return { user: pw.name, uid: pw.uid, gid };
}

/**
 * OVS `daemon_become_new_user`: drops the supplementary groups, then switches the group and the
 * user ids (real and effective), and checks that they took; throws ovsdb-client's fatal error if not.
 */
export function becomeUser(to: UserSwitch, label: string): void {
  try {
    process.setgroups!([]);
    process.setgid!(to.gid);
  } catch {
    throw new Fatal(`${label}: fail to switch group to gid as ${to.gid}, aborting`);
  }
  if (process.getgid!() !== to.gid || process.getegid!() !== to.gid) throw new Fatal(`${label}: fail to switch group to gid as ${to.gid}, aborting`);
  try {
    process.setuid!(to.uid);
  } catch {
    throw new Fatal(`${label}: fail to switch user to ${to.user}, aborting`);
  }
  if (process.getuid!() !== to.uid || process.geteuid!() !== to.uid) throw new Fatal(`${label}: fail to switch user to ${to.user}, aborting`);
}
