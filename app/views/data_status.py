"""Data status: what is published, and how the last refreshes went (for fund operators)."""

import pandas as pd
import streamlit as st

import formatting as fmt
import queries
import ui
from fundlens import home as fl_home

user = ui.require_user()
st.title("Data status")


def _when(text: str | None) -> str:
    """An ISO timestamp as `26 Nov 2026 14:05 UTC`."""
    ts = pd.to_datetime(text, utc=True, errors="coerce")
    return fmt.DASH if pd.isna(ts) else f"{ts:%d %b %Y %H:%M} UTC"


home = fl_home.resolve_home()
warehouse = queries.current_warehouse(home)
notes: list[str] = []
runs = queries.refresh_runs(user, home, notes=notes)

last_published = next((r for r in runs if r.get("outcome") == "published"), None)
published_at = _when(last_published.get("finished_at")) if last_published else fmt.DASH
st.markdown(
    f"**Published version:** {fmt.plain(warehouse.version if warehouse else 'none')}  \n"
    f"**Last successful refresh:** {published_at}  \n"
    f"**FundLens home:** {fmt.plain(home)}"
)
for note in notes:
    st.warning(fmt.plain(note), icon=":material/report:")

if warehouse is None:
    st.info(
        "Nothing is published yet. Run `fundlens refresh` to build and publish the warehouse; "
        "if a refresh failed, its problems are listed below."
    )
if not runs:
    st.caption("No refresh has been recorded in this home yet.")
    st.stop()


def _duration(run: dict) -> float | None:
    try:
        start = pd.Timestamp(run["started_at"])
        end = pd.Timestamp(run["finished_at"])
    except (KeyError, TypeError, ValueError):
        return None
    if pd.isna(start) or pd.isna(end):
        return None
    return (end - start).total_seconds()


def _tests(run: dict, outcome: str) -> int | None:
    """How many dbt tests ended with `outcome`; None when the run got to no tests."""
    tests = run.get("tests") or {}
    return int(tests.get(outcome, 0)) if tests else None


st.subheader("Recent refreshes")
table = pd.DataFrame(
    [
        {
            "run_id": r.get("run_id"),
            "outcome": r.get("outcome"),
            "version_id": r.get("version_id"),
            "started_at": _when(r.get("started_at")),
            "duration_s": _duration(r),
            "input_files": len(r.get("inputs") or {}),
            "tests_passed": _tests(r, "pass"),
            "tests_failed": _tests(r, "fail"),
            "tests_errored": _tests(r, "error"),
            "problems": len(r.get("problems") or []),
            "seeds_dir": r.get("seeds_dir"),
        }
        for r in runs
    ]
)
st.dataframe(
    table,
    hide_index=True,
    column_config={
        "run_id": "Run",
        "outcome": "Outcome",
        "version_id": "Version",
        "started_at": "Started",
        "duration_s": st.column_config.NumberColumn("Duration (s)", format="%.1f"),
        "input_files": fmt.count_column("Input files"),
        "tests_passed": fmt.count_column("Tests passed"),
        "tests_failed": fmt.count_column("Tests failed"),
        "tests_errored": fmt.count_column("Tests errored"),
        "problems": fmt.count_column("Input problems"),
        "seeds_dir": "Input directory",
    },
)
fmt.download_csv(table, "refresh_runs", key="csv_runs")

failed = [r for r in runs if r.get("outcome") == "failed"]
if failed:
    st.subheader("Failed refreshes")
    by_id = {r["run_id"]: r for r in failed}
    run_id = st.selectbox("Failed run", list(by_id), key="failed_run")
    run = by_id[run_id]
    if run.get("error"):
        st.error(fmt.plain_lines(run["error"]))
    problems = pd.DataFrame(
        run.get("problems") or [], columns=["file", "line", "column", "rule", "value", "message"]
    )
    if problems.empty:
        st.caption("No input problems recorded for this run.")
    else:
        st.dataframe(
            problems,
            hide_index=True,
            column_config={
                "file": "File",
                "line": st.column_config.NumberColumn(
                    "Line", format="%d", help="As your editor shows it (header = line 1)."
                ),
                "column": "Column",
                "rule": "Rule",
                "value": "Value",
                "message": st.column_config.TextColumn("What to fix", width="large"),
            },
        )
        fmt.download_csv(problems, f"problems_{run_id}", key="csv_problems")

published_run = next(
    (r for r in runs if warehouse and r.get("version_id") == warehouse.version and "tests" in r),
    None,
)
warnings = (published_run or {}).get("data_warnings") or []
st.subheader("Warnings on the published data")
if not published_run:
    st.caption("No refresh record of the published version.")
elif not warnings:
    st.caption("None: every check passed without a warning.")
for i, w in enumerate(warnings):
    st.warning(
        f"**{fmt.plain(w.get('message'))}**: {int(w.get('count') or 0)} row(s)  \n"
        f"Check {fmt.plain(w.get('check'))}; the data was published anyway.",
        icon=":material/warning:",
    )
    examples = pd.DataFrame(w.get("examples") or [])
    if not examples.empty:
        st.dataframe(examples, hide_index=True, key=f"warning_examples_{i}")

latest = runs[0]
with st.expander(f"Details of the latest run ({latest.get('run_id')})"):
    timings = latest.get("timings") or {}
    marts = latest.get("marts") or {}
    inputs = latest.get("inputs") or {}
    t1, t2, t3 = st.columns(3)
    t1.dataframe(
        pd.DataFrame({"step": list(timings), "seconds": list(timings.values())}),
        hide_index=True,
        column_config={"step": "Step", "seconds": st.column_config.NumberColumn(format="%.2f")},
    )
    t2.dataframe(
        pd.DataFrame({"mart": list(marts), "rows": list(marts.values())}),
        hide_index=True,
        column_config={"mart": "Mart", "rows": fmt.count_column("Rows")},
    )
    t3.dataframe(
        pd.DataFrame(
            {
                "file": list(inputs),
                "rows": [v.get("rows") for v in inputs.values()],
                "sha256": [str(v.get("sha256") or "")[:12] for v in inputs.values()],
            }
        ),
        hide_index=True,
        column_config={"file": "Input file", "rows": fmt.count_column("Rows"), "sha256": "SHA-256"},
    )
