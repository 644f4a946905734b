"""Times python3-os-ken (Debian's Ryu fork) decoding and re-encoding OpenFlow 1.3 flow_mods.

Input: a file with one hex-encoded message per line. Output: JSON with ops/s.
"""
import json
import sys
import time

from os_ken.ofproto import ofproto_parser
from os_ken.ofproto import ofproto_v1_3
from os_ken.ofproto import ofproto_v1_3_parser


class Datapath:
    ofproto = ofproto_v1_3
    ofproto_parser = ofproto_v1_3_parser


def main():
    dp = Datapath()
    raw = [bytes.fromhex(line.strip()) for line in open(sys.argv[1]) if line.strip()]
    ok = []
    for b in raw:
        try:
            v, t, n, x = ofproto_parser.header(b)
            m = ofproto_parser.msg(dp, v, t, n, x, b)
            m.serialize()
            ok.append((b, m))
        except Exception:
            pass

    def rate(fn, min_s=0.5):
        for _ in range(20):
            fn()
        n = 0
        t0 = time.perf_counter()
        t = t0
        while t - t0 < min_s:
            for _ in range(20):
                fn()
            n += 20
            t = time.perf_counter()
        return n / (t - t0)

    i = [0]

    def dec():
        b = ok[i[0] % len(ok)][0]
        i[0] += 1
        v, t, n, x = ofproto_parser.header(b)
        ofproto_parser.msg(dp, v, t, n, x, b)

    def enc():
        m = ok[i[0] % len(ok)][1]
        i[0] += 1
        m.buf = None
        m.serialize()

    print(json.dumps({"decode": rate(dec), "encode": rate(enc), "decoded": len(ok), "total": len(raw)}))


main()
