"""What every page shares: who is signed in, the sidebar's fund and quarter, the charts.

Sign-in: a visitor who is not signed in gets the login form and nothing else (no query
runs before sign-in). The signed-in `User` lives in `st.session_state`, so the session
ends with the browser session (a reload or a closed tab signs out) and after
`FUNDLENS_IDLE_MINUTES` (default 30) without any interaction.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

import formatting as fmt
import queries
from fundlens import audit, users
from fundlens import home as fl_home
from fundlens.errors import FundLensError
from fundlens.users import User
from queries import Warehouse

NOT_PUBLISHED = (
    "No warehouse is published yet. Run `fundlens refresh` (or `make run`) to build one "
    "from the input CSVs, then reload this page."
)

_SELECTION = "_fundlens_selection"
USER_KEY = "fundlens_user"  # the signed-in User (tests set it to sign in)
_LAST_SEEN = "fundlens_last_seen"  # time.monotonic() of the user's last interaction
_NOTICE = "fundlens_signed_out_notice"
VIEWS = Path(__file__).parent / "views"
DEFAULT_IDLE_MINUTES = 30


def idle_timeout_s() -> float:
    """Seconds without interaction after which a session is signed out."""
    try:
        minutes = float(os.environ.get("FUNDLENS_IDLE_MINUTES", DEFAULT_IDLE_MINUTES))
    except ValueError:
        minutes = DEFAULT_IDLE_MINUTES
    return max(minutes, 1.0) * 60


def home() -> Path:
    return fl_home.resolve_home()


def client_address() -> str | None:
    """The browser's address as the server sees it (None in tests)."""
    try:
        address = st.context.ip_address
    except Exception:  # no browser connection (AppTest, bare mode)
        return None
    return address if isinstance(address, str) else None


# --- sign-in ---------------------------------------------------------------------


def _sign_out(notice: str | None = None) -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]  # nothing of the last user's selections survives
    if notice:
        st.session_state[_NOTICE] = notice


def current_user() -> User | None:
    """The signed-in user, or None (then only the login form may be shown)."""
    user = st.session_state.get(USER_KEY)
    if not isinstance(user, User):
        return None
    now = time.monotonic()
    last_seen = st.session_state.get(_LAST_SEEN, now)
    if now - last_seen > idle_timeout_s():
        _sign_out(
            f"You were signed out after {idle_timeout_s() / 60:.0f} minutes without activity."
        )
        return None
    st.session_state[_LAST_SEEN] = now
    return user


def require_user() -> User:
    """The signed-in user; for a visitor, stop the page (the entry point shows the form)."""
    user = current_user()
    if user is None:
        st.stop()
    return user


def login_form() -> None:
    """The only thing a signed-out visitor sees."""
    st.title("FundLens")
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        st.info(notice, icon=":material/logout:")
    with st.form("sign_in", clear_on_submit=True):
        st.subheader("Sign in")
        username = st.text_input("Username", key="sign_in_username", autocomplete="username")
        password = st.text_input(
            "Password", type="password", key="sign_in_password", autocomplete="current-password"
        )
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return
    try:
        user = users.sign_in(home(), username, password, client=client_address())
    except FundLensError as exc:
        st.error(str(exc), icon=":material/lock:")
        return
    _sign_out()
    st.session_state[USER_KEY] = user
    st.session_state[_LAST_SEEN] = time.monotonic()
    st.rerun()


def sign_out_button(user: User) -> None:
    st.sidebar.caption(f"Signed in as **{user.username}** ({user.role})")
    if st.sidebar.button("Sign out", icon=":material/logout:", key="sign_out"):
        try:
            audit.log(home(), "sign_out", user.username, client_address())
        finally:
            _sign_out("You are signed out.")
        st.rerun()


# The pages that use the sidebar's fund and quarter, by URL path ("" is the default page,
# the overview); the others show no selectors.
SELECTION_PAGES = {"", "exposure", "performance", "companies", "market", "capital_account"}
DEFAULT_PAGE = "overview.py"


def uses_selection(page) -> bool:
    """Whether `page` (an st.Page) reads the sidebar's fund and quarter."""
    return page.url_path in SELECTION_PAGES


