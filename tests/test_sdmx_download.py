"""The downloads page's SDMX-CSV (dashboard/pages/downloads.py, etl.sdmx.values_csv): the
values shown, read back by pysdmx as the command's SDMX-CSV gives them."""

from __future__ import annotations

import base64

import pytest
from pysdmx.io import read_sdmx

from etl.sdmx_ids import VALUES_FLOW_REF
from etl.store import Store
from etl.users import UserStore
from targets.cli import main as targets
from tests.test_auth import PASSWORD, environment, login  # noqa: F401 - autouse fixture
from tests.test_web_hardening import app_server, dash_request

CHANGCHUN, SHARE = "220100", "transit_modal_share"


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('sdmx-download') / 'demo.sqlite'}"
    assert targets(["--database", url, "demo"]) == 0
    UserStore(Store(url)).add("boss", "admin", PASSWORD)
    return url


@pytest.fixture(scope="module")
def server(url, tmp_path_factory):
    yield from app_server(url, tmp_path_factory)


def item(component: str, prop: str, value) -> dict:
    return {"id": component, "property": prop, "value": value}


def test_the_download_is_the_commands_sdmx_csv(server, url, tmp_path):
    client = server.test_client()
    assert login(client, "boss").status_code == 303
    answer = dash_request(client, "downloads-button.n_clicks",
                          [item("downloads-button", "n_clicks", 1)],
                          [item("downloads-indicator", "value", [SHARE]),
                           item("downloads-region", "value", [CHANGCHUN]),
                           item("downloads-from", "value", None),
                           item("downloads-to", "value", None),
                           item("downloads-format", "value", "sdmx-csv"),
                           item("downloads-language", "children", "zh"),
                           item("downloads-values-name", "children", "accepted")])
    assert answer.status_code == 200, answer.text
    sent = answer.json["response"]["downloads-file"]["data"]
    assert sent["filename"] == "targets-export-sdmx.csv"
    downloaded = tmp_path / "downloaded.csv"
    downloaded.write_bytes(base64.b64decode(sent["content"]))
    command = tmp_path / "command.csv"
    assert targets(["--database", url, "export", "--format", "sdmx-csv", "--region", CHANGCHUN,
                    "--indicator", SHARE, "-o", str(command)]) == 0
    assert downloaded.read_bytes() == command.read_bytes()
    data = read_sdmx(downloaded).data[0]
    assert data.structure == f"Dataflow={VALUES_FLOW_REF}"
    assert set(data.data["REGION"]) == {CHANGCHUN} and set(data.data["INDICATOR"]) == {SHARE}
    assert len(data.data) > 3 and set(data.data["DATA_KIND"]) == {"DEMO"}
