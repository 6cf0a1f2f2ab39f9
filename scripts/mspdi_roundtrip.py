#!/usr/bin/env python3
"""Round trip through Tandem and MPXJ: Microsoft Project XML imported into a
Tandem server, exported again, and rescheduled by MPXJ's MicrosoftScheduler.

For each generated plan (../shared/peers/mpxj/gen_project.py): start
`tandem serve` on a fresh SQLite file, `tandem import mspdi` the plan,
`tandem export mspdi` it, and compare MPXJ's schedule of the exported file with
Tandem's (every leaf task's early and late start and finish and total slack,
in working time, with compare_mpxj.py's rules). The API test
`microsoft_project_files_import_and_export` already shows that an exported
file schedules in Tandem to the server's own dates; this closes the loop with
MPXJ. Needs MPXJ and a release build, as compare_mpxj.py; not a CI step.

usage: scripts/mspdi_roundtrip.py [--sizes 100,1000] [--seeds 1-5]
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_mpxj as cmp  # noqa: E402


def run(env, *args, stdin=None):
    out = subprocess.run([cmp.TANDEM, *args], env=env, input=stdin, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"tandem {' '.join(args)} failed: {out.stderr}")
    return out.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100,1000")
    ap.add_argument("--seeds", default="1-5")
    ap.add_argument("--show", type=int, default=5)
    args = ap.parse_args()
    lo, _, hi = args.seeds.partition("-")
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite://{tmp}/roundtrip.db"
        env = dict(os.environ, TANDEM_CONFIG_DIR=os.path.join(tmp, "config"), TANDEM_LOG="warn")
        run(env, "admin", "workspace", "add", "rt", "--name", "Round trip", "--database", db)
        run(env, "admin", "user", "add", "rt@example.org", "--name", "RT", "--workspace", "rt", "--role", "owner",
            "--password-stdin", "--database", db, stdin="round-trip-pass\n")
        server = subprocess.Popen([cmp.TANDEM, "serve", "--listen", "127.0.0.1:0", "--database", db],
                                  env=env, stdout=subprocess.PIPE, text=True)
        try:
            url = None
            for line in server.stdout:
                if line.startswith("Tandem is listening on "):
                    url = line.split()[4]
                    break
            run(env, "login", "--server", url, "--email", "rt@example.org", "--password-stdin", stdin="round-trip-pass\n")
            total, n = 0, 0
            for size in [int(s) for s in args.sizes.split(",")]:
                for seed in range(int(lo), int(hi or lo) + 1):
                    n += 1
                    plan = os.path.join(tmp, f"plan-{size}-{seed}.xml")
                    cmp.generate(size, seed, plan)
                    key = f"RT{n}"
                    run(env, "import", "mspdi", plan, "--project", key)
                    exported = os.path.join(tmp, f"{key}.xml")
                    with open(exported, "w", encoding="utf-8") as f:
                        f.write(run(env, "export", "mspdi", key))
                    total += cmp.compare_file(exported, f"exported size {size} seed {seed}", args.show)
        finally:
            server.terminate()
            server.wait()
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
