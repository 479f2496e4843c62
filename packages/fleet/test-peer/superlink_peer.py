#!/usr/bin/python3
"""An independent SuperLink peer for conformance tests of @fedloge/fleet's FleetClient.

It speaks the Fleet API of Flower 1.25 to 1.28 (the client-side protocol has not changed in that range)
and is written from Flower's published protocol, not from the TypeScript package:

* the protobuf schema is assembled here with descriptor_pb2 from the published message names and field
  numbers (flwr.proto package), so the peer does not read the package's .proto files;
* objects are "<Type> <child ids> <body length>\\0<body>" with SHA-256 hex ids; arrays are np.save bytes cut
  into chunks of at most 5 MiB (identical chunks stored once, the Array body lists chunk indices); records and
  record dicts are json.dumps bodies, metric/config records are protobuf bodies, a Message body is the
  Message protobuf with the metadata (message_id blanked) and no content; inline, the Message carries an
  empty RecordDict as the content marker (Flower sets exactly one of content and error);
* node auth: each call carries flwr-public-key-bin (PEM SubjectPublicKeyInfo), flwr-timestamp (ISO 8601) and
  flwr-signature-bin (ECDSA-SHA256, DER), verified with python3-cryptography.

Run: superlink_peer.py. It prints "PORT <n>", serves one node: one train message, then waits for the reply,
checks every pushed object against its own computation, prints "RESULT <json>" and exits (0 = all checks hold).
Needs Debian's python3-grpcio, python3-protobuf, python3-numpy, python3-cryptography.
"""

import datetime
import hashlib
import io
import json
import secrets
import sys
import threading
import time
from concurrent import futures

import grpc
import numpy as np
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

CHUNK = 5 * 1024 * 1024
RUN_ID = 7771
SUPERLINK = 1

# ---------------------------------------------------------------- schema from published field numbers
F = descriptor_pb2.FieldDescriptorProto
T = {
    "double": F.TYPE_DOUBLE, "uint64": F.TYPE_UINT64, "sint64": F.TYPE_SINT64, "uint32": F.TYPE_UINT32,
    "int32": F.TYPE_INT32, "bool": F.TYPE_BOOL, "string": F.TYPE_STRING, "bytes": F.TYPE_BYTES,
}
fdp = descriptor_pb2.FileDescriptorProto(name="conformance/fleet_peer.proto", package="flwr.proto", syntax="proto3")


def message(name, fields, oneof=None, parent=None):
    """fields: (name, number, type or .flwr.proto.X, repeated?). oneof: field names in a single oneof."""
    m = (parent.nested_type if parent is not None else fdp.message_type).add(name=name)
    if oneof:
        m.oneof_decl.add(name=oneof[0])
    for fname, number, ftype, repeated in fields:
        f = m.field.add(name=fname, number=number, label=F.LABEL_REPEATED if repeated else F.LABEL_OPTIONAL)
        if ftype in T:
            f.type = T[ftype]
        else:
            f.type = F.TYPE_MESSAGE
            f.type_name = ftype
        if oneof and fname in oneof[1]:
            f.oneof_index = 0
    return m


def map_field(m, fname, number, key, value):
    entry = m.nested_type.add(name="".join(p.capitalize() for p in fname.split("_")) + "Entry")
    entry.options.map_entry = True
    for n, num, t in (("key", 1, key), ("value", 2, value)):
        f = entry.field.add(name=n, number=num, label=F.LABEL_OPTIONAL)
        if t in T:
            f.type = T[t]
        else:
            f.type, f.type_name = F.TYPE_MESSAGE, t
    m.field.add(name=fname, number=number, label=F.LABEL_REPEATED, type=F.TYPE_MESSAGE,
                type_name=f".flwr.proto.{m.name}.{entry.name}")


