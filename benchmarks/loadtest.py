"""A bounded load test: the real app under gunicorn on loopback, leaders reading, planners saving.

    python -m benchmarks.loadtest --database URL [--users 50] [--seconds 60] [--planners 10]
                                  [--workers 2] [--threads 4] [--json out.json]

The store must exist and hold data (for example `targets --database URL demo`); use a copy,
never a production store: the test adds users named loadtest-* and writes values through the
entry page, and it refuses a store that holds loads from anyone else unless told otherwise.

1. Prepares the store: one planner account per region (the first regions, in register order,
   with values to change), each with up to three indicators whose values it will change; a
   leader account when reading needs a login.
2. Starts gunicorn on 127.0.0.1 (a port the kernel picks), configured as in production
   (Secure session cookies, a session key from TARGETS_SECRET_KEY), the store named by
   TARGETS_DATABASE_URL.
3. Runs the simulated users (benchmarks/locustfile.py) headless, in a process of their own
   (locust patches the standard library for gevent): leaders open pages and fire the Dash
   callbacks a browser fires; each planner logs in and saves one new value at a time for its
   own region, every third save deliberately stale (sent with the grid from before the
   planner's previous save: the server must refuse it). At the deadline no new save starts, the
   ones in flight are answered, then the users stop.
4. Stops gunicorn and checks the store: the revisions written during the run are exactly the
   saves the server acknowledged (no more, no fewer), and each key's current value is the
   last value acknowledged for it.

Reports requests, requests per second, error rate (failed requests / requests: 5xx, other
error statuses, connection errors, malformed callback answers), median and 95th percentile
response times overall and per request name, the saves acknowledged and refused, the check,
and errors in the server log. Exit status 0 when the check passes and nothing unexpected
happened to a save, 1 otherwise, 2 when the test could not run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from etl.schema import actual, load, revision, series
from etl.store import Store
from etl.users import UserStore

ROOT = Path(__file__).resolve().parents[1]
PLANNER_PREFIX = "loadtest-planner-"
READER_NAME = "loadtest-leader"
INDICATORS_PER_PLANNER = 3
# Counts (items, persons) take whole numbers in reality, milestones only 0 or 1: the values a
# planner types here change by small fractions, so they suit continuous quantities only.
SKIPPED_UNITS = frozenset({"done", "item", "person"})
MAX_SAVES_PER_KEY = 20_000  # far more than any run makes; the value steps stay in range
MIN_START_VALUE = 5.0  # clear of 0 and of (0, 1], which a percent check reads as a fraction
STARTUP_TIMEOUT_S = 180.0
SERVER_PROBLEMS = re.compile(r"Traceback|\[ERROR\]|WORKER TIMEOUT|database is locked|"
                             r"OperationalError|deadlock", re.IGNORECASE)

Json = dict[str, Any]


class LoadTestError(RuntimeError):
    """The test could not be run (store, server or users); exit status 2."""


@dataclass(frozen=True)
class Settings:
    database: str
    users: int = 50
    seconds: float = 60.0
    planners: int = 10
    workers: int = 2
    threads: int = 4
    spawn_rate: float = 10.0
    wait_seconds: tuple[float, float] = (1.0, 3.0)
    stale_every: int = 3
    period: int | None = None
    login_to_read: bool = False
    allow_real_data: bool = False


# --- preparing the store ----------------------------------------------------------------------

def check_store_is_a_test_copy(store: Store) -> None:
    """Refuses a store with loads by anyone but the demo loader and earlier load tests: this
    test adds users and writes values, which has no place in a store of real data."""
    loads = store.loads()
    if loads.empty:
        raise LoadTestError("the store holds no data: load some first "
                            "(for example `targets --database URL demo`)")
    foreign = loads[~loads["is_demo"].astype(bool)
                    & ~loads["loaded_by"].str.startswith(PLANNER_PREFIX)]
    if not foreign.empty:
        names = ", ".join(sorted(set(foreign["loaded_by"]))[:5])
        raise LoadTestError(f"the store holds loads by {names}: run the load test on a copy "
                            "(or pass --allow-real-data if this is one)")


def value_plan(start: float | None, low: float | None, high: float | None) -> Json | None:
    """How a planner's values for one key move: from the stored value by a step of 1e-5 of
    its magnitude, up or down, whichever stays inside the plausible range for every save a
    run can make; None when the stored value is too small or too near both bounds."""
    if start is None or not math.isfinite(start) or abs(start) < MIN_START_VALUE:
        return None
    step = 10 ** math.floor(math.log10(abs(start))) * 1e-5
    reach = step * MAX_SAVES_PER_KEY
    if high is None or start + reach <= high:
        return {"start": start, "step": step}
    if start - reach >= max(low if low is not None else -math.inf, MIN_START_VALUE):
        return {"start": start, "step": -step}
    return None


def planner_accounts(store: Store, count: int, period: int | None,
                     password: str) -> tuple[list[Json], int]:
    """`count` planner accounts, one region each, with the indicators they will change;
    created in the store (or given a new password when an earlier run created them)."""
    from dashboard.state import DashboardState  # reading only: the page's own row builder

    source = DashboardState(store)
    chosen_period = period or source.default_year()
    indicators = source.reference.catalogue.indicators
    regions = source.regions
    ordered = [code for level in ("prefecture", "county")
               for code in regions.index[regions["level"] == level]]
    users = UserStore(store)
    accounts: list[Json] = []
    for code in ordered:
        if len(accounts) == count:
            break
        plans = []
        for row in source.entry_rows(code, chosen_period).itertuples():
            if row.unit in SKIPPED_UNITS or pd.isna(row.stored):
                continue
            low, high = indicators[row.indicator_id].plausible_range
            plan = value_plan(float(row.stored), low, high)
            if plan is not None:
                plans.append({"indicator_id": row.indicator_id, **plan})
            if len(plans) == INDICATORS_PER_PLANNER:
                break
        if plans:
            name = PLANNER_PREFIX + code
            _ensure_user(users, name, "planner", password, [code])
            accounts.append({"name": name, "password": password, "region": code,
                             "period": chosen_period, "indicators": plans})
    if len(accounts) < count:
        raise LoadTestError(f"only {len(accounts)} regions have values a planner could change "
                            f"in {chosen_period}; asked for {count} planners")
    return accounts, chosen_period


def _ensure_user(users: UserStore, name: str, role: str, password: str,
                 regions: Sequence[str] = ()) -> None:
    existing = users.get(name)
    if existing is None:
        users.add(name, role, password, regions)
        return
    if existing.role != role or existing.regions != frozenset(regions):
        raise LoadTestError(f"user {name} exists with another role or other regions")
    users.set_password(name, password)  # also clears any failed-login lock


def prepare(store: Store, settings: Settings) -> Json:
    """The plan the simulated users follow (without the server's address)."""
    if settings.users < settings.planners:
        raise LoadTestError(f"--users {settings.users} is fewer than --planners "
                            f"{settings.planners}")
    if not settings.allow_real_data:
        check_store_is_a_test_copy(store)
    password = secrets.token_urlsafe(18)  # new each run; the accounts outlive it
    accounts, period = planner_accounts(store, settings.planners, settings.period, password)
    reader = None
    if settings.login_to_read:
        _ensure_user(UserStore(store), READER_NAME, "leader", password)
        reader = {"name": READER_NAME, "password": password}
    values = store.values()
    return {
        "users": settings.users, "seconds": settings.seconds,
        "spawn_rate": settings.spawn_rate, "wait_seconds": list(settings.wait_seconds),
        "stale_every": settings.stale_every, "period": period,
        "planners": accounts, "reader": reader,
        "indicators": sorted(set(values["indicator_id"])),
        "regions": sorted(set(values["region_code"])),
        "years": sorted(int(year) for year in set(values["period"])),
    }


# --- the server -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Server:
    base: str
    process: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float | None:
        """CPU time used so far by gunicorn and its workers (None without psutil, which
        comes with locust): with the users' own, it shows how busy the machine was."""
        try:
            import psutil
        except ImportError:
            return None
        try:
            master = psutil.Process(self.process.pid)
            processes = [master, *master.children(recursive=True)]
            return sum(sum(p.cpu_times()[:2]) for p in processes)
        except psutil.Error:
            return None


@contextmanager
def gunicorn(settings: Settings, log_path: Path) -> Iterator[Server]:
    """The app under gunicorn on 127.0.0.1; stops it (SIGTERM, which lets requests in progress
    finish) on the way out."""
    environment = dict(os.environ)
    environment.pop("TARGETS_INSECURE_COOKIES", None)  # Secure cookies, as in production
    environment.pop("TARGETS_LOGIN_REQUIRED_TO_READ", None)
    environment.update(TARGETS_DATABASE_URL=settings.database,
                       TARGETS_SECRET_KEY=secrets.token_hex(32))  # sessions last one run
    if settings.login_to_read:
        environment["TARGETS_LOGIN_REQUIRED_TO_READ"] = "1"
    command = [sys.executable, "-m", "gunicorn", "--workers", str(settings.workers),
               "--threads", str(settings.threads), "--bind", "127.0.0.1:0",
               "--no-control-socket", "--chdir", str(ROOT), "--error-logfile", "-",
               "targets.web:create_server()"]
    with log_path.open("w", encoding="utf-8") as log:
        # The URL travels in the environment, not the command line: `ps` shows command lines.
        server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log,
                                  stderr=subprocess.STDOUT)
    try:
        base = _listening(server, log_path)
        _wait_until_ready(server, base, settings.workers)
        yield Server(base, server)
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _listening(server: subprocess.Popen[bytes], log_path: Path) -> str:
    """The address gunicorn bound (port 0: the kernel picks a free one, no race)."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)",
                          log_path.read_text(encoding="utf-8", errors="replace"))
        if found:
            return found.group(1)
        if server.poll() is not None:
            break
        time.sleep(0.1)
    raise LoadTestError("gunicorn did not start:\n" + _tail(log_path))


def _wait_until_ready(server: subprocess.Popen[bytes], base: str, workers: int) -> None:
    """Until the login page answers, a few times over so that every worker has loaded the
    app (each builds it at boot) before the clock starts."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    answered = 0
    while answered < 4 * workers:
        if server.poll() is not None or time.monotonic() > deadline:
            raise LoadTestError("gunicorn did not answer")
        try:
            with urllib.request.urlopen(base + "/login", timeout=30) as response:
                answered += response.status == 200
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)


