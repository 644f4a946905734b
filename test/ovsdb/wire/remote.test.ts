import { describe, expect, it } from "vitest";
import { RemoteSyntaxError, formatRemote, parseActiveRemote, parsePassiveRemote, parseRemoteList } from "../../../src/ovsdb/wire/remote.js";

describe("remotes in OVS syntax", () => {
  const active: [string, unknown][] = [
    ["tcp:127.0.0.1:6641", { kind: "tcp", host: "127.0.0.1", port: 6641 }],
    ["tcp:[::1]:6641", { kind: "tcp", host: "::1", port: 6641 }],
    ["tcp:127.0.0.1", { kind: "tcp", host: "127.0.0.1", port: 6640 }],
    ["ssl:10.0.0.1:6642", { kind: "ssl", host: "10.0.0.1", port: 6642 }],
    ["unix:/run/ovn/ovnnb_db.sock", { kind: "unix", path: "/run/ovn/ovnnb_db.sock" }],
  ];
  for (const [text, want] of active) {
    it(`parses ${text} and formats it back`, () => {
      const r = parseActiveRemote(text);
      expect(r).toEqual(want);
      if (text !== "tcp:127.0.0.1") expect(formatRemote(r)).toBe(text);
    });
  }
  const passive: [string, unknown][] = [
    ["ptcp:6641", { kind: "ptcp", host: "0.0.0.0", port: 6641 }],
    ["ptcp:6641:127.0.0.1", { kind: "ptcp", host: "127.0.0.1", port: 6641 }],
    ["ptcp:0:[::1]", { kind: "ptcp", host: "::1", port: 0 }],
    ["pssl:6643:127.0.0.1", { kind: "pssl", host: "127.0.0.1", port: 6643 }],
    ["punix:/tmp/db.sock", { kind: "punix", path: "/tmp/db.sock" }],
  ];
  for (const [text, want] of passive) {
    it(`parses passive ${text}`, () => expect(parsePassiveRemote(text)).toEqual(want));
  }
  it("splits comma-separated lists", () => {
    expect(parseRemoteList("tcp:127.0.0.1:1, tcp:127.0.0.2:2,unix:/x").map(formatRemote)).toEqual(["tcp:127.0.0.1:1", "tcp:127.0.0.2:2", "unix:/x"]);
  });
  const bad: [string, string][] = [
    ["http://x", "http://x: unknown connection method 'http'"],
    ["tcp:host.example:1", "tcp:host.example:1: 'host.example' is not an IP address"],
    ["tcp:127.0.0.1:99999", "tcp:127.0.0.1:99999: '99999' is not a valid port"],
    ["tcp:[::1:6641", "tcp:[::1:6641: unterminated '[' in IPv6 address"],
    ["unix:", "unix:: missing socket path"],
    ["", "'': no remote given"],
  ];
  for (const [text, msg] of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      expect(() => parseRemoteList(text)).toThrow(RemoteSyntaxError);
      expect(() => parseRemoteList(text)).toThrow(msg);
    });
  }
});
