"""Upload page: a planner uploads a CSV or XLSX, sees every problem on its row, then confirms."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import hashlib
import io
import re
import tempfile
from pathlib import Path
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html
from flask import abort

from dashboard import auth, state
from dashboard.components import data_table, dropdown, login_prompt, writer_choices
from dashboard.i18n import language_of, pick, t
from dashboard.review_view import locked_alert, locked_preview, locked_rows
from dashboard.security import refuse
from dashboard.upload_checks import BusyError, check_slot
from etl.acceptance import LockedError
from etl.bounded import MAX_UPLOAD_CELLS
from etl.names import ROLE_NAMES
from etl.store import StoreWriteError
from etl.validation import History, Validation, validate_file
from indicators.units import unit_label

dash.register_page(__name__, path="/upload", name="上传文件", order=5)

MAX_BYTES = auth.MAX_UPLOAD_BYTES
ACCEPTED = ".csv,.txt,.tsv,.xlsx,.xlsm"
MAX_SUFFIX = 16  # characters of a file's suffix kept in the temporary copy's name


def layout(region: str | None = None, year: str | None = None, lang: str | None = None,
           **_: object) -> html.Div:
    language = language_of(lang)
    user = auth.current_user()
    if user is None or not user.enters_values:
        return login_prompt(language, "/upload", "upload-page")
    regions, chosen, years, period = writer_choices(user, language, region, year)
    return html.Div([
        html.H1(t("upload_title", language), className="h3"),
        html.P(t("upload_help", language), className="text-muted"),
        dbc.Row([
            dbc.Col(dropdown("upload-region", regions, chosen, t("region", language)), md=5),
            dbc.Col(dropdown("upload-year", [(y, str(y)) for y in years], period,
                             t("period", language)), xs=6, md=2),
            dbc.Col(html.Button(t("upload_template", language), id="upload-template-button",
                                className="btn btn-outline-secondary mt-4"), xs=6, md=5),
        ], className="g-2 mb-3"),
        dcc.Download(id="upload-template"),
        dbc.Checkbox(id="upload-skip", value=False, label=t("upload_skip", language),
                     className="mb-1"),
        html.P(t("upload_skip_help", language), className="text-muted small"),
        dcc.Upload(html.Div(t("upload_drop", language)), id="upload-file", accept=ACCEPTED,
                   max_size=MAX_BYTES, multiple=False, className="upload-drop"),
        html.Div(id="upload-preview", className="mt-3"),
        html.Button(t("upload_confirm", language), id="upload-confirm", disabled=True,
                    className="btn btn-primary mt-2"),
        html.Div(id="upload-result", className="mt-2", role="status"),
        dcc.Store(id="upload-contents"),
        html.Div(language, id="upload-language", hidden=True),
    ], id="upload-page")


@callback(
    Output("upload-preview", "children"), Output("upload-confirm", "disabled"),
    Output("upload-contents", "data"), Output("upload-result", "children"),
    Input("upload-file", "contents"), Input("upload-skip", "value"),
    State("upload-file", "filename"), State("upload-language", "children"),
    prevent_initial_call=True,
)
def preview(contents: str | None, skip: bool | None, filename: str | None,
            language: str) -> tuple[Any, bool, Any, Any]:
    """The file checked, every problem listed; with `skip` (the checkbox, checked again when it
    changes), the columns and rows of unknown indicators and regions listed as skipped."""
    user = _writer()  # a reader may not have files checked either: it costs the server
    if contents is None:
        return None, True, None, None
    skip = bool(skip)
    try:
        validation = _validated(contents, filename or "upload.csv", user, language, fresh=True,
                                skip=skip)
    except BusyError:
        return _busy(language), True, None, None
    if validation is None:
        return dbc.Alert(t("upload_too_large", language), color="danger"), True, None, None
    # Years that are not drafts would be refused on confirm: said now, and no confirm offered.
    locked = locked_rows(state.current().review, validation.rows)
    loadable = validation.ok and locked.empty
    return (_preview(validation, language, locked), not loadable,
            {"contents": contents, "filename": filename, "skip": skip} if loadable
            else None, None)


@callback(
    Output("upload-result", "children", allow_duplicate=True),
    Output("upload-confirm", "disabled", allow_duplicate=True),
    Input("upload-confirm", "n_clicks"), State("upload-contents", "data"),
    State("upload-language", "children"), prevent_initial_call=True,
)
def confirm(_clicks: int, upload: dict[str, str] | None, language: str) -> tuple[Any, bool]:
    """Load through the same path as `targets load`, checked again on the server (with the
    choice to skip unknown names that the preview was made with)."""
    user = _writer()
    if not upload:
        return None, True
    try:
        validation = _validated(upload["contents"], upload["filename"], user, language,
                                skip=bool(upload.get("skip")))
    except BusyError:
        return _busy(language), False  # nothing was loaded: the planner may press again
    if validation is None or not validation.ok:
        return dbc.Alert(t("upload_errors", language, count=_errors(validation)),
                         color="danger"), True
    raw = _decoded(upload["contents"]) or b""
    try:
        result = state.current().load(validation.store_rows(), by=user.name,
                                      source=upload["filename"],
                                      source_sha256=hashlib.sha256(raw).hexdigest(),
                                      skipped=validation.skipped)
    except StoreWriteError as error:
        return dbc.Alert(pick(language, error.problem_zh, error.problem_en), color="danger",
                         id="upload-not-written"), True
    except LockedError as locked:
        return locked_alert(locked, state.current().region_names(language), language,
                            "upload-locked"), True
    message = t("upload_loaded", language, new=result.new, changed=result.changed,
                unchanged=result.unchanged)
    if validation.skipped:
        message += " " + t("upload_loaded_skipped", language, count=validation.skipped)
    return dbc.Alert(message, color="success", id="upload-loaded"), True


def _writer() -> auth.User:
    """The logged-in user who enters values; 403 for anyone else (a leader only reads)."""
    user = auth.current_user()
    if user is None or not user.enters_values:
        abort(403)
    return user


def _busy(language: str) -> dbc.Alert:
    return dbc.Alert(t("upload_busy", language), color="warning", id="upload-busy")


def _errors(validation: Validation | None) -> int:
    if validation is None:
        return 1
    return int((validation.problems["severity"] == "error").sum())


def _decoded(contents: str) -> bytes | None:
    try:
        payload = base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (IndexError, ValueError, binascii.Error):
        return None
    return payload if len(payload) <= MAX_BYTES else None


def _validated(contents: str, filename: str, user: auth.User, language: str, *,
               fresh: bool = False, skip: bool = False) -> Validation | None:
    """The file checked for this user (with `skip`, unknown names skipped); with `fresh` (a
    preview) checked now, else (a confirm) the preview's check of the same bytes and choice if
    this app made it (see dashboard.state.caches.Previews)."""
    raw = _decoded(contents)
    if raw is None:
        return None
    key = (hashlib.sha256(raw).hexdigest(), Path(filename).suffix.lower(), user.id, user.role,
           user.regions, dt.date.today(), skip)
    previews = state.current().previews
    held = None if fresh else previews.get(key)
    if held is None:
        with check_slot():
            held = _checked_file(raw, filename, user, language, skip)
        previews.put(key, held)
    return held


def _checked_file(raw: bytes, filename: str, user: auth.User, language: str,
                  skip: bool = False) -> Validation:
    source = state.current()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{_safe_suffix(filename)}"
        path.write_bytes(raw)
        validation = validate_file(path, source.reference.catalogue, source.reference.register,
                                   max_cells=MAX_UPLOAD_CELLS, name=filename,
                                   history=_history(user), skip_unknown=skip)
    return _only_own_regions(validation, user, language)


def _safe_suffix(filename: str) -> str:
    """The file's suffix, which says how to read it, as the temporary copy's: only ASCII
    letters and digits, at most MAX_SUFFIX of them (a NUL byte or a suffix of 300 characters
    made write_bytes raise ValueError or ENAMETOOLONG). None: read as CSV, as before; a
    suffix of other characters becomes one the reader refuses as an unsupported type."""
    suffix = Path(filename).suffix.lower()
    if not suffix:
        return ".csv"
    kept = re.sub(r"[^a-z0-9]", "", suffix)[:MAX_SUFFIX]
    return f".{kept}" if kept else ".unknown"


def _history(user: auth.User) -> History:
    """The stored values the jump check compares with, drafts included, read from the store
    as /entry does: those of the series validation asks for (the file's), and a planner's
    file may hold only their regions (others are refused below). Not the values held: those
    are the accepted ones, and holding all values too would hold the store twice."""
    source = state.current()
    return lambda regions, indicators: source.stored_values(
        regions if user.is_admin else [code for code in regions if code in user.regions],
        indicators)


def _only_own_regions(validation: Validation, user: auth.User, language: str) -> Validation:
    """A planner's file may hold only their own regions' values: others are errors."""
    foreign = validation.rows[~validation.rows["region_code"].map(user.can_write)]
    if foreign.empty:
        return validation
    names = state.current().regions
    problems = pd.DataFrame([{
        "row": row.row, "column": "region", "value": names.at[row.region_code, "name_zh"],
        "severity": "error",
        "problem_zh": t("upload_other_region", "zh", region=names.at[row.region_code, "name_zh"]),
        "problem_en": t("upload_other_region", "en", region=names.at[row.region_code, "name_en"]),
    } for row in foreign.itertuples()])
    return dataclasses.replace(
        validation, rows=validation.rows[~validation.rows.index.isin(foreign.index)],
        problems=pd.concat([validation.problems, problems], ignore_index=True))


def _column(column: object, language: str) -> object:
    """A problem's column as the file names it; a role (the file had no such header, or the
    check is of a region or indicator as a whole) in the reader's language."""
    if isinstance(column, str) and column in ROLE_NAMES:
        return pick(language, *ROLE_NAMES[column])
    return column


