"""summary.md and chart.svg from Locust's CSV files: per scenario and per endpoint requests/s,
p50/p95/p99 and error rate against the targets of issue 11, a pass/fail mark each, the
ceiling ratio, the stress knee, and a server-rendered SVG of p99 and throughput over time."""

import csv
import json
import re
import statistics
from collections import defaultdict
from datetime import datetime
from pathlib import Path

# (endpoint name as in locustfile, target p50 ms, target p99 ms or None)
ENDPOINT_TARGETS = {
    "GET /jobs/ board": (25, 100),
    "GET /jobs/ board (near me)": (25, 100),
    "GET /jobs/?q= search": (40, None),
    "GET /jobs/?zip&radius radius": (40, None),
    "GET /jobs/<id>/ job page": (20, None),
    "GET /contracts/<id>/ contract page": (20, None),
    "GET /dashboard/": (20, None),
    "GET /api/v1/jobs/": (15, None),
}
OVERALL = {"p99_ms": 500, "p99_aim_ms": 250, "rps": 100, "errors": 0}
# The run's Redis starts empty (no cached pages, cards or sessions' pages) and 500 people
# arrive within 30 s; the steady state is what follows. Shown beside the whole run, never
# instead of it.
WARMUP_SECONDS = 120
KNEE = {"p99_ms": 500, "error_ratio": 0.005, "users": 1000}
CEILING_SHARE = 0.5


def _rows(path):
    if not path.exists():
        return []
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def _num(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


class Line:
    def __init__(self):
        self.count = self.failures = 0
        self.rps = 0.0
        self.weighted = defaultdict(float)  # percentile -> sum(value * count), a count-weighted mean

    def add(self, row):
        count = int(_num(row["Request Count"]))
        self.count += count
        self.failures += int(_num(row["Failure Count"]))
        self.rps += _num(row["Requests/s"])
        for p in ("50%", "95%", "99%"):
            self.weighted[p] += _num(row[p]) * count

    def pct(self, p):
        return self.weighted[p] / self.count if self.count else 0.0

    @property
    def error_rate(self):
        return self.failures / self.count if self.count else 0.0


def _mark(ok):
    return "PASS" if ok else "FAIL"


def _table(title, lines, targets=None):
    out = [f"### {title}", "", "| name | requests | req/s | p50 ms | p95 ms | p99 ms | errors | target | result |",
           "|---|---:|---:|---:|---:|---:|---:|---|---|"]
    for name, line in sorted(lines.items()):
        target, result = "", ""
        if targets and name in targets:
            p50, p99 = targets[name]
            target = f"p50 ≤ {p50}" + (f", p99 ≤ {p99}" if p99 else "")
            ok = line.pct("50%") <= p50 and (p99 is None or line.pct("99%") <= p99) and line.failures == 0
            result = _mark(ok)
        out.append(f"| {name} | {line.count} | {line.rps:.1f} | {line.pct('50%'):.0f} | {line.pct('95%'):.0f} |"
                   f" {line.pct('99%'):.0f} | {line.error_rate:.2%} | {target} | {result} |")
    return out + [""]


_ACCESS = re.compile(r'\[(?P<at>[^\]]+)\] "(?P<method>[A-Z]+) (?P<url>\S+) [^"]*" (?P<status>\d{3}) \S+ '
                     r'(?P<ms>\d+)ms cache=(?P<cache>\S*)(?: timing=(?:cpu;dur=(?P<cpu>[\d.]+))?)?')
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _endpoint(method, url):
    path, _, query = url.partition("?")
    keys = sorted({part.split("=", 1)[0] for part in query.split("&") if part})
    return f"{method} {_UUID.sub('<id>', path)}" + (f"?{','.join(keys)}" if keys else "")


def _pick(ordered, quantile):
    return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]


