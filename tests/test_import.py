"""okrops import: a realistic 200-row spreadsheet of OKRs (CSV and xlsx) into a repository that validates.

The fixture writes the sheet the way people keep OKRs in spreadsheets: a team and its department
named once over their rows, the objective once over its key results (blank cells in CSV, merged
cells in xlsx), numbers with thousands separators and percent signs, confidences as 70% or 0.6,
owners that are people or teams, and a column okrops does not know. The test knows what every row
means and checks each key result in the files written, then runs ``okrops validate``.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from okrops.cli import cli

TODAY = "2026-11-20"
TEAMS = [("Platform", "Engineering"), ("Mobile Apps", "Engineering"), ("Data & ML", "Engineering"),
         ("Sales EMEA", "Commercial"), ("Marketing", "Commercial"), ("Customer Success", "Commercial"),
         ("Supply Chain", "Operations"), ("People Ops", "Operations")]
CYCLES = [("2026-Q4", "2026-Q4"), ("Q1 2027", "2027-Q1"), ("2027-Q2", "2027-Q2")]  # as written, as okrops names it
PEOPLE = ["Dana Kim", "Luis Ortega", "Amara Nwosu", "Jonas Berg"]


@dataclass
class Expected:
    row: int
    unit: str
    cycle: str
    objective: str
    title: str
    baseline: float
    target: float
    current: float
    confidence: float
    measure_unit: str | None
    person: str | None


def slug(name: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def build_rows(count: int = 200, seed: int = 12) -> tuple[list[dict], list[Expected]]:
    """``count`` rows as a person would type them (cells as text or numbers) and what each means."""
    rng = random.Random(seed)
    rows, expected = [], []
    while len(rows) < count:
        for team, department in TEAMS:
            for written, cycle in CYCLES:
                for o in range(1, 4):
                    objective = f"{team} objective {o} in {cycle}: customers notice the difference"
                    for k in range(1, rng.randint(2, 4) + 1):
                        if len(rows) == count:
                            return rows, expected
                        first_of_team = not any(e.unit == slug(team) for e in expected)
                        first_of_objective = k == 1
                        rows.append(_row(rng, len(rows) + 2, team, department, written, cycle, objective, k,
                                         first_of_team, first_of_objective, expected))
    return rows, expected


def _row(rng, number, team, department, written, cycle, objective, k, first_of_team, first_of_objective, expected):
    kind = rng.choice(["count", "percent", "money", "plain"])
    baseline = rng.choice([120, 1200, 4500, 12500, 48])
    target = baseline * rng.choice([2, 3]) if rng.random() < 0.7 else baseline // 2
    current = baseline + (target - baseline) // 3
    if kind == "percent":
        baseline, target, current = rng.choice([12, 20, 35]), rng.choice([45, 60]), rng.choice([25, 30])
    cells = {"baseline": _written(baseline, kind, rng), "target": _written(target, kind, rng),
             "current": _written(current, kind, rng)}
    confidence = rng.choice([0.3, 0.5, 0.6, 0.7, 0.8])
    cells["confidence"] = f"{round(confidence * 100)}%" if rng.random() < 0.5 else str(confidence)
    person = rng.choice(PEOPLE) if rng.random() < 0.6 else None
    title = f"{team} measure {number - 1} moves from {baseline} to {target}"
    row = {"Team": team if first_of_objective else "", "Department": department if first_of_team else "",
           "Quarter": written if first_of_objective else "", "Objective": objective if first_of_objective else "",
           "Key result": title, "Baseline": cells["baseline"], "Target": cells["target"], "Current": cells["current"],
           "Confidence": cells["confidence"], "Owner": person or team, "Notes": rng.choice(["", "see dashboard", "new"])}
    expected.append(Expected(number, slug(team), cycle, objective, title, baseline, target, current, confidence,
                             "%" if kind == "percent" else None, person))
    return row


def _written(value: int, kind: str, rng) -> str:
    if kind == "percent":
        return f"{value}%"
    if kind == "money" or value >= 1000:
        return rng.choice([f"{value:,}", f"{value:,}".replace(",", " ")])
    return str(value)


HEADERS = ["Team", "Department", "Quarter", "Objective", "Key result", "Baseline", "Target", "Current", "Confidence",
           "Owner", "Notes"]


def write_csv(path: Path, rows: list[dict], delimiter: str = ",") -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, HEADERS, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[dict], expected: list[Expected]) -> Path:
    """Numbers as numbers (percentages as fractions shown with a % format), objectives as merged cells."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "OKRs"
    sheet.append(HEADERS)
    for row, meant in zip(rows, expected):
        values = [row[h] for h in HEADERS]
        sheet.append(values)
        line = sheet.max_row
        for column, name in ((6, "baseline"), (7, "target"), (8, "current")):
            cell = sheet.cell(line, column)
            if meant.measure_unit == "%":
                cell.value, cell.number_format = getattr(meant, name) / 100, "0%"
            else:
                cell.value, cell.number_format = getattr(meant, name), "#,##0"
        sheet.cell(line, 9).value, sheet.cell(line, 9).number_format = meant.confidence, "0%"
    start = 2
    for line in range(3, sheet.max_row + 2):  # merge each objective's cells over its key results
        if line > sheet.max_row or sheet.cell(line, 4).value:
            if line - 1 > start:
                sheet.merge_cells(start_row=start, start_column=4, end_row=line - 1, end_column=4)
            start = line
    book.save(path)
    return path