def _tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def server_problems(log_path: Path, limit: int = 20) -> Json:
    """Errors the server logged: tracebacks, worker timeouts, locked databases."""
    text = log_path.read_text(encoding="utf-8", errors="replace")
    lines = [line for line in text.splitlines() if SERVER_PROBLEMS.search(line)]
    return {"lines": len(lines), "tracebacks": text.count("Traceback"),
            "database_locked": text.lower().count("database is locked"),
            "worker_timeouts": text.count("WORKER TIMEOUT"), "first": lines[:limit]}


# --- running the users ------------------------------------------------------------------------

def run_users(plan: Json, workdir: Path) -> Json:
    """The simulated users, in their own process (see benchmarks/locustfile.py)."""
    plan_path, result_path = workdir / "plan.json", workdir / "result.json"
    plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    plan_path.chmod(0o600)  # it holds the accounts' passwords
    command = [sys.executable, "-m", "benchmarks.locustfile", str(plan_path), str(result_path)]
    completed = subprocess.run(command, cwd=ROOT, timeout=plan["seconds"] + 600, check=False)
    if completed.returncode != 0 or not result_path.exists():
        raise LoadTestError(f"the simulated users failed (exit status {completed.returncode})")
    return json.loads(result_path.read_text(encoding="utf-8"))


