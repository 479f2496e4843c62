#!/usr/bin/python3
"""Flower's SuperNode, with a Flower ClientApp, joining a `fedloge server`.

Ours: this wiring script and the tiny ClientApp below. Flower's (imported from the Flower 1.26.0
source tree): the SuperNode's connection loop as `flwr.supernode.start_client_internal` runs it
(`_init_connection` over gRPC-rere with its retry invoker and, with auth, its node-auth client
interceptor; `_pull_and_store_message`: GetRun, GetFab, the fused run config, PullObject,
ConfirmMessageReceived, the NodeState; `_push_messages`: PushMessages + PushObject), the NodeState,
ObjectStore and Ffs, the ClientApp class, and Flower's error reply for a ClientApp that raises
(flwr.supernode.runtime.run_clientapp). The one hop emulated in-process is the ClientAppIo API
between the SuperNode and the `flwr-clientapp` process: the message is read from the SuperNode's
ObjectStore and the reply stored back with Flower's own `_insert_message`, as that API does.

Usage:
  supernode_clientapp.py fab <out.fab>     build a FAB with Flower's builder; prints "FAB {hash}"
  supernode_clientapp.py run <spec.json>   spec: address, messages (how many to answer), node_config,
                                           out; optional tls_ca (PEM file), private_key (PEM file: node auth)
Stdout: "NODE {id}" once connected, then "RESULT {json}".
"""

import hashlib
import json
import sys
import time
import traceback

import numpy as np
from cryptography.hazmat.primitives import serialization

import typer

# Debian 12's typer (0.7) requires Option's `default`, which flwr.cli's signatures leave out (typer >= 0.9):
# supply it, so Flower's own FAB builder imports unchanged.
_typer_option = typer.Option
typer.Option = lambda default=None, *args, **kwargs: _typer_option(default, *args, **kwargs)

from flwr.cli.build import build_fab_from_files  # noqa: E402  (after the shim)
from flwr.clientapp import ClientApp
from flwr.common import Array, ArrayRecord, Error, Message, MetricRecord, RecordDict
from flwr.common.constant import TRANSPORT_TYPE_GRPC_RERE, ErrorCode
from flwr.common.inflatable_utils import pull_and_inflate_object_from_tree
from flwr.server.utils.validator import validate_message
from flwr.supercore.ffs import FfsFactory
from flwr.supercore.object_store import ObjectStoreFactory
from flwr.supernode.nodestate import NodeStateFactory
from flwr.supernode.start_client_internal import _init_connection, _insert_message, _pull_and_store_message, _push_messages

PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "fedloge-interop"
version = "1.0.0"
dependencies = []

[tool.flwr.app]
publisher = "fedloge"

[tool.flwr.app.components]
serverapp = "interop.server_app:app"
clientapp = "interop.client_app:app"

[tool.flwr.app.config]
local-epochs = 1
scale = 0.5
"""

# A ClientApp as a Flower user writes one: "training" scales the arrays by the run config's `scale`
# (a known result the server's aggregate can be checked against) and reports num-examples from the
# node config; no query handler, so the fedloge hello gets Flower's runtime error reply.
app = ClientApp()


@app.train()
def train(msg, context):
    arrays = msg.content["arrays"].to_numpy_ndarrays()
    keys = list(msg.content["arrays"].keys())
    scale = float(context.run_config["scale"])
    trained = ArrayRecord({k: Array(a * np.float32(scale)) for k, a in zip(keys, arrays)})
    metrics = MetricRecord({"train_loss": 0.25, "num-examples": int(context.node_config["num-examples"])})
    return Message(RecordDict({"arrays": trained, "metrics": metrics}), reply_to=msg)


def build_fab(path):
    fab = build_fab_from_files({"pyproject.toml": PYPROJECT.encode(), "interop/client_app.py": b"app = None\n"})
    open(path, "wb").write(fab)
    print("FAB " + json.dumps({"hash": hashlib.sha256(fab).hexdigest()}), flush=True)


def run_clientapp_hop(state, store, run_id, checks):
    """What the ClientAppIo API and flwr-clientapp do with one pulled message, with Flower's functions."""
    message = state.get_messages(run_ids=[run_id], is_reply=False)[0]
    state.record_message_processing_start(message_id=message.metadata.message_id)  # ClientAppIo PullMessage
    tree = store.get_object_tree(message.metadata.message_id)
    inflated = pull_and_inflate_object_from_tree(tree, store.get, lambda _id: None, return_type=Message)
    inflated.metadata.__dict__["_message_id"] = tree.object_id
    errors = validate_message(inflated, is_reply_message=False)
    checks.append({"check": f"validate_message({inflated.metadata.message_type} instruction)", "ok": not errors, "detail": errors})
    context = state.get_context(run_id)
    try:
        reply = app(message=inflated, context=context)
    except Exception as ex:  # as flwr.supernode.runtime.run_clientapp builds it
        reason = str(type(ex)) + ":<'" + str(ex) + "'>"
        reply = Message(Error(code=ErrorCode.CLIENT_APP_RAISED_EXCEPTION, reason=reason), reply_to=inflated)
    state.record_message_processing_end(message_id=message.metadata.message_id)  # ClientAppIo PushMessage
    _insert_message(reply, state, store)
    return inflated, reply