@pytest.fixture
def repo(tmp_path) -> Path:
    runner = CliRunner()
    result = runner.invoke(cli, ["init", str(tmp_path / "acme"), "--org", "Acme", "--today", TODAY, "--no-git"])
    assert result.exit_code == 0, result.output
    return tmp_path / "acme"


def run_import(repo: Path, *args: str):
    return CliRunner().invoke(cli, ["import", *args, "--repo", str(repo)], env={"OKROPS_TODAY": TODAY})


def key_results(repo: Path) -> dict[tuple[str, str, str], tuple[str, dict]]:
    """(unit, cycle, key result title) -> (objective title, key result) for every file under okrs/."""
    found = {}
    for path in (repo / "okrs").rglob("*.yaml"):
        if path.name in ("unit.yaml", "okrops.yaml", "strategy.yaml"):
            continue
        for objective in yaml.safe_load(path.read_text())["objectives"]:
            for kr in objective["key_results"]:
                found[(path.parent.name, path.stem, kr["title"])] = (objective["title"], kr)
    return found


def check_imported(repo: Path, expected: list[Expected]) -> None:
    found = key_results(repo)
    for meant in expected:
        objective, kr = found[(meant.unit, meant.cycle, meant.title)]
        assert objective == meant.objective, meant
        assert (kr["baseline"], kr["target"], kr["current"]) == (meant.baseline, meant.target, meant.current), meant
        assert kr["confidence"] == pytest.approx(meant.confidence), meant
        assert kr.get("unit") == meant.measure_unit, meant
        assert kr.get("x-owner") == meant.person, meant  # a person is kept, a team is the unit itself
        assert kr.get("direction") == ("decrease" if meant.target < meant.baseline else None), meant
    assert len(found) == len(expected) + 6  # and init's six example key results
    validated = CliRunner().invoke(cli, ["validate", str(repo)])
    assert validated.exit_code == 0, validated.output


def test_the_rows_are_realistic():
    rows, expected = build_rows()
    assert len(rows) == len(expected) == 200
    assert sum(1 for r in rows if not r["Objective"]) > 80  # follow-up rows leave the objective blank
    assert any("," in r["Target"] for r in rows) and any(" " in r["Target"] for r in rows)
    assert any(r["Baseline"].endswith("%") for r in rows) and any(r["Confidence"].endswith("%") for r in rows)
    assert {e.cycle for e in expected} == {"2026-Q4", "2027-Q1", "2027-Q2"}


def test_import_a_200_row_csv(repo, tmp_path):
    rows, expected = build_rows()
    result = run_import(repo, str(write_csv(tmp_path / "okrs.csv", rows)))
    assert result.exit_code == 0, result.output
    assert "imported 200 key results in" in result.output
    assert "11 new units, 1 new cycles" in result.output  # 3 departments and 8 teams; 2027-Q2
    assert "note: columns not imported: Notes" in result.output
    assert "updated okrs/okrops.yaml (cycle 2027-Q2, 2027-04-01 to 2027-06-30)" in result.output
    for team, department in TEAMS:
        unit = repo / "okrs/acme" / slug(department) / slug(team) / "unit.yaml"
        assert yaml.safe_load(unit.read_text())["name"] == team
    check_imported(repo, expected)


def test_import_a_200_row_xlsx_with_merged_objective_cells(repo, tmp_path):
    rows, expected = build_rows()
    result = run_import(repo, str(write_xlsx(tmp_path / "okrs.xlsx", rows, expected)))
    assert result.exit_code == 0, result.output
    assert "xlsx, sheet 'OKRs'" in result.output
    check_imported(repo, expected)