P = ".flwr.proto."
message("Node", [("node_id", 1, "uint64", False)])
message("Error", [("code", 1, "sint64", False), ("reason", 2, "string", False)])
message("Metadata", [("run_id", 1, "uint64", False), ("message_id", 2, "string", False), ("src_node_id", 3, "uint64", False),
                     ("dst_node_id", 4, "uint64", False), ("reply_to_message_id", 5, "string", False), ("group_id", 6, "string", False),
                     ("ttl", 7, "double", False), ("message_type", 8, "string", False), ("created_at", 9, "double", False)])
# Flower's Message: exactly one of content (2) and error (3) is set. On the Fleet API the records travel as
# objects, so the inline content is an empty RecordDict, a marker (flwr.common.message.remove_content_from_message);
# Flower's message_from_proto refuses a Message with neither. Its fields are not needed here: declared empty.
message("RecordDict", [])
message("Message", [("metadata", 1, P + "Metadata", False), ("content", 2, P + "RecordDict", False), ("error", 3, P + "Error", False)])
message("ObjectTree", [("object_id", 1, "string", False), ("children", 2, P + "ObjectTree", True)])
for lst, t in (("DoubleList", "double"), ("SintList", "sint64"), ("UintList", "uint64"), ("BoolList", "bool"), ("StringList", "string"), ("BytesList", "bytes")):
    message(lst, [("vals", 1, t, True)])
numeric = [("double", 1, "double", False), ("sint64", 2, "sint64", False), ("uint64", 3, "uint64", False),
           ("double_list", 21, P + "DoubleList", False), ("sint_list", 22, P + "SintList", False), ("uint_list", 23, P + "UintList", False)]
message("MetricRecordValue", numeric, oneof=("value", [f[0] for f in numeric]))
config_fields = numeric + [("bool", 4, "bool", False), ("string", 5, "string", False), ("bytes", 6, "bytes", False),
                           ("bool_list", 24, P + "BoolList", False), ("string_list", 25, P + "StringList", False), ("bytes_list", 26, P + "BytesList", False)]
message("ConfigRecordValue", config_fields, oneof=("value", [f[0] for f in config_fields]))
for rec, val in (("MetricRecord", "MetricRecordValue"), ("ConfigRecord", "ConfigRecordValue")):
    r = message(rec, [("items", 1, P + rec + ".Item", True)])
    message("Item", [("key", 1, "string", False), ("value", 2, P + val, False)], parent=r)
message("Scalar", [("double", 1, "double", False), ("uint64", 6, "uint64", False), ("sint64", 8, "sint64", False),
                   ("bool", 13, "bool", False), ("string", 14, "string", False), ("bytes", 15, "bytes", False)],
        oneof=("scalar", ["double", "uint64", "sint64", "bool", "string", "bytes"]))
message("RunStatus", [("status", 1, "string", False), ("sub_status", 2, "string", False), ("details", 3, "string", False)])
run = message("Run", [("run_id", 1, "uint64", False), ("fab_id", 2, "string", False), ("fab_version", 3, "string", False),
                      ("fab_hash", 5, "string", False), ("status", 10, P + "RunStatus", False)])
map_field(run, "override_config", 4, "string", P + "Scalar")
message("GetRunRequest", [("node", 1, P + "Node", False), ("run_id", 2, "uint64", False)])
message("GetRunResponse", [("run", 1, P + "Run", False)])
message("RegisterNodeFleetRequest", [("public_key", 1, "bytes", False)])
message("RegisterNodeFleetResponse", [("node_id", 1, "uint64", False)])
message("ActivateNodeRequest", [("public_key", 1, "bytes", False), ("heartbeat_interval", 2, "double", False)])
message("ActivateNodeResponse", [("node_id", 1, "uint64", False)])
message("DeactivateNodeRequest", [("node_id", 1, "uint64", False)])
message("DeactivateNodeResponse", [])
message("UnregisterNodeFleetRequest", [("node_id", 1, "uint64", False)])
message("UnregisterNodeFleetResponse", [])
message("SendNodeHeartbeatRequest", [("node", 1, P + "Node", False), ("heartbeat_interval", 2, "double", False)])
message("SendNodeHeartbeatResponse", [("success", 1, "bool", False)])
message("Reconnect", [("reconnect", 1, "uint64", False)])
message("PullMessagesRequest", [("node", 1, P + "Node", False), ("message_ids", 2, "string", True)])
message("PullMessagesResponse", [("reconnect", 1, P + "Reconnect", False), ("messages_list", 2, P + "Message", True),
                                 ("message_object_trees", 3, P + "ObjectTree", True)])
