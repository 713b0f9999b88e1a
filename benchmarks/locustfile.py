"""The simulated users of the load test, run headless by locust as a library.

Run by `python -m benchmarks.loadtest` as `python -m benchmarks.locustfile PLAN RESULT`, in a
process of its own: importing locust monkey-patches the standard library for gevent, which
must not happen inside the orchestrator (it drives gunicorn and SQLAlchemy with real threads)
nor inside pytest. PLAN is the JSON the orchestrator wrote (accounts, pages, timings); RESULT
receives the statistics and every save the server acknowledged.

A GET of a Dash page returns only the shell; the page itself arrives through callbacks. So the
users here replay what the browser's Dash renderer sends (`DashPage`): /_dash-layout and
/_dash-dependencies, then each server-side callback the layout fires, with the payload shape
the renderer uses (captured from Chromium against this app), the outputs applied to a model
of the component tree so that later callbacks carry the current state. Clientside callbacks
run in the browser and send nothing; the JavaScript bundles the browser caches are not
fetched.
"""

from __future__ import annotations

# locust first: it monkey-patches the standard library for gevent on import, and every later
# import (ssl, socket, threading) must see the patched modules.
import locust  # isort: skip
from locust import FastHttpUser, between, events, task  # isort: skip
from locust.env import Environment  # isort: skip
from locust.log import setup_logging  # isort: skip

import copy
import json
import random
import re
import resource
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookiejar import Cookie, DefaultCookiePolicy
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import gevent

CALLBACK_URL = "/_dash-update-component"
LOCATION_PROPS = ("pathname", "search", "href", "hash")
CSRF_PATTERN = re.compile(r'name="csrf" value="([^"]+)"')
# Generous: a callback queued behind others on a busy server is slow, not failed; a save
# that times out on the client would leave its outcome unknown.
NETWORK_TIMEOUT_S = 180.0
DRAIN_TIMEOUT_S = 180.0

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
Json = dict[str, Any]


# --- the plan and the run's shared state ------------------------------------------------------

@dataclass
class RunState:
    """What every simulated user of this process shares. gevent switches only at I/O, so
    plain counters and lists need no lock."""

    plan: Json = field(default_factory=dict)
    closing: bool = False  # set at the deadline: planners start no new save
    saves_in_flight: int = 0
    next_planner: int = 0
    acknowledged: list[Json] = field(default_factory=list)
    conflicts_expected: int = 0  # deliberately stale saves the server refused, as it must
    conflicts_unexpected: list[Json] = field(default_factory=list)
    refused: list[Json] = field(default_factory=list)  # validation or permission refusals
    indeterminate: list[Json] = field(default_factory=list)  # no answer: outcome unknown
    stale_accepted: list[Json] = field(default_factory=list)  # a missed conflict: a bug
    odd: list[str] = field(default_factory=list)  # answers that do not fit any of the above

    def take_planner(self) -> Json:
        accounts = self.plan["planners"]
        account = accounts[self.next_planner % len(accounts)]
        self.next_planner += 1
        return account


STATE = RunState()


# --- a model of the Dash renderer --------------------------------------------------------------

@dataclass(frozen=True)
class Callback:
    """One server-side callback of /_dash-dependencies."""

    output: str
    outputs: list[tuple[str, str]]
    inputs: list[tuple[str, str]]
    state: list[tuple[str, str]]
    prevent_initial_call: bool

    @classmethod
    def parse(cls, spec: Json) -> Callback:
        output = spec["output"]
        parts = output[2:-2].split("...") if output.startswith("..") else [output]
        outputs = [tuple(part.rsplit(".", 1)) for part in parts]
        return cls(output, outputs,  # type: ignore[arg-type]
                   [(item["id"], item["property"]) for item in spec["inputs"]],
                   [(item["id"], item["property"]) for item in spec.get("state", [])],
                   bool(spec.get("prevent_initial_call")))

    @property
    def name(self) -> str:
        """The label of its requests in the statistics: the components it updates."""
        ids = list(dict.fromkeys(component for component, _prop in self.outputs))
        shown = "+".join(ids) if len(ids) <= 2 else f"{ids[0]}+{len(ids) - 1}"
        return f"callback {shown}"


