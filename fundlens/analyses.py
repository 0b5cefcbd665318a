"""The dbt analyses in `analyses/`: questions analysts ask, ready to run in the sandbox.

Each file is a dbt analysis whose leading `--` comment says what it answers. dbt
compiles them (`dbt compile --select resource_type:analysis`); the app and `fundlens
sql` users need them without a dbt run, so `render()` resolves `ref('<mart>')` to
`marts.<mart>`, the name the mart has in public.duckdb. Analyses use nothing but
`ref()` (portable SQL, no macros): anything else fails to render, loudly, and a test
checks that dbt's compiled SQL and ours return the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fundlens import PROJECT_DIR
from fundlens.errors import FundLensError

ANALYSES_DIR = PROJECT_DIR / "analyses"
PUBLIC_SCHEMA = "marts"


@dataclass(frozen=True)
class Analysis:
    name: str  # the file name without .sql, as dbt knows it
    title: str  # the name for people
    question: str  # the leading comment: what the analysis answers
    sql: str  # ready to run on public.duckdb


def render(source: str) -> str:
    """The analysis with every `{{ ref('mart') }}` as `marts.mart`."""
    import jinja2

    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    env.globals["ref"] = lambda name: f"{PUBLIC_SCHEMA}.{name}"
    try:
        return env.from_string(source).render().strip() + "\n"
    except jinja2.TemplateError as exc:
        raise FundLensError(f"The analysis uses more than ref(): {exc}") from exc


def _question(source: str) -> str:
    lines = []
    for line in source.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    return " ".join(lines)


def list_analyses(directory: Path = ANALYSES_DIR) -> list[Analysis]:
    """Every analysis in `directory`, by name."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        source = path.read_text()
        found.append(
            Analysis(
                name=path.stem,
                title=path.stem.replace("_", " ").capitalize(),
                question=_question(source),
                sql=render(source),
            )
        )
    return found
