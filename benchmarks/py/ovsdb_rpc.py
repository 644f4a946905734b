"""Side-by-side OVSDB benchmark peer: the OVS Python library (Debian python3-openvswitch) doing the same
JSON-RPC calls as benchmarks/ovsdb.ts against the same ovsdb-server. Prints one JSON object.

usage: /usr/bin/python3 ovsdb_rpc.py REMOTE DATABASE N_SEQUENTIAL N_PIPELINED
"""
import json
import sys
import time

import ovs.jsonrpc
import ovs.stream


def main():
    remote, db, n_seq, n_pipe = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    error, stream = ovs.stream.Stream.open_block(ovs.stream.Stream.open(remote))
    if error:
        raise SystemExit("connect failed: %s" % error)
    rpc = ovs.jsonrpc.Connection(stream)

    def params(i):
        return [db, {"op": "insert", "table": "Logical_Switch", "row": {"name": "py-%d" % i}},
                {"op": "comment", "comment": "bench"}]

    t0 = time.perf_counter()
    for i in range(n_seq):
        error, reply = rpc.transact_block(ovs.jsonrpc.Message.create_request("transact", params(i)))
        if error or reply.error:
            raise SystemExit("transact failed: %s %s" % (error, reply and reply.error))
    seq = time.perf_counter() - t0

    t0 = time.perf_counter()
    for i in range(n_pipe):
        rpc.send(ovs.jsonrpc.Message.create_request("transact", params(n_seq + i)))
    got = 0
    while got < n_pipe:
        error, msg = rpc.recv_block()
        if error:
            raise SystemExit("recv failed: %s" % error)
        if msg.type == ovs.jsonrpc.Message.T_REPLY:
            got += 1
    pipe = time.perf_counter() - t0
    rpc.close()
    print(json.dumps({"sequentialSeconds": seq, "pipelinedSeconds": pipe}))


main()
