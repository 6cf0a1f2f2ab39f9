#!/usr/bin/env python3
"""Checks that the API does what its OpenAPI document says: Schemathesis
generates requests from /api/v1/openapi.json, valid and invalid, and runs
all of its checks on the answers (no server errors; status codes, content
types, headers and bodies as documented; invalid input refused, valid input
accepted; authentication enforced). Exits non-zero on any failure.

Against a running server, with a bearer token of an owner or admin of
`--workspace` (default: demo). The run creates, changes and deletes data:
use a server whose data is disposable.

    scripts/schemathesis.py --base-url http://127.0.0.1:8080 --token tdm_...

Or on a server of its own: `tandem serve --demo` on a fresh SQLite file and
a free loopback port, signed in as the demo's owner (this is what CI runs):

    scripts/schemathesis.py --serve target/debug/tandem

The run is bounded by --max-examples per operation and --max-time overall.
Schemathesis comes from PyPI (see .ci/run for the pinned version); it is
looked for beside this Python, then on PATH.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG = os.path.join(HERE, "schemathesis.toml")
DEMO_OWNER = ("ana@demo.tandem", "tandem-demo")
# Long enough for a debug build to load the demo on a busy machine.
STARTUP_SECONDS = 120


def schemathesis_binary(given):
    if given:
        return given
    beside = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    if os.path.exists(beside):
        return beside
    found = shutil.which("schemathesis")
    if not found:
        sys.exit("schemathesis not found: pip install it, or pass --schemathesis")
    return found


def request(base, method, path, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("content-type", "application/json")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    with urllib.request.urlopen(req, timeout=30) as response:
        return response.headers, json.loads(response.read() or b"null")


def demo_token(base):
    """Signs in as the demo's owner and creates an API token."""
    email, password = DEMO_OWNER
    headers, _ = request(base, "POST", "/api/v1/auth/login", {"email": email, "password": password})
    cookie = headers["set-cookie"].split(";")[0]
    _, token = request(base, "POST", "/api/v1/tokens", {"name": "schemathesis"}, {"cookie": cookie})
    return token["token"]


def toml_list(values):
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def run_config(base, token, workspace, directory):
    """schemathesis.toml with the parameters of this run, as a file in
    `directory`.

    Every operation below /api/v1/workspaces/{ws} runs in `workspace`: a
    random slug names no workspace the caller is in, and every request
    would stop at that 404. Project and task keys, ids and members' emails,
    in paths and bodies, are half of the time ones that exist, so that
    requests reach the work behind the 404s and 422s.
    Member operations act on another member, token revocation on a spare
    token and project deletion on a spare project: removing or demoting the
    caller, revoking its token or deleting the projects would leave the
    rest of the run with 401s, 403s and 404s."""
    auth = {"authorization": f"Bearer {token}"}
    ws = f"/api/v1/workspaces/{workspace}"
    _, spare_token = request(base, "POST", "/api/v1/tokens", {"name": "schemathesis spare"}, auth)
    _, me = request(base, "GET", "/api/v1/me", headers=auth)
    spare_project = {"key": f"SPARE{spare_token['id']}", "name": "Schemathesis spare"}
    request(base, "POST", f"{ws}/projects", spare_project, auth)
    _, projects = request(base, "GET", f"{ws}/projects", headers=auth)
    _, tasks = request(base, "GET", f"{ws}/tasks?limit=500", headers=auth)
    _, members = request(base, "GET", f"{ws}/members", headers=auth)
    others = [m for m in members if m["user"]["id"] != me["user"]["id"] and m["role"] != "owner"]
    if not others:
        sys.exit(f"{workspace} needs a member besides the caller for the member operations to act on")
    spare_member = others[-1]
    project_keys = [p["key"] for p in projects] or ["NONE"]
    task_keys = [t["key"] for t in tasks["tasks"]] or ["NONE-1"]
    emails = [m["user"]["email"] for m in members]
    path = os.path.join(directory, "schemathesis.toml")
    with open(CONFIG) as static, open(path, "w") as config:
        config.write(static.read())
        config.write(f"""
[dictionaries.projects]
values = {toml_list(project_keys)}

[dictionaries.tasks]
values = {toml_list(task_keys)}

[dictionaries.spare_project]
values = {toml_list([spare_project["key"]])}

[dictionaries.ids]
values = {toml_list(range(1, 31))}

[dictionaries.emails]
values = {toml_list(emails)}

[parameters]
"path.ws" = {json.dumps(workspace)}
"path.user_id" = {int(spare_member["user"]["id"])}
"path.id" = {{ dictionary = "ids", probability = 0.5 }}
"path.predecessor" = {{ dictionary = "tasks", probability = 0.5 }}
"path.successor" = {{ dictionary = "tasks", probability = 0.5 }}
"body.predecessor" = {{ dictionary = "tasks", probability = 0.5 }}
"body.successor" = {{ dictionary = "tasks", probability = 0.5 }}
"body.parent" = {{ dictionary = "tasks", probability = 0.5 }}
"body.tasks[*]" = {{ dictionary = "tasks", probability = 0.5 }}
"body.project" = {{ dictionary = "projects", probability = 0.5 }}
"body.owner" = {{ dictionary = "emails", probability = 0.5 }}
"body.member" = {{ dictionary = "emails", probability = 0.5 }}
"body.collaborators[*]" = {{ dictionary = "emails", probability = 0.5 }}
"body.phase_id" = {{ dictionary = "ids", probability = 0.5 }}
"body.milestone_id" = {{ dictionary = "ids", probability = 0.5 }}
"body.milestones[*]" = {{ dictionary = "ids", probability = 0.5 }}

# The first entry that names an operation's parameters decides them.
[[operations]]
include-operation-id = "delete_projects"
parameters = {{ "path.key" = {{ dictionary = "spare_project", probability = 0.5 }} }}

[[operations]]
include-operation-id = "delete_tokens"
parameters = {{ "path.id" = {int(spare_token["id"])} }}

[[operations]]
include-path-regex = "/projects/[{{]key[}}]"
parameters = {{ "path.key" = {{ dictionary = "projects", probability = 0.5 }} }}

[[operations]]
include-path-regex = "/tasks/[{{]key[}}]"
parameters = {{ "path.key" = {{ dictionary = "tasks", probability = 0.5 }} }}
""")
    return path


