#!/usr/bin/env python3
"""How long a big Microsoft Project XML import holds up a small write elsewhere.

Starts one import (POST /api/v1/workspaces/{IMPORT_WS}/imports/mspdi?key=KEY,
the file as the body) on its own connection, and while it runs creates
personal tasks in another workspace (POST /api/v1/workspaces/{WRITE_WS}/tasks,
{"title": ...}) one after the other on a second, kept-alive connection. For
each create it records the client's wall time and the server's own figure
(`Server-Timing: app;dur=...`). Before the import it times `--warmup` creates
on the idle server, for comparison; with `--tail S` it goes on for S seconds
after the import answered (the server reschedules the new project then).

Prints the import's time and status, then for the idle, during and tail
windows: creates completed, max, p50 and p99 of client and server latency,
and the longest gap between two completed creates. `--json FILE` also writes
every sample. Only for a server on this machine; every loop is bounded.

usage: import_holdup.py URL TOKEN IMPORT_WS WRITE_WS FILE [--key KEY]
                        [--warmup N] [--tail S] [--max-creates N]
                        [--timeout S] [--json FILE]
"""
import argparse
import http.client
import json
import sys
import threading
import time
import urllib.parse


def server_ms(response):
    """The `app;dur=` of a response's Server-Timing header, in ms (or None)."""
    for part in (response.getheader("server-timing") or "").split(","):
        for item in part.split(";")[1:]:
            name, _, value = item.strip().partition("=")
            if name == "dur":
                try:
                    return float(value)
                except ValueError:
                    return None
    return None


class Conn:
    """One kept-alive HTTP/1.1 connection, reopened after an error."""

    def __init__(self, url, token, timeout):
        self.url = urllib.parse.urlsplit(url)
        self.token = token
        self.timeout = timeout
        self.conn = None

    def request(self, method, path, body, content_type):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.url.hostname, self.url.port or 80, timeout=self.timeout)
        headers = {"authorization": f"Bearer {self.token}", "content-type": content_type}
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        finished = time.perf_counter()
        if response.getheader("connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return started, finished, response.status, server_ms(response), payload


def percentile(values, p):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100)
    return ordered[int(rank) - 1]


def summary(name, samples, window):
    ok = [s for s in samples if s["status"] == 201]
    failed = len(samples) - len(ok)
    if not ok:
        return {"window": name, "seconds": window, "creates": 0, "failed": failed}
    client = [s["client_ms"] for s in ok]
    server = [s["server_ms"] for s in ok if s["server_ms"] is not None]
    ends = sorted(s["end"] for s in ok)
    gaps = [b - a for a, b in zip(ends, ends[1:])]
    out = {
        "window": name,
        "seconds": round(window, 3),
        "creates": len(ok),
        "failed": failed,
        "client_ms": {"max": max(client), "p50": percentile(client, 50), "p99": percentile(client, 99)},
        "longest_gap_ms": round(max(gaps) * 1000, 3) if gaps else None,
    }
    if server:
        out["server_ms"] = {"max": max(server), "p50": percentile(server, 50), "p99": percentile(server, 99)}
    return out