# --- the store check --------------------------------------------------------------------------

@dataclass
class StoreCheck:
    """Whether the store holds exactly the acknowledged writes of the run."""

    acknowledged: int
    revisions_during_run: int
    extra: list[Json] = field(default_factory=list)  # stored, never acknowledged
    missing: list[Json] = field(default_factory=list)  # acknowledged, not stored
    wrong_current: list[Json] = field(default_factory=list)  # current != last acknowledged

    @property
    def passed(self) -> bool:
        return not (self.extra or self.missing or self.wrong_current)


def _number(value: float) -> str:
    """Ten significant digits: what was typed survives parsing and storage, float noise
    (71.50120000000001) does not."""
    return f"{float(value):.10g}"


def _write_key(by: str, region: str, indicator: str, period: int,
               value: float) -> tuple[str, str, str, int, str]:
    return by, region, indicator, int(period), _number(value)


def check_store(store: Store, baseline_revision: int, acknowledged: list[Json]) -> StoreCheck:
    """Every revision after `baseline_revision` (the newest before the run) must be one
    acknowledged save, by the same user with the same key and value, and every acknowledged
    save must be one revision; the current value of each key written must be the last value
    acknowledged for it (each key has one writer, whose saves are sequential)."""
    query = (sa.select(revision.c.id, series.c.region_code, series.c.indicator_id,
                       revision.c.period, revision.c.value, load.c.loaded_by, load.c.kind)
             .select_from(revision.join(series, series.c.id == revision.c.series_id)
                          .join(load, load.c.id == revision.c.load_id))
             .where(revision.c.id > baseline_revision).order_by(revision.c.id))
    with store.engine.connect() as connection:
        written = connection.execute(query).all()
    found = Counter(_write_key(row.loaded_by, row.region_code, row.indicator_id, row.period,
                               row.value) for row in written)
    expected = Counter(_write_key(ack["user"], ack["region_code"], ack["indicator_id"],
                                  ack["period"], ack["value"]) for ack in acknowledged)
    names = ("user", "region_code", "indicator_id", "period", "value")
    check = StoreCheck(len(acknowledged), len(written))
    for key, times in (found - expected).items():
        check.extra.append({**dict(zip(names, key, strict=True)), "times": times})
    for key, times in (expected - found).items():
        check.missing.append({**dict(zip(names, key, strict=True)), "times": times})
    last = {(ack["region_code"], ack["indicator_id"], int(ack["period"])): _number(ack["value"])
            for ack in acknowledged}
    current = _current(store, {region for region, _, _ in last})
    for key, value in last.items():
        stored = current.get(key)
        if stored != value:
            check.wrong_current.append({"region_code": key[0], "indicator_id": key[1],
                                        "period": key[2], "acknowledged_last": value,
                                        "current": stored})
    return check


