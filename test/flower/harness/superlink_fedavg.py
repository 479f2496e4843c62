#!/usr/bin/python3
"""Flower's SuperLink and Flower's FedAvg ServerApp strategy, driving fedloge clients.

Ours: this wiring script. Flower's (imported from the Flower 1.26.0 source tree): the Fleet API
servicer with its node-auth interceptor, as `flwr.server.app.run_superlink` wires it; the in-memory
LinkState, ObjectStore and Ffs; the ServerAppIo servicer; `GrpcGrid` (how a ServerApp pushes and
pulls messages); `flwr.serverapp.strategy.FedAvg` (sampling, train/evaluate messages, aggregation);
and Flower's own checks of each reply (`validate_message`, `validate_message_reply_consistency`).

Usage: superlink_fedavg.py <spec.json>. The spec (JSON):
  nodes, rounds            nodes to wait for; FedAvg rounds
  init                     folder with keys.json (array names, in order) and <i>.npy: the initial arrays
  out                      folder for round-<r>/keys.json + <i>.npy: FedAvg's aggregate after each round
  train_config, run_config train ConfigRecord sent each round; the run's override_config (GetRun)
  fraction_evaluate        FedAvg's fraction_evaluate (0 = no evaluate messages)
  auth                     optional {"public_keys": [pem files], "tls": {"ca", "cert", "key"}}: Flower's
                           SuperNode authentication (enable_supernode_auth) with the keys registered as
                           `flwr supernode register` registers them (ControlServicer.RegisterNode)
Stdout protocol: "PORTS {json}" once listening; "RESULT {json}" at the end (exit 0 when every check held).
"""

import json
import os
import socket
import sys
import threading
import time
import traceback
from logging import ERROR

import numpy as np

from flwr.common import Array, ArrayRecord, ConfigRecord
from flwr.common.logger import log
from flwr.common.typing import RunStatus
from flwr.common.constant import Status
from flwr.server.app import _run_fleet_api_grpc_rere
from flwr.server.grid.grpc_grid import GrpcGrid
from flwr.server.superlink.fleet.grpc_rere.node_auth_server_interceptor import NodeAuthServerInterceptor
from flwr.server.superlink.linkstate import LinkStateFactory
from flwr.server.superlink.serverappio.serverappio_grpc import run_serverappio_api_grpc
from flwr.server.utils.validator import validate_message
from flwr.serverapp.strategy import FedAvg
from flwr.serverapp.strategy.strategy_utils import validate_message_reply_consistency
from flwr.common.constant import NOOP_ACCOUNT_NAME, NOOP_FLWR_AID
from flwr.supercore.constant import FLWR_IN_MEMORY_DB_NAME, NOOP_FEDERATION
from flwr.supercore.ffs import FfsFactory
from flwr.supercore.object_store import ObjectStoreFactory
from flwr.superlink.federation import NoOpFederationManager
from flwr.supercore.primitives.asymmetric import bytes_to_public_key, uses_nist_ec_curve


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_arrays(folder):
    keys = json.load(open(os.path.join(folder, "keys.json")))
    return ArrayRecord({k: Array(np.load(os.path.join(folder, f"{i}.npy"))) for i, k in enumerate(keys)})


def save_arrays(folder, arrays):
    os.makedirs(folder, exist_ok=True)
    keys = list(arrays.keys())
    for i, k in enumerate(keys):
        np.save(os.path.join(folder, f"{i}.npy"), arrays[k].numpy(), allow_pickle=False)
    json.dump(keys, open(os.path.join(folder, "keys.json"), "w"))


class CheckedGrid(GrpcGrid):
    """Flower's GrpcGrid, recording Flower's own verdict on every reply it pulls."""

    def __init__(self, address, checks):
        super().__init__(serverappio_service_address=address)
        self.checks = checks
        self.replies = []
        self.round_of = {}  # instruction id -> FedAvg's server round (FedAvg sets no group id; its config says)

    def push_messages(self, messages):
        messages = list(messages)
        ids = super().push_messages(messages)
        for mid, m in zip(ids, messages):
            config = m.content.config_records.get("config") if m.has_content() else None
            self.round_of[mid] = int(config["server-round"]) if config and "server-round" in config else 0
        return ids

    def pull_messages(self, message_ids):
        messages = list(super().pull_messages(message_ids))
        for m in messages:
            errors = validate_message(m, is_reply_message=True)
            self.checks.append({"check": f"validate_message({m.metadata.message_type} reply)", "ok": not errors, "detail": errors})
            self.replies.append(m)
        return messages


