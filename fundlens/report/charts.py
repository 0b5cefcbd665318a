"""Charts of the PDF report, drawn with matplotlib (no browser, no network) as PNG bytes.

Each function takes plain data frames and returns the PNG of one figure. Figures are
built with matplotlib's object API (no pyplot state), in the DejaVu Sans font that ships
with matplotlib, the same font the PDF embeds. Axis labels use the shared formatting
(`fundlens.formatting`), so a chart reads like the tables beside it.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from fundlens import formatting as fmt

# One palette for every chart (colour-blind safe: Okabe & Ito).
BLUE, ORANGE, GREEN, GREY, VERMILION = "#0072B2", "#E69F00", "#009E73", "#6E6E6E", "#D55E00"
DPI = 170  # sharp on screen and in print at the size the PDF shows them
_STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#E3E3E3",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 7.5,
    "text.parse_math": False,  # labels are user text: "$...$" in a name is not mathtext
}


def font_path(name: str = "DejaVuSans.ttf") -> Path:
    """A TrueType font shipped inside matplotlib (DejaVu), for the PDF to embed."""
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    FigureCanvasAgg(fig)
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def _figure(width_in: float, height_in: float, layout: str | None = "constrained") -> Figure:
    """A figure; `layout=None` for a grid laid out by hand (constrained layout is slow)."""
    return Figure(figsize=(width_in, height_in), layout=layout)


def _date_axis(ax) -> None:
    locator = AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, show_offset=False))


def multiples_over_time(history: pd.DataFrame) -> bytes:
    """TVPI, DPI and RVPI of each quarter (`history`: quarter_end, tvpi, dpi, rvpi)."""
    with matplotlib.rc_context(_STYLE):
        fig = _figure(3.5, 2.6)
        ax = fig.add_subplot()
        x = pd.to_datetime(history["quarter_end"])
        for column, label, colour in (
            ("tvpi", "TVPI", BLUE),
            ("dpi", "DPI", GREEN),
            ("rvpi", "RVPI", ORANGE),
        ):
            ax.plot(x, history[column], label=label, color=colour, linewidth=1.6)
        ax.set_title("Multiples of paid-in capital")
        ax.set_ylabel("Multiple of paid-in capital (x)")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}x"))
        ax.set_ylim(bottom=0)
        _date_axis(ax)
        fig.legend(loc="outside lower center", ncols=3)
        return _png(fig)


def j_curve(history: pd.DataFrame, currency: str) -> bytes:
    """Cumulative net cash flow to LPs (distributed - paid-in) and the same plus NAV."""
    with matplotlib.rc_context(_STYLE):
        fig = _figure(3.5, 2.6)
        ax = fig.add_subplot()
        x = pd.to_datetime(history["quarter_end"])
        net = history["distributed_capital"] - history["paid_in_capital"]
        with_nav = net + history["net_asset_value"]
        ax.fill_between(x, net, 0, color=VERMILION, alpha=0.25, linewidth=0)
        ax.plot(x, net, color=VERMILION, linewidth=1.6, label="Net cash flow to LPs")
        ax.plot(x, with_nav, color=BLUE, linewidth=1.6, label="Net cash flow + NAV")
        ax.axhline(0, color=GREY, linewidth=0.8)
        ax.set_title("J-curve")
        ax.set_ylabel(f"Cumulative amount ({currency})")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.money(v, currency)))
        _date_axis(ax)
        fig.legend(loc="outside lower center", ncols=2)
        return _png(fig)


def exposure_panels(
    panels: list[tuple[str, pd.DataFrame]], keep_order: tuple[str, ...] = (), limit: int = 8
) -> bytes:
    """A 2 x 2 grid of horizontal bars: each panel's `label` by `nav_share`, largest first
    (panels titled in `keep_order` keep the frame's order, e.g. seed, early, growth).

    `panels` holds (title, frame with columns label and nav_share); the rest beyond
    `limit` bars is summed into one "Other" bar.
    """
    with matplotlib.rc_context(_STYLE):
        fig = _figure(7.2, 5.6, layout=None)
        fig.subplots_adjust(left=0.24, right=0.98, top=0.95, bottom=0.08, wspace=1.1, hspace=0.4)
        axes = fig.subplots(2, 2).flatten()
        for ax, (title, frame) in zip(axes, panels, strict=False):
            data = frame if title in keep_order else frame.sort_values("nav_share", ascending=False)
            if len(data) > limit:
                rest = data.iloc[limit - 1 :]["nav_share"].sum()
                data = pd.concat(
                    [
                        data.iloc[: limit - 1],
                        pd.DataFrame({"label": ["Other"], "nav_share": [rest]}),
                    ]
                )
            labels = [_shorten(str(v)) for v in data["label"]][::-1]
            ax.barh(labels, data["nav_share"].fillna(0).tolist()[::-1], color=BLUE, height=0.6)
            ax.set_title(title, loc="left")
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            ax.set_xlabel("Share of portfolio fair value (%)")
            ax.grid(axis="y", visible=False)
            if data.empty:
                ax.text(0.5, 0.5, "No holdings", ha="center", va="center", transform=ax.transAxes)
        for ax in axes[len(panels) :]:
            ax.set_visible(False)
        return _png(fig)


def _shorten(text: str, width: int = 26) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