message("PushMessagesRequest", [("node", 1, P + "Node", False), ("messages_list", 2, P + "Message", True),
                                ("message_object_trees", 3, P + "ObjectTree", True), ("clientapp_runtime_list", 4, "double", True)])
pmr = message("PushMessagesResponse", [("reconnect", 1, P + "Reconnect", False), ("objects_to_push", 3, "string", True)])
map_field(pmr, "results", 2, "string", "uint32")
message("PushObjectRequest", [("node", 1, P + "Node", False), ("run_id", 2, "uint64", False), ("object_id", 3, "string", False),
                              ("object_content", 4, "bytes", False)])
message("PushObjectResponse", [("stored", 1, "bool", False)])
message("PullObjectRequest", [("node", 1, P + "Node", False), ("run_id", 2, "uint64", False), ("object_id", 3, "string", False)])
message("PullObjectResponse", [("object_found", 1, "bool", False), ("object_available", 2, "bool", False), ("object_content", 3, "bytes", False)])
message("ConfirmMessageReceivedRequest", [("node", 1, P + "Node", False), ("run_id", 2, "uint64", False), ("message_object_id", 3, "string", False)])
message("ConfirmMessageReceivedResponse", [])

pool = descriptor_pool.DescriptorPool()
pool.Add(fdp)
_factory = message_factory.MessageFactory(pool)


def cls(name):
    d = pool.FindMessageTypeByName("flwr.proto." + name)
    return message_factory.GetMessageClass(d) if hasattr(message_factory, "GetMessageClass") else _factory.GetPrototype(d)


# ---------------------------------------------------------------- objects, as the protocol defines them
def obj(type_name, children, body):
    return f"{type_name} {','.join(children)} {len(body)}".encode("utf-8") + b"\x00" + body


def oid(content):
    return hashlib.sha256(content).hexdigest()


class Objects:
    """Objects by id plus the tree of each (children = distinct child ids in first-occurrence order)."""

    def __init__(self):
        self.content = {}

    def add(self, type_name, child_trees, body):
        children = list(dict.fromkeys(t[0] for t in child_trees))
        trees = list({t[0]: t for t in child_trees}.values())
        content = obj(type_name, children, body)
        i = oid(content)
        self.content[i] = content
        return (i, trees)

    def array(self, a):
        buf = io.BytesIO()
        np.save(buf, a, allow_pickle=False)
        data = buf.getvalue()
        chunks = [self.add("ArrayChunk", [], data[s:s + CHUNK]) for s in range(0, len(data), CHUNK)]
        distinct = list(dict.fromkeys(c[0] for c in chunks))
        meta = {"dtype": str(a.dtype), "shape": list(a.shape), "stype": "numpy.ndarray",
                "arraychunk_ids": [distinct.index(c[0]) for c in chunks]}
        return self.add("Array", chunks, json.dumps(meta).encode("utf-8"))

    def refs(self, type_name, named):
        return self.add(type_name, [t for _, t in named], json.dumps({k: t[0] for k, t in named}).encode("utf-8"))

    def record(self, type_name, items):
        rec = cls(type_name)()
        value_cls = cls(type_name + "Value")
        for k, v in items:
            val = value_cls()
            if isinstance(v, bool):
                val.bool = v
            elif isinstance(v, int):
                setattr(val, "uint64" if v > 2**63 - 1 else "sint64", v)
            elif isinstance(v, float):
                val.double = v
            elif isinstance(v, str):
                val.string = v
            else:
                raise TypeError(v)
            rec.items.add(key=k, value=val)
        return self.add(type_name, [], rec.SerializeToString())

    def message(self, metadata, content_tree):
        m = cls("Message")()
        m.metadata.CopyFrom(metadata)
        m.metadata.message_id = ""
        return self.add("Message", [content_tree], m.SerializeToString(deterministic=True))