def main():
    spec = json.load(open(sys.argv[1]))
    checks = []

    objectstore_factory = ObjectStoreFactory(FLWR_IN_MEMORY_DB_NAME)
    state_factory = LinkStateFactory(FLWR_IN_MEMORY_DB_NAME, NoOpFederationManager(), objectstore_factory)
    ffs_factory = FfsFactory(os.path.join(spec["out"], "ffs"))
    state = state_factory.state()

    auth = spec.get("auth")
    certificates = None
    if auth:
        tls = auth["tls"]
        certificates = tuple(open(tls[k], "rb").read() for k in ("ca", "cert", "key"))
        for pem_file in auth["public_keys"]:
            pem = open(pem_file, "rb").read()
            # What ControlServicer.RegisterNode does for `flwr supernode register <key>` (minus the account lookup).
            if not uses_nist_ec_curve(bytes_to_public_key(pem)):
                raise SystemExit(f"{pem_file}: not a NIST EC public key")
            state.create_node(owner_aid=NOOP_FLWR_AID, owner_name=NOOP_ACCOUNT_NAME, public_key=pem, heartbeat_interval=30)

    fleet_port, appio_port = free_port(), free_port()
    fleet = _run_fleet_api_grpc_rere(
        address=f"127.0.0.1:{fleet_port}",
        state_factory=state_factory,
        ffs_factory=ffs_factory,
        objectstore_factory=objectstore_factory,
        enable_supernode_auth=bool(auth),
        certificates=certificates,
        interceptors=[NodeAuthServerInterceptor(state_factory)],
    )
    appio = run_serverappio_api_grpc(
        address=f"127.0.0.1:{appio_port}",
        state_factory=state_factory,
        ffs_factory=ffs_factory,
        objectstore_factory=objectstore_factory,
        certificates=None,
    )

    # As `flwr run` creates it through the Control API with no account system (the no-op federation).
    run_id = state.create_run(None, None, None, spec.get("run_config", {}), NOOP_FEDERATION, ConfigRecord(), NOOP_FLWR_AID)
    for status in (Status.STARTING, Status.RUNNING):
        if not state.update_run_status(run_id, RunStatus(status, "", "")):
            raise SystemExit(f"could not move run {run_id} to {status}")
    print("PORTS " + json.dumps({"fleet": fleet_port, "serverappio": appio_port, "run_id": run_id}), flush=True)

    grid = CheckedGrid(f"127.0.0.1:{appio_port}", checks)
    grid.set_run(run_id)
    deadline = time.time() + spec.get("join_timeout", 240)
    while len(list(grid.get_node_ids())) < spec["nodes"]:
        if time.time() > deadline:
            raise SystemExit(f"only {len(list(grid.get_node_ids()))} of {spec['nodes']} nodes came online")
        time.sleep(0.2)

    rounds = []

    def evaluate_fn(server_round, arrays):
        # Called by FedAvg.start with the initial arrays (round 0) and each round's aggregate.
        if server_round > 0:
            save_arrays(os.path.join(spec["out"], f"round-{server_round}"), arrays)
        return None

    strategy = FedAvg(
        fraction_train=1.0,
        fraction_evaluate=spec.get("fraction_evaluate", 1.0),
        min_train_nodes=spec["nodes"],
        min_evaluate_nodes=spec["nodes"] if spec.get("fraction_evaluate", 1.0) > 0 else 0,
        min_available_nodes=spec["nodes"],
    )
    result = strategy.start(
        grid=grid,
        initial_arrays=load_arrays(spec["init"]),
        num_rounds=spec["rounds"],
        timeout=spec.get("round_timeout", 600),
        train_config=ConfigRecord(spec.get("train_config", {})),
        evaluate_fn=evaluate_fn,
    )

    # Flower's reply-consistency check, per round and message type, on the replies FedAvg aggregated.
    by_group = {}
    for m in grid.replies:
        by_group.setdefault((grid.round_of.get(m.metadata.reply_to_message_id, 0), m.metadata.message_type), []).append(m)
    for (group, mtype), msgs in sorted(by_group.items()):
        errored = [m.error.reason for m in msgs if m.has_error()]
        contents = [m.content for m in msgs if m.has_content()]
        try:
            validate_message_reply_consistency(contents, "num-examples", check_arrayrecord=(mtype == "train"))
            ok = not errored and len(contents) == spec["nodes"]
            detail = errored or f"{len(contents)} replies"
        except Exception as err:  # InconsistentMessageReplies
            ok, detail = False, str(err)
        checks.append({"check": f"validate_message_reply_consistency(round {group} {mtype})", "ok": ok, "detail": detail})
        rounds.append({"round": group, "type": mtype, "metrics": [dict(next(iter(c.metric_records.values()))) for c in contents]})

    summary = {
        "ok": all(c["ok"] for c in checks) and len(checks) > 0,
        "checks": checks,
        "rounds": rounds,
        "train_metrics": {str(k): dict(v) for k, v in result.train_metrics_clientapp.items()},
        "evaluate_metrics": {str(k): dict(v) for k, v in result.evaluate_metrics_clientapp.items()},
    }
    print("RESULT " + json.dumps(summary, default=str), flush=True)
    fleet.stop(1)
    appio.stop(1)
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except Exception:
        log(ERROR, traceback.format_exc())
        print("RESULT " + json.dumps({"ok": False, "checks": [], "error": traceback.format_exc()}), flush=True)
        sys.exit(1)
