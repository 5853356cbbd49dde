"""CPython's tracemalloc as an oracle: reads cases as JSON on stdin, prints results as JSON.

Each case: {"new": raw traces, "old": raw traces, "limit": int, "filters": [...],
"formats": [[frames, limit, most_recent_first], ...]}; a raw trace is
[domain, size, frames, total_nframe] with frames [[filename, lineno], ...] most recent first.
"""
import json
import sys
import tracemalloc


def snapshot(raw, limit):
    traces = [(d, s, tuple(tuple(f) for f in frames), total) for d, s, frames, total in raw]
    return tracemalloc.Snapshot(traces, limit)


def make_filter(spec):
    if spec["kind"] == "domain":
        return tracemalloc.DomainFilter(spec["inclusive"], spec["domain"])
    return tracemalloc.Filter(spec["inclusive"], spec["pattern"], spec.get("lineno"),
                              spec.get("all_frames", False), spec.get("domain"))


def stat_row(stat):
    return [str(stat), [[f.filename, f.lineno] for f in stat.traceback]]


def trace_row(trace):
    tb = trace.traceback
    return [trace.domain, trace.size, [[f.filename, f.lineno] for f in tb], tb.total_nframe, str(trace)]


def run(case):
    new = snapshot(case["new"], case["limit"])
    old = snapshot(case["old"], case["limit"])
    out = {"statistics": {}, "compare": {}}
    for key in ("filename", "lineno", "traceback"):
        for cumulative in ((False, True) if key != "traceback" else (False,)):
            name = f"{key}{'/cumulative' if cumulative else ''}"
            out["statistics"][name] = [stat_row(s) for s in new.statistics(key, cumulative)]
            out["compare"][name] = [stat_row(s) for s in new.compare_to(old, key, cumulative)]
    filtered = new.filter_traces([make_filter(f) for f in case["filters"]])
    out["filtered"] = [trace_row(t) for t in filtered.traces]
    out["filtered_stats"] = [stat_row(s) for s in filtered.statistics("lineno")]
    out["formats"] = [
        tracemalloc.Traceback(tuple(tuple(f) for f in frames)).format(limit, recent_first)
        for frames, limit, recent_first in case["formats"]
    ]
    return out


print(json.dumps([run(case) for case in json.load(sys.stdin)]))