def test_import_a_csv_separated_by_semicolons_with_decimal_commas(repo, tmp_path):
    rows, expected = build_rows(60, seed=3)
    european = []
    for row in rows:
        row = dict(row)
        for name in ("Baseline", "Target", "Current"):
            row[name] = row[name].replace(",", ".")  # 1.200: a thousand, where the comma is the decimal mark
        row["Confidence"] = row["Confidence"].replace(".", ",")  # 0,6
        european.append(row)
    path = write_csv(tmp_path / "okrs.csv", european, delimiter=";")
    result = run_import(repo, str(path))
    assert result.exit_code == 0, result.output
    assert "CSV separated by ';'" in result.output
    found = key_results(repo)
    for meant in expected:
        _objective, kr = found[(meant.unit, meant.cycle, meant.title)]
        assert (kr["baseline"], kr["target"], kr["confidence"]) == (meant.baseline, meant.target, meant.confidence)


def snapshot(repo: Path) -> dict:
    return {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}


def test_every_row_that_cannot_be_placed_is_named_and_nothing_is_written(repo, tmp_path):
    rows, expected = build_rows()
    rows[10]["Target"] = "lots"
    rows[40]["Confidence"] = "70"
    rows[41]["Quarter"], rows[41]["Team"], rows[41]["Objective"] = "H1 2027", "Platform", "Another objective"
    rows[41]["Key result"] = "A key result in a cycle nobody knows"
    first_row_of_objective = next(i for i, r in enumerate(rows) if i > 100 and r["Objective"])
    rows[first_row_of_objective]["Objective"] = ""
    rows[first_row_of_objective]["Team"] = "Brand new team"
    # the rows below a bad cycle or objective cell take it too: each of them is named
    follow_cycle = following(rows, 41, "Quarter")
    follow_objective = following(rows, first_row_of_objective, "Objective")
    assert follow_cycle and follow_objective
    before = snapshot(repo)
    path = write_csv(tmp_path / "okrs.csv", rows)
    result = run_import(repo, str(path))
    assert result.exit_code == 1, result.output
    assert snapshot(repo) == before  # nothing written
    output = result.output
    problems = 3 + len(follow_cycle) + 1 + len(follow_objective)
    assert f"nothing imported: {problems} problem(s)" in output
    assert "row 12, column 'Target': 'lots' is not a number" in output
    assert "row 42, column 'Confidence': confidence 70 is not between 0 and 1: write 0.7 or 70%" in output
    for index in [41, *follow_cycle]:
        assert f"row {index + 2}, column 'Quarter': cycle 'H1 2027' is not in okrs/okrops.yaml" in output
    for index in [first_row_of_objective, *follow_objective]:
        assert f"row {index + 2}, column 'Objective': no objective here or in the rows above" in output
    assert "Traceback" not in output

    partial = run_import(repo, str(path), "--partial")
    assert partial.exit_code == 1
    assert f"imported {200 - problems} key results" in partial.output
    assert partial.output.count("skipped: ") == problems
    validated = CliRunner().invoke(cli, ["validate", str(repo)])
    assert validated.exit_code == 0, validated.output


def following(rows: list[dict], index: int, column: str) -> list[int]:
    """The rows after ``index`` that leave ``column`` blank (they take its value)."""
    result = []
    for later in range(index + 1, len(rows)):
        if rows[later][column]:
            break
        result.append(later)
    return result


def test_importing_again_is_refused_and_changes_nothing(repo, tmp_path):
    rows, _expected = build_rows(40)
    path = write_csv(tmp_path / "okrs.csv", rows)
    assert run_import(repo, str(path)).exit_code == 0
    before = snapshot(repo)
    again = run_import(repo, str(path))
    assert again.exit_code == 1
    assert "exists (rows 2-" in again.output and "never into existing ones" in again.output
    assert snapshot(repo) == before