def server_times(log: Path, started: datetime, ended: datetime):
    """Per endpoint, from gunicorn's access log (run.py adds the time taken and the page cache
    header to it): the time the server spent on each request, without Locust's queueing, and how
    many anonymous requests the page cache answered. Only requests of the measured run count."""
    times, cpu, hits, cacheable = defaultdict(list), defaultdict(list), defaultdict(int), defaultdict(int)
    if not log.exists():
        return []
    for line in log.open(errors="replace"):
        match = _ACCESS.search(line)
        if not match:
            continue
        at = datetime.strptime(match["at"], "%d/%b/%Y:%H:%M:%S %z")
        if not started <= at <= ended:
            continue
        name = _endpoint(match["method"], match["url"])
        times[name].append(int(match["ms"]))
        if match["cpu"] is not None:
            cpu[name].append(float(match["cpu"]))
        if match["cache"] in ("hit", "miss"):
            cacheable[name] += 1
            hits[name] += match["cache"] == "hit"
    rows = []
    for name, values in sorted(times.items(), key=lambda item: -sum(item[1])):
        values.sort()
        rows.append({"name": name, "count": len(values), "p50": statistics.median(values), "p95": _pick(values, 0.95),
                     "p99": _pick(values, 0.99), "share": sum(values),
                     "cpu_p50": statistics.median(cpu[name]) if cpu[name] else None, "cpu_share": sum(cpu[name]),
                     "hits": hits[name] / cacheable[name] if cacheable[name] else None})
    for key in ("share", "cpu_share"):
        total = sum(row[key] for row in rows) or 1
        for row in rows:
            row[key] /= total
    return rows


def steady_state(timings: Path, started: datetime, warmup_seconds: int = WARMUP_SECONDS):
    """p50/p95/p99 (ms) and requests/s of the requests that started after the warm-up, from
    locustfile's per-request timings; None without the file or without such requests."""
    if not timings.exists():
        return None
    begin = started.timestamp() + warmup_seconds
    with timings.open() as handle:
        rows = [(float(row["start"]), float(row["response_ms"])) for row in csv.DictReader(handle)]
    after = sorted(ms for start, ms in rows if start >= begin)
    if not after:
        return None
    span = max(start for start, _ in rows) - begin
    return {"count": len(after), "rps": len(after) / span if span > 0 else 0.0,
            "p50": _pick(after, 0.50), "p95": _pick(after, 0.95), "p99": _pick(after, 0.99)}


def _cpu_table(usage: dict | None) -> list[str]:
    if not usage:
        return []
    cpus = usage.get("cpus") or 1
    out = ["### Where the machine's CPU went", "",
           f"Average cores in use over the {usage['wall_seconds']:.0f} s of the run, of {cpus}: the whole"
           f" machine {usage['machine_busy_cores']:.2f} ({usage['machine_busy_cores'] / cpus:.0%}). Everything"
           " below shares the same cores; the site can only have what the rest leaves it.", "",
           "| process | cores | share of the machine |", "|---|---:|---:|"]
    out += [f"| {group} | {cores:.2f} | {cores / cpus:.0%} |" for group, cores in usage["cores"].items()]
    return out + [""]


