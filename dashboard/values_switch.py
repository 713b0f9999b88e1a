"""The reading pages' choice of values: the switch, what statuses were computed from, the mark.

Every reading page takes the URL parameter `values`: absent (or "accepted") shows the accepted
values only, the default, what leaders see; "all" shows every current value, drafts and values
under review too, those not accepted marked 未确认. The switch reloads the page with the
parameter set or removed, keeping the page's other filters (which the pages keep in the URL).

A page's layout and callbacks name the view once (`choose`), from the URL or from the hidden
element the layout leaves; what they call reads it back (`chosen_view`), and every link made
while answering (components.href) keeps `values=all`, so that links between pages keep it.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import flask
from dash import Input, Output, clientside_callback, html

from dashboard import state
from dashboard.i18n import t
from dashboard.state import ACCEPTED, ALL, ValuesView, view_name

CHOSEN = "targets_values_view"  # the view a request answers with, in flask.g
# A page's own URL sync (its clientside callbacks) keeps the choice with this line.
KEEP_VALUES_JS = ("if (new URLSearchParams(window.location.search).get('values') === 'all') "
                  "params.set('values', 'all');")


def choose(values: str | None) -> ValuesView:
    """The view named by a page's `values` parameter, remembered for this request."""
    view = state.current().view(view_name(values))
    if flask.has_request_context():
        setattr(flask.g, CHOSEN, view.name)
    return view


def chosen_view() -> ValuesView:
    """The view this request chose (the accepted values when it chose none)."""
    name = flask.g.get(CHOSEN, ACCEPTED) if flask.has_request_context() else ACCEPTED
    return state.current().view(name)


def chosen_param() -> str | None:
    """`values=all` for links made while answering a request of the all view."""
    if not flask.has_request_context():
        return None
    return values_param(flask.g.get(CHOSEN, ACCEPTED))


def values_param(name: str | None) -> str | None:
    """The URL parameter for a view: "all", or nothing for the accepted values (default)."""
    return ALL if name == ALL else None


def basis(all_values: bool, language: str) -> str:
    """Which values the statuses shown were computed from."""
    return t("basis_all" if all_values else "basis_accepted", language)


def mark(all_values: bool, not_accepted: bool, language: str) -> str:
    """The mark of a value that is not the accepted one ("" for the others)."""
    return t("not_accepted", language) if all_values and not_accepted else ""


def values_control(prefix: str, all_values: bool, language: str) -> html.Div:
    """The switch (显示未确认数值) and what the statuses were computed from; the page's
    callbacks read the view from `{prefix}-values-name`."""
    return html.Div([
        dbc.Switch(id=f"{prefix}-values", value=all_values, label=t("values_switch", language),
                   className="d-inline-block me-3 mb-0"),
        html.Small(basis(all_values, language), id=f"{prefix}-values-basis",
                   className="text-muted values-basis"),
        html.Div(ALL if all_values else ACCEPTED, id=f"{prefix}-values-name", hidden=True),
    ], className="values-control mb-2 d-flex flex-wrap align-items-center")


def register_switch(prefix: str) -> None:
    """The switch reloads the page with `values=all` set or removed, other filters kept."""
    clientside_callback(
        """
        function(on) {
            const params = new URLSearchParams(window.location.search);
            if (on) { params.set('values', 'all'); } else { params.delete('values'); }
            const query = params.toString();
            const target = window.location.pathname + (query ? '?' + query : '');
            if (target !== window.location.pathname + window.location.search) {
                window.location.assign(target);
            }
            return window.dash_clientside.no_update;
        }
        """,
        Output(f"{prefix}-values-basis", "title"), Input(f"{prefix}-values", "value"),
        prevent_initial_call=True,
    )