def test_explicit_ids_that_clash_are_refused(repo, tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text("Team,Quarter,Objective ID,Objective,KR ID,Key result,Target\n"
                    "acme,2027-Q1,O1,Grow,KR1,Signups from 10 to 20,20\n"
                    ",,O1,Grow,KR1,Activation from 10 to 20,20\n"
                    ",,O1,Shrink costs,KR2,Costs fall from 10 to 5,5\n")
    result = run_import(repo, str(path))
    assert result.exit_code == 1
    assert "row 3, column 'KR ID': key result id 'KR1' is used twice in objective O1" in result.output
    assert "row 4, column 'Objective ID': objective id 'O1' is 'Grow' in row 2" in result.output


def test_a_mapping_names_the_columns_sheet_parent_and_units(repo, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Cover"
    sheet = book.create_sheet("Plan")
    sheet.append(["Squad", "Period", "Goal", "Measure", "From", "To", "Sure?"])
    sheet.append(["The Platform Squad", "2026-Q4", "Deploys are boring", "Lead time falls from 72 to 4 hours", 72, 4, 0.6])
    book.save(tmp_path / "plan.xlsx")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns: {unit: Squad, cycle: Period, objective: Goal, key_result: Measure, baseline: From,\n"
                       "          target: To, confidence: \"Sure?\"}\n"
                       "sheet: Plan\nparent: acme\nunits: {The Platform Squad: platform}\n")
    result = run_import(repo, str(tmp_path / "plan.xlsx"), "--mapping", str(mapping))
    assert result.exit_code == 0, result.output
    okrs = yaml.safe_load((repo / "okrs/acme/platform/2026-Q4.yaml").read_text())
    (kr,) = okrs["objectives"][0]["key_results"]
    assert (kr["baseline"], kr["target"], kr["confidence"], kr["direction"]) == (72, 4, 0.6, "decrease")
    assert yaml.safe_load((repo / "okrs/acme/platform/unit.yaml").read_text())["name"] == "The Platform Squad"


@pytest.mark.parametrize("mapping, message", [
    ("columns: {squad: Team}\n", "unknown field(s) ['squad']"),
    ("columns: [unit]\n", "columns: unknown field(s)"),
    ("colums: {}\n", "a mapping has the keys columns, sheet, parent and units"),
    ("columns: {unit: Nope}\n", "the mapping names column 'Nope' for unit, but the sheet has no such column"),
    ("columns: {unit: [\n", "not valid YAML"),
])
def test_mapping_mistakes_are_explained(repo, tmp_path, mapping, message):
    rows, _ = build_rows(5)
    path = write_csv(tmp_path / "okrs.csv", rows)
    (tmp_path / "map.yaml").write_text(mapping)
    result = run_import(repo, str(path), "--mapping", str(tmp_path / "map.yaml"))
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_sheets_okrops_cannot_read_are_refused_clearly(repo, tmp_path):
    (tmp_path / "fake.xlsx").write_text("not a workbook")
    (tmp_path / "one.csv").write_text("Everything in one column\nvalue\n")
    (tmp_path / "okrs.ods").write_text("")
    (tmp_path / "no-kr.csv").write_text("Team,Quarter,Objective\nacme,2026-Q4,Grow\n")
    for name, message in [("fake.xlsx", "not a readable xlsx workbook"), ("one.csv", "no comma, semicolon, tab or pipe"),
                          ("okrs.ods", "okrops imports .csv and .xlsx files"), ("missing.csv", "no such file"),
                          ("no-kr.csv", "no column for key_result (looked for key_result: key result")]:
        result = run_import(repo, str(tmp_path / name))
        assert result.exit_code == 2, (name, result.output)
        assert message in result.output, (name, result.output)
        assert "Traceback" not in result.output


def test_tab_separated_sheets_and_windows_encodings_are_read(repo, tmp_path):
    text = "Team\tQuarter\tObjective\tKey result\tBaseline\tTarget\nacme\t2026-Q4\tCafé customers return\tRepeat visits from 1,200 to 2,000\t1,200\t2,000\n"
    (tmp_path / "okrs.csv").write_bytes(text.encode("cp1252"))
    result = run_import(repo, str(tmp_path / "okrs.csv"))
    assert result.exit_code == 1  # the first unit's 2026-Q4 file exists (init wrote it)
    (tmp_path / "okrs.csv").write_bytes(text.replace("2026-Q4", "Q1 2027").encode("cp1252"))
    result = run_import(repo, str(tmp_path / "okrs.csv"))
    assert result.exit_code == 0, result.output
    assert "CSV separated by tabs" in result.output
    okrs = yaml.safe_load((repo / "okrs/acme/2027-Q1.yaml").read_text())
    assert okrs["objectives"][0]["title"] == "Café customers return"
    assert okrs["objectives"][0]["key_results"][0]["target"] == 2000


def test_dry_run_reports_and_writes_nothing(repo, tmp_path):
    rows, _ = build_rows(30)
    before = snapshot(repo)
    result = run_import(repo, str(write_csv(tmp_path / "okrs.csv", rows)), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would import 30 key results" in result.output and "created" not in result.output
    assert snapshot(repo) == before
