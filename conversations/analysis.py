"""Reading a laboratory water analysis (CSV or XLSX) into questionnaire answers.

Two layouts are understood, with parameter names in Spanish or English:

- one row per parameter: ``Parámetro; Valor; Unidad`` (the unit in its own
  column, inside the value — ``3000 mg/L`` — or in the name — ``DQO (mg/L)``);
  several value columns (samples) are averaged;
- one column per parameter: names (with or without units) in a header row,
  an optional row of units under it, then one row per sample (averaged).

Every value goes through the same validation as a typed answer. The report
says what was read, and what was ignored and why. A file that cannot be read
at all raises `AnalysisError` with a message for the user.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .freetext import fold
from .quantities import NUMBER, format_number, parse_number, plain_text
from .questionnaire import AnswerError, Question, Questionnaire, parameters_data, tr, validate_answer

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 200
EXTENSIONS = (".csv", ".xlsx")

_HEADER_WORDS = {
    "parametro", "parametros", "parameter", "parameters", "analito", "analyte", "determinacion", "variable",
    "valor", "valores", "value", "values", "resultado", "resultados", "result", "results", "concentracion",
    "concentration", "unidad", "unidades", "unit", "units", "metodo", "method", "limite", "limit",
}  # fmt: skip
_UNIT_HEADERS = {"unidad", "unidades", "unit", "units", "u", "uds"}
_NOT_DETECTED = {"nd", "n.d.", "n/d", "no detectado", "not detected", "bld", "<ld", "-", "--", "na", "n/a", "s/d"}
_UNIT_IN_NAME = re.compile(r"^(.*?)\s*[\(\[]\s*([^\)\]]+?)\s*[\)\]]\s*$")
_CELL_NUMBER = re.compile(rf"^\s*([<>≤≥]|&lt;)?\s*({NUMBER})\s*(.*?)\s*$")


class AnalysisError(ValueError):
    """The file as a whole cannot be used; the message is for the user."""


@dataclass
class ReadValue:
    key: str
    name: str  # as written in the file
    text: str  # the value as used ("2800 mg/L")
    answer: dict[str, Any]
    note: str = ""


@dataclass
class Ignored:
    name: str
    reason: str


@dataclass
class AnalysisReport:
    filename: str
    layout: str  # "rows" or "columns"
    read: list[ReadValue] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)

    def as_metadata(self, questionnaire: Questionnaire) -> dict[str, Any]:
        rows = []
        for item in self.read:
            question = questionnaire.question(item.key)
            rows.append({
                "key": item.key,
                "name": item.name,
                "value": question.display(item.answer) if question else item.text,
                "note": item.note,
            })
        return {
            "filename": self.filename,
            "layout": self.layout,
            "read": rows,
            "ignored": [{"name": i.name, "reason": i.reason} for i in self.ignored],
        }


# --- Reading the file into a grid of cells -------------------------------------------------------


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise AnalysisError(_("The file is not a text CSV file. Upload a .csv or .xlsx file."))
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AnalysisError(_("The CSV file's text encoding is not readable; save it as UTF-8."))


def _csv_grid(data: bytes) -> tuple[list[list[Any]], bool]:
    """The rows, and whether numbers use a decimal comma (a ";"-separated file: how
    Spanish and most European spreadsheets save CSV, with "3.000" meaning three thousand)."""
    text = _decode(data)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        # One column, or a layout the sniffer cannot decide: the separator that appears most.
        counts = {d: sample.count(d) for d in ";,\t|"}
        delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    try:
        rows = []
        for index, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
            if index >= MAX_ROWS:
                raise AnalysisError(
                    _("The file has more than %(max)d rows; upload the analysis only.") % {"max": MAX_ROWS}
                )
            rows.append(row[:MAX_COLUMNS])
        return rows, delimiter == ";"
    except csv.Error as exc:
        raise AnalysisError(_("The CSV file is malformed (%(error)s).") % {"error": exc}) from None


def _xlsx_grid(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not data.startswith(b"PK\x03\x04"):
        raise AnalysisError(_("The file is not a valid .xlsx workbook. Save it again from Excel as .xlsx, or as .csv."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError, EOFError):
        raise AnalysisError(
            _("The .xlsx workbook is damaged and cannot be opened. Save it again from Excel, or as .csv.")
        ) from None
    except Exception:  # noqa: BLE001 — openpyxl raises whatever its XML parser raises on a broken file
        raise AnalysisError(
            _("The .xlsx workbook is damaged and cannot be opened. Save it again from Excel, or as .csv.")
        ) from None
    try:
        rows: list[list[Any]] = []
        # The first sheet with data (the active one first).
        sheets = [workbook.active] + [s for s in workbook.worksheets if s is not workbook.active]
        for sheet in sheets:
            if sheet is None:
                continue
            rows = []
            for index, row in enumerate(sheet.iter_rows(values_only=True)):
                if index >= MAX_ROWS:
                    raise AnalysisError(
                        _("The file has more than %(max)d rows; upload the analysis only.") % {"max": MAX_ROWS}
                    )
                rows.append(list(row[:MAX_COLUMNS]))
            if any(_cell(c) for row in rows for c in row):
                break
        return rows
    except AnalysisError:
        raise
    except Exception:  # noqa: BLE001
        raise AnalysisError(
            _("The .xlsx workbook is damaged and cannot be opened. Save it again from Excel, or as .csv.")
        ) from None
    finally:
        workbook.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if value != int(value) else str(int(value))
    return " ".join(str(value).split())


def read_grid(filename: str, data: bytes, size: int | None = None) -> tuple[list[list[str]], bool]:
    """The non-empty rows of the file's first sheet as text cells, and whether its numbers
    are written with a decimal comma. `size` is the upload's real size when only its
    first bytes were read."""
    name = (filename or "").lower()
    if not name:
        raise AnalysisError(_("Choose a .csv or .xlsx file to upload."))
    if name.endswith(".xls") or name.endswith(".ods"):
        raise AnalysisError(_("Old Excel (.xls) and OpenDocument files are not read; save the analysis as .xlsx or .csv."))
    if not name.endswith(EXTENSIONS):
        raise AnalysisError(_("Upload the analysis as a .csv or .xlsx file."))
    if not data:
        raise AnalysisError(_("The file is empty."))
    size = max(size or 0, len(data))
    if size > MAX_UPLOAD_BYTES:
        raise AnalysisError(
            _("The file is too large (%(size)s MB); an analysis fits in %(max)s MB.")
            % {"size": format_number(size / 1e6, 3), "max": format_number(MAX_UPLOAD_BYTES / 1e6, 3)}
        )
    grid, decimal_comma = (_xlsx_grid(data), False) if name.endswith(".xlsx") else _csv_grid(data)
    cells = [[_cell(c) for c in row] for row in grid]
    cells = [row for row in cells if any(row)]
    if not cells:
        raise AnalysisError(_("The file has no data."))
    width = max(len(row) for row in cells)
    # Drop columns that are empty in every row.
    keep = [i for i in range(width) if any(i < len(row) and row[i] for row in cells)]
    return [[row[i] if i < len(row) else "" for i in keep] for row in cells], decimal_comma


# --- Recognising names and values ---------------------------------------------------------------


def _name_index(questionnaire: Questionnaire) -> dict[str, str]:
    index: dict[str, str] = {}
    for q in questionnaire.questions:
        if q.type == "quantity":
            for alias in q.aliases:
                index.setdefault(_key(alias), q.key)
    for parameter, spec in parameters_data()["parameters"].items():
        index.setdefault(_key(parameter), parameter)
        for alias in spec.get("aliases", []):
            index.setdefault(_key(alias), parameter)
        for lang in ("es", "en"):
            index.setdefault(_key(tr(spec["label"], lang)), parameter)
            index.setdefault(_key(tr(spec["short"], lang)), parameter)
    return index


def _key(name: str) -> str:
    return " ".join(re.sub(r"[_:*]+", " ", fold(str(name))).split()).strip(" .")


def _explained(name: str) -> str | None:
    key = _key(name)
    for entry in parameters_data().get("explained", []):
        if key in {_key(a) for a in entry["aliases"]}:
            return tr(entry["reason"])
    return None


def _split_name(name: str) -> tuple[str, str]:
    """'DQO (mg/L)' -> ('DQO', 'mg/L'); 'DQO mg/L' -> ('DQO', 'mg/L') when the tail is a unit."""
    match = _UNIT_IN_NAME.match(name)
    if match:
        return match.group(1), match.group(2)
    return name, ""


def _identify(name: str, index: Mapping[str, str]) -> tuple[str | None, str]:
    """(question key or None, unit written in the name)."""
    base, unit = _split_name(name)
    key = index.get(_key(base))
    if key is None and not unit:
        # "DQO mg/L": a known name followed by something.
        words = base.split()
        for n in range(len(words) - 1, 0, -1):
            key = index.get(_key(" ".join(words[:n])))
            if key is not None:
                unit = " ".join(words[n:])
                break
    return key, unit


def _is_number_cell(text: str) -> bool:
    match = _CELL_NUMBER.match(text)
    if not match:
        return False
    try:
        parse_number(match.group(2))
    except ValueError:
        return False
    return True


@dataclass
class _Cell:
    number: float | None
    unit: str
    note: str
    problem: str


def _read_cell(text: str, decimal_comma: bool = False) -> _Cell:
    folded = plain_text(text)
    if not text:
        return _Cell(None, "", "", _("no value"))
    if folded in _NOT_DETECTED:
        return _Cell(None, "", "", _("not detected or no value (%(text)s)") % {"text": text})
    match = _CELL_NUMBER.match(text)
    if not match:
        return _Cell(None, "", "", _("“%(text)s” is not a number") % {"text": text})
    qualifier, number_text, unit = match.group(1), match.group(2), match.group(3)
    if decimal_comma and re.fullmatch(r"\d{1,3}(?:\.\d{3})+", number_text):
        number_text = number_text.replace(".", "")
    try:
        number = parse_number(number_text)
    except ValueError:
        return _Cell(None, "", "", _("“%(text)s” is not a number") % {"text": text})
    note = ""
    if qualifier in ("<", "≤", "&lt;"):
        note = _("below the detection limit; taken as %(value)s") % {"value": number_text}
    elif qualifier in (">", "≥"):
        note = _("above the range of the method; taken as %(value)s") % {"value": number_text}
    return _Cell(number, unit, note, "")


def _number_text(value: float) -> str:
    return repr(round(value, 10)) if value != int(value) else str(int(value))


# --- Layouts ----------------------------------------------------------------------------------------


def _find_layout(grid: list[list[str]], index: Mapping[str, str]) -> tuple[str, int]:
    """("rows", 0) or ("columns", header row index)."""
    in_first_column = sum(1 for row in grid if row and _identify(row[0], index)[0])
    best_row, best_count = 0, 0
    for number, row in enumerate(grid[:20]):
        count = sum(1 for cell in row if cell and _identify(cell, index)[0])
        if count > best_count:
            best_row, best_count = number, count
    if best_count == 0 and in_first_column == 0:
        raise AnalysisError(
            _(
                "I could not find any water-quality parameter in the file. Use one row per parameter "
                "(parameter, value, unit) or one column per parameter with the names in the first row."
            )
        )
    if in_first_column >= best_count:
        return "rows", 0
    return "columns", best_row


def _rows_layout(
    grid: list[list[str]], index: Mapping[str, str], decimal_comma: bool
) -> list[tuple[str, str | None, list[_Cell], str, str]]:
    """(name, key, value cells, unit, problem) per parameter row."""
    header = None
    for row in grid[:5]:
        if row and _identify(row[0], index)[0] is None and any(plain_text(c) in _HEADER_WORDS for c in row):
            header = row
            break
    unit_column = None
    if header is not None:
        unit_column = next((i for i, c in enumerate(header) if plain_text(c) in _UNIT_HEADERS), None)
    items = []
    for row in grid:
        if row is header or not row or not row[0]:
            continue
        name = row[0]
        key, name_unit = _identify(name, index)
        rest = row[1:]
        unit = name_unit
        if unit_column is not None and unit_column > 0 and unit_column - 1 < len(rest):
            unit = rest[unit_column - 1] or unit
            rest = [c for i, c in enumerate(rest) if i != unit_column - 1]
        value_cells = [c for c in rest if c and _is_number_cell(c)]
        text_cells = [c for c in rest if c and not _is_number_cell(c)]
        if not unit and text_cells and value_cells:
            # The first text cell after the values is the unit ("DQO, 3000, mg/L").
            unit = text_cells[0]
        cells = [_read_cell(c, decimal_comma) for c in value_cells]
        problem = "" if cells else (_read_cell(text_cells[0]).problem if text_cells else _("no value"))
        items.append((name, key, cells, unit, problem))
    return items


def _columns_layout(
    grid: list[list[str]], header_row: int, index: Mapping[str, str], decimal_comma: bool
) -> list[tuple[str, str | None, list[_Cell], str, str]]:
    header = grid[header_row]
    body = grid[header_row + 1 :]
    units_row: list[str] | None = None
    if body and not any(_is_number_cell(c) for c in body[0]) and any(body[0]):
        units_row = body[0]
        body = body[1:]
    items = []
    for column, name in enumerate(header):
        if not name:
            continue
        key, unit = _identify(name, index)
        if units_row is not None and column < len(units_row) and units_row[column]:
            unit = units_row[column]
        values = [row[column] for row in body if column < len(row) and row[column]]
        cells = [_read_cell(v, decimal_comma) for v in values]
        numbers = [c for c in cells if c.number is not None]
        problem = "" if numbers else (cells[0].problem if cells else _("no value"))
        items.append((name, key, numbers, unit, problem))
    return items


def read_analysis(
    filename: str,
    data: bytes,
    questionnaire: Questionnaire,
    values: Mapping[str, Any] | None = None,
    *,
    size: int | None = None,
) -> AnalysisReport:
    """Read an uploaded analysis; every value validated as an answer with source "upload"."""
    grid, decimal_comma = read_grid(filename, data, size)
    index = _name_index(questionnaire)
    layout, header_row = _find_layout(grid, index)
    if layout == "rows":
        items = _rows_layout(grid, index, decimal_comma)
    else:
        items = _columns_layout(grid, header_row, index, decimal_comma)
    report = AnalysisReport(filename=filename, layout=layout)
    seen: set[str] = set()
    for name, key, cells, unit, problem in items:
        if key is None:
            if layout == "rows" and plain_text(name) in _HEADER_WORDS:
                continue
            report.ignored.append(Ignored(name, _explained(name) or _("not a parameter I know")))
            continue
        question: Question | None = questionnaire.question(key)
        if question is None or question.type != "quantity":
            report.ignored.append(Ignored(name, _("not a parameter I know")))
            continue
        if key in seen:
            report.ignored.append(Ignored(name, _("given twice; the first value was used")))
            continue
        numbers = [c for c in cells if c.number is not None]
        if not numbers:
            report.ignored.append(Ignored(name, problem or _("no value")))
            continue
        cell_units = {c.unit for c in numbers if c.unit}
        if len(cell_units) > 1:
            report.ignored.append(Ignored(name, _("the samples are in different units")))
            continue
        value_unit = next(iter(cell_units), "") or unit
        mean = statistics.fmean(c.number for c in numbers)  # type: ignore[misc]
        text = f"{_number_text(mean)} {value_unit}".strip()
        notes = [c.note for c in numbers if c.note][:1]
        if len(numbers) > 1:
            notes.insert(0, _("mean of %(count)d samples") % {"count": len(numbers)})
        try:
            answer = validate_answer(question, text, values=values or {}, source="upload")
        except AnswerError as exc:
            report.ignored.append(Ignored(name, str(exc)))
            continue
        seen.add(key)
        report.read.append(ReadValue(key=key, name=name, text=text, answer=answer, note="; ".join(notes)))
    return report
