"""``python manage.py design``: run as a user runs it, in a subprocess (works with or without pytest-django)."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def manage(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), "design", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


@cache
def designable_example() -> Path:
    """The first example the engine can design today (units land one by one while the engine is built)."""
    from agents.engine.design import design

    for path in EXAMPLES:
        try:
            design(path)
        except Exception:  # a unit type not available yet
            continue
        return path
    pytest.skip("no example can be designed yet: the units its train needs are still missing")


def test_json_output_follows_the_documented_contract():
    example = designable_example()
    done = manage(str(example))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    schema = json.loads((ROOT / "docs" / "design.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["capex"]["cost_year"] == 2024 and data["units"]


def test_text_output_in_another_currency():
    example = designable_example()
    done = manage(str(example), "--format", "text", "--currency", "USD")
    assert done.returncode == 0, done.stderr
    assert "Design basis" in done.stdout and "Costs (USD of 2024)" in done.stdout and "LCOW" in done.stdout


def test_bad_requirements_give_every_problem_and_exit_status_1_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"sector": "industrial", "subsector": "dairy", "flow": {"average": "-5 m3/d"},
                               "destination": "the moon"}), encoding="utf-8")
    done = manage(str(bad))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert "flow.average" in done.stderr and "destination" in done.stderr


def test_a_file_that_is_not_json_is_a_clean_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json", encoding="utf-8")
    done = manage(str(bad))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "not valid JSON" in done.stderr


def test_a_missing_file_is_a_clean_error():
    done = manage("no/such/file.json")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "no such file" in done.stderr


def test_an_unknown_currency_is_a_clean_error():
    example = designable_example()
    done = manage(str(example), "--currency", "XYZ")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "XYZ" in done.stderr
