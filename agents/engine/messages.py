"""The engine's catalogue: which messages exist, and keeping ``engine.po`` in step.

Messages come from two places:

* the code: the first argument of ``t(...)``, ``mark(...)``, the second of
  ``tr(language, ...)``, the first two of ``tn(...)`` and the second and third
  of ``trn(language, ...)``, when they are string literals;
* the data files: every string under a key of ``TEXT_KEYS`` and every string
  value of a mapping under a key of ``TEXT_PARENTS``. Bilingual values
  (``{en: …, es: …}``) carry their own translation and are not extracted.

``update`` merges them into a catalogue (new messages untranslated, vanished
ones removed, translations kept) and compiles it; ``problems`` lists what a
catalogue lacks. Used by ``python manage.py engine_messages`` and the tests.
Needs ``polib`` (a development requirement); the engine itself only reads the
compiled ``.mo``.
"""

from __future__ import annotations

import ast
import shutil
import string
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .calc import SOURCE_WORDS
from .i18n import DOMAIN, LOCALE_DIR

ENGINE_DIR = Path(__file__).parent
DATA_DIR = ENGINE_DIR / "data"

# Calls whose arguments are messages: function or method name → (positions, keywords).
# ``t``/``tr``/``tn``/``trn``/``mark`` are the translation functions (agents/engine/i18n.py);
# the others are the helpers that translate what they are handed (units/base.py, calc.py).
CALLS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "t": ((0,), ()), "mark": ((0,), ()), "tr": ((1,), ()), "tn": ((0, 1), ()), "trn": ((1, 2), ()),
    "note": ((0,), ()), "warn": ((0,), ()),
    "calc": ((1,), ("note",)), "record": ((2,), ("note",)), "_record": ((2,), ("note",)),
    "add_sizing": ((1,), ()), "add_equipment": ((1,), ("material",)), "add_power": ((0,), ()),
    "add_chemical": ((1,), ()), "add_capex": ((0,), ()), "add_opex": ((1,), ()), "parallel_trains": ((2,), ()),
    "curve_cost": ((), ("description",)), "Sourced": ((1,), ()),
}
PLURALS = frozenset({"tn", "trn"})
# Calculation calls: the position of their inputs, whose tuples (quantity, source[, description]) hold messages.
CALC_INPUTS = {"calc": 3, "record": 4, "_record": 4}
TEXT_KEYS = frozenset({"description", "source", "why", "label", "definition", "methodology", "basis", "purpose",
                       "rate_date"})
TEXT_PARENTS = frozenset({"sources", "not_checked", "operation"})
LANGUAGE_KEYS = frozenset({"en", "es"})


@dataclass
class Message:
    msgid: str
    msgid_plural: str = ""
    occurrences: list[tuple[str, str]] = field(default_factory=list)


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ENGINE_DIR.parent.parent))
    except ValueError:
        return str(path)


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _message_nodes(node: ast.Call) -> list[ast.AST]:
    """The argument nodes of ``node`` that hold messages (literal or not)."""
    name = _call_name(node) or ""
    spec = CALLS.get(name)
    if spec is None:
        return []
    positions, keywords = spec
    found = [node.args[i] for i in positions if i < len(node.args)]
    found += [k.value for k in node.keywords if k.arg in keywords]
    inputs_at = CALC_INPUTS.get(name)
    if inputs_at is not None and inputs_at < len(node.args) and isinstance(node.args[inputs_at], ast.Dict):
        for value in node.args[inputs_at].values:
            if isinstance(value, ast.Tuple):
                found += value.elts[1:3]
    return found


def messages_in_python(path: Path) -> Iterable[Message]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = _relative(path)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node) or ""
        if name in PLURALS:
            positions = CALLS[name][0]
            if len(node.args) > positions[1]:
                singular, plural = (_literal(node.args[i]) for i in positions)
                if singular is not None and plural is not None:
                    yield Message(singular, plural, [(where, str(node.lineno))])
            continue
        for arg in _message_nodes(node):
            text = _literal(arg)
            if text:
                yield Message(text, "", [(where, str(getattr(arg, "lineno", node.lineno)))])


