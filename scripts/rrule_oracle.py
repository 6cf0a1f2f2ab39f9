#!/usr/bin/env python3
"""The dates python-dateutil gives for recurrence rules: an implementation
independent of the `rrule` crate, for tandem-domain's cross-check
(tests/recurrence_oracle.rs).

Reads one JSON object a line, {"start": "YYYY-MM-DD", "rule": RRULE value,
"except": [dates], "limit": N}, and writes for each one JSON line: the
first N dates, or {"error": text}.
"""
import datetime
import json
import sys

from dateutil.rrule import rrulestr


def stamp(day):
    return day.replace("-", "") + "T000000Z"


for line in sys.stdin:
    case = json.loads(line)
    text = "DTSTART:%s\nRRULE:%s" % (stamp(case["start"]), case["rule"])
    for day in case.get("except", []):
        text += "\nEXDATE:%s" % stamp(day)
    try:
        # Tandem looks no further than 400 years from the start.
        last = datetime.date.fromisoformat(case["start"]).replace(year=int(case["start"][:4]) + 400)
        dates = []
        for at in rrulestr(text, forceset=True):
            if len(dates) >= case["limit"] or at.date() > last:
                break
            dates.append(at.date().isoformat())
        print(json.dumps(dates))
    except (ValueError, OverflowError) as e:
        print(json.dumps({"error": str(e)}))
    sys.stdout.flush()
