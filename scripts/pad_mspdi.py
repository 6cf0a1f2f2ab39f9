#!/usr/bin/env python3
"""Pads each <Task> of a generated MSPDI file with the fields Microsoft Project
itself writes but Tandem's reader ignores (copied from a Project 2010 file), so
a gen_project.py plan has the size of a file saved by Project without changing
what is imported (same tasks, links, constraints).

usage: pad_mspdi.py IN OUT [--target-mb 25]
"""
import re
import sys

IGNORED = """<Active>1</Active><Manual>0</Manual><Type>0</Type><IsNull>0</IsNull>
<CreateDate>2014-10-17T19:37:00</CreateDate><WBS>{n}</WBS><OutlineNumber>{n}</OutlineNumber>
<Priority>500</Priority><Finish>2014-10-17T17:00:00</Finish>
<ManualStart>2014-10-17T08:00:00</ManualStart><ManualFinish>2014-10-17T17:00:00</ManualFinish>
<ManualDuration>PT8H0M0S</ManualDuration><DurationFormat>53</DurationFormat><Work>PT0H0M0S</Work>
<ResumeValid>0</ResumeValid><EffortDriven>0</EffortDriven><Recurring>0</Recurring>
<OverAllocated>0</OverAllocated><Estimated>1</Estimated><DisplayAsSummary>0</DisplayAsSummary>
<Critical>0</Critical><IsSubproject>0</IsSubproject><IsSubprojectReadOnly>0</IsSubprojectReadOnly>
<ExternalTask>0</ExternalTask><EarlyStart>2014-10-17T08:00:00</EarlyStart>
<EarlyFinish>2014-10-17T17:00:00</EarlyFinish><LateStart>2014-10-30T08:00:00</LateStart>
<LateFinish>2014-10-30T17:00:00</LateFinish><StartVariance>0</StartVariance>
<FinishVariance>0</FinishVariance><WorkVariance>0.00</WorkVariance><FreeSlack>0</FreeSlack>
<TotalSlack>43200</TotalSlack><StartSlack>43200</StartSlack><FinishSlack>43200</FinishSlack>
<FixedCost>0</FixedCost><FixedCostAccrual>3</FixedCostAccrual><PercentWorkComplete>0</PercentWorkComplete>
<Cost>0</Cost><OvertimeCost>0</OvertimeCost><OvertimeWork>PT0H0M0S</OvertimeWork>
<ActualDuration>PT0H0M0S</ActualDuration><ActualCost>0</ActualCost><ActualOvertimeCost>0</ActualOvertimeCost>
<ActualWork>PT0H0M0S</ActualWork><ActualOvertimeWork>PT0H0M0S</ActualOvertimeWork>
<RegularWork>PT0H0M0S</RegularWork><RemainingDuration>PT8H0M0S</RemainingDuration>
<RemainingCost>0</RemainingCost><RemainingWork>PT0H0M0S</RemainingWork>
<RemainingOvertimeCost>0</RemainingOvertimeCost><RemainingOvertimeWork>PT0H0M0S</RemainingOvertimeWork>
<ACWP>0.00</ACWP><CV>0.00</CV><LevelAssignments>1</LevelAssignments>
<LevelingCanSplit>1</LevelingCanSplit><LevelingDelay>0</LevelingDelay>
<LevelingDelayFormat>8</LevelingDelayFormat><IgnoreResourceCalendar>0</IgnoreResourceCalendar>
<HideBar>0</HideBar><Rollup>0</Rollup><BCWS>0.00</BCWS><BCWP>0.00</BCWP>
<PhysicalPercentComplete>0</PhysicalPercentComplete><EarnedValueMethod>0</EarnedValueMethod>
<IsPublished>1</IsPublished><CommitmentType>0</CommitmentType>"""

FIELDS = re.findall(r"<[A-Za-z]+>[^<]*</[A-Za-z]+>", IGNORED)


def main():
    src, out = sys.argv[1], sys.argv[2]
    target = float(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--target-mb" else 25.0
    xml = open(src, encoding="utf-8").read()
    tasks = xml.count("<Task>")
    per_task = (target * 1e6 - len(xml)) / tasks
    fields, size = [], 0
    for f in FIELDS:
        if size >= per_task:
            break
        fields.append(f)
        size += len(f) + 4  # newline and indentation
    counter = iter(range(1, tasks + 1))

    def pad(m):
        n = next(counter)
        return m.group(0) + "".join("\n\t\t\t" + f.format(n=n) for f in fields)

    padded = re.sub(r"<Task>", pad, xml)
    with open(out, "w", encoding="utf-8") as f:
        f.write(padded)
    print(f"{out}: {tasks} tasks, {len(fields)} ignored fields each, {len(padded.encode()) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