def _appends_text(node: ast.Call) -> bool:
    """``….notes.append("…")`` / ``….warnings.append(f"…")``: text that skips the catalogue."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr in ("append", "extend", "insert")):
        return False
    owner = func.value
    name = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else ""
    if name not in ("notes", "warnings", "reasons"):
        return False
    return any(isinstance(a, (ast.JoinedStr, ast.BinOp)) or _literal(a) is not None for a in node.args)


def untranslatable(paths: Iterable[Path] | None = None) -> list[str]:
    """Messages built where they are passed (f-strings, concatenations, ``%``): the catalogue cannot hold them."""
    out = []
    for path in paths if paths is not None else engine_files():
        path = Path(path)
        if path.suffix != ".py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        extracted = {id(arg) for node in ast.walk(tree) if isinstance(node, ast.Call) for arg in _message_nodes(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _appends_text(node):
                out.append(f"{_relative(path)}:{node.lineno}: {ast.unparse(node)[:100]}")
            if isinstance(node, ast.Call):
                for arg in _message_nodes(node):
                    if isinstance(arg, (ast.JoinedStr, ast.BinOp)) or (
                            isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute)
                            and arg.func.attr == "format"):
                        out.append(f"{_relative(path)}:{arg.lineno}: {ast.unparse(arg)[:100]}")
            if _loose_input(node, extracted):
                out.append(f"{_relative(path)}:{node.lineno}: calculation input outside calc(), mark() its "
                           f"description: {ast.unparse(node)[:80]}")
    return out


def _loose_input(node: ast.AST, extracted: set[int]) -> bool:
    """``(q, "calculated", "description")`` built away from the ``calc()`` call: the description is not extracted."""
    if not (isinstance(node, ast.Tuple) and len(node.elts) == 3):
        return False
    source, description = node.elts[1], node.elts[2]
    return (_literal(source) in SOURCE_WORDS and _literal(description) is not None
            and id(description) not in extracted)


def messages_in_yaml(path: Path) -> Iterable[Message]:
    where = _relative(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))

    def walk(node: Any, trail: tuple[str, ...], text: bool) -> Iterable[Message]:
        if isinstance(node, dict):
            if node and set(node) <= LANGUAGE_KEYS:
                return
            parent_is_text = bool(trail) and trail[-1] in TEXT_PARENTS
            for key, value in node.items():
                key = str(key)
                yield from walk(value, (*trail, key), key in TEXT_KEYS or parent_is_text)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item, trail, text)
        elif isinstance(node, str) and text and node.strip():
            yield Message(node, "", [(where, ".".join(trail))])

    yield from walk(data, (), False)


def engine_files() -> list[Path]:
    code = sorted(p for p in ENGINE_DIR.rglob("*.py") if "locale" not in p.parts)
    return code + sorted(DATA_DIR.rglob("*.yaml"))


def extract(paths: Iterable[Path] | None = None) -> dict[str, Message]:
    """Every message in ``paths`` (default: the whole engine), by msgid, with where it occurs."""
    found: dict[str, Message] = {}
    for path in paths if paths is not None else engine_files():
        path = Path(path)
        reader = messages_in_yaml if path.suffix in (".yaml", ".yml") else messages_in_python
        for message in reader(path):
            known = found.get(message.msgid)
            if known is None:
                found[message.msgid] = message
            else:
                known.occurrences.extend(message.occurrences)
                known.msgid_plural = known.msgid_plural or message.msgid_plural
    return found


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<malformed>"}


def update(language: str, paths: Iterable[Path] | None = None, catalogue: Path | None = None,
           *, prune: bool = True, compile_mo: bool = True) -> Any:
    """Merges the extracted messages into ``catalogue`` (default: the language's ``engine.po``) and compiles it."""
    import polib

    path = Path(catalogue) if catalogue else catalogue_path(language)
    found = extract(paths)
    if path.exists():
        po = polib.pofile(str(path), wrapwidth=0)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        po = polib.POFile(wrapwidth=0)
        po.metadata = {
            "Project-Id-Version": "H2O Allegiant engine",
            "Language": language,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": "nplurals=2; plural=(n != 1);",
        }
    existing = {entry.msgid: entry for entry in po}
    for msgid, message in found.items():
        entry = existing.get(msgid)
        if entry is None:
            entry = polib.POEntry(msgid=msgid, msgstr="")
            if message.msgid_plural:
                entry.msgid_plural = message.msgid_plural
                entry.msgstr_plural = {0: "", 1: ""}
            po.append(entry)
        elif bool(entry.msgid_plural) != bool(message.msgid_plural):
            # The code switched between t() and tn(): keep the singular translation as a start.
            singular = entry.msgstr or (entry.msgstr_plural or {}).get(0, "")
            entry.msgid_plural = message.msgid_plural
            entry.msgstr, entry.msgstr_plural = ("", {0: singular, 1: ""}) if message.msgid_plural else (singular, {})
        entry.occurrences = message.occurrences[:3]
        if _placeholders(msgid) or (message.msgid_plural and _placeholders(message.msgid_plural)):
            if "python-brace-format" not in entry.flags:
                entry.flags.append("python-brace-format")
    if prune:
        for entry in [e for e in po if e.msgid not in found]:
            po.remove(entry)
    po.sort(key=lambda e: (e.occurrences[0] if e.occurrences else ("", ""), e.msgid))
    po.save(str(path))
    if compile_mo:
        compile_catalogue(path)
    return po


def compile_catalogue(path: Path) -> None:
    """``engine.po`` → ``engine.mo``: with GNU msgfmt when installed (as Django's compilemessages, which
    ``make`` runs, so both write the same file; it also checks the placeholders), else with polib."""
    import polib

    mo = Path(path).with_suffix(".mo")
    msgfmt = shutil.which("msgfmt")
    if msgfmt:
        subprocess.run([msgfmt, "--check-format", "-o", str(mo), str(path)], check=True, capture_output=True)
    else:
        polib.pofile(str(path)).save_as_mofile(str(mo))


def problems(language: str, paths: Iterable[Path] | None = None, catalogue: Path | None = None) -> list[str]:
    """What the catalogue lacks for the extracted messages: missing, untranslated, fuzzy, or with other placeholders."""
    import polib

    path = Path(catalogue) if catalogue else catalogue_path(language)
    po = polib.pofile(str(path)) if path.exists() else polib.POFile()
    entries = {e.msgid: e for e in po if not e.obsolete}
    found = extract(paths)
    out = []
    for msgid, message in found.items():
        where = ", ".join(":".join(o) for o in message.occurrences[:2])
        entry = entries.get(msgid)
        if entry is None:
            out.append(f"missing: {msgid!r} ({where})")
        elif entry.fuzzy:
            out.append(f"fuzzy: {msgid!r} ({where})")
        elif bool(entry.msgid_plural) != bool(message.msgid_plural):
            out.append(f"plural forms differ from the code's: {msgid!r} ({where})")
        elif entry.msgid_plural:
            forms = list(entry.msgstr_plural.values())
            if not forms or not all(forms):
                out.append(f"untranslated: {msgid!r} ({where})")
            elif any(_placeholders(f) - _placeholders(entry.msgid_plural) - _placeholders(msgid) for f in forms):
                out.append(f"placeholders differ: {msgid!r} ({where})")
        elif not entry.msgstr:
            out.append(f"untranslated: {msgid!r} ({where})")
        elif _placeholders(entry.msgstr) != _placeholders(msgid):
            out.append(f"placeholders differ: {msgid!r} → {entry.msgstr!r} ({where})")
    return out