def run(spec):
    checks, seen = [], []
    key = None
    if spec.get("private_key"):
        private = serialization.load_pem_private_key(open(spec["private_key"], "rb").read(), password=None)
        key = (private, private.public_key())
    root = open(spec["tls_ca"], "rb").read() if spec.get("tls_ca") else None
    # One ObjectStore for the NodeState and the SuperNode's objects, as start_client_internal sets them up.
    objectstore_factory = ObjectStoreFactory()
    state = NodeStateFactory(objectstore_factory=objectstore_factory).state()
    state_store = objectstore_factory.store()
    ffs = FfsFactory(spec["out"]).ffs()
    with _init_connection(
        transport=TRANSPORT_TYPE_GRPC_RERE,
        server_address=spec["address"],
        insecure=root is None,
        root_certificates=root,
        authentication_keys=key,
        max_retries=3,
        max_wait_time=60,
    ) as conn:
        node_id, receive, send, get_run, get_fab, pull_object, push_object, confirm = conn

        def checked_send(message, tree, runtime):
            # _push_messages logs and swallows a failed push: record Flower's outcome here.
            try:
                wanted = send(message, tree, runtime)
                checks.append({"check": f"PushMessages({message.metadata.message_type} reply)", "ok": True, "detail": len(wanted)})
                return wanted
            except Exception as err:
                checks.append({"check": f"PushMessages({message.metadata.message_type} reply)", "ok": False, "detail": repr(err)})
                raise
        state.set_node_id(node_id)
        print("NODE " + json.dumps({"node_id": node_id}), flush=True)
        deadline = time.time() + spec.get("timeout", 300)
        while len(seen) < spec["messages"] and time.time() < deadline:
            run_id = _pull_and_store_message(
                state=state,
                ffs=ffs,
                object_store=state_store,
                node_config=spec["node_config"],
                receive=receive,
                get_run=get_run,
                get_fab=get_fab,
                pull_object=pull_object,
                confirm_message_received=confirm,
                trusted_entities=None,
            )
            if run_id is None:
                time.sleep(0.2)
                continue
            instruction, reply = run_clientapp_hop(state, state_store, run_id, checks)
            _push_messages(state=state, object_store=state_store, send=checked_send, push_object=push_object)
            run_info = state.get_run(run_id)
            seen.append(
                {
                    "type": instruction.metadata.message_type,
                    "group_id": instruction.metadata.group_id,
                    "reply_error": reply.error.reason if reply.has_error() else None,
                    "fab_hash": run_info.fab_hash,
                    "fab_in_ffs": ffs.get(run_info.fab_hash) is not None,
                    "run_config": dict(state.get_context(run_id).run_config),
                }
            )
    ok = len(seen) == spec["messages"] and all(c["ok"] for c in checks)
    print("RESULT " + json.dumps({"ok": ok, "node_id": node_id, "messages": seen, "checks": checks}, default=str), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        if sys.argv[1] == "fab":
            build_fab(sys.argv[2])
            sys.exit(0)
        sys.exit(run(json.load(open(sys.argv[2]))))
    except SystemExit:
        raise
    except BaseException:
        print("RESULT " + json.dumps({"ok": False, "error": traceback.format_exc()}), flush=True)
        sys.exit(1)
