"""scapy side of test/net: build packets from JSON specs, and inet_ntop/inet_pton for address text.

Reads JSON on stdin, writes JSON on stdout.
  build: [spec, ...] -> [hex, ...]   (spec: see build.test.ts; scapy fills lengths and checksums)
  ntop:  [hex16, ...] -> [text, ...]
"""
import json
import socket
import sys

from scapy.all import ARP, ICMP, IP, TCP, UDP, Dot1AD, Dot1Q, Ether, IPv6, Raw
from scapy.layers.inet6 import ICMPv6EchoRequest, ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting
from scapy.all import raw


def build(s):
    p = None
    if s.get("link", "ethernet") == "ethernet":
        e = s.get("ethernet", {})
        p = Ether(src=e.get("src", "02:00:00:00:00:01"), dst=e.get("dst", "02:00:00:00:00:02"))
        for t in e.get("vlans", []):
            tag = Dot1AD if t.get("tpid", 0x8100) == 0x88A8 else Dot1Q
            p = p / tag(vlan=t["vid"], prio=t.get("pcp", 0), id=1 if t.get("dei") else 0)
    def add(layer):
        nonlocal p
        p = layer if p is None else p / layer
    if "arp" in s:
        a = s["arp"]
        add(ARP(op=a.get("op", 1), hwsrc=a["sha"], psrc=a["spa"], hwdst=a.get("tha", "00:00:00:00:00:00"), pdst=a["tpa"]))
    else:
        ip = s["ip"]
        t = s.get("transport")
        if ip["version"] == 4:
            kw = dict(src=ip["src"], dst=ip["dst"], ttl=ip.get("ttl", 64), tos=ip.get("tos", 0), id=ip.get("identification", 0), flags="DF" if ip.get("dontFragment", True) else 0)
            if t is None:
                kw["proto"] = s.get("ipProtocol", 253)
            add(IP(**kw))
        else:
            kw = dict(src=ip["src"], dst=ip["dst"], hlim=ip.get("hopLimit", 64), tc=ip.get("trafficClass", 0), fl=ip.get("flowLabel", 0))
            if t is None:
                kw["nh"] = s.get("ipProtocol", 59)
            add(IPv6(**kw))
            for x in s.get("ext", []):
                if x == "hop":
                    add(IPv6ExtHdrHopByHop())
                elif x == "routing":
                    add(IPv6ExtHdrRouting(addresses=["2001:db8::99"], segleft=1))
                elif x == "frag0":
                    add(IPv6ExtHdrFragment(offset=0, m=1, id=0x1234))
        if t is not None:
            if t["type"] == "udp":
                add(UDP(sport=t["srcPort"], dport=t["dstPort"], chksum=0 if t.get("checksum") == "zero" else None))
            elif t["type"] == "tcp":
                add(TCP(sport=t["srcPort"], dport=t["dstPort"], seq=t.get("seq", 0), ack=t.get("ack", 0), flags=t.get("flags", 2), window=t.get("window", 8192), urgptr=t.get("urgent", 0)))
            elif t["type"] == "icmp":
                rest = bytes.fromhex(t.get("rest", "00000000"))
                add(ICMP(type=t["icmpType"], code=t.get("code", 0), id=int.from_bytes(rest[:2], "big"), seq=int.from_bytes(rest[2:], "big")))
            elif t["type"] == "icmpv6":
                rest = bytes.fromhex(t.get("rest", "00000000"))
                add(ICMPv6EchoRequest(type=t["icmpType"], code=t.get("code", 0), id=int.from_bytes(rest[:2], "big"), seq=int.from_bytes(rest[2:], "big")))
            elif t["type"] == "ns":
                add(ICMPv6ND_NS(tgt=t["target"]) / ICMPv6NDOptSrcLLAddr(lladdr=t["sll"]))
    if s.get("payload"):
        add(Raw(bytes.fromhex(s["payload"])))
    return raw(p).hex()


def main():
    cmd = sys.argv[1]
    data = json.load(sys.stdin)
    if cmd == "build":
        out = [build(s) for s in data]
    elif cmd == "ntop":
        out = [socket.inet_ntop(socket.AF_INET6, bytes.fromhex(h)) for h in data]
    else:
        raise SystemExit("unknown command " + cmd)
    json.dump(out, sys.stdout)


main()
