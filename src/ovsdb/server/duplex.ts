/**
 * In-memory connections for {@link OvsdbServer.connectInProcess}: two duplex streams joined back
 * to back.
 *
 * @module
 */
import { Duplex } from "node:stream";

/** Two connected in-memory duplex streams: what one writes, the other reads. */
export function duplexPair(): [Duplex, Duplex] {
  let ends: [Duplex, Duplex] | undefined;
  let ended = [false, false];
  const make = (self: 0 | 1): Duplex => {
    const other = (1 - self) as 0 | 1;
    const endOther = () => {
      if (!ended[other] && ends) {
        ended[other] = true;
        ends[other].push(null);
      }
    };
    return new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        const peer = ends?.[other];
        if (peer && !ended[other] && !peer.destroyed) peer.push(chunk);
        cb();
      },
      final(cb) {
        endOther();
        cb();
      },
      destroy(err, cb) {
        endOther();
        cb(err);
      },
    });
  };
  ends = [make(0), make(1)];
  ended = [false, false];
  return ends;
}