def show(s):
    line = f"{s['window']:>7}: {s['creates']:5d} creates in {s['seconds']:.2f} s"
    if s.get("failed"):
        line += f" ({s['failed']} failed)"
    if s["creates"]:
        c = s["client_ms"]
        line += f"; client ms max {c['max']:.1f} p50 {c['p50']:.1f} p99 {c['p99']:.1f}"
        if "server_ms" in s:
            v = s["server_ms"]
            line += f"; server ms max {v['max']:.1f} p50 {v['p50']:.1f} p99 {v['p99']:.1f}"
        if s["longest_gap_ms"] is not None:
            line += f"; longest gap {s['longest_gap_ms']:.1f} ms"
    print(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("url", help="the server, e.g. http://127.0.0.1:8080")
    ap.add_argument("token", help="an API token (bearer) of a member of both workspaces")
    ap.add_argument("import_ws", help="workspace slug the file is imported into")
    ap.add_argument("write_ws", help="workspace slug the small writes go to")
    ap.add_argument("file", help="a Microsoft Project XML (MSPDI) file")
    ap.add_argument("--key", default=None, help="project key of the import (default: IMP + a number)")
    ap.add_argument("--warmup", type=int, default=200, help="creates timed on the idle server first")
    ap.add_argument("--tail", type=float, default=0.0, help="seconds to go on after the import answered")
    ap.add_argument("--max-creates", type=int, default=200_000, help="bound on creates during the import")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the import")
    ap.add_argument("--json", default=None, help="write the summary and every sample to this file")
    args = ap.parse_args()
    host = urllib.parse.urlsplit(args.url).hostname or ""
    if host not in ("localhost", "::1") and not host.startswith("127."):
        sys.exit("only a server on this machine (loopback) may be measured")

    with open(args.file, "rb") as f:
        body = f.read()
    key = args.key or f"IMP{int(time.time()) % 100000}"
    import_path = f"/api/v1/workspaces/{args.import_ws}/imports/mspdi?key={urllib.parse.quote(key)}"
    task_path = f"/api/v1/workspaces/{args.write_ws}/tasks"
    writer = Conn(args.url, args.token, timeout=60)
    counter = [0]

    def create(phase):
        counter[0] += 1
        payload = json.dumps({"title": f"holdup {phase} {counter[0]}"}).encode()
        try:
            started, finished, status, dur, answer = writer.request("POST", task_path, payload, "application/json")
        except (OSError, http.client.HTTPException) as e:
            now = time.perf_counter()
            return {"start": now, "end": now, "client_ms": None, "server_ms": None, "status": repr(e)}
        if status != 201 and counter[0] <= 3:
            print(f"create answered {status}: {answer[:300]!r}", file=sys.stderr)
        return {"start": started, "end": finished, "client_ms": (finished - started) * 1000,
                "server_ms": dur, "status": status}

    idle_started = time.perf_counter()
    idle = [create("idle") for _ in range(args.warmup)]
    idle_window = time.perf_counter() - idle_started

    result = {}

    def run_import():
        conn = Conn(args.url, args.token, timeout=args.timeout)
        try:
            started, finished, status, dur, answer = conn.request("POST", import_path, body, "application/xml")
            result.update(start=started, end=finished, status=status, server_ms=dur, answer=answer[:500])
        except (OSError, http.client.HTTPException) as e:
            result.update(end=time.perf_counter(), status=repr(e))

    importer = threading.Thread(target=run_import, daemon=True)
    import_sent = time.perf_counter()
    import_sent_unix = time.time()
    importer.start()
    during = []
    deadline = import_sent + args.timeout
    while importer.is_alive() and len(during) < args.max_creates and time.perf_counter() < deadline:
        during.append(create("during"))
    importer.join(max(0.0, deadline - time.perf_counter()))
    if importer.is_alive():
        sys.exit(f"the import did not answer within {args.timeout} s")
    import_end = result["end"]
    # A create that was sent before the import answered belongs to it.
    tail = [s for s in during if s["start"] >= import_end]
    during = [s for s in during if s["start"] < import_end]
    tail_until = import_end + args.tail
    while time.perf_counter() < tail_until and len(tail) < args.max_creates:
        tail.append(create("tail"))

    import_s = import_end - import_sent
    print(f"import: {len(body) / 1e6:.1f} MB, status {result['status']}, {import_s:.2f} s client"
          + (f", {result['server_ms'] / 1000:.2f} s server" if result.get("server_ms") is not None else ""))
    if result.get("status") != 201:
        print(f"import answered: {result.get('answer', b'')!r}", file=sys.stderr)
    summaries = [summary("idle", idle, idle_window), summary("during", during, import_s)]
    if args.tail > 0:
        summaries.append(summary("tail", tail, args.tail))
    for s in summaries:
        show(s)
    if args.json:
        def rel(samples):
            return [dict(s, start=s["start"] - import_sent, end=s["end"] - import_sent) for s in samples]
        with open(args.json, "w") as f:
            json.dump({"file": args.file, "bytes": len(body), "key": key,
                       "import_sent_unix": import_sent_unix,
                       "import": {"status": result.get("status"), "client_s": import_s,
                                  "server_ms": result.get("server_ms")},
                       "summaries": summaries,
                       "samples": {"idle": rel(idle), "during": rel(during), "tail": rel(tail)}}, f, indent=1)
    return 0 if result.get("status") == 201 else 1


if __name__ == "__main__":
    sys.exit(main())