def test_arrays():
    """The arrays of the instruction (names include non-ASCII; shapes (), (n,), 4-d, empty; a 16 MiB zeros
    array whose middle chunks are identical)."""
    return [
        ("głowa.wagi", (np.arange(120, dtype=np.float32) * 0.5 - 7).reshape(2, 3, 4, 5)),
        ("重み", np.array(np.pi, dtype=np.float64)),
        ("🙂.bias", np.arange(7, dtype=np.int64) * -3),
        ("bytes", (np.arange(1234567) % 251).astype(np.uint8)),
        ("zeros", np.zeros((4, 1024, 1024), dtype=np.float32)),
        ("empty", np.zeros((0,), dtype=np.float32)),
    ]


def expected_reply_arrays():
    """What the TypeScript client is asked to send back: the first array doubled, the rest echoed."""
    out = test_arrays()
    out[0] = (out[0][0], out[0][1] * 2)
    return out


def tree_proto(tree):
    t = cls("ObjectTree")(object_id=tree[0])
    for c in tree[1]:
        t.children.append(tree_proto(c))
    return t


def tree_from_proto(t):
    return (t.object_id, [tree_from_proto(c) for c in t.children])


def post_order(tree):
    for c in tree[1]:
        yield from post_order(c)
    yield tree[0]