def _current(store: Store, regions: set[str]) -> dict[tuple[str, str, int], str]:
    query = (sa.select(series.c.region_code, series.c.indicator_id, actual.c.period,
                       actual.c.value)
             .select_from(actual.join(series, series.c.id == actual.c.series_id))
             .where(series.c.region_code.in_(sorted(regions))))
    with store.engine.connect() as connection:
        return {(row.region_code, row.indicator_id, int(row.period)): _number(row.value)
                for row in connection.execute(query)}


# --- the report -------------------------------------------------------------------------------

def report(settings: Settings, result: Json, check: StoreCheck, problems: Json) -> Json:
    total = result["total"]
    requests = total["requests"]
    elapsed = result["elapsed_s"]
    anomalies = {
        "exceptions_in_users": sum(item["count"] for item in result["exceptions"]),
        "unexpected_conflicts": len(result["conflicts_unexpected"]),
        "stale_saves_accepted": len(result["stale_accepted"]),
        "refused": len(result["refused"]),
        "unknown_outcome": len(result["indeterminate"]),
        "odd_answers": len(result["odd"]),
        "saves_in_flight_at_stop": result["saves_in_flight_at_stop"],
    }
    return {
        "setup": {
            "database": sa.make_url(settings.database).render_as_string(hide_password=True),
            # gunicorn runs its sync worker for one thread, gthread for more.
            "server": f"gunicorn, {settings.workers} workers x {settings.threads} threads "
                      f"({'sync' if settings.threads == 1 else 'gthread'}), 127.0.0.1",
            "users": settings.users, "planners": result["planners"],
            "leaders": result["leaders"], "seconds": settings.seconds,
            "spawn_rate": settings.spawn_rate, "wait_seconds": list(settings.wait_seconds),
            "stale_every": settings.stale_every, "login_to_read": settings.login_to_read,
            "cpus": os.cpu_count(), "locust": result["locust_version"],
            # Other work on the machine skews every figure: the 1-minute load average before.
            "load_average_before": result.get("load_average_before"),
            "code": code_version(),
        },
        "cpu_s": {"server": result.get("server_cpu_s"), "users": result["client_cpu_s"],
                  "available": round((os.cpu_count() or 1) * result["elapsed_s"], 1)},
        "elapsed_s": elapsed,
        "requests": requests, "failures": total["failures"],
        "rps": round(requests / elapsed, 2) if elapsed else 0.0,
        "error_rate": round(total["failures"] / requests, 4) if requests else 0.0,
        "median_ms": total["median_ms"], "p95_ms": total["p95_ms"],
        "by_name": result["by_name"], "errors": result["errors"],
        "saves": {"acknowledged": len(result["acknowledged"]),
                  "refused_as_stale": result["conflicts_expected"], **anomalies},
        "check": {"passed": check.passed, **asdict(check)},
        "server_log": problems,
        "ok": check.passed and not any(anomalies.values()),
        "details": {key: result[key] for key in ("exceptions", "conflicts_unexpected",
                                                 "stale_accepted", "refused", "indeterminate",
                                                 "odd")},
    }


