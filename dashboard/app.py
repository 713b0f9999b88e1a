"""The Dash app factory: a shell built from the page registry, its state hung on the app."""

from __future__ import annotations

import gc
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from api import install_api
from dashboard import state
from dashboard.auth import LOGIN_TO_READ, init_auth, nav_items
from dashboard.callback_input import init_callback_checks
from dashboard.i18n import t
from dashboard.security import QuietRequestHandler, init_security
from etl.store import Store

PAGES = Path(__file__).resolve().parent / "pages"


def create_app(database_url: str | None = None) -> dash.Dash:
    store = Store(database_url)
    app = dash.Dash(
        __name__, use_pages=True, pages_folder=str(PAGES), title="吉林省目标监测",
        # Bootstrap's CSS is served from assets/: the machines it runs on may reach no CDN.
        suppress_callback_exceptions=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.layout = html.Div([
        dcc.Location(id="url"),
        html.Header(id="app-header"),
        dbc.Container(dash.page_container, fluid=True, className="page"),
    ])
    state.install(app.server, state.DashboardState(store, warm=True))
    init_security(app)
    init_auth(app.server, store)
    # The read API on the same server, by the same read rule (and its own tokens).
    install_api(app.server, store, lambda: bool(app.server.config.get(LOGIN_TO_READ)))
    init_callback_checks(app)
    _header_callback(app)
    _toggle_callback(app)
    # Dash finishes its setup on the first request but marks it done before it has: a fresh
    # gunicorn worker hit by several callbacks at once answered 500 "Callback function not
    # found" (plotly/dash#3971, seen in the load test). One request here finishes it first.
    app.server.test_client().get("/_dash-layout")
    _out_of_collectors_sight()
    return app


def _out_of_collectors_sight() -> None:
    """Move every object alive now out of the cyclic garbage collector's sight. The imports
    and the app make about 220,000 objects that live as long as the process; a full
    collection walks them all (figures in docs/benchmarks.md), and it runs in whichever
    request happens to cross its threshold. Garbage is collected first, so only live objects
    are frozen (what Python's documentation advises for long-lived servers: gc.freeze). A
    frozen object is never freed: a process that makes several apps (tests, scripts) keeps
    them all with the values they hold; a server makes one."""
    gc.collect()
    gc.freeze()


def _header_callback(app: dash.Dash) -> None:
    from dashboard.components import demo_banner, href, published_banner

    @app.callback(Output("app-header", "children"), Input("url", "href"))
    def header(location: str | None) -> list:  # type: ignore[type-arg]
        from urllib.parse import parse_qs, urlparse

        parsed = urlparse(location or "")
        query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        language = "en" if query.get("lang") == "en" else "zh"
        # The values the page shows (values=all, or the accepted ones): the banner says
        # what they hold, and the links keep the choice.
        from dashboard.values_switch import choose

        shown = choose(query.get("values"))
        other = dict(query)
        if language == "en":
            other.pop("lang", None)
        else:
            other["lang"] = "en"
        switch = f"{parsed.path or '/'}?" + "&".join(f"{k}={v}" for k, v in other.items())
        navbar = dbc.Navbar(dbc.Container([
            dbc.NavbarBrand([html.Span(t("app_title", language), className="brand-title"),
                             html.Small(t("app_subtitle", language), className="brand-sub")],
                            href=href("/", language)),
            # On a phone the links fold into a menu behind the toggler (one line, ~56 px).
            # Bootstrap's toggler markup (dbc.NavbarToggler takes no aria-label).
            html.Button(html.Span(className="navbar-toggler-icon"), id="nav-toggler",
                        n_clicks=0, type="button", className="navbar-toggler",
                        **{"aria-label": t("nav_menu", language),
                           "aria-controls": "nav-collapse"}),
            dbc.Collapse(_nav(language, switch, parsed), id="nav-collapse", is_open=False,
                         navbar=True),
        ], fluid=True), color="light", dark=False, expand="lg",
            className="mb-2 border-bottom app-navbar")
        children = [navbar]
        if shown.demo_in_use():
            children.append(dbc.Container(demo_banner(language), fluid=True))
        elif shown.published_in_use():
            children.append(dbc.Container(published_banner(language), fluid=True))
        return children


def _nav(language: str, switch: str, parsed: object) -> dbc.Nav:
    from dashboard.components import href

    here = f"{parsed.path or '/'}?{parsed.query}".rstrip("?")  # type: ignore[attr-defined]
    return dbc.Nav([
        dbc.NavLink(t("nav_overview", language), href=href("/", language), id="nav-overview"),
        dbc.NavLink(t("nav_map", language), href=href("/map", language), id="nav-map"),
        dbc.NavLink(t("nav_downloads", language), href=href("/downloads", language),
                    id="nav-downloads"),
        *_writer_links(language),
        dbc.NavLink(t("nav_history", language), href=href("/history", language),
                    id="nav-history"),
        dbc.NavLink(t("language_switch", language), href=switch.rstrip("?"),
                    id="language-switch", external_link=True),
        *nav_items(language, here),
    ], className="ms-auto", navbar=True)


def _toggle_callback(app: dash.Dash) -> None:
    """The toggler opens and closes the menu (shown below the lg breakpoint only); in the
    browser: a tap needs no round trip to the server."""
    app.clientside_callback(
        "function(clicks, isOpen) { return clicks ? !isOpen : !!isOpen; }",
        Output("nav-collapse", "is_open"), Input("nav-toggler", "n_clicks"),
        State("nav-collapse", "is_open"), prevent_initial_call=True)


def _writer_links(language: str) -> list:  # type: ignore[type-arg]
    from dashboard.auth import current_user
    from dashboard.components import href

    user = current_user()
    if user is None or not user.enters_values:
        return []
    return [dbc.NavLink(t("nav_entry", language), href=href("/entry", language), id="nav-entry"),
            dbc.NavLink(t("nav_upload", language), href=href("/upload", language),
                        id="nav-upload")]


def serve(app: dash.Dash, host: str, port: int, debug: bool = False) -> None:
    """For local use (`targets serve`): Werkzeug's server, without its version banner."""
    app.run(host=host, port=port, debug=debug, request_handler=QuietRequestHandler)
