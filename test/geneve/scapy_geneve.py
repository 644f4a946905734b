"""Differential helper for the geneve tests: builds and parses Geneve frames with scapy.

Run with the Debian interpreter (/usr/bin/python3, which has scapy and scapy.contrib.geneve):
  scapy_geneve.py build  < JSON list of frame specs  -> JSON list of hex frames
  scapy_geneve.py parse  < JSON list of hex frames   -> JSON list of decoded fields
  scapy_geneve.py bench N < JSON [spec]              -> JSON ops per CPU-second of header/frame build+parse
The spec format mirrors GeneveFrameSpec in src/geneve/frame.ts with options as {cls, type, flags, data(hex)}.
"""
import json
import sys
import time

from scapy.layers.inet import IP, UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Dot1Q, Ether
from scapy.packet import Raw
from scapy.contrib.geneve import GENEVE, GeneveOptions


def geneve_layer(g):
    opts = [GeneveOptions(classid=o["cls"], type=o["type"], reserved=o.get("flags", 0),
                          length=len(bytes.fromhex(o["data"])) // 4, data=bytes.fromhex(o["data"]))
            for o in g.get("options", [])]
    optlen = sum(4 + len(bytes.fromhex(o["data"])) for o in g.get("options", [])) // 4
    critical = g.get("critical")
    if critical is None:
        critical = 1 if any(o["type"] & 0x80 for o in g.get("options", [])) else 0
    # optionlen is given explicitly: scapy 2.5's automatic value masks it with 0x2f (see known differences)
    return GENEVE(version=0, optionlen=optlen, oam=int(g.get("oam", False)), critical=int(critical),
                  proto=g.get("proto", 0x6558), vni=g["vni"], options=opts)


def build(spec):
    eth = spec.get("eth", {})
    vlans = eth.get("vlans", [])
    ip = spec["ip"]
    pkt = Ether(dst=eth.get("dst", "02:00:00:00:00:02"), src=eth.get("src", "02:00:00:00:00:01"))
    for v in vlans:
        pkt = pkt / Dot1Q(prio=v.get("pcp", 0), id=int(v.get("dei", False)), vlan=v["vid"])
    if ip["version"] == 4:
        pkt = pkt / IP(src=ip["src"], dst=ip["dst"], ttl=ip.get("ttl", 64), tos=ip.get("tos", 0),
                       id=ip.get("identification", 0), flags="DF" if ip.get("dontFragment", True) else 0)
    else:
        pkt = pkt / IPv6(src=ip["src"], dst=ip["dst"], hlim=ip.get("hopLimit", 64),
                         tc=ip.get("trafficClass", 0), fl=ip.get("flowLabel", 0))
    udp = spec.get("udp", {})
    u = UDP(sport=udp["srcPort"], dport=udp.get("dstPort", 6081))
    if udp.get("checksum") == "zero":
        u.chksum = 0
    pkt = pkt / u / geneve_layer(spec["geneve"]) / Raw(bytes.fromhex(spec["inner"]))
    return bytes(pkt)


def parse(data):
    pkt = Ether(data)
    out = {"vlans": []}
    layer = pkt.payload
    while isinstance(layer, Dot1Q):
        out["vlans"].append({"vid": layer.vlan, "pcp": layer.prio, "dei": bool(layer.id)})
        layer = layer.payload
    if isinstance(layer, IP):
        out["ip"] = {"version": 4, "src": layer.src, "dst": layer.dst, "ttl": layer.ttl, "chksum": layer.chksum}
    elif isinstance(layer, IPv6):
        out["ip"] = {"version": 6, "src": layer.src, "dst": layer.dst, "hlim": layer.hlim, "fl": layer.fl}
    u = layer[UDP]
    out["udp"] = {"sport": u.sport, "dport": u.dport, "len": u.len, "chksum": u.chksum}
    raw = bytes(u.payload)
    g = GENEVE(raw)
    # scapy 2.5's GeneveOptions has no extract_padding, so GENEVE's option list swallows every option after
    # the first as Raw; dissect the options area one GeneveOptions at a time instead.
    area = raw[8:8 + g.optionlen * 4]
    options = []
    while area:
        o = GeneveOptions(area)
        options.append({"cls": o.classid, "type": o.type, "flags": o.reserved, "length": o.length,
                        "data": bytes(o.data).hex()})
        area = area[4 + o.length * 4:]
    out["geneve"] = {
        "vni": g.vni, "proto": g.proto, "oam": g.oam, "critical": g.critical, "optionlen": g.optionlen,
        "options": options,
    }
    out["inner"] = raw[8 + g.optionlen * 4:].hex()
    return out


def bench(n, spec):
    frame = build(spec)
    header = bytes(geneve_layer(spec["geneve"]))
    res = {}
    t = time.process_time()
    for _ in range(n):
        bytes(geneve_layer(spec["geneve"]))
    res["headerEncode"] = n / (time.process_time() - t)
    t = time.process_time()
    for _ in range(n):
        GENEVE(header).options
    res["headerDecode"] = n / (time.process_time() - t)
    t = time.process_time()
    for _ in range(n):
        build(spec)
    res["frameEncode"] = n / (time.process_time() - t)
    t = time.process_time()
    for _ in range(n):
        Ether(frame)[GENEVE].vni
    res["frameDecode"] = n / (time.process_time() - t)
    return res


def main():
    cmd = sys.argv[1]
    data = json.load(sys.stdin)
    if cmd == "build":
        json.dump([build(s).hex() for s in data], sys.stdout)
    elif cmd == "parse":
        json.dump([parse(bytes.fromhex(h)) for h in data], sys.stdout)
    elif cmd == "bench":
        json.dump(bench(int(sys.argv[2]), data[0]), sys.stdout)
    else:
        sys.exit("usage: scapy_geneve.py build|parse|bench N")


if __name__ == "__main__":
    main()
