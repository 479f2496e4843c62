#!/usr/bin/python3
"""A Flower deployment without its ServerApp: Flower's SuperLink servicers, for `fedloge serverapp`.

Ours: this wiring script. Flower's (imported from the Flower 1.26.0 source tree): the Fleet API
servicer with its node-auth interceptor (`_run_fleet_api_grpc_rere` + `NodeAuthServerInterceptor`)
and the ServerAppIo servicer (`run_serverappio_api_grpc`), wired as `flwr.server.app.run_superlink`
wires them, over the in-memory LinkState, ObjectStore and the disk Ffs; and the run creation of
`ControlServicer.StartRun` (what `flwr run` asks for): the FAB into Ffs, `LinkState.create_run`,
an empty ServerApp `Context`.

Usage: serverappio_deployment.py <spec.json>. The spec (JSON):
  mode         "running": the run is moved to running at once (for `fedloge serverapp --run-id`);
               "pending": the run stays pending, as after `flwr run`, for a launcher
               (ListAppsToLaunch, RequestToken, PullAppInputs: `fedloge serverapp` without --run-id)
  run_config   the run's override_config
  out          a folder for the Ffs
  timeout      seconds to wait for the run to finish
Stdout protocol: "PORTS {json}" once listening (fleet, serverappio, run_id); "RESULT {json}" once the
run is finished or the timeout passed: the run's final status, every status it went through, every
instruction the ServerApp pushed and every reply the nodes pushed (as Flower's LinkState stored
them, after Flower's `validate_message`), the ServerApp's log as `flwr log` would show it, and for a
launched run whether the token was revoked and
the context pushed back. Exit 0 when the run finished as completed.
"""

import io
import json
import os
import socket
import sys
import time
import traceback
import zipfile
from logging import ERROR

from flwr.cli.config_utils import get_fab_metadata
from flwr.common import ConfigRecord, Context, RecordDict
from flwr.common.constant import SUPERLINK_NODE_ID, Status
from flwr.common.logger import log
from flwr.common.typing import RunStatus
from flwr.server.app import _run_fleet_api_grpc_rere
from flwr.server.superlink.fleet.grpc_rere.node_auth_server_interceptor import NodeAuthServerInterceptor
from flwr.server.superlink.linkstate import LinkStateFactory
from flwr.server.superlink.serverappio.serverappio_grpc import run_serverappio_api_grpc
from flwr.supercore.constant import FLWR_IN_MEMORY_DB_NAME, NOOP_FEDERATION
from flwr.supercore.ffs import FfsFactory
from flwr.supercore.object_store import ObjectStoreFactory
from flwr.superlink.federation import NoOpFederationManager

PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "fedloge-serverapp"
version = "0.1.0"
dependencies = []

[tool.flwr.app]
publisher = "fedloge"

[tool.flwr.app.components]
serverapp = "fedloge_app:app"
clientapp = "fedloge_app:client"

[tool.flwr.app.config]
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fab_bytes():
    """A FAB as `flwr build` lays it out (a zip with pyproject.toml); the ServerAppIo API hands it out as is."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("pyproject.toml", PYPROJECT)
        z.writestr("fedloge_app.py", "# fedloge serverapp is the app; this module is never imported\n")
    return buf.getvalue()


def main():
    spec = json.load(open(sys.argv[1]))
    objectstore_factory = ObjectStoreFactory(FLWR_IN_MEMORY_DB_NAME)
    state_factory = LinkStateFactory(FLWR_IN_MEMORY_DB_NAME, NoOpFederationManager(), objectstore_factory)
    ffs_factory = FfsFactory(os.path.join(spec["out"], "ffs"))
    state = state_factory.state()

    # Record what Flower's LinkState accepted (it runs validate_message on each before storing it).
    instructions, replies = [], []
    store_ins, store_res = state.store_message_ins, state.store_message_res

    def record(kind, m, stored):
        md = m.metadata
        return {
            "kind": kind,
            "stored": stored is not None,
            "type": md.message_type,
            "group": md.group_id,
            "src": str(md.src_node_id),
            "dst": str(md.dst_node_id),
            "ttl": md.ttl,
            "error": m.error.reason if m.has_error() else None,
        }

    def recording_store_ins(message):
        stored = store_ins(message)
        instructions.append(record("instruction", message, stored))
        return stored

    def recording_store_res(message):
        stored = store_res(message)
        replies.append(record("reply", message, stored))
        return stored

    state.store_message_ins = recording_store_ins
    state.store_message_res = recording_store_res

    fleet_port, appio_port = free_port(), free_port()
    fleet = _run_fleet_api_grpc_rere(
        address=f"127.0.0.1:{fleet_port}",
        state_factory=state_factory,
        ffs_factory=ffs_factory,
        objectstore_factory=objectstore_factory,
        enable_supernode_auth=False,
        certificates=None,
        interceptors=[NodeAuthServerInterceptor(state_factory)],
    )
    appio = run_serverappio_api_grpc(
        address=f"127.0.0.1:{appio_port}",
        state_factory=state_factory,
        ffs_factory=ffs_factory,
        objectstore_factory=objectstore_factory,
        certificates=None,
    )

    # ControlServicer.StartRun, minus the account check: the NoOp federation (what `flwr run` without a federation gets).
    fab = fab_bytes()
    fab_hash = ffs_factory.ffs().put(fab, {})
    fab_id, fab_version = get_fab_metadata(fab)
    run_id = state.create_run(fab_id, fab_version, fab_hash, spec.get("run_config", {}), NOOP_FEDERATION, ConfigRecord(), None)
    state.set_serverapp_context(
        run_id, Context(run_id=run_id, node_id=SUPERLINK_NODE_ID, node_config={}, state=RecordDict(), run_config={})
    )
    if spec["mode"] == "running":
        for status in (Status.STARTING, Status.RUNNING):
            if not state.update_run_status(run_id, RunStatus(status, "", "")):
                raise SystemExit(f"could not move run {run_id} to {status}")
    print("PORTS " + json.dumps({"fleet": fleet_port, "serverappio": appio_port, "run_id": str(run_id)}), flush=True)

    seen = []
    deadline = time.time() + spec.get("timeout", 600)
    while time.time() < deadline:
        st = state.get_run_status({run_id})[run_id]
        if not seen or seen[-1] != st.status:
            seen.append(st.status)
        if st.status == Status.FINISHED:
            break
        time.sleep(0.1)
    run = state.get_run(run_id)
    context = state.get_serverapp_context(run_id)
    result = {
        "status": {"status": run.status.status, "sub_status": run.status.sub_status, "details": run.status.details},
        "statuses": seen,
        "pending_at": bool(run.pending_at),
        "starting_at": bool(run.starting_at),
        "running_at": bool(run.running_at),
        "finished_at": bool(run.finished_at),
        "token_revoked": run_id not in state.token_store,
        "context_run_id": str(context.run_id) if context else None,
        "log": state.get_serverapp_log(run_id, None)[0],
        "instructions": instructions,
        "replies": replies,
    }
    result["ok"] = run.status.status == Status.FINISHED and run.status.sub_status == "completed"
    print("RESULT " + json.dumps(result), flush=True)
    fleet.stop(1)
    appio.stop(1)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except Exception:
        log(ERROR, traceback.format_exc())
        print("RESULT " + json.dumps({"ok": False, "error": traceback.format_exc()}), flush=True)
        sys.exit(1)