# ---------------------------------------------------------------- the SuperLink side
class Peer:
    def __init__(self):
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.checks = []
        self.store = Objects()
        self.node_id = None
        self.public_key = None
        self.verified_calls = 0
        self.pulled = set()
        self.confirmed = None
        self.requested = set()
        self.pushed = {}
        self.reply = None

    def check(self, name, ok, detail=""):
        with self.lock:
            self.checks.append({"check": name, "ok": bool(ok), "detail": str(detail)[:300]})

    def authenticate(self, context):
        md = dict(context.invocation_metadata())
        try:
            pk, ts, sig = md["flwr-public-key-bin"], md["flwr-timestamp"], md["flwr-signature-bin"]
        except KeyError:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "Missing authentication metadata")
        key = load_pem_public_key(pk)
        if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp384r1":
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "expected a P-384 key")
        try:
            key.verify(sig, ts.encode("ascii"), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "Invalid signature")
        if not ts.endswith("+00:00"):
            context.abort(grpc.StatusCode.UNAUTHENTICATED, f"timestamp not in +00:00 form: {ts}")
        age = (datetime.datetime.now(datetime.timezone.utc) - datetime.datetime.fromisoformat(ts)).total_seconds()
        if not -5 < age < 305:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "Invalid timestamp")
        with self.lock:
            self.verified_calls += 1
        return pk

    def node_call(self, context, node_id):
        pk = self.authenticate(context)
        if pk != self.public_key or node_id != self.node_id:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "Invalid node ID")

    # -- registration and liveness
    def RegisterNode(self, req, context):
        pk = self.authenticate(context)
        self.check("RegisterNode carries the signing key", req.public_key == pk)
        self.public_key = pk
        self.node_id = secrets.randbits(63) | 2
        return cls("RegisterNodeFleetResponse")(node_id=self.node_id)

    def ActivateNode(self, req, context):
        pk = self.authenticate(context)
        self.check("ActivateNode for the registered key", pk == self.public_key and req.public_key == pk)
        self.check("heartbeat interval positive", req.heartbeat_interval > 0, req.heartbeat_interval)
        self.prepare_instruction()
        return cls("ActivateNodeResponse")(node_id=self.node_id)

    def SendNodeHeartbeat(self, req, context):
        self.node_call(context, req.node.node_id)
        return cls("SendNodeHeartbeatResponse")(success=True)

    def DeactivateNode(self, req, context):
        self.node_call(context, req.node_id)
        return cls("DeactivateNodeResponse")()

    def UnregisterNode(self, req, context):
        self.node_call(context, req.node_id)
        self.done.set()
        return cls("UnregisterNodeFleetResponse")()

    def GetRun(self, req, context):
        self.node_call(context, req.node.node_id)
        r = cls("GetRunResponse")()
        r.run.run_id = RUN_ID
        r.run.fab_id = "fedloge/conformance"
        r.run.status.status = "running"
        r.run.override_config["num-server-rounds"].sint64 = 3
        r.run.override_config["lr"].double = 0.05
        r.run.override_config["strategy"].string = "fedavg"
        return r

    # -- the instruction
    def prepare_instruction(self):
        named = [(k, self.store.array(a)) for k, a in test_arrays()]
        arrays = self.store.refs("ArrayRecord", named)
        config = self.store.record("ConfigRecord", [("server-round", 1), ("lr", 0.1), ("name", "ñandú")])
        content = self.store.refs("RecordDict", [("arrays", arrays), ("config", config)])
        md = cls("Metadata")(run_id=RUN_ID, src_node_id=SUPERLINK, dst_node_id=self.node_id, group_id="1",
                             ttl=3600.0, message_type="train", created_at=time.time())
        self.instruction_tree = self.store.message(md, content)
        md.message_id = self.instruction_tree[0]
        self.instruction_md = md

    def PullMessages(self, req, context):
        self.node_call(context, req.node.node_id)
        r = cls("PullMessagesResponse")()
        if getattr(self, "delivered", False):
            return r
        self.delivered = True
        m = r.messages_list.add()
        m.metadata.CopyFrom(self.instruction_md)
        m.content.SetInParent()  # the empty-content marker, as Flower's GrpcGrid pushes an instruction
        r.message_object_trees.append(tree_proto(self.instruction_tree))
        return r

    def PullObject(self, req, context):
        self.node_call(context, req.node.node_id)
        content = self.store.content.get(req.object_id)
        if content is None:
            return cls("PullObjectResponse")(object_found=False)
        with self.lock:
            # A SuperLink answers "found, not yet available" while the ServerApp is still uploading an object:
            # do that once for the instruction's Message object, which a client must then ask for again.
            first = req.object_id not in self.pulled
            self.pulled.add(req.object_id)
            if req.object_id == self.instruction_tree[0]:
                self.message_pulls = getattr(self, "message_pulls", 0) + 1
        if first and req.object_id == self.instruction_tree[0]:
            return cls("PullObjectResponse")(object_found=True, object_available=False)
        return cls("PullObjectResponse")(object_found=True, object_available=True, object_content=content)

    def ConfirmMessageReceived(self, req, context):
        self.node_call(context, req.node.node_id)
        self.confirmed = req.message_object_id
        expected = set(post_order(self.instruction_tree))
        self.check("client pulled every object of the instruction before confirming", expected <= self.pulled, len(expected - self.pulled))
        self.check("confirmation names the instruction", req.message_object_id == self.instruction_tree[0])
        return cls("ConfirmMessageReceivedResponse")()

    # -- the reply
    def PushMessages(self, req, context):
        self.node_call(context, req.node.node_id)
        msg = req.messages_list[0]
        md = msg.metadata
        tree = tree_from_proto(req.message_object_trees[0])
        self.check("reply addressed to the SuperLink", md.dst_node_id == SUPERLINK and md.src_node_id == self.node_id, md)
        self.check("reply_to_message_id is the instruction id", md.reply_to_message_id == self.instruction_tree[0])
        self.check("reply keeps run, group and type", (md.run_id, md.group_id, md.message_type) == (RUN_ID, "1", "train"))
        self.check("message_id is the tree root", md.message_id == tree[0])
        self.check("reply carries the empty-content marker and no error (Flower: exactly one of content or error)",
                   msg.HasField("content") and msg.content.ByteSize() == 0 and not msg.HasField("error"), msg)
        # Compute the expected reply independently from the same metadata.
        exp = Objects()
        named = [(k, exp.array(a)) for k, a in expected_reply_arrays()]
        arrays = exp.refs("ArrayRecord", named)
        metrics = exp.record("MetricRecord", [("num-examples", 600), ("loss", 0.5), ("big", 2**63 + 5)])
        content = exp.refs("RecordDict", [("arrays", arrays), ("metrics", metrics)])
        expected_tree = exp.message(md, content)
        self.expected = exp
        self.check("reply object tree equals the independently computed one", tree == expected_tree, f"{tree[0]} vs {expected_tree[0]}")
        self.check("message id equals the independent Message object id", md.message_id == expected_tree[0])
        # Ask only for what this link does not hold (the echoed arrays are already here).
        ids = list(dict.fromkeys(post_order(tree)))
        self.requested = {i for i in ids if i not in self.store.content}
        self.check("some objects deduplicated against the instruction", len(self.requested) < len(ids), f"{len(self.requested)}/{len(ids)}")
        r = cls("PushMessagesResponse")()
        r.reconnect.reconnect = 5
        r.results[md.message_id] = 0
        r.objects_to_push.extend(sorted(self.requested))
        self.reply_tree = tree
        return r

    def PushObject(self, req, context):
        self.node_call(context, req.node.node_id)
        ok_id = oid(req.object_content) == req.object_id
        with self.lock:
            self.pushed[req.object_id] = self.pushed.get(req.object_id, 0) + 1
        self.check(f"pushed object {req.object_id[:12]} hashes to its id", ok_id)
        expected = self.expected.content.get(req.object_id)
        self.check(f"pushed object {req.object_id[:12]} equals the independent bytes", expected == req.object_content,
                   req.object_content[:80])
        stored = req.object_id in self.requested
        if stored and ok_id:
            self.store.content[req.object_id] = req.object_content
        return cls("PushObjectResponse")(stored=stored)

    def finish(self):
        self.check("every requested object was pushed exactly once", set(self.pushed) == self.requested and all(v == 1 for v in self.pushed.values()),
                   f"pushed {len(self.pushed)}, requested {len(self.requested)}")
        self.check("all calls were signed and verified", self.verified_calls > 8, self.verified_calls)
        self.check("client asked again for an object that was not yet available", getattr(self, "message_pulls", 0) == 2,
                   getattr(self, "message_pulls", 0))
        # The zeros array (16 MiB + header) has four chunks of which the middle two are identical.
        zeros_tree = next(t for t in self.instruction_tree[1][0][1][0][1] if len(t[1]) == 3)
        self.check("16 MiB zeros array: 4 chunks, 3 distinct", len(zeros_tree[1]) == 3)


