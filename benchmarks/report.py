"""The benchmark's figures as Markdown tables, each against the target it must reach."""

from __future__ import annotations

from typing import Any


def _mark(met: bool) -> str:
    return "met" if met else "**missed**"


def markdown(results: dict[str, Any]) -> str:
    targets = results["targets"]
    size = results["size"]
    lines = [f"Size: {size['regions']:,} regions x {size['indicators']} indicators x "
             f"{size['years']} years = {size['values']:,} values (seed {size['seed']}).",
             f"pandas.read_csv of the values file: {results['read_csv']['seconds']:.2f} s.", "",
             "| database | step | figure | target | |", "|---|---|---|---|---|"]
    read_csv = results["read_csv"]["seconds"]
    for kind, figures in results["databases"].items():
        load, evaluation = figures["load"], figures["evaluate"]
        export, to_csv = figures["export"], figures["to_csv"]
        floor = figures["store_floor"]["seconds"]
        rows = [
            ("targets load, end to end", f"{load['seconds']:.1f} s = "
             f"{load['seconds'] / read_csv:.1f} x read_csv", f"<= {targets['load_ratio']:g} x",
             load["seconds"] / read_csv <= targets["load_ratio"]),
            ("the same rows written by the bare driver, nothing checked",
             f"{floor:.1f} s = {floor / read_csv:.1f} x read_csv", "(reference)", True),
            ("targets load against the bare driver", f"{load['seconds'] / floor:.2f} x",
             f"<= {targets.get('load_floor_ratio', 1.2):g} x",
             load["seconds"] / floor <= targets.get("load_floor_ratio", 1.2)),
        ]
        if "snapshot" in figures:
            snapshot = figures["snapshot"]
            rows += [
                ("the load's snapshots (targets snapshot: each view's values, every year's "
                 "status)", f"{snapshot['seconds']:.1f} s", "(reference)", True),
                ("targets load with its snapshots",
                 f"{load['seconds'] + snapshot['seconds']:.1f} s", "(reference)", True)]
        rows += [
            ("evaluate every target x region", f"{evaluation['seconds']:.2f} s "
             f"({evaluation['evaluations']:,} evaluations; the process's next ones "
             f"{evaluation.get('warm_seconds', float('nan')):.2f} s)",
             f"<= {targets['evaluate_seconds']:g} s",
             evaluation["seconds"] <= targets["evaluate_seconds"]),
            ("targets export CSV, end to end", f"{export['seconds']:.1f} s = "
             f"{export['seconds'] / to_csv['seconds']:.2f} x to_csv "
             f"({to_csv['seconds']:.1f} s, {to_csv['rows']:,} rows)",
             f"<= {targets['export_ratio']:g} x", export["seconds"] <= to_csv["seconds"]),
            ("CSV writer alone, same rows", f"{to_csv['write_extract_seconds']:.1f} s = "
             f"{to_csv['write_extract_seconds'] / to_csv['seconds']:.2f} x to_csv",
             f"<= {targets['export_ratio']:g} x",
             to_csv["write_extract_seconds"] <= to_csv["seconds"]),
        ]
        peaks = {"load": load, **({"snapshot": figures["snapshot"]} if "snapshot" in figures
                                   else {}),
                 "evaluate": evaluation, "pages": figures["pages"], "export": export}
        rows += [(f"peak RSS, {name}", f"{step['peak_rss_mb']:,.0f} MB",
                  f"<= {targets['peak_rss_mb']:,.0f} MB",
                  step["peak_rss_mb"] <= targets["peak_rss_mb"]) for name, step in peaks.items()]
        rows += _first_requests(figures.get("first_request", {}), targets)
        lines += [f"| {kind} | {name} | {figure} | {target} | "
                  f"{_mark(met) if target.startswith('<=') else ''} |"
                  for name, figure, target, met in rows]
    lines += ["", _callbacks(results)]
    return "\n".join(lines)


START_NAMES = {"no_snapshot": "without snapshots", "after_load": "after the load",
               "again": "again (every year's status written)"}


def _first_requests(starts: dict[str, Any],
                    targets: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """A new process's first overview request and every year's status (benchmarks/
    first_request.py): judged with the snapshots, a reference without them."""
    first = targets.get("first_request_seconds", 1.5)
    every = targets.get("every_year_seconds", 5.0)
    rows = []
    for name, start in starts.items():
        judged = name != "no_snapshot"
        label = f"new process {START_NAMES.get(name, name)}"
        rows += [(f"{label}: first overview request", f"{start['first_request_ms'] / 1000:.2f} s",
                  f"<= {first:g} s" if judged else "(reference)",
                  start["first_request_ms"] / 1000 <= first),
                 (f"{label}: every year's status", f"{start['every_year_ms'] / 1000:.2f} s",
                  f"<= {every:g} s" if judged else "(reference)",
                  start["every_year_ms"] / 1000 <= every),
                 (f"peak RSS, {label}", f"{start['peak_rss_mb']:,.0f} MB",
                  f"<= {targets['peak_rss_mb']:,.0f} MB",
                  start["peak_rss_mb"] <= targets["peak_rss_mb"])]
    return rows


def _callbacks(results: dict[str, Any]) -> str:
    limit = results["targets"]["callback_p95_ms"]
    lines = [f"Page callbacks, server time through the real app (target p95 <= {limit:g} ms):",
             "", "| database | page | callback | variant | n | median ms | p95 ms | first ms | |",
             "|---|---|---|---|---|---|---|---|---|"]
    for kind, figures in results["databases"].items():
        for row in figures["pages"]["callbacks"]:
            timed = row["n"] > 0
            figures_text = (f"{row['median_ms']:.0f} | {row['p95_ms']:.0f}" if timed
                            else "- | -")
            mark = _mark(row["p95_ms"] <= limit) if timed else ""
            lines.append(f"| {kind} | {row['page']} | {row['callback']} | "
                         f"{row.get('variant', '')} | {row['n']} | {figures_text} | "
                         f"{row.get('first_ms', float('nan')):.0f} | {mark} |")
    return "\n".join(lines)