def _server_table(rows, limit=40):
    out = ["### Server time per endpoint (gunicorn access log)", "",
           "Time from gunicorn reading the request to its response, so queueing in Locust and in the"
           " listen backlog is not in it (waiting for the CPU inside a busy worker is). Share: of all"
           " server time in the run. CPU: the request thread's CPU time (Server-Timing), median and"
           " share of all of it; what a page costs, whatever else the machine was doing."
           " Cache hits: anonymous requests the page cache answered.", "",
           "| endpoint | requests | p50 ms | p95 ms | p99 ms | share | CPU p50 ms | CPU share | cache hits |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows[:limit]:
        hits = "" if row["hits"] is None else f"{row['hits']:.0%}"
        cpu = ("", "") if row["cpu_p50"] is None else (f"{row['cpu_p50']:.1f}", f"{row['cpu_share']:.1%}")
        out.append(f"| {row['name']} | {row['count']} | {row['p50']:.0f} | {row['p95']} | {row['p99']} |"
                   f" {row['share']:.1%} | {cpu[0]} | {cpu[1]} | {hits} |")
    return out + [""]


def knee(history, sustained=5):
    """The most users at which the rolling (10-s window) p99 stayed under 500 ms and errors
    under 0.5%: the user count just before the first `sustained` consecutive failing rows
    (rows are a second apart; a single slow second is noise, five in a row is the knee)."""
    best, failing = 0, 0
    for row in history:
        if row["Name"] != "Aggregated":
            continue
        users, rps, fails, p99 = int(_num(row["User Count"])), _num(row["Requests/s"]), _num(row["Failures/s"]), _num(row["99%"])
        if rps <= 0:
            continue
        if p99 < KNEE["p99_ms"] and fails / rps < KNEE["error_ratio"]:
            failing = 0
            best = max(best, users)
        else:
            failing += 1
            if failing >= sustained:
                break  # past the knee: later rows do not count even if a window looks good
    return best


def chart_svg(history, width=900, height=320):
    points = [r for r in history if r["Name"] == "Aggregated" and _num(r["Requests/s"]) > 0]
    if not points:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40"><text x="10" y="25">no data</text></svg>'
    t0 = int(points[0]["Timestamp"])
    xs = [int(p["Timestamp"]) - t0 for p in points]
    p99 = [_num(p["99%"]) for p in points]
    rps = [_num(p["Requests/s"]) for p in points]
    users = [_num(p["User Count"]) for p in points]
    left, right, top, bottom = 60, 60, 30, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    x_max, p_max, r_max = max(xs) or 1, max(max(p99), 500) * 1.1, max(max(rps), 1) * 1.1
    u_max = max(max(users), 1)

    def path(values, top_value):
        return " ".join(f"{'M' if i == 0 else 'L'}{left + x / x_max * plot_w:.1f},{top + plot_h - v / top_value * plot_h:.1f}"
                        for i, (x, v) in enumerate(zip(xs, values, strict=True)))

    limit_y = top + plot_h - 500 / p_max * plot_h
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        ' font-family="sans-serif" font-size="12" role="img" aria-labelledby="t"><title id="t">p99 latency and'
        ' throughput over time</title><rect width="100%" height="100%" fill="#fff"/>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#888"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#888"/>',
        f'<line x1="{left}" y1="{limit_y:.1f}" x2="{left + plot_w}" y2="{limit_y:.1f}" stroke="#c0392b" stroke-dasharray="4 4"/>',
        f'<text x="{left + plot_w - 90}" y="{limit_y - 4:.1f}" fill="#c0392b">p99 target 500 ms</text>',
        f'<path d="{path(p99, p_max)}" fill="none" stroke="#c0392b" stroke-width="2"/>',
        f'<path d="{path(rps, r_max)}" fill="none" stroke="#1f6feb" stroke-width="2"/>',
        f'<path d="{path(users, u_max)}" fill="none" stroke="#999" stroke-width="1" stroke-dasharray="2 3"/>',
        f'<text x="{left}" y="18" fill="#c0392b">p99 ms (left, max {p_max:.0f})</text>',
        f'<text x="{left + 220}" y="18" fill="#1f6feb">requests/s (right, max {r_max:.0f})</text>',
        f'<text x="{left + 470}" y="18" fill="#777">users (max {u_max:.0f})</text>',
        f'<text x="{left}" y="{height - 10}">0 s</text><text x="{left + plot_w - 40}" y="{height - 10}">{x_max} s</text>',
        "</svg>",
    ]
    return "\n".join(parts)


