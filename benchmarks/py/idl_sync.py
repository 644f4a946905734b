"""Side-by-side replica benchmark peers (Debian /usr/bin/python3 with python3-openvswitch and
python3-ovsdbapp). Prints one JSON object.

  idl_sync.py sync REMOTE SCHEMA          OVS Python IDL: initial sync of Logical_Switch + Logical_Switch_Port
  idl_sync.py lsp_add REMOTE SCHEMA N     ovsdbapp (warm IDL): N x lsp_add on switch "ls-0"
"""
import json
import resource
import sys
import time

import ovs.db.idl
import ovs.poller


def sync(remote, schema_file):
    helper = ovs.db.idl.SchemaHelper(schema_file)
    helper.register_table("Logical_Switch")
    helper.register_table("Logical_Switch_Port")
    t0 = time.perf_counter()
    idl = ovs.db.idl.Idl(remote, helper)
    seq = idl.change_seqno
    while True:
        idl.run()
        if idl.change_seqno != seq and idl.has_ever_connected():
            break
        poller = ovs.poller.Poller()
        idl.wait(poller)
        poller.block()
    seconds = time.perf_counter() - t0
    n = len(idl.tables["Logical_Switch_Port"].rows)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rows": n, "maxRssMb": rss_mb}))


def lsp_add(remote, schema_file, n):
    from ovsdbapp.backend.ovs_idl import connection
    from ovsdbapp.schema.ovn_northbound import impl_idl
    idl = connection.OvsdbIdl.from_server(remote, "OVN_Northbound")
    conn = connection.Connection(idl=idl, timeout=600)
    api = impl_idl.OvnNbApiIdlImpl(conn)
    # warm: one call first
    api.lsp_add("ls-0", "warm-0").execute(check_error=True)
    t0 = time.perf_counter()
    for i in range(n):
        api.lsp_add("ls-0", "ovsdbapp-%d" % i).execute(check_error=True)
    seconds = time.perf_counter() - t0
    conn.stop()
    print(json.dumps({"secondsPerCall": seconds / n}))


if sys.argv[1] == "sync":
    sync(sys.argv[2], sys.argv[3])
else:
    lsp_add(sys.argv[2], sys.argv[3], int(sys.argv[4]))