def page_specs(role: str) -> dict[str, list[tuple[str, str, str]]]:
    """The pages a role may open, by section: (file in views/, title, icon). The query
    layer refuses the rest anyway; this only keeps them out of the navigation."""
    specs: dict[str, list[tuple[str, str, str]]] = {
        "Portfolio": [
            ("overview.py", "Overview", ":material/dashboard:"),
            ("exposure.py", "Exposure", ":material/donut_small:"),
            ("performance.py", "Performance", ":material/trending_up:"),
            ("companies.py", "Companies", ":material/business_center:"),
            ("market.py", "Market", ":material/public:"),
        ],
    }
    if role in ("operator", "analyst") and (VIEWS / "sql.py").exists():
        specs["Portfolio"].append(("sql.py", "SQL", ":material/code:"))
    if role in ("operator", "lp"):
        specs["LP reporting"] = [
            ("capital_account.py", "Capital account", ":material/account_balance:")
        ]
    if role == "operator":
        specs["Operations"] = [
            ("data_status.py", "Data status", ":material/fact_check:"),
            ("audit_log.py", "Audit log", ":material/policy:"),
        ]
    return specs


def pages_for(user: User) -> dict[str, list[st.Page]]:
    """The navigation of `user`'s role."""
    return {
        section: [
            st.Page(VIEWS / file, title=title, icon=icon, default=file == DEFAULT_PAGE)
            for file, title, icon in specs
        ]
        for section, specs in page_specs(user.role).items()
    }


@dataclass(frozen=True)
class Selection:
    """The fund and quarter chosen in the sidebar by the signed-in user, in one version."""

    user: User
    warehouse: Warehouse
    fund_id: str
    fund_name: str
    currency: str
    benchmark_index_code: str | None
    quarter_end: dt.date
    inception_date: dt.date | None = None
    quarters: tuple[dt.date, ...] = ()  # the fund's reported quarter ends, newest first

    @property
    def age_years(self) -> float | None:
        """The fund's age at the chosen quarter end, in years since its first LP flow."""
        if self.inception_date is None:
            return None
        return (self.quarter_end - self.inception_date).days / 365.25

    @property
    def previous_quarter(self) -> dt.date | None:
        """The reported quarter end just before the chosen one, if any."""
        earlier = [q for q in self.quarters if q < self.quarter_end]
        return max(earlier) if earlier else None


def sidebar(user: User, wh: Warehouse | None) -> Selection | None:
    """Draw the fund and quarter pickers (shared by every page) and remember the choice.
    The funds offered are the ones `user` may see."""
    st.session_state[_SELECTION] = None
    if wh is None:
        st.sidebar.caption("No published data")
        return None
    funds = queries.funds(user, wh)
    if funds.empty:
        st.sidebar.caption(
            "None of your funds is in the published warehouse"
            if user.is_lp
            else "The published warehouse has no funds"
        )
        return None
    fund_ids = funds["fund_id"].tolist()
    names = dict(zip(funds["fund_id"], funds["fund_name"], strict=True))
    if st.session_state.get("fund_id") not in fund_ids:
        st.session_state["fund_id"] = fund_ids[0]
    fund_id = st.sidebar.selectbox(
        "Fund", fund_ids, format_func=lambda f: names.get(f, f), key="fund_id"
    )
    quarters = queries.quarters(user, wh, fund_id)
    if not quarters:
        st.sidebar.caption("This fund has no reported quarters yet")
        return None
    if st.session_state.get("quarter_end") not in quarters:
        st.session_state["quarter_end"] = quarters[0]  # the latest
    quarter_end = st.sidebar.selectbox(
        "Quarter end", quarters, format_func=fmt.quarter_label, key="quarter_end"
    )
    fund = funds.set_index("fund_id").loc[fund_id]
    benchmark = fund["benchmark_index_code"]
    inception = fund.get("inception_date")
    selection = Selection(
        user=user,
        warehouse=wh,
        fund_id=fund_id,
        fund_name=str(fund["fund_name"]),
        currency=str(fund["currency"]),
        benchmark_index_code=None if fmt.is_missing(benchmark) else str(benchmark),
        quarter_end=quarter_end,
        inception_date=None if fmt.is_missing(inception) else pd.Timestamp(inception).date(),
        quarters=tuple(quarters),
    )
    st.session_state[_SELECTION] = selection
    return selection


def selection() -> Selection:
    """The sidebar's choice; with nothing published, say so and stop the page."""
    require_user()
    chosen = st.session_state.get(_SELECTION)
    if chosen is None:
        st.info(NOT_PUBLISHED, icon=":material/info:")
        st.stop()
    return chosen


