#!/usr/bin/env python3
"""Compare Tandem's scheduler with MPXJ's MicrosoftScheduler on generated plans.

For each size and seed: generate a plan with ../shared/peers/mpxj/gen_project.py,
schedule it with MPXJ (../shared/peers/mpxj/schedule.py --leaf-only) and with
`tandem schedule --mspdi FILE --json`, and compare every leaf task's early and
late start and finish and total slack in working time (Friday 17:00 and Monday
08:00 are the same instant). Prints a summary line per plan and the first
differences; exits non-zero if any plan differs. (What was deviation D1,
MPXJ's start-to-finish successors starting before the project start, is gone:
Tandem does the same since 2026-12-05, see docs/scheduling.md.)

Needs MPXJ (see ../shared/peers/mpxj/README.md): PEERS_DIR/mpxj-venv with mpxj
and JPype1, and a built `tandem` (cargo build --release -p tandem). Not a CI
step: CI runs the Microsoft Project fixtures instead.

usage: scripts/compare_mpxj.py [--sizes 100,1000] [--seeds 1-20] [--show 5]
"""
import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.path.join(ROOT, "..", "shared", "peers", "mpxj")
PEERS_DIR = os.environ.get("PEERS_DIR", os.path.expanduser("~/.cache/tandem-peers"))
PY = os.path.join(PEERS_DIR, "mpxj-venv", "bin", "python")
TANDEM = os.environ.get("TANDEM", os.path.join(ROOT, "target", "release", "tandem"))


def holidays(xml):
    """Non-working dates of the file's calendars (dated exceptions)."""
    days = set()
    for frm, to in re.findall(r"<FromDate>(\d{4}-\d\d-\d\d)T[^<]*</FromDate>\s*<ToDate>(\d{4}-\d\d-\d\d)T", xml):
        d, end = dt.date.fromisoformat(frm), dt.date.fromisoformat(to)
        while d <= end:
            days.add(d)
            d += dt.timedelta(days=1)
    return days


class Work:
    """Working minutes on Mon-Fri 08-12, 13-17 with holidays, from an origin."""

    def __init__(self, origin, off):
        self.origin, self.off = origin, off
        self.cache = {}

    def day_minutes(self, d):
        return 0 if d.weekday() >= 5 or d in self.off else 480

    def before(self, d):
        if d not in self.cache:
            total, day = 0, self.origin
            step = dt.timedelta(days=1)
            # cumulative, cached per day so repeated calls stay cheap
            keys = sorted(k for k in self.cache if k <= d)
            if keys:
                day, total = keys[-1], self.cache[keys[-1]]
            while day < d:
                total += self.day_minutes(day)
                day += step
                self.cache[day] = total
            self.cache[d] = total
        return self.cache[d]

    def index(self, text):
        t = dt.datetime.fromisoformat(text)
        m = t.hour * 60 + t.minute
        within = 0 if self.day_minutes(t.date()) == 0 else min(max(m - 480, 0), 240) + min(max(m - 780, 0), 240)
        return self.before(t.date()) + within


def lines(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [json.loads(l) for l in out.splitlines() if l.strip().startswith("{")]


def generate(size, seed, path):
    subprocess.run([sys.executable, os.path.join(PEERS, "gen_project.py"), str(size), "-o", path, "--seed", str(seed)],
                   check=True, capture_output=True)


def compare(size, seed, show):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, f"plan-{size}-{seed}.xml")
        generate(size, seed, path)
        return compare_file(path, f"size {size} seed {seed}", show)


def compare_file(path, label, show):
    """MPXJ against Tandem on one file (Mon-Fri 08-12, 13-17 calendars)."""
    with open(path, encoding="utf-8") as f:
        xml = f.read()
    start = re.search(r"<StartDate>(\d{4}-\d\d-\d\d)", xml).group(1)
    work = Work(dt.date.fromisoformat(start) - dt.timedelta(days=400), holidays(xml))
    theirs = {r["uid"]: r for r in lines([PY, os.path.join(PEERS, "schedule.py"), path, "--leaf-only"])}
    ours = {r["uid"]: r for r in lines([TANDEM, "schedule", "--mspdi", path, "--json"])}
    diffs = []
    for uid, m in theirs.items():
        if m.get("summary"):
            continue
        t = ours.get(uid)
        if t is None:
            diffs.append(f"uid {uid}: missing in Tandem")
            continue
        for f in ("early_start", "early_finish", "late_start", "late_finish"):
            a, b = work.index(m[f]), work.index(t[f])
            if a != b:
                diffs.append(f"uid {uid} {m['name']!r} {f}: MPXJ {m[f]}, Tandem {t[f]} ({b - a:+d} min)")
        slack = round(m["total_slack_h"] * 60)
        if slack != t["total_slack_minutes"]:
            diffs.append(f"uid {uid} total slack: MPXJ {slack}, Tandem {t['total_slack_minutes']}")
    leaves = sum(1 for m in theirs.values() if not m.get("summary"))
    print(f"{label}: {leaves} leaf tasks, {len(diffs)} differences", flush=True)
    for d in diffs[:show]:
        print("   ", d)
    return len(diffs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100,1000")
    ap.add_argument("--seeds", default="1-20")
    ap.add_argument("--show", type=int, default=5)
    args = ap.parse_args()
    lo, _, hi = args.seeds.partition("-")
    seeds = range(int(lo), int(hi or lo) + 1)
    total = 0
    for size in [int(s) for s in args.sizes.split(",")]:
        for seed in seeds:
            total += compare(size, seed, args.show)
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
