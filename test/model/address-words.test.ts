import { describe, expect, it } from "vitest";
import { addressWords } from "../../src/model/planner.js";

describe("addressWords (the words of a port's address entry)", () => {
  it("equals splitting the trimmed entry at runs of white space (random entries)", () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pieces = ["0a:00:00:00:00:01", "10.0.0.5", "fd00::5", " ", "  ", "\t", "\u00a0", "", "x"];
    for (let n = 0; n < 20000; n++) {
      let entry = "";
      for (let i = Math.floor(rnd() * 6); i > 0; i--) entry += pieces[Math.floor(rnd() * pieces.length)]! + (rnd() < 0.7 ? " " : "");
      expect(addressWords(entry), JSON.stringify(entry)).toEqual(entry.trim().split(/\s+/));
    }
    expect(addressWords("0a:00:00:00:00:01 10.0.0.5")).toEqual(["0a:00:00:00:00:01", "10.0.0.5"]);
  });
});