def page_header(title: str, sel: Selection) -> None:
    st.title(title)
    # the fund's name is user text: shown as plain text, never as markdown
    st.text(
        f"{sel.fund_name} · {fmt.quarter_label(sel.quarter_end)} "
        f"(quarter ending {sel.quarter_end:%d %b %Y}) · amounts in {sel.currency}"
    )


# --- charts ------------------------------------------------------------------


def quarter_axis() -> alt.X:
    """The time axis of every chart over quarter ends: one tick a year."""
    return alt.X("quarter_end:T", title="Quarter end").axis(format="%Y", tickCount="year")


def _shares_with_labels(df: pd.DataFrame, currency: str) -> pd.DataFrame:
    return df.assign(
        fair_value_label=[fmt.money(v, currency) for v in df["fair_value"]],
        nav_share_label=[fmt.pct(v) for v in df["nav_share"]],
    )


def share_bar_chart(
    df: pd.DataFrame, category: str, category_title: str, title: str, currency: str
) -> alt.Chart:
    """Horizontal bars of `nav_share` per category, in the frame's order."""
    data = _shares_with_labels(df, currency)
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("nav_share:Q", title="Share of portfolio fair value (%)").axis(format="%"),
            y=alt.Y(f"{category}:N", title=category_title, sort=None).axis(labelLimit=240),
            tooltip=[
                alt.Tooltip(f"{category}:N", title=category_title),
                alt.Tooltip("nav_share_label:N", title="Share of fair value"),
                alt.Tooltip("fair_value_label:N", title=f"Fair value ({currency})"),
                alt.Tooltip("company_count:Q", title="Companies"),
            ],
        )
    )


def share_area_chart(
    history: pd.DataFrame, category: str, category_title: str, title: str, order: list[str]
) -> alt.Chart:
    """Stacked areas of `nav_share` per category over every quarter end (they fill 100%)."""
    rank = {name: i for i, name in enumerate(order)}
    data = history.assign(
        quarter=[fmt.quarter_label(q) for q in history["quarter_end"]],
        nav_share_label=[fmt.pct(v) for v in history["nav_share"]],
        layer_order=[rank.get(c, len(rank)) for c in history[category]],
    )
    return (
        alt.Chart(data, title=title)
        .mark_area()
        .encode(
            x=quarter_axis(),
            y=alt.Y("nav_share:Q", title="Share of portfolio fair value", stack="normalize").axis(
                format="%"
            ),
            color=alt.Color(f"{category}:N", title=category_title, sort=order).legend(
                orient="bottom", columns=3, labelLimit=200
            ),
            order=alt.Order("layer_order:Q"),
            tooltip=[
                alt.Tooltip("quarter:N", title="Quarter"),
                alt.Tooltip(f"{category}:N", title=category_title),
                alt.Tooltip("nav_share_label:N", title="Share of fair value"),
            ],
        )
    )


def sunburst_chart(tree: pd.DataFrame, currency: str, title: str) -> alt.LayerChart:
    """Segment group -> segment -> company as three rings of one donut (Vega-Lite arcs,
    no outside requests). Every ring is ordered the same way, so a segment sits inside
    its group and a company inside its segment."""
    tree = tree.sort_values(
        ["segment_group", "segment_name", "fair_value", "company_name"],
        ascending=[True, True, False, True],
    ).reset_index(drop=True)
    tree = tree.assign(
        segment_group=tree["segment_group"].map(fmt.humanize), position=range(len(tree))
    )
    rings = []
    levels = (
        ("segment_group", "Segment group", 0, 70),
        ("segment_name", "Segment", 72, 140),
        ("company_name", "Company", 142, 200),
    )
    for level, (column, label, inner, outer) in enumerate(levels):
        keys = ["segment_group", "segment_name", "company_name"][: level + 1]
        ring = (
            tree.groupby(keys, sort=False)
            .agg(fair_value=("fair_value", "sum"), position=("position", "min"))
            .reset_index()
        )
        ring["share"] = ring["fair_value"] / ring["fair_value"].sum()
        ring["name"] = ring[column]
        ring["fair_value_label"] = [fmt.money(v, currency) for v in ring["fair_value"]]
        ring["share_label"] = [fmt.pct(v) for v in ring["share"]]
        rings.append(
            alt.Chart(ring)
            .mark_arc(innerRadius=inner, outerRadius=outer, stroke="white", strokeWidth=1)
            .encode(
                theta=alt.Theta("fair_value:Q", stack=True),
                order=alt.Order("position:Q"),
                color=alt.Color("segment_group:N", title="Segment group").legend(orient="bottom"),
                opacity=alt.value(1.0 - 0.22 * level),
                tooltip=[
                    alt.Tooltip("name:N", title=label),
                    alt.Tooltip("share_label:N", title="Share of fair value"),
                    alt.Tooltip("fair_value_label:N", title=f"Fair value ({currency})"),
                ],
            )
        )
    return alt.layer(*rings, title=title).properties(height=420)


