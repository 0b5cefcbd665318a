"""The `fundlens` command: a thin layer over refresh.py and the app."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
from pathlib import Path

from fundlens import PROJECT_DIR, SEEDS_DIR, users
from fundlens.errors import FundLensError
from fundlens.generate import PRESETS, generate
from fundlens.home import published_version, read_runs, resolve_home
from fundlens.refresh import ENGINES, RefreshBusy, refresh, rollback

EXIT_FAILED = 1  # bad input, failed audit, nothing to roll back
EXIT_BUSY = 3  # another refresh or rollback holds the lock
SLOWEST_SHOWN = 5  # dbt nodes listed after a refresh

HOME_HELP = "FundLens home (default: $FUNDLENS_HOME, else .fundlens/ in the project)"


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def cmd_refresh(args: argparse.Namespace) -> int:
    record = refresh(
        args.seeds,
        args.home,
        keep=args.keep,
        wait=args.wait,
        engine=args.engine,
        progress=_progress,
    )
    home = resolve_home(args.home)
    tests = record["tests"]
    print(
        f"Published version {record['version_id']} in {home}\n"
        f"  {sum(v['rows'] or 0 for v in record['inputs'].values())} input rows, "
        f"{len(record['marts'])} marts, "
        f"{sum(tests.values())} checks ({tests.get('pass', 0)} passed), "
        f"{sum(record['timings'].values()):.1f}s"
        + (f" on Spark; Parquet marts in {home / 'spark'}" if args.engine == "spark" else "")
    )
    steps = ", ".join(f"{name} {took:.1f}s" for name, took in record["timings"].items())
    parse = record.get("dbt", {}).get("parse_seconds")
    print(f"  steps: {steps}" + (f" (dbt parse {parse:.1f}s of the build)" if parse else ""))
    slowest = record.get("dbt", {}).get("nodes", [])[:SLOWEST_SHOWN]
    if slowest:
        print("  slowest dbt nodes: " + ", ".join(
            f"{n['node'].split('.')[-1]} {n['seconds']:.1f}s" for n in slowest
        ))  # fmt: skip
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    preset = PRESETS[args.preset]
    funds = args.funds or preset.funds
    companies = args.companies or preset.companies
    started = time.perf_counter()
    counts = generate(args.out, seed=args.seed, funds=funds, companies=companies, progress=True)
    print(
        f"Wrote {len(counts)} files, {sum(counts.values()):,} rows ({funds} funds, "
        f"{companies} companies, seed {args.seed}) to {args.out} "
        f"in {time.perf_counter() - started:.1f}s"
    )
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    version = rollback(args.home, wait=args.wait)
    print(f"Republished version {version} in {resolve_home(args.home)}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    runs = read_runs(home, limit=args.limit)
    current = published_version(home)
    if args.json:
        print(json.dumps({"home": str(home), "published": current, "runs": runs}, indent=2))
        return 0
    print(f"Home:      {home}")
    print(f"Published: {current or 'nothing yet (run `fundlens refresh`)'}")
    if runs:
        print("\nLast runs (newest first):")
    for run in runs:
        took = sum(run.get("timings", {}).values())
        print(
            f"  {run['run_id']}  {run['outcome']:<9}  started {run['started_at']}  "
            f"{took:6.1f}s  {run.get('action', 'refresh')}"
        )
        if run["outcome"] == "failed" and run.get("error"):
            first_lines = run["error"].splitlines()[:6]
            print("\n".join("      " + line for line in first_lines))
    return 0


LOCAL_ADDRESSES = {"127.0.0.1", "localhost", "::1"}


def cmd_app(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    if published_version(home) is None:
        print(
            f"Note: nothing is published in {home} yet; run `fundlens refresh` first.",
            file=sys.stderr,
        )
    if not users.list_users(home):
        print(
            f"Note: no users in {home} yet, so nobody can sign in; create one with "
            "`fundlens users add USERNAME --role operator --password-stdin`.",
            file=sys.stderr,
        )
    if args.address not in LOCAL_ADDRESSES:
        print(
            f"Warning: serving on {args.address}, not only this machine. Anyone who can reach "
            "it can try to sign in, and Streamlit sends passwords and LP data unencrypted: "
            "production needs HTTPS in front (a reverse proxy terminating TLS), and the "
            "README shows how to use your identity provider (st.login) instead of passwords.",
            file=sys.stderr,
        )
    os.environ["FUNDLENS_HOME"] = str(home)
    streamlit_args = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PROJECT_DIR / "app" / "streamlit_app.py"),
        "--server.address",
        args.address,
        "--server.port",
        str(args.port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
    ]
    os.execv(sys.executable, streamlit_args)
    return 0  # not reached


def _read_password(args: argparse.Namespace) -> str:
    """The new password: from standard input (--password-stdin), else asked twice."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise FundLensError("no password on standard input")
        return password
    if not sys.stdin.isatty():
        raise FundLensError("give the password on standard input with --password-stdin")
    password = getpass.getpass("New password: ")
    if getpass.getpass("Repeat it: ") != password:
        raise FundLensError("the two passwords differ")
    return password