def main():
    peer = Peer()
    names = ["RegisterNode", "ActivateNode", "DeactivateNode", "UnregisterNode", "SendNodeHeartbeat", "PullMessages",
             "PushMessages", "GetRun", "PushObject", "PullObject", "ConfirmMessageReceived"]
    req_types = {"RegisterNode": "RegisterNodeFleetRequest", "UnregisterNode": "UnregisterNodeFleetRequest"}
    handlers = {}
    for n in names:
        rq = req_types.get(n, n + "Request")
        handlers[n] = grpc.unary_unary_rpc_method_handler(
            getattr(peer, n), request_deserializer=cls(rq).FromString, response_serializer=lambda m: m.SerializeToString())
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8),
                         options=[("grpc.max_receive_message_length", 64 << 20), ("grpc.max_send_message_length", 64 << 20)])
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("flwr.proto.Fleet", handlers),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"PORT {port}", flush=True)
    finished = peer.done.wait(timeout=float(sys.argv[1]) if len(sys.argv) > 1 else 120)
    peer.check("client deactivated and unregistered in time", finished)
    if finished:
        peer.finish()
    server.stop(0.5)
    ok = all(c["ok"] for c in peer.checks)
    print("RESULT " + json.dumps({"ok": ok, "checks": peer.checks}), flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
