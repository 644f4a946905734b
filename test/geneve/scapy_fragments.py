"""Differential helper for the fragment and IPv6 extension header tests, run with /usr/bin/python3 (scapy 2.5).

  scapy_fragments.py build < JSON list of cases -> JSON list of {"whole": hex, "frames": [hex, ...]}
      a case is {"spec": <scapy_geneve.py frame spec>, "ext": [names], "fragment": N (optional)}:
      ext names, in order, insert IPv6 extension headers between the IPv6 header and UDP:
        "hbh" Hop-by-Hop (PadN), "dest" Destination Options (PadN), "rh0" Routing type 0 with Segments
        Left 0, "srh" Segment Routing header with one segment and Segments Left 0, "rh0-left" / "srh-left"
        the same with Segments Left 1 (the UDP checksum then uses the final destination), "ah" Authentication
        Header (SPI 0x100, 12-byte ICV), "atomic" an atomic Fragment header (offset 0, M 0, RFC 6946);
      "fragment": N fragments the IP packet with scapy's fragment() (IPv4, N = data bytes per fragment)
      or fragment6() (IPv6, N = largest fragment).
  scapy_fragments.py defragment < JSON list of lists of hex frames -> JSON list of parsed frames
      (scapy's defragment()/defragment6() then scapy_geneve.parse), or {"error": text}.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from scapy.layers.inet import IP, UDP, fragment, defragment  # noqa: E402
from scapy.layers.inet6 import (IPv6, in6_chksum, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,  # noqa: E402
                                IPv6ExtHdrRouting, IPv6ExtHdrSegmentRouting, PadN, defragment6, fragment6)
from scapy.layers.ipsec import AH  # noqa: E402
from scapy.layers.l2 import Dot1Q, Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402

import scapy_geneve  # noqa: E402


NH = {"hbh": 0, "dest": 60, "rh0": 43, "srh": 43, "rh0-left": 43, "srh-left": 43, "ah": 51, "atomic": 44, "fragment": 44}
# the UDP pseudo-header's destination behind a Routing header with Segments Left > 0 (RFC 8200 §8.1)
FINAL = {"rh0-left": "2001:db8::99", "srh-left": "2001:db8::77"}


def ext_layer(name):
    if name == "hbh":
        return IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\x00" * 4)])
    if name == "dest":
        return IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\x00" * 12)])
    if name == "rh0":
        return IPv6ExtHdrRouting(type=0, segleft=0, addresses=["2001:db8::99", "2001:db8::98"])
    if name == "srh":
        return IPv6ExtHdrSegmentRouting(addresses=["2001:db8::77"], segleft=0, lastentry=0)
    if name == "rh0-left":  # one address still to visit: the final destination
        return IPv6ExtHdrRouting(type=0, segleft=1, addresses=[FINAL[name]])
    if name == "srh-left":  # Segment List[0] is the final destination, [1] the current one (RFC 8754)
        return IPv6ExtHdrSegmentRouting(addresses=[FINAL[name], "2001:db8::2"], segleft=1, lastentry=1)
    if name == "ah":
        return AH(spi=0x100, seq=7, icv=b"\xab" * 12, payloadlen=4)  # scapy leaves it 0 without an SA
    if name == "atomic":
        return IPv6ExtHdrFragment(offset=0, m=0, id=0x1234)
    raise ValueError(name)


def link(spec):
    eth = spec.get("eth", {})
    pkt = Ether(dst=eth.get("dst", "02:00:00:00:00:02"), src=eth.get("src", "02:00:00:00:00:01"))
    for v in eth.get("vlans", []):
        pkt = pkt / Dot1Q(prio=v.get("pcp", 0), id=int(v.get("dei", False)), vlan=v["vid"])
    return pkt


def build(case):
    spec = case["spec"]
    whole = Ether(scapy_geneve.build(spec))
    ip = whole[IPv6] if spec["ip"]["version"] == 6 else whole[IP]
    exts = case.get("ext", [])
    frag = case.get("fragment")
    if isinstance(ip, IPv6) and (exts or frag):
        udp = UDP(bytes(ip[UDP]))
        udp.chksum = None  # scapy recomputes it over the pseudo-header (final destination)

        def chain(with_fragment):
            names = exts + (["fragment"] if with_fragment else [])
            layers = [IPv6ExtHdrFragment(id=case.get("id", 0xabcdef)) if n == "fragment" else ext_layer(n) for n in names]
            for i, l in enumerate(layers):
                if isinstance(l, AH):  # scapy leaves AH's Next Header at 0
                    l.nh = NH[names[i + 1]] if i + 1 < len(names) else 17
            c = IPv6(src=ip.src, dst=ip.dst, hlim=ip.hlim, tc=ip.tc, fl=ip.fl)
            for l in layers:
                c = c / l
            raw = bytearray(bytes(c / udp))
            # scapy 2.5 fills Payload Length wrongly behind a Hop-by-Hop header (70 for a 3042-byte payload)
            raw[4:6] = (len(raw) - 40).to_bytes(2, "big")
            # ... and its UDP checksum then is wrong too: recompute it with scapy's in6_chksum
            final = next((FINAL[n] for n in names if n in FINAL), ip.dst)
            seg = bytearray(raw[len(raw) - len(bytes(udp)):])
            seg[6:8] = b"\x00\x00"
            c = in6_chksum(17, IPv6(src=ip.src, dst=final), bytes(seg)) or 0xFFFF
            raw[len(raw) - len(seg) + 6:len(raw) - len(seg) + 8] = c.to_bytes(2, "big")
            return IPv6(bytes(raw))

        ip = chain(False)
        if frag:
            pkt_whole = link(spec) / ip
            return {"whole": bytes(pkt_whole).hex(),
                    "frames": [bytes(link(spec) / p).hex() for p in fragment6(chain(True), frag)]}
    pkt_whole = link(spec) / ip
    if not frag:
        return {"whole": bytes(pkt_whole).hex(), "frames": [bytes(pkt_whole).hex()]}
    if True:
        ip = IP(bytes(ip))
        ip.flags = 0
        ip.id = case.get("id", 0x4242)
        ip.chksum = None
        ip = IP(bytes(ip))
        pkt_whole = link(spec) / ip
        parts = fragment(ip, fragsize=frag)
    return {"whole": bytes(pkt_whole).hex(), "frames": [bytes(link(spec) / p).hex() for p in parts]}


def defrag(frames):
    """scapy's reassembly of one datagram's frames (of their IP layers), then the first frame's link header
    in front, then scapy_geneve.parse."""
    pkts = [Ether(bytes.fromhex(h)) for h in frames]
    v6 = IPv6 in pkts[0]
    first = bytes(pkts[0])
    head = first[:len(first) - len(bytes(pkts[0][IPv6 if v6 else IP]))]
    if v6:
        whole = [defragment6([p[IPv6] for p in pkts])]
    else:
        # each fragment's payload as Raw: when the first one is dissected down to the inner frame, scapy
        # 2.5's defragment() strips the inner IPv4 packet's Ethernet padding from the outer fragment
        raw = []
        for p in pkts:
            b = bytes(p[IP])
            hl = (b[0] & 15) * 4
            raw.append(IP(b[:hl]) / Raw(b[hl:p[IP].len]))
        whole = [p for p in defragment(raw) if p.flags.MF == 0 and p.frag == 0]
    if len(whole) != 1:
        return {"error": "scapy did not reassemble one packet"}
    try:
        return scapy_geneve.parse(head + bytes(whole[0]))
    except Exception as e:  # noqa: BLE001 - report scapy's failure to the test
        return {"error": repr(e)}


def main():
    cmd = sys.argv[1]
    data = json.load(sys.stdin)
    if cmd == "build":
        json.dump([build(c) for c in data], sys.stdout)
    elif cmd == "defragment":
        json.dump([defrag(f) for f in data], sys.stdout)
    else:
        sys.exit("usage: scapy_fragments.py build|defragment")


if __name__ == "__main__":
    main()
