"""ovsdbapp side of the Kube-OVN model benchmark (Debian /usr/bin/python3, python3-ovsdbapp).

  model_ovsdbapp.py REMOTE PLAN_JSON PORTS_PER_TRANSACTION

Creates the rows of PLAN_JSON (the router, its ports, the subnet switches and their router ports in
one transaction, then the pod ports in transactions of PORTS_PER_TRANSACTION) through ovsdbapp's
OVN Northbound helpers, with the same columns the model wrote. Prints one JSON object.
"""
import json
import sys
import time

from ovsdbapp.backend.ovs_idl import connection
from ovsdbapp.schema.ovn_northbound import impl_idl


def main():
    remote, plan_file, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(plan_file) as f:
        plan = json.load(f)
    idl = connection.OvsdbIdl.from_server(remote, "OVN_Northbound")
    conn = connection.Connection(idl=idl, timeout=600)
    api = impl_idl.OvnNbApiIdlImpl(conn)
    t0 = time.perf_counter()
    transactions = 0
    with api.transaction(check_error=True) as txn:
        for r in plan["routers"]:
            txn.add(api.lr_add(r["name"], external_ids=r["external_ids"]))
            for p in r["ports"]:
                txn.add(api.lrp_add(r["name"], p["name"], p["mac"], p["networks"], external_ids=p["external_ids"]))
        for s in plan["switches"]:
            txn.add(api.ls_add(s["name"], other_config=s["other_config"], external_ids=s["external_ids"]))
            for p in s["ports"]:
                if p["type"] == "router":
                    txn.add(api.lsp_add(s["name"], p["name"], type=p["type"], addresses=p["addresses"], options=p["options"], external_ids=p["external_ids"]))
    transactions += 1
    pods = [(s["name"], p) for s in plan["switches"] for p in s["ports"] if p["type"] != "router"]
    for i in range(0, len(pods), batch):
        with api.transaction(check_error=True) as txn:
            for sw, p in pods[i:i + batch]:
                txn.add(api.lsp_add(sw, p["name"], addresses=p["addresses"], port_security=p["port_security"], options=p["options"], external_ids=p["external_ids"]))
        transactions += 1
    seconds = time.perf_counter() - t0
    conn.stop()
    print(json.dumps({"ports": len(pods), "seconds": seconds, "transactions": transactions}))


main()
