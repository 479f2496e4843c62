#!/usr/bin/python3
"""A whole `flower-superlink` process and a run started through its Control API, as `flwr run` starts it.

Ours: this script. Flower's (imported from the Flower 1.26.0 source tree): `flwr.server.app.run_superlink`
as a child process (Control, ServerAppIo and Fleet APIs; `--isolation process`, so it spawns no
SuperExec and an outside launcher, here `fedloge serverapp`, must claim the run), and the Control API's
`StartRun` / `ListRuns` through Flower's `ControlStub`, the request built as `flwr run`
(flwr/cli/run/run.py `_run_with_control_api`) builds it. `flwr run` itself cannot run here: Debian 12's
typer 0.7 rejects Flower's `Annotated[..., typer.Option(help=...)]` parameters when flwr.cli.build
is imported; the FAB is therefore zipped here as `flwr build` lays it out (pyproject.toml + module).

Usage: deployment_start_run.py <out folder> [timeout s]
Once a file <out folder>/stop-run appears, the run is stopped through the Control API's StopRun (what
`flwr stop <run id>` sends).
Stdout protocol: "PORTS {json}" once the run is pending (control, serverappio, fleet, run_id); "RESULT
{json}" once the run is finished or the timeout passed (its status as ListRuns reports it); then it
serves on until SIGTERM or the timeout. Exit 0 when
the run finished as completed (as stopped, when it was stopped).
"""

import hashlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import zipfile

import grpc

from flwr.common import ConfigRecord
from flwr.common.serde import config_record_to_proto, fab_to_proto, user_config_to_proto
from flwr.common.typing import Fab
from flwr.proto.control_pb2 import ListRunsRequest, StartRunRequest, StopRunRequest
from flwr.proto.control_pb2_grpc import ControlStub

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


def wait_listening(port, until):
    while time.time() < until:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"flower-superlink did not listen on port {port}")


def main():
    # SIGTERM (the test stopping us) must still run the `finally` that stops the SuperLink process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    out = sys.argv[1]
    timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 600
    control, appio, fleet = free_port(), free_port(), free_port()
    superlink = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; sys.argv[0] = 'flower-superlink'; from flwr.server.app import run_superlink; run_superlink()",
            "--insecure",
            "--isolation",
            "process",
            "--control-api-address",
            f"127.0.0.1:{control}",
            "--serverappio-api-address",
            f"127.0.0.1:{appio}",
            "--fleet-api-address",
            f"127.0.0.1:{fleet}",
            "--database",
            ":flwr-in-memory:",
            "--storage-dir",
            os.path.join(out, "superlink"),
        ],
    )
    try:
        until = time.time() + 60
        for port in (control, appio, fleet):
            wait_listening(port, until)
        stub = ControlStub(grpc.insecure_channel(f"127.0.0.1:{control}"))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("pyproject.toml", PYPROJECT)
            z.writestr("fedloge_app.py", "# fedloge serverapp is the app; this module is never imported\n")
        fab = buf.getvalue()
        res = stub.StartRun(
            StartRunRequest(
                fab=fab_to_proto(Fab(hashlib.sha256(fab).hexdigest(), fab, {})),
                override_config=user_config_to_proto({}),
                federation="",
                federation_options=config_record_to_proto(ConfigRecord()),
                app_spec="",
            )
        )
        if not res.HasField("run_id"):
            raise SystemExit("StartRun did not start a run")
        run_id = res.run_id
        print("PORTS " + json.dumps({"control": control, "serverappio": appio, "fleet": fleet, "run_id": str(run_id)}), flush=True)
        seen = []
        stopped = None
        deadline = time.time() + timeout
        while time.time() < deadline:
            if stopped is None and os.path.exists(os.path.join(out, "stop-run")):
                stopped = stub.StopRun(StopRunRequest(run_id=run_id)).success
            status = stub.ListRuns(ListRunsRequest(run_id=run_id)).run_dict[run_id].status
            if not seen or seen[-1] != status.status:
                seen.append(status.status)
            if status.status == "finished":
                break
            time.sleep(0.2)
        result = {
            "status": {"status": status.status, "sub_status": status.sub_status, "details": status.details},
            "statuses": seen,
            "stopped": stopped,
            "ok": status.status == "finished" and status.sub_status == ("stopped" if stopped else "completed"),
        }
        print("RESULT " + json.dumps(result), flush=True)
        # A SuperLink outlives its runs: keep serving (the ServerApp may still be calling) until stopped.
        while time.time() < deadline:
            time.sleep(0.5)
        return 0 if result["ok"] else 1
    finally:
        superlink.terminate()
        superlink.wait(30)


if __name__ == "__main__":
    sys.exit(main())