NO_CHANGE = "no change"


def delta(now: object, before: object, kind: str, currency: str = "") -> str | None:
    """The change since an earlier value, formatted like the value (`NO_CHANGE` when it
    rounds to zero); None if either is missing (st.metric then shows no delta)."""
    if fmt.is_missing(now) or fmt.is_missing(before):
        return None
    change = float(now) - float(before)
    if kind == "money":
        text = fmt.money(abs(change), currency)
        zero = text == fmt.money(0, currency)
        text = f"{'-' if change < 0 else '+'}{text}"
    elif kind == "multiple":
        text = f"{change:+.2f}x"
        zero = round(change, 2) == 0
    elif kind == "pct":
        text = fmt.points(change)
        zero = round(change * 100, 1) == 0
    elif kind == "number":
        text = f"{change:+,.0f}"
        zero = round(change) == 0
    else:
        text = f"{change:+.2f}"
        zero = round(change, 2) == 0
    return NO_CHANGE if zero else text


def metric(
    col,
    label: str,
    value: str,
    change: str | None,
    *,
    help: str,
    delta_color: str = "normal",
) -> None:
    """st.metric with a change since an earlier quarter ('no change' without an arrow)."""
    flat = change == NO_CHANGE
    col.metric(
        label,
        value,
        change,
        delta_color="off" if flat else delta_color,
        delta_arrow="off" if flat else "auto",
        help=help,
        border=True,
    )


def jcurve_data(history: pd.DataFrame) -> pd.DataFrame:
    """Per quarter end: cumulative net cash flow to LPs (distributed - paid-in) and that
    plus the NAV (what the LPs have, in cash and in value)."""
    data = pd.DataFrame({"quarter_end": pd.to_datetime(history["quarter_end"])})
    data["net_cash_flow"] = history["distributed_capital"] - history["paid_in_capital"]
    data["net_value"] = data["net_cash_flow"] + history["net_asset_value"]
    data["quarter"] = [fmt.quarter_label(q) for q in data["quarter_end"]]
    return data


def jcurve_chart(history: pd.DataFrame, currency: str) -> alt.LayerChart:
    """The J-curve: cumulative net cash flow to LPs as bars, with the NAV on top as a line."""
    data = jcurve_data(history)
    data["net_cash_flow_label"] = [fmt.money(v, currency) for v in data["net_cash_flow"]]
    data["net_value_label"] = [fmt.money(v, currency) for v in data["net_value"]]
    x = quarter_axis()
    tooltip = [
        alt.Tooltip("quarter:N", title="Quarter"),
        alt.Tooltip("net_cash_flow_label:N", title="Net cash flow to LPs"),
        alt.Tooltip("net_value_label:N", title="Net cash flow + NAV"),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("net_cash_flow:Q", title=f"Amount ({currency})").axis(format="~s"),
            color=alt.condition(
                alt.datum.net_cash_flow >= 0, alt.value("#2a7ab0"), alt.value("#d1495b")
            ),
            tooltip=tooltip,
        )
    )
    line = (
        alt.Chart(data)
        .mark_line(point=True, color="#333333")
        .encode(x=x, y="net_value:Q", tooltip=tooltip)
    )
    return alt.layer(
        bars,
        line,
        title=alt.Title(
            "J-curve: net cash flow to LPs, NAV on top",
            subtitle="Bars: distributed - paid-in to date. Line: the same plus the NAV.",
        ),
    )


# --- downloads of LP data (audited) -----------------------------------------------


def record_download(detail: str) -> None:
    """Write a download of LP data to the audit log (the signed-in user, now)."""
    user = st.session_state.get(USER_KEY)
    audit.log(home(), "download", getattr(user, "username", None), client_address(), detail=detail)


def download_lp_csv(df: pd.DataFrame, name: str, key: str, detail: str) -> None:
    """A CSV download button for LP data; each click is recorded in the audit log."""
    fmt.download_csv(df, name, key, on_click=record_download, args=(detail,))