class Server:
    """`tandem serve --demo` on a free loopback port and a fresh database."""

    def __init__(self, binary, directory):
        self.log_path = os.path.join(directory, "server.log")
        self.log = open(self.log_path, "w")
        database = "sqlite://" + os.path.join(directory, "contract.db")
        self.process = subprocess.Popen(
            [binary, "serve", "--demo", "--listen", "127.0.0.1:0", "--database", database],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "TANDEM_LOG": os.environ.get("TANDEM_LOG", "warn"), "NO_COLOR": "1"},
        )
        self.base = None
        found = threading.Event()
        # One reader for the whole life of the server: it finds the address
        # and then keeps the pipe drained, so the server never blocks on it.
        threading.Thread(target=self._read, args=(found,), daemon=True).start()
        if not found.wait(STARTUP_SECONDS) or self.base is None:
            self.stop()
            sys.exit(f"the server did not start; its output:\n{open(self.log_path).read()}")

    def _read(self, found):
        for line in self.process.stdout:
            self.log.write(line)
            self.log.flush()
            marker = "is listening on "
            if self.base is None and marker in line:
                self.base = line.split(marker, 1)[1].split()[0]
                found.set()
        found.set()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def run_schemathesis(binary, base, token, args):
    with tempfile.TemporaryDirectory(prefix="tandem-schemathesis-") as directory:
        config = run_config(base, token, args.workspace, directory)
        return run_with_config(binary, config, directory, base, token, args)


def run_with_config(binary, config, directory, base, token, args):
    command = [
        binary,
        "--config-file",
        config,
        "run",
        base.rstrip("/") + "/api/v1/openapi.json",
        "--checks",
        "all",
        "--header",
        f"Authorization: Bearer {token}",
        "--max-examples",
        str(args.max_examples),
        "--max-time",
        str(args.max_time),
        "--seed",
        str(args.seed),
        "--workers",
        str(args.workers),
    ]
    command += args.extra
    printable = [("Authorization: Bearer ***" if c.startswith("Authorization:") else c) for c in command]
    print("$ " + " ".join(printable), flush=True)
    # Hypothesis keeps caches in the working directory unless told where.
    return subprocess.call(command, env={**os.environ, "HYPOTHESIS_STORAGE_DIRECTORY": directory})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", help="a running server")
    parser.add_argument("--token", help="a bearer token of an owner or admin of --workspace")
    parser.add_argument("--workspace", default="demo", help="the workspace to test in (default: demo)")
    parser.add_argument("--serve", metavar="TANDEM", help="start this tandem binary with --demo instead")
    parser.add_argument("--schemathesis", help="the schemathesis executable")
    parser.add_argument("--max-examples", type=int, default=25, help="per operation and phase")
    parser.add_argument("--max-time", type=int, default=150, help="seconds for the whole run")
    parser.add_argument("--seed", type=int, default=20240601, help="for repeatable runs")
    parser.add_argument("--workers", default="2")
    parser.add_argument("extra", nargs="*", help="after --: more options for `schemathesis run`")
    args = parser.parse_args()
    binary = schemathesis_binary(args.schemathesis)
    if args.serve:
        with tempfile.TemporaryDirectory(prefix="tandem-contract-") as directory:
            server = Server(args.serve, directory)
            try:
                code = run_schemathesis(binary, server.base, demo_token(server.base), args)
            finally:
                server.stop()
            log = open(server.log_path).read()
            if code != 0:
                print(f"--- the server's log ---\n{log}")
            else:
                noted = [line for line in log.splitlines() if re.search(r"\b(WARN|ERROR)\b", line)]
                if noted:
                    print("--- warnings and errors in the server's log ---\n" + "\n".join(noted))
                if any(re.search(r"\bERROR\b", line) for line in noted):
                    # The server logged the cause of a server error that
                    # the checks did not see as one.
                    code = 1
    elif args.base_url and args.token:
        code = run_schemathesis(binary, args.base_url, args.token, args)
    else:
        parser.error("give --base-url and --token, or --serve")
    print("schemathesis: " + ("passed" if code == 0 else f"FAILED (exit {code})"), flush=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