def code_version() -> str:
    """The commit measured, and whether the work tree differs from it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=False).stdout.strip()
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" + uncommitted changes" if git("status", "--porcelain") else "")


def print_report(summary: Json) -> None:
    setup, saves, check = summary["setup"], summary["saves"], summary["check"]
    print(f"Load test: {setup['users']} users ({setup['leaders']} leaders, "
          f"{setup['planners']} planners) for {setup['seconds']:g} s, wait "
          f"{setup['wait_seconds'][0]:g}-{setup['wait_seconds'][1]:g} s; {setup['server']}; "
          f"{setup['database']}; {setup['cpus']} CPUs shared by server and users, load "
          f"average {setup['load_average_before']} before the run; code {setup['code']}")
    cpu = summary["cpu_s"]
    print(f"CPU seconds: server {cpu['server']}, simulated users {cpu['users']}, of "
          f"{cpu['available']} available (the load ran {setup['seconds']:g} s, then waited "
          "for the saves in flight)")
    print(f"requests {summary['requests']} in {summary['elapsed_s']:.1f} s = "
          f"{summary['rps']:.1f}/s; errors {summary['failures']} "
          f"({summary['error_rate']:.2%}); median {summary['median_ms']:.0f} ms, "
          f"p95 {summary['p95_ms']:.0f} ms")
    print(f"\n{'request':<44}{'count':>7}{'fail':>6}{'median':>9}{'p95':>9}{'max':>9}  (ms)")
    for entry in summary["by_name"]:
        label = f"{entry['method']} {entry['name']}"[:43]
        print(f"{label:<44}{entry['requests']:>7}{entry['failures']:>6}"
              f"{entry['median_ms']:>9.0f}{entry['p95_ms']:>9.0f}{entry['max_ms']:>9.0f}")
    for error in summary["errors"][:10]:
        print(f"  error x{error['occurrences']}: {error['method']} {error['name']}: "
              f"{error['error'][:160]}")
    print(f"\nsaves acknowledged {saves['acknowledged']}, refused as stale (deliberately) "
          f"{saves['refused_as_stale']}, unexpected conflicts {saves['unexpected_conflicts']}, "
          f"stale saves accepted {saves['stale_saves_accepted']}, other refusals "
          f"{saves['refused']}, unknown outcome {saves['unknown_outcome']}, exceptions in "
          f"simulated users {saves['exceptions_in_users']}")
    for item in summary["details"]["exceptions"][:3]:
        print(f"  exception x{item['count']}: {item['message'][:160]}")
    verdict = "PASSED" if check["passed"] else "FAILED"
    print(f"store check {verdict}: {check['revisions_during_run']} revisions during the run, "
          f"{check['acknowledged']} saves acknowledged; {len(check['extra'])} never "
          f"acknowledged, {len(check['missing'])} acknowledged but missing, "
          f"{len(check['wrong_current'])} keys whose current value is not the last "
          "acknowledged")
    for kind in ("extra", "missing", "wrong_current"):
        for item in check[kind][:5]:
            print(f"  {kind}: {item}")
    log = summary["server_log"]
    print(f"server log: {log['tracebacks']} tracebacks, {log['database_locked']} 'database is "
          f"locked', {log['worker_timeouts']} worker timeouts")
    for line in log["first"][:5]:
        print(f"  {line[:160]}")


# --- the command ------------------------------------------------------------------------------

def progress(message: str, started: float = time.monotonic()) -> None:
    print(f"[{time.monotonic() - started:6.1f} s] {message}", file=sys.stderr, flush=True)


def run(settings: Settings) -> Json:
    load_before = round(os.getloadavg()[0], 2)
    store = Store(settings.database)
    progress("preparing the store: planner accounts")
    plan = prepare(store, settings)
    baseline = store.data_version()  # the newest revision before the run
    with tempfile.TemporaryDirectory(prefix="targets-loadtest-") as folder:
        workdir = Path(folder)
        log_path = workdir / "gunicorn.log"
        progress("starting gunicorn")
        with gunicorn(settings, log_path) as server:
            progress(f"server ready at {server.base}; {settings.users} users for "
                     f"{settings.seconds:g} s")
            cpu_before = server.cpu_seconds()
            result = run_users({**plan, "host": server.base}, workdir)
            cpu_after = server.cpu_seconds()
            progress("users stopped; stopping gunicorn")
        if cpu_before is not None and cpu_after is not None:
            result["server_cpu_s"] = round(cpu_after - cpu_before, 1)
        # The server has stopped: nothing more can be written.
        problems = server_problems(log_path)
    progress("checking the store")
    check = check_store(store, baseline, result["acknowledged"])
    store.engine.dispose()
    result["load_average_before"] = load_before
    return report(settings, result, check, problems)


def parse(argv: Sequence[str] | None = None) -> tuple[Settings, Path | None]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.loadtest",
                                     description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--database", default=os.environ.get("TARGETS_DATABASE_URL"),
                        help="SQLAlchemy URL of a store with data (a copy: the test writes)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--planners", type=int, default=10,
                        help="simulated planners, one region each; the other users lead")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started per s")
    parser.add_argument("--wait", type=float, nargs=2, default=(1.0, 3.0),
                        metavar=("MIN", "MAX"), help="think time between actions, seconds")
    parser.add_argument("--stale-every", type=int, default=3,
                        help="every Nth save of a planner is deliberately stale (0: never)")
    parser.add_argument("--period", type=int, help="the year planners enter (default: latest)")
    parser.add_argument("--login-to-read", action="store_true",
                        help="run the server with TARGETS_LOGIN_REQUIRED_TO_READ=1")
    parser.add_argument("--allow-real-data", action="store_true",
                        help="run even though the store holds loads by real users")
    parser.add_argument("--json", type=Path, help="write the full report here")
    args = parser.parse_args(argv)
    if not args.database:
        parser.error("--database URL is needed (or TARGETS_DATABASE_URL)")
    if args.users < 1 or args.planners < 1 or args.seconds <= 0:
        parser.error("--users, --planners and --seconds must be positive")
    return Settings(
        database=args.database, users=args.users, seconds=args.seconds,
        planners=args.planners, workers=args.workers, threads=args.threads,
        spawn_rate=args.spawn_rate, wait_seconds=tuple(args.wait), stale_every=args.stale_every,
        period=args.period, login_to_read=args.login_to_read,
        allow_real_data=args.allow_real_data), args.json


def main(argv: Sequence[str] | None = None) -> int:
    settings, json_path = parse(argv)
    try:
        summary = run(settings)
    except LoadTestError as error:
        print(f"load test not run: {error}", file=sys.stderr)
        return 2
    print_report(summary)
    if json_path is not None:
        json_path.write_text(json.dumps(summary, ensure_ascii=False, indent=1),
                             encoding="utf-8")
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
