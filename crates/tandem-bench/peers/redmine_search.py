#!/usr/bin/env python3
"""Redmine's search on the data `tandem-bench --search N` searches.

Seeds Redmine's SQLite database (../shared/peers/redmine sets it up; stop
the server first) with a project of N issues and N/2 journal notes made
of the same made-up words, drawn the same way (Zipf-Mandelbrot over
10,000 words, weight 1/(rank + 10)), then, with the server started,
times GET /search.json for one- and two-word queries picked as the bench
picks them (log-uniform ranks). Redmine's own time is its X-Runtime
header. Only 127.0.0.1 is ever asked.

  python3 redmine_search.py seed N          # server stopped
  python3 redmine_search.py measure COUNT   # server started
"""

import json
import math
import random
import sqlite3
import statistics
import sys
import time
import urllib.parse
import urllib.request

DB = "/var/lib/dbconfig-common/sqlite3/redmine/instances/default/redmine_default"
BASE = "http://127.0.0.1:3000"
KEY_FILE = "/var/tmp/tandem-peers/redmine/api_key"
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "be", "da",
             "fe", "gu", "ha", "ji", "ko", "la", "ma", "no", "pe", "ri"]
VOCABULARY = 10_000


def word(rank):
    digits, n = [], rank
    while n > 0 or len(digits) < 3:
        digits.append(SYLLABLES[n % 20])
        n //= 20
    return "".join(digits)


CUMULATIVE = []
_total = 0.0
for _rank in range(VOCABULARY):
    _total += 1.0 / (_rank + 10.0)
    CUMULATIVE.append(_total)


def draw(rng):
    import bisect
    return word(bisect.bisect_left(CUMULATIVE, rng.random() * CUMULATIVE[-1]))


def text(rng, count):
    words = [draw(rng) for _ in range(count)]
    words[0] = words[0].capitalize()
    return " ".join(words)


def searched(rng):
    rank = int(math.exp(math.log(VOCABULARY) * rng.random())) - 1
    return word(min(rank, VOCABULARY - 1))


def seed(n):
    rng = random.Random(7)
    db = sqlite3.connect(DB)
    db.execute("PRAGMA journal_mode=WAL")
    now = time.strftime("%Y-%m-%d %H:%M:%S")
    db.execute(
        "INSERT INTO projects (name, description, identifier, is_public, status, lft, rgt, "
        "created_on, updated_on, inherit_members) VALUES ('Search bench', '', 'search-bench', 1, 1, "
        "(SELECT COALESCE(MAX(rgt), 0) + 1 FROM projects), (SELECT COALESCE(MAX(rgt), 0) + 2 FROM projects), ?, ?, 0)",
        (now, now))
    project = db.execute("SELECT id FROM projects WHERE identifier = 'search-bench'").fetchone()[0]
    tracker = db.execute("SELECT MIN(id) FROM trackers").fetchone()[0]
    status = db.execute("SELECT MIN(id) FROM issue_statuses").fetchone()[0]
    priority = db.execute("SELECT MIN(id) FROM enumerations WHERE type = 'IssuePriority'").fetchone()[0]
    db.execute("INSERT OR IGNORE INTO projects_trackers (project_id, tracker_id) VALUES (?, ?)", (project, tracker))
    db.execute("INSERT INTO enabled_modules (project_id, name) VALUES (?, 'issue_tracking')", (project,))
    start = db.execute("SELECT COALESCE(MAX(id), 0) FROM issues").fetchone()[0] + 1
    rows = []
    for i in range(n):
        issue = start + i
        description = text(rng, rng.randrange(10, 40)) if i % 3 == 0 else None
        rows.append((issue, tracker, project, text(rng, rng.randrange(3, 9)), description, status,
                     priority, 1, now, now, 0, 0, issue, 1, 2))
        if len(rows) == 10_000:
            insert_issues(db, rows)
            rows = []
    insert_issues(db, rows)
    notes = [(start + (k * 2) % n, "Issue", 1, text(rng, rng.randrange(8, 26)), now, 0)
             for k in range(n // 2)]
    db.executemany(
        "INSERT INTO journals (journalized_id, journalized_type, user_id, notes, created_on, private_notes) "
        "VALUES (?, ?, ?, ?, ?, ?)", notes)
    db.commit()
    print(f"seeded {n} issues and {len(notes)} notes in project {project}")


def insert_issues(db, rows):
    db.executemany(
        "INSERT INTO issues (id, tracker_id, project_id, subject, description, status_id, priority_id, "
        "author_id, created_on, updated_on, lock_version, done_ratio, root_id, lft, rgt, is_private) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)", rows)


def measure(count):
    key = open(KEY_FILE).read().strip()
    rng = random.Random(7)
    # The bench draws its texts first; the same seed here picks words
    # as it does, not the same words.
    for name, queries in [
        ("one word", [searched(rng) for _ in range(count)]),
        ("two words", [f"{searched(rng)} {searched(rng)}" for _ in range(count)]),
        ("the most common word", [word(0)] * min(count, 10)),
    ]:
        runtimes, hits = [], []
        for q in queries:
            url = f"{BASE}/search.json?" + urllib.parse.urlencode(
                {"q": q, "issues": 1, "all_words": 1, "limit": 20, "scope": "all"})
            request = urllib.request.Request(url, headers={"X-Redmine-API-Key": key})
            with urllib.request.urlopen(request, timeout=600) as response:
                runtimes.append(float(response.headers["X-Runtime"]) * 1000)
                hits.append(json.load(response)["total_count"])
        runtimes.sort()
        p95 = runtimes[min(len(runtimes) - 1, int(len(runtimes) * 0.95))]
        print(f"| {name} | {statistics.median(runtimes):.0f} | {p95:.0f} | {statistics.mean(hits):.0f} |")


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        seed(int(sys.argv[2]))
    else:
        measure(int(sys.argv[2]))
