"""The dbt project's own standards: documentation, keys, contracts, exposures, layering."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from fundlens import PROJECT_DIR
from fundlens.build import run_dbt

KEY_TESTS = {"unique", "unique_combination_of_columns"}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("dbt-parse")
    run = run_dbt(["parse"], work / "unused.duckdb", work)
    assert run.success, run.errors
    assert run.warnings == [], run.warnings
    return json.loads((work / "target" / "manifest.json").read_text())


def _models(manifest: dict) -> list[dict]:
    return [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]


def test_every_model_and_column_is_documented(manifest, warehouse):
    missing = []
    for node in _models(manifest):
        if not node["description"].strip():
            missing.append(node["name"])
        documented = {c for c, col in node["columns"].items() if col["description"].strip()}
        built = {
            r[0]
            for r in warehouse.execute(
                "select column_name from duckdb_columns() where schema_name = ? and table_name = ?",
                [node["schema"], node["alias"]],
            ).fetchall()
        }
        assert built, f"{node['name']} is not in the demo warehouse"
        missing += [f"{node['name']}.{c}" for c in sorted(built - documented)]
    for source in manifest["sources"].values():
        if not source["description"].strip():
            missing.append(f"source {source['name']}")
        missing += [
            f"source {source['name']}.{c}"
            for c, col in source["columns"].items()
            if not col["description"].strip()
        ]
    assert missing == [], f"undocumented: {missing}"


def test_every_model_has_a_tested_primary_key(manifest):
    keyed = set()
    for node in manifest["nodes"].values():
        meta = node.get("test_metadata") or {}
        if node["resource_type"] == "test" and meta.get("name") in KEY_TESTS:
            keyed.update(node["depends_on"]["nodes"])
    unkeyed = [n["name"] for n in _models(manifest) if n["unique_id"] not in keyed]
    assert unkeyed == []


def test_marts_have_enforced_contracts_and_staging_reads_only_sources(manifest):
    for node in _models(manifest):
        folder = Path(node["original_file_path"]).parts[1]
        if folder == "marts":
            assert node["contract"]["enforced"], node["name"]
            assert node["schema"] in ("marts", "private"), node["name"]
            assert not node["depends_on"]["nodes"] or all(
                not d.startswith("source.") for d in node["depends_on"]["nodes"]
            ), f"{node['name']} reads a source directly"
        if folder == "staging":
            assert all(d.startswith("source.") for d in node["depends_on"]["nodes"]), node["name"]


def test_the_app_and_the_analysts_are_declared_exposures(manifest):
    exposures = list(manifest["exposures"].values())
    assert len(exposures) >= 2
    app_deps = {
        d.split(".")[-1]
        for e in exposures
        if e["type"] == "application"
        for d in e["depends_on"]["nodes"]
    }
    assert {"exposure_by_segment", "exposure_by_industry", "fund_performance"} <= app_deps


def test_private_marts_are_not_in_the_analysts_exposure(manifest):
    for exposure in manifest["exposures"].values():
        if exposure["type"] == "analysis":
            assert not any("lp_capital_accounts" in d for d in exposure["depends_on"]["nodes"])


def test_docs_generate_works(demo_home: Path, tmp_path: Path):
    db = tmp_path / "docs.duckdb"  # a copy: dbt opens its database read-write
    db.write_bytes((demo_home / "warehouse.duckdb").read_bytes())
    run = run_dbt(["docs", "generate"], db, tmp_path)
    assert run.success, run.failures()
    catalog = json.loads((tmp_path / "target" / "catalog.json").read_text())
    documented = {node.split(".")[-1] for node in catalog["nodes"]}
    assert {"fund_performance", "exposure_by_segment", "lp_capital_accounts"} <= documented


def test_unit_tests_pass_though_a_refresh_leaves_them_out(manifest, demo_home, tmp_path):
    """A refresh runs the data tests only (build.BUILD); the unit tests run here."""
    from fundlens.build import BUILD

    assert "unit_test" in BUILD
    db = tmp_path / "unit.duckdb"  # a copy: dbt opens its database read-write
    db.write_bytes((demo_home / "warehouse.duckdb").read_bytes())
    run = run_dbt(["test", "--select", "test_type:unit"], db, tmp_path)
    assert run.success, run.failures()
    unit_tests = set(manifest["unit_tests"])
    assert len(unit_tests) >= 7
    statuses = {r["unique_id"]: r["status"] for r in run.results if r["unique_id"] in unit_tests}
    assert statuses == dict.fromkeys(unit_tests, "pass")


def test_every_warning_test_says_what_it_means(manifest):
    """Warn-level tests publish anyway, so their message is all an operator gets."""
    warn = [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test" and n["config"]["severity"].lower() == "warn"
    ]
    names = {n["test_metadata"]["name"] for n in warn}
    assert names == {
        "latest_nav_is_reported",
        "marks_are_recent",
        "fx_rates_are_recent",
        "benchmark_closes_are_recent",
        "paid_in_within_commitments",
        "has_industry_weights",
    }
    for node in warn:
        assert len(node["config"]["meta"].get("warning", "")) > 20, node["name"]


def _graph(manifest: dict) -> tuple[dict, Counter]:
    """Each model's materialization and model parents, and the model parents of each test."""
    names = {
        uid: n["name"] for uid, n in manifest["nodes"].items() if n["resource_type"] == "model"
    }

    def parents(node: dict) -> frozenset[str]:
        return frozenset(names[uid] for uid in node["depends_on"]["nodes"] if uid in names)

    nodes = manifest["nodes"].values()
    models = {
        n["name"]: (n["config"]["materialized"], parents(n))
        for n in nodes
        if n["resource_type"] == "model"
    }
    return models, Counter(parents(n) for n in nodes if n["resource_type"] == "test")


def test_the_benchmarks_bare_project_has_our_graph(manifest, tmp_path: Path):
    """bench-scale's dbt floor is a floor of *our* graph only if its bare project, as
    dbt parses it, has our models, materializations and dependencies, and as many
    tests on the same models."""
    sys.path.insert(0, str(PROJECT_DIR / "benchmarks"))
    import bench_scale

    bench_scale.bare_project(manifest, tmp_path / "bare")
    run = run_dbt(["parse"], tmp_path / "bare.duckdb", tmp_path, project_dir=tmp_path / "bare")
    assert run.success, run.errors
    bare = json.loads((tmp_path / "target" / "manifest.json").read_text())
    assert _graph(bare) == _graph(manifest)
    assert len(_graph(manifest)[0]) > 40 and sum(_graph(manifest)[1].values()) > 200
