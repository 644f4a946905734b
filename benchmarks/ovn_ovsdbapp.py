"""ovsdbapp side of the OVN pod-creation benchmark (Debian /usr/bin/python3, python3-ovsdbapp).

  ovn_ovsdbapp.py REMOTE SWITCH PORT_GROUP N PREFIX

Creates N pods the way Kube-OVN does per pod, one transaction each: a logical switch port with a
fixed MAC/IP in addresses and port_security, added to PORT_GROUP. Prints one JSON object.
"""
import json
import sys
import time

from ovsdbapp.backend.ovs_idl import connection
from ovsdbapp.schema.ovn_northbound import impl_idl


def mac(i):
    return "0a:5a:%02x:%02x:%02x:%02x" % ((i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255)


def ip(i):
    return "10.%d.%d.%d" % (64 + ((i >> 16) & 63), (i >> 8) & 255, i & 255)


def main():
    remote, switch, pg, n, prefix = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    idl = connection.OvsdbIdl.from_server(remote, "OVN_Northbound")
    conn = connection.Connection(idl=idl, timeout=600)
    api = impl_idl.OvnNbApiIdlImpl(conn)
    t0 = time.perf_counter()
    for i in range(n):
        name = "%s-%d" % (prefix, i)
        entry = "%s %s" % (mac(i), ip(i))
        with api.transaction(check_error=True) as txn:
            txn.add(api.lsp_add(switch, name, may_exist=True))
            txn.add(api.lsp_set_addresses(name, [entry]))
            txn.add(api.lsp_set_port_security(name, [entry]))
            txn.add(api.pg_add_ports(pg, name))
    seconds = time.perf_counter() - t0
    conn.stop()
    print(json.dumps({"pods": n, "seconds": seconds}))


main()