def cmd_users_add(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    users.User(args.username, args.role, args.lp_id)  # a bad role / lp_id before any prompt
    if args.role == "lp":
        users.check_lp_id(home, args.lp_id)
    user = users.add_user(home, args.username, args.role, _read_password(args), args.lp_id)
    lp = f" for LP {user.lp_id}" if user.lp_id else ""
    print(f"Added {user.role} {user.username}{lp} in {users.users_db_path(home)}")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    listed = users.list_users(resolve_home(args.home))
    if args.json:
        print(json.dumps([u.__dict__ for u in listed], indent=2))
        return 0
    if not listed:
        print("No users yet: add one with `fundlens users add`.")
    for user in listed:
        print(f"{user.username:<24} {user.role:<9} {user.lp_id or ''}".rstrip())
    return 0


def cmd_users_remove(args: argparse.Namespace) -> int:
    users.remove_user(resolve_home(args.home), args.username)
    print(f"Removed {args.username}")
    return 0


def cmd_users_set_password(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    if users.get_user(home, args.username) is None:
        raise FundLensError(f"no user {args.username!r}")
    users.set_password(home, args.username, _read_password(args))
    print(f"Changed the password of {args.username}")
    return 0


def cmd_users_demo(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    created, path = users.create_demo_users(home)
    if not created:
        print(f"Demo users exist already; their passwords were written to {path} (0600).")
        return 0
    print(f"Demo users (demo credentials: shown once, also saved to {path}, readable by you only):")
    for user, password in created:
        lp = f"  (LP {user.lp_id})" if user.lp_id else ""
        print(f"  {user.username:<12} {password}  {user.role}{lp}")
    print("Replace them before real use: see `fundlens users --help` and the README.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fundlens",
        description=(
            "FundLens: a portfolio-tracking warehouse for venture funds. "
            "Load the input CSVs, build and publish the marts, and explore them."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "refresh",
        help="validate the input CSVs, build the warehouse and publish it",
        description=(
            "Write-audit-publish: load and validate every input CSV, build every model "
            "and run every test into a new candidate, then publish it atomically. On any "
            "problem nothing published changes, and the report names file, line, column "
            "and rule. Exit codes: 0 published, 1 refused (bad input or failed audit), "
            "3 another refresh is running."
        ),
    )
    p.add_argument(
        "--seeds",
        type=Path,
        default=SEEDS_DIR,
        metavar="DIR",
        help="directory with the input CSVs (default: the demo data in seeds/); "
        "segments/industries/countries may be left out to use the shipped ones",
    )
    p.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    p.add_argument(
        "--keep", type=_positive, default=5, metavar="N", help="versions kept (default 5)"
    )
    p.add_argument("--wait", action="store_true", help="queue behind a running refresh")
    p.add_argument(
        "--engine",
        choices=ENGINES,
        default="duckdb",
        help="what runs the dbt models and tests: duckdb (default, embedded) or spark "
        "(a local Spark session; needs `make java spark`; also publishes the public marts "
        "as Parquet folders in <home>/spark/)",
    )
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser(
        "generate",
        help="write a synthetic portfolio (every input CSV) for demos and benchmarks",
        description=(
            "Write a complete, valid input directory in the data contract's format: funds, "
            "companies, investments, exits, marks, FX, KPIs, LPs and commitments, plus the "
            "reference files. The same arguments always give byte-identical files. "
            "Presets: "
            + "; ".join(
                f"{name} ({p.funds} funds, {p.companies:,} companies: {p.about})"
                for name, p in PRESETS.items()
            )
            + ". --preset demo --out seeds reproduces the shipped demo data."
        ),
    )
    p.add_argument("--out", type=Path, required=True, metavar="DIR",
                   help="directory to write the CSVs into (created if missing; "
                   "files of the same names are replaced)")  # fmt: skip
    p.add_argument("--preset", choices=list(PRESETS), default="demo",
                   help="portfolio size (default: demo)")  # fmt: skip
    p.add_argument(
        "--funds", type=_positive, metavar="N", help="number of funds (overrides the preset)"
    )
    p.add_argument("--companies", type=_positive, metavar="N",
                   help="number of portfolio companies (overrides the preset)")  # fmt: skip
    p.add_argument("--seed", type=int, default=7, metavar="S", help="random seed (default: 7)")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser(
        "rollback",
        help="republish the previous version",
        description="Point the published warehouse back at the previous kept version.",
    )
    p.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    p.add_argument("--wait", action="store_true", help="queue behind a running refresh")
    p.set_defaults(func=cmd_rollback)

    p = sub.add_parser(
        "status",
        help="show the published version and the last runs",
        description="Show the published version and the last refresh runs, with errors.",
    )
    p.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--limit", type=int, default=10, metavar="N", help="runs shown (default 10)")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser(
        "app",
        help="start the web app",
        description="Start the FundLens web app on the published warehouse.",
    )
    p.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    p.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    p.add_argument(
        "--address",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1: this machine only)",
    )
    p.set_defaults(func=cmd_app)

    p = sub.add_parser(
        "users",
        help="manage who may sign in to the app",
        description=(
            "Users of the app, kept in <home>/users.sqlite (readable by its owner only; "
            "passwords stored as argon2id hashes). Roles: operator (everything), analyst "
            "(public marts, no LP data), lp (one LP's funds and capital account; needs "
            f"--lp-id). Passwords: {users.PASSWORD_RULE}."
        ),
    )
    users_sub = p.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    u = users_sub.add_parser("add", help="add a user", description="Add a user.")
    u.add_argument("username", help=users.USERNAME_RULE)
    u.add_argument("--role", required=True, choices=users.ROLES)
    u.add_argument("--lp-id", metavar="ID", help="the LP a user of role lp reads (required for lp)")
    u.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    u.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    u.set_defaults(func=cmd_users_add)
    u = users_sub.add_parser("list", help="list the users", description="List the users.")
    u.add_argument("--json", action="store_true", help="machine-readable output")
    u.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    u.set_defaults(func=cmd_users_list)
    u = users_sub.add_parser("remove", help="remove a user", description="Remove a user.")
    u.add_argument("username")
    u.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    u.set_defaults(func=cmd_users_remove)
    u = users_sub.add_parser(
        "set-password", help="change a password", description="Change a user's password."
    )
    u.add_argument("username")
    u.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    u.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    u.set_defaults(func=cmd_users_set_password)
    u = users_sub.add_parser(
        "demo",
        help="create the demo users (make run does this)",
        description=(
            "Create one operator, one analyst and two LPs of different funds with generated "
            "passwords, print them once and append them to <home>/demo-credentials.txt (0600). "
            "Existing users are left alone. Demo credentials: replace them before real use."
        ),
    )
    u.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    u.set_defaults(func=cmd_users_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except RefreshBusy as exc:
        print(f"fundlens {args.command}: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except FundLensError as exc:
        print(f"fundlens {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"fundlens {args.command}: interrupted; nothing was published.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