def write(out: Path, conditions: dict, capacity: dict | None = None) -> Path:
    stats = _rows(out / "locust_stats.csv")
    history = _rows(out / "locust_stats_history.csv")
    scenarios, endpoints, total = defaultdict(Line), defaultdict(Line), None
    for row in stats:
        if row["Name"] == "Aggregated":
            total = Line()
            total.add(row)
            continue
        scenario, _, endpoint = row["Name"].partition(" | ")
        scenarios[scenario].add(row)
        endpoints[endpoint or scenario].add(row)
    (out / "chart.svg").write_text(chart_svg(history))
    lines = [f"# Load test report: {conditions.get('mode')} ({conditions.get('started')})", "",
             "## Conditions", "", "```", json.dumps(conditions, indent=2, default=str), "```", ""]
    if conditions.get("note"):
        lines += [conditions["note"], ""]
    lines += ["![p99 and throughput over time](chart.svg)", ""]
    if total is not None:
        checks = [
            ("p99 overall", f"{total.pct('99%'):.0f} ms", f"< {OVERALL['p99_ms']} ms (aim {OVERALL['p99_aim_ms']})",
             total.pct("99%") < OVERALL["p99_ms"]),
            ("p50 / p95 overall", f"{total.pct('50%'):.0f} / {total.pct('95%'):.0f} ms", "", None),
            ("errors (5xx and unexpected 4xx)", f"{total.failures} of {total.count}", "0", total.failures == 0),
            ("throughput", f"{total.rps:.1f} req/s", f"≥ {OVERALL['rps']}", total.rps >= OVERALL["rps"]),
        ]
        steady = None
        if conditions.get("mode") == "loadtest" and conditions.get("started"):
            steady = steady_state(out / "requests.csv", datetime.fromisoformat(conditions["started"]))
        if steady:
            checks += [
                (f"p99 after the first {WARMUP_SECONDS} s (warm-up)", f"{steady['p99']:.0f} ms",
                 f"< {OVERALL['p99_ms']} ms", None),
                (f"p50 / p95 after the first {WARMUP_SECONDS} s", f"{steady['p50']:.0f} / {steady['p95']:.0f} ms", "", None),
                (f"throughput after the first {WARMUP_SECONDS} s", f"{steady['rps']:.1f} req/s", "", None),
            ]
        if conditions.get("mode") == "stress":
            found = knee(history)
            checks.append(("stress knee", f"{found} users", f"≥ {KNEE['users']}", found >= KNEE["users"]))
        if capacity:
            share = capacity["board_rps"] / capacity["ceiling_rps"] if capacity.get("ceiling_rps") else 0
            checks.append(("anonymous board vs ceiling", f"{capacity['board_rps']:.0f} / {capacity['ceiling_rps']:.0f}"
                           f" req/s = {share:.0%}", f"≥ {CEILING_SHARE:.0%}", share >= CEILING_SHARE))
        lines += ["## Targets", "", "| target | measured | goal | result |", "|---|---|---|---|"]
        lines += [f"| {name} | {value} | {goal} | {'' if ok is None else _mark(ok)} |" for name, value, goal, ok in checks]
        lines += [""]
    lines += _cpu_table(conditions.get("cpu_during_run"))
    lines += _table("Per endpoint (all scenarios)", endpoints, ENDPOINT_TARGETS)
    lines += _table("Per scenario", scenarios)
    if conditions.get("started") and conditions.get("ended"):
        started, ended = (datetime.fromisoformat(conditions[key]) for key in ("started", "ended"))
        lines += _server_table(server_times(out / "gunicorn.log", started, ended))
    failures = _rows(out / "locust_failures.csv")
    if failures:
        lines += ["### Failures", "", "| name | error | occurrences |", "|---|---|---:|"]
        lines += [f"| {f['Name']} | {f['Error']} | {f['Occurrences']} |" for f in failures[:30]] + [""]
    lines += ["Files: `locust.html` (Locust's report), `locust_stats.csv`, `locust_stats_history.csv`,"
              " `locust_failures.csv`, `requests.csv` (every request's start and time), `chart.svg`, server logs (`gunicorn.log`, `worker.log`, `beat.log`)."]
    summary = out / "summary.md"
    summary.write_text("\n".join(lines) + "\n")
    return summary