def _preview(validation: Validation, language: str,
             locked: pd.DataFrame | None = None) -> html.Div:
    problems = validation.problems
    errors = _errors(validation)
    if errors:
        summary = dbc.Alert(t("upload_errors", language, count=errors), color="danger",
                            id="upload-has-errors")
    elif locked is not None and not locked.empty:
        summary = locked_preview(locked, state.current().region_names(language), language,
                                 "upload-preview-locked")
    else:
        summary = dbc.Alert(t("upload_ok", language, count=len(validation.rows)),
                            color="success", id="upload-ok")
    parts: list[Any] = [summary]
    if errors and locked is not None and not locked.empty:
        parts.append(locked_preview(locked, state.current().region_names(language), language,
                                    "upload-preview-locked"))
    if validation.skipped:
        parts.append(dbc.Alert(t("upload_skipped", language, columns=validation.skipped_columns,
                                 rows=validation.skipped_rows), color="info",
                               id="upload-skipped"))
    if not problems.empty:
        message = "problem_zh" if language == "zh" else "problem_en"
        table = problems.assign(problem=problems[message],
                                column=problems["column"].map(lambda c: _column(c, language)),
                                severity=problems["severity"].map(lambda s: t(s, language)))
        table = table.fillna({"row": 0})
        parts.append(data_table(table, {"row": t("source_row", language),
                                        "column": t("file_column", language),
                                        "value": t("value", language),
                                        "severity": t("status", language),
                                        "problem": t("problem", language)},
                                "upload-problems", height=300))
    if not validation.rows.empty:
        source = state.current()
        names = source.indicators
        rows = validation.rows.assign(indicator=[
            pick(language, names.at[i, "indicator_zh"], names.at[i, "indicator_en"])
            for i in validation.rows["indicator_id"]],
            region=validation.rows["region_code"].map(source.region_names(language)))
        parts.append(data_table(rows, {"row": t("source_row", language),
                                       "region": t("region", language),
                                       "indicator": t("indicator", language),
                                       "period": t("period", language),
                                       "value": t("value", language),
                                       "value_entered": t("new_value", language)},
                                "upload-rows", height=300))
    return html.Div(parts)


@callback(
    Output("upload-template", "data"), Input("upload-template-button", "n_clicks"),
    State("upload-region", "value"), State("upload-year", "value"),
    prevent_initial_call=True,
)
def template(_clicks: int, region: str, year: int) -> dict[str, Any]:
    """A file to fill in: the region's indicators with their units, for the chosen year."""
    source = state.current()
    if region not in source.regions.index:
        refuse("not_found", 404)
    rows = source.entry_rows(region, int(year))
    name = source.regions.at[region, "name_zh"]
    frame = pd.DataFrame({
        "地区": name, "指标": rows["indicator_zh"], "年份": int(year), "数值": None,
        "单位": [unit_label(unit, "zh") if unit != "done" else "" for unit in rows["unit"]],
        "备注": ["填1表示已完成，0表示未完成" if unit == "done" else None for unit in rows["unit"]],
    })
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, engine="openpyxl")
    return dcc.send_bytes(buffer.getvalue(), f"填报模板-{name}-{year}.xlsx")