def server_callbacks(dependencies: list[Json]) -> list[Callback]:
    """Clientside callbacks run in the browser; pattern-matching ids (dicts) are not used by
    this app, and a callback with one would need the renderer's wildcard expansion."""
    return [Callback.parse(spec) for spec in dependencies
            if not spec.get("clientside_function")
            and all(isinstance(item["id"], str) for item in spec["inputs"])]


def components(node: Any) -> Iterator[Json]:
    """Every component (a dict with type, namespace and props) in a layout or a prop value."""
    if isinstance(node, list):
        for item in node:
            yield from components(item)
    elif isinstance(node, dict) and "props" in node and "type" in node and "namespace" in node:
        yield node
        for value in node["props"].values():
            if isinstance(value, dict | list):
                yield from components(value)


def _plain_prop(prop: str) -> str:
    """`rowData@<hash>` (an allow_duplicate output) is the prop rowData."""
    return prop.split("@", 1)[0]


def _plain(outputs: list[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(component, _plain_prop(prop)) for component, prop in outputs}


class DashPage:
    """One page as the browser holds it: each component's props, and the callbacks to fire."""

    def __init__(self, user: FastHttpUser, path: str, label: str) -> None:
        self.user, self.path, self.label = user, path, label
        self.props: dict[str, Json] = {}
        self.callbacks: list[Callback] = []

    # --- loading ----------------------------------------------------------------------------

    def open(self) -> bool:
        """The shell, the layout and the dependencies, then the callbacks they fire, as the
        renderer does on a full page load. False if a request failed."""
        client = self.user.client
        if client.get(self.path, name=self.label).status_code != 200:
            return False
        layout = self._get_json("/_dash-layout")
        dependencies = self._get_json("/_dash-dependencies")
        if layout is None or dependencies is None:
            return False
        self.callbacks = server_callbacks(dependencies)  # type: ignore[arg-type]
        mounted = self._add(layout)
        return self._run(self._initial(mounted))

    def _get_json(self, path: str) -> Any:
        with self.user.client.get(path, name=path, catch_response=True) as response:
            if response.status_code != 200:
                return None  # locust records the failure
            try:
                return response.json()
            except ValueError:
                response.failure(f"{path}: not JSON")
                return None

    def _add(self, node: Any) -> set[str]:
        """Records the components in `node`; returns their ids. A Location reports the
        address on mount, as dcc.Location does."""
        added = set()
        parts = urlsplit(self.user.host + self.path)
        for component in components(node):
            component_id = component["props"].get("id")
            if not isinstance(component_id, str):
                continue
            props = dict(component["props"])
            if component["type"] == "Location":
                props.update(pathname=parts.path, search=f"?{parts.query}" if parts.query else "",
                             href=self.user.host + self.path, hash="")
            self.props[component_id] = props
            added.add(component_id)
        return added

    def _initial(self, mounted: set[str]) -> list[tuple[Callback, list[str]]]:
        """The callbacks that newly mounted components fire: those whose inputs all exist and
        that do not prevent their initial call, and those a Location's address feeds (it sets
        its props on mount, which counts as a change even with prevent_initial_call)."""
        fired = []
        for callback in self.callbacks:
            if not any(component in mounted for component, _prop in callback.inputs):
                continue
            if not all(component in self.props for component, _prop in callback.inputs):
                continue
            moved = [f"{component}.{prop}" for component, prop in callback.inputs
                     if component in mounted and prop in LOCATION_PROPS
                     and "pathname" in self.props[component]]
            if moved or not callback.prevent_initial_call:
                fired.append((callback, moved))
        return fired

    # --- interaction ------------------------------------------------------------------------

    def change(self, component: str, prop: str, value: Any) -> bool:
        """What a user's action does: a prop changes and the callbacks it feeds fire."""
        self.props.setdefault(component, {})[prop] = value
        return self._run(self._fed_by({(component, prop)}))

    def last_response(self, output: str) -> Json | None:
        return self._responses.get(output)

    def _fed_by(self, changed: set[tuple[str, str]]) -> list[tuple[Callback, list[str]]]:
        fired = []
        for callback in self.callbacks:
            moved = [f"{c}.{p}" for c, p in callback.inputs if (c, p) in changed]
            if moved and all(component in self.props for component, _prop in callback.inputs):
                fired.append((callback, moved))
        return fired

    def _run(self, pending: list[tuple[Callback, list[str]]]) -> bool:
        """Fires callbacks in the renderer's order: one waits while another pending one still
        has to produce one of its inputs. Outputs feed further callbacks; new components fire
        their initial ones. One at a time (the renderer overlaps independent ones)."""
        self._responses: dict[str, Json] = {}
        ok = True
        while pending:
            produced = {(c, _plain_prop(p)) for callback, _ in pending for c, p in callback.outputs}
            ready = next(((callback, moved) for callback, moved in pending
                          if not set(callback.inputs) & (produced - _plain(callback.outputs))),
                         pending[0])
            pending.remove(ready)
            body = self._post(*ready)
            if body is None:
                ok = False
                continue
            self._responses[ready[0].output] = body
            changed, mounted = self._apply(body)
            already = {callback.output for callback, _ in pending}
            for follow in self._fed_by(changed) + self._initial(mounted):
                if follow[0].output not in already:
                    pending.append(follow)
                    already.add(follow[0].output)
        return ok

    def _payload(self, callback: Callback, changed: list[str]) -> Json:
        def item(component: str, prop: str) -> Json:
            entry: Json = {"id": component, "property": prop}
            props = self.props.get(component, {})
            if prop in props:  # the renderer leaves an undefined prop's value out
                entry["value"] = props[prop]
            return entry

        outputs: Any = [{"id": c, "property": p} for c, p in callback.outputs]
        payload: Json = {
            "output": callback.output,
            "outputs": outputs if callback.output.startswith("..") else outputs[0],
            "inputs": [item(c, p) for c, p in callback.inputs],
            "changedPropIds": changed, "parsedChangedPropsIds": changed,
        }
        if callback.state:
            payload["state"] = [item(c, p) for c, p in callback.state]
        return payload

    def _post(self, callback: Callback, changed: list[str]) -> Json | None:
        """One callback request; None if it failed (recorded as a failure by locust)."""
        with self.user.client.post(CALLBACK_URL, json=self._payload(callback, changed),
                                   name=callback.name, catch_response=True) as response:
            if response.status_code == 204:  # PreventUpdate: nothing changes
                return {}
            if response.status_code != 200:
                return None
            try:
                body = response.json()
            except ValueError:
                response.failure("callback answer is not JSON")
                return None
            if not isinstance(body, dict) or "response" not in body:
                response.failure("callback answer without 'response'")
                return None
            return body

    def _apply(self, body: Json) -> tuple[set[tuple[str, str]], set[str]]:
        changed: set[tuple[str, str]] = set()
        mounted: set[str] = set()
        for component, values in body.get("response", {}).items():
            for prop, value in values.items():
                plain = _plain_prop(prop)
                self.props.setdefault(component, {})[plain] = value
                changed.add((component, plain))
                if isinstance(value, dict | list):
                    mounted |= self._add(value)
        return changed, mounted


# --- the users ------------------------------------------------------------------------------

class LoopbackSecureCookies(DefaultCookiePolicy):
    """Sends Secure cookies to loopback over plain http, as browsers do (they treat
    http://127.0.0.1 and localhost as secure contexts); the standard library's policy sends
    them over https only. So the server under test keeps its production cookie flags."""

    def return_ok_secure(self, cookie: Cookie, request: Any) -> bool:
        if cookie.secure and request.get_host() in LOOPBACK:
            return True
        return bool(super().return_ok_secure(cookie, request))


def log_in(user: FastHttpUser, name: str, password: str) -> bool:
    """The login form as a browser submits it: the CSRF token of the form, then the POST."""
    form = user.client.get("/login", name="/login")
    found = CSRF_PATTERN.search(form.text or "")
    if form.status_code != 200 or found is None:
        return False
    body = urlencode({"csrf": found.group(1), "name": name, "password": password})
    with user.client.post("/login?next=%2F", data=body, name="/login [POST]",
                          headers={"Content-Type": "application/x-www-form-urlencoded"},
                          allow_redirects=False, catch_response=True) as response:
        target = (response.headers or {}).get("Location", "")
        if response.status_code != 303 or "/login" in target:
            response.failure(f"login of {name} refused ({response.status_code})")
            return False
    return True


class Leader(FastHttpUser):
    """Reads: the overview and its filters, indicator pages, region pages, an extract."""

    wait_time = between(1, 3)  # set from the plan by run()
    network_timeout = NETWORK_TIMEOUT_S
    connection_timeout = 30.0

    def on_start(self) -> None:
        self.client.cookiejar.set_policy(LoopbackSecureCookies())
        reader = STATE.plan.get("reader")
        if reader:  # reading needs a login (TARGETS_LOGIN_REQUIRED_TO_READ)
            log_in(self, reader["name"], reader["password"])

    @task(4)
    def overview(self) -> None:
        page = DashPage(self, "/", "/")
        if page.open():
            shown = page.props.get("overview-year", {}).get("value")
            others = [year for year in STATE.plan["years"] if year != shown]
            if others:  # choosing the year already shown fires nothing
                page.change("overview-year", "value", random.choice(others))

    @task(4)
    def indicator(self) -> None:
        plan = STATE.plan
        query = urlencode({"region": random.choice(plan["regions"]),
                           "year": random.choice(plan["years"])})
        page = DashPage(self, f"/indicator/{random.choice(plan['indicators'])}?{query}",
                        "/indicator/[id]")
        if page.open() and random.random() < 0.3:
            page.change("indicator-method", "value", "opensdg")

    @task(2)
    def region(self) -> None:
        page = DashPage(self, f"/region/{random.choice(STATE.plan['regions'])}",
                        "/region/[code]")
        page.open()

    @task(1)
    def downloads(self) -> None:
        page = DashPage(self, "/downloads", "/downloads")
        if page.open():
            indicators = STATE.plan["indicators"]
            page.change("downloads-indicator", "value",
                        random.sample(indicators, min(3, len(indicators))))
            page.change("downloads-button", "n_clicks", 1)


class Planner(FastHttpUser):
    """Enters values for its own region on /entry and saves them, one value per save, each
    value new for its key. Every `stale_every`-th save deliberately sends the grid as it was
    before the previous save (a stale revision): the server must refuse it as a conflict."""

    fixed_count = 1  # set from the plan by run(): one simulated planner per planner account
    wait_time = between(1, 3)  # set from the plan by run()
    network_timeout = NETWORK_TIMEOUT_S
    connection_timeout = 30.0

    def on_start(self) -> None:
        self.client.cookiejar.set_policy(LoopbackSecureCookies())
        self.account = STATE.take_planner()
        self.turn = 0
        self.saves = 0
        self.counters = {item["indicator_id"]: 0 for item in self.account["indicators"]}
        self.page: DashPage | None = None
        self.before_last_save: list[Json] | None = None  # the grid before the last ack
        self.last_saved: str | None = None
        self.logged_in = log_in(self, self.account["name"], self.account["password"])

    def _open_entry(self) -> bool:
        query = urlencode({"region": self.account["region"], "year": self.account["period"]})
        page = DashPage(self, f"/entry?{query}", "/entry")
        if not page.open() or not page.props.get("entry-grid", {}).get("rowData"):
            return False
        self.page = page
        return True

    @task
    def save_a_value(self) -> None:
        if STATE.closing or not self.logged_in:
            return
        if (self.page is None or self.saves % 10 == 9) and not self._open_entry():
            return
        if STATE.closing:  # the deadline passed while the page loaded
            return
        stale_every = STATE.plan["stale_every"]
        STATE.saves_in_flight += 1  # the deadline waits for this save's answer
        try:
            self.saves += 1
            if stale_every and self.saves % stale_every == 0 and self.before_last_save:
                self._save_stale()
            else:
                self._save_fresh()
        finally:
            STATE.saves_in_flight -= 1

    def _next_value(self, indicator_id: str) -> str:
        """A value never sent before for this key, inside the indicator's plausible range:
        the orchestrator chose the start and a step small enough for any run's length."""
        item = next(i for i in self.account["indicators"] if i["indicator_id"] == indicator_id)
        self.counters[indicator_id] += 1
        value = item["start"] + self.counters[indicator_id] * item["step"]
        return f"{value:.10g}"

    def _save_fresh(self) -> None:
        assert self.page is not None
        indicators = [item["indicator_id"] for item in self.account["indicators"]]
        indicator_id = indicators[self.turn % len(indicators)]
        self.turn += 1
        rows = copy.deepcopy(self.page.props["entry-grid"]["rowData"])
        index = next((i for i, row in enumerate(rows) if row["indicator_id"] == indicator_id),
                     None)
        if index is None:
            self._record_refusal(indicator_id, None, "indicator not in the entry grid")
            return
        text = self._next_value(indicator_id)
        rows[index]["value"] = text
        before = copy.deepcopy(self.page.props["entry-grid"]["rowData"])
        # Typing fires the check callback (cellValueChanged), then the button saves.
        self.page.props["entry-grid"]["rowData"] = rows
        event = [{"rowIndex": index, "rowId": indicator_id, "data": rows[index],
                  "oldValue": None, "value": text, "colId": "value",
                  "timestamp": int(time.time() * 1000)}]
        self.page.change("entry-grid", "cellValueChanged", event)
        outcome = self._click_save(indicator_id, text)
        if outcome == "saved":
            self.before_last_save, self.last_saved = before, indicator_id

    def _save_stale(self) -> None:
        """The grid from before the previous save, with a new value for the key that save
        changed: its revision is stale, so the save must be refused."""
        assert self.page is not None and self.before_last_save and self.last_saved
        rows = copy.deepcopy(self.before_last_save)
        current = self.page.props["entry-grid"]["rowData"]
        indicator_id = self.last_saved
        text = self._next_value(indicator_id)
        for row in rows:
            if row["indicator_id"] == indicator_id:
                row["value"] = text
        self.page.props["entry-grid"]["rowData"] = rows
        outcome = self._click_save(indicator_id, text, stale=True)
        if outcome == "saved":
            STATE.stale_accepted.append(self._record(indicator_id, text))
        elif outcome == "unknown":  # no fresh grid came back: keep the one from before
            self.page.props["entry-grid"]["rowData"] = current
        self.before_last_save = None  # one stale attempt per snapshot

    def _click_save(self, indicator_id: str, text: str, stale: bool = False) -> str:
        """Clicks Save and classifies the answer: saved (acknowledged), conflict, refused,
        or unknown (no usable answer: the write may or may not have happened)."""
        assert self.page is not None
        clicks = (self.page.props.get("entry-save", {}).get("n_clicks") or 0) + 1
        save = next(c for c in self.page.callbacks if any(
            component == "entry-save" for component, _prop in c.inputs))
        ok = self.page.change("entry-save", "n_clicks", clicks)
        body = self.page.last_response(save.output)
        record = self._record(indicator_id, text)
        if not ok or body is None:
            STATE.indeterminate.append(record)
            return "unknown"
        alert = body.get("response", {}).get("entry-message", {}).get("children")
        alert_id = alert.get("props", {}).get("id") if isinstance(alert, dict) else None
        if alert_id == "entry-saved":
            if not stale:
                STATE.acknowledged.append(record)
            written = [int(n) for n in re.findall(r"\d+", str(alert["props"].get("children")))]
            if sum(written) != 1:  # "saved: N new, M changed": one value was sent
                STATE.odd.append(f"{record['user']}: saved {written}, expected one value")
            return "saved"
        if alert_id == "entry-conflict":
            if stale:
                STATE.conflicts_expected += 1
            else:  # only this simulated planner writes its region: nobody else could
                STATE.conflicts_unexpected.append(record)
            return "conflict"
        self._record_refusal(indicator_id, text, json.dumps(alert, ensure_ascii=False)[:300])
        return "refused"

    def _record(self, indicator_id: str, text: str) -> Json:
        return {"user": self.account["name"], "region_code": self.account["region"],
                "indicator_id": indicator_id, "period": self.account["period"],
                "value": float(text), "text": text, "at": time.time()}

    def _record_refusal(self, indicator_id: str, text: str | None, why: str) -> None:
        STATE.refused.append({"user": self.account["name"], "indicator_id": indicator_id,
                              "text": text, "why": why})


# --- running ---------------------------------------------------------------------------------

def _entry(stats: Any) -> Json:
    return {
        "method": stats.method, "name": stats.name, "requests": stats.num_requests,
        "failures": stats.num_failures, "median_ms": stats.median_response_time,
        "p95_ms": stats.get_response_time_percentile(0.95) if stats.num_requests else 0,
        "average_ms": round(stats.avg_response_time, 1), "max_ms": stats.max_response_time,
    }


def run(plan: Json) -> Json:
    """Starts the users, lets them run for the planned seconds, then waits for every save in
    flight to be answered before stopping: a save cut off mid-request would have an outcome
    nobody knows, and the store check needs to know them all."""
    STATE.plan = plan
    Planner.fixed_count = len(plan["planners"])
    # Class attributes: locust binds wait_time to each user as a method.
    Leader.wait_time = Planner.wait_time = between(*plan["wait_seconds"])
    leaders = plan["users"] - len(plan["planners"])
    user_classes: list[type[FastHttpUser]] = [Planner] + ([Leader] if leaders > 0 else [])
    environment = Environment(user_classes=user_classes, host=plan["host"], events=events)
    runner = environment.create_local_runner()
    started = time.monotonic()
    runner.start(plan["users"], spawn_rate=plan["spawn_rate"])
    gevent.sleep(plan["seconds"])
    STATE.closing = True
    deadline = time.monotonic() + DRAIN_TIMEOUT_S
    while STATE.saves_in_flight and time.monotonic() < deadline:
        gevent.sleep(0.05)
    in_flight = STATE.saves_in_flight
    runner.quit()
    elapsed = time.monotonic() - started
    total = environment.stats.total
    return {
        "elapsed_s": round(elapsed, 2), "load_s": plan["seconds"],
        "users": plan["users"], "planners": len(plan["planners"]), "leaders": max(leaders, 0),
        "total": _entry(total),
        "by_name": sorted((_entry(entry) for entry in environment.stats.entries.values()),
                          key=lambda item: (item["name"], item["method"])),
        "errors": [{"method": error.method, "name": error.name, "error": str(error.error),
                    "occurrences": error.occurrences}
                   for error in environment.stats.errors.values()],
        "saves_in_flight_at_stop": in_flight,
        "acknowledged": STATE.acknowledged,
        "conflicts_expected": STATE.conflicts_expected,
        "conflicts_unexpected": STATE.conflicts_unexpected,
        "stale_accepted": STATE.stale_accepted,
        "refused": STATE.refused,
        "odd": STATE.odd,
        "indeterminate": STATE.indeterminate,
        "exceptions": [{"count": item["count"], "message": item["msg"],
                        "traceback": item["traceback"]} for item in runner.exceptions.values()],
        "locust_version": locust.__version__,
        "client_cpu_s": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 1),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m benchmarks.locustfile PLAN.json RESULT.json", file=sys.stderr)
        return 2
    setup_logging("WARNING")
    plan = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    result = run(plan)
    Path(args[1]).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
