"""The catalogue of service items (可办事项清单) and the departments that serve them.

Loading is an upsert by code, all or nothing: every entry is checked before any
row is written, and items missing from a file are left alone ("load a batch as
each matures"). TOML and CSV round-trip through the same checks.

Names are Chinese, as the city writes them; `name_en` is an English name for staff who
work in English, optional ('' when a catalogue has none: the views show the Chinese).
Citizens' paper always uses the Chinese name.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from sqlite_utils import Database

from core.problems import Code
from db import clock
from db.connection import IntegrityError, immediate
from db.errors import InvalidValue, UnknownCategory, UnknownItem

Completion = Literal["on_site", "back_office"]
COMPLETIONS: tuple[Completion, ...] = ("on_site", "back_office")
CSV_COLUMNS = (
    "code",
    "name",
    "department",
    "department_name",
    "queue_letter",
    "materials",
    "completion",
    "mailable",
    "fee_yuan",
    "time_limit_days",
    "enabled",
    "needs_id_photo",
)
# Optional columns: files written before English names have none.
CSV_OPTIONAL_COLUMNS = ("name_en", "department_name_en")
_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
_PHOTO_WORDS = ("照片", "相片")
_MAX_TEXT = 80


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    queue_letter: str
    name_en: str = ""


@dataclass(frozen=True)
class ItemSpec:
    """One item as a file or a caller describes it, already checked."""

    code: str
    name: str
    department: str
    materials: tuple[str, ...]
    completion: Completion
    mailable: bool
    fee_fen: int
    time_limit_days: int
    needs_id_photo: bool
    enabled: bool = True
    name_en: str = ""


@dataclass(frozen=True)
class Item(ItemSpec):
    """An item as stored, with when it was added and last changed."""

    added_at: str = ""
    changed_at: str = ""

    @property
    def fee_yuan(self) -> Decimal:
        return Decimal(self.fee_fen) / 100


@dataclass(frozen=True)
class Catalogue:
    departments: tuple[Department, ...] = ()
    items: tuple[ItemSpec, ...] = ()


@dataclass(frozen=True)
class LoadReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


# Reading ---------------------------------------------------------------------


def get_item(db: Database, code: str) -> Item:
    rows = list(db.query("SELECT * FROM service_items WHERE code = ?", [code]))
    if not rows:
        raise UnknownItem(Code.CATALOGUE_UNKNOWN_ITEM, item=code)
    return _item(rows[0])


def list_items(
    db: Database, *, enabled_only: bool = True, department: str | None = None, trip_id: int | None = None
) -> list[Item]:
    """Items in department-letter then name order; `trip_id` limits to what that trip offers."""
    where: list[str] = ["1"]
    params: list[object] = []
    if enabled_only:
        where.append("i.enabled = 1")
    if department is not None:
        where.append("i.department = ?")
        params.append(department)
    if trip_id is not None:
        # A trip with no item list offers the whole enabled catalogue.
        where.append(
            "(NOT EXISTS (SELECT 1 FROM trip_items WHERE trip_id = ?)"
            " OR i.code IN (SELECT item_code FROM trip_items WHERE trip_id = ?))"
        )
        params += [trip_id, trip_id]
    rows = db.query(
        f"""SELECT i.* FROM service_items i JOIN departments d ON d.code = i.department
            WHERE {" AND ".join(where)} ORDER BY d.queue_letter, i.code""",
        params,
    )
    return [_item(row) for row in rows]


def list_departments(db: Database) -> list[Department]:
    return [Department(**row) for row in db.query("SELECT * FROM departments ORDER BY queue_letter")]


def department_for_category(db: Database, category: str) -> Department:
    rows = list(db.query("SELECT * FROM departments WHERE queue_letter = ?", [category]))
    if not rows:
        raise UnknownCategory(Code.CATALOGUE_UNKNOWN_CATEGORY, category=category)
    return Department(**rows[0])


def _item(row: Mapping[str, Any]) -> Item:
    return Item(
        code=row["code"],
        name=row["name"],
        department=row["department"],
        materials=tuple(json.loads(row["materials"])),
        completion=row["completion"],
        mailable=bool(row["mailable"]),
        fee_fen=row["fee_fen"],
        time_limit_days=row["time_limit_days"],
        needs_id_photo=bool(row["needs_id_photo"]),
        enabled=bool(row["enabled"]),
        name_en=row["name_en"],
        added_at=row["added_at"],
        changed_at=row["changed_at"],
    )


# Writing ---------------------------------------------------------------------


def load(db: Database, catalogue: Catalogue, *, now: datetime | None = None) -> LoadReport:
    """Upsert departments and items by code in one transaction."""
    stamp = clock.to_text(clock.resolve(now))
    report = LoadReport()
    with immediate(db):
        for department in catalogue.departments:
            _upsert_department(db, department)
        known = {row["code"] for row in db.query("SELECT code FROM departments")}
        for item in catalogue.items:
            if item.department not in known:
                raise InvalidValue(Code.CATALOGUE_ITEM_DEPARTMENT, item=item.code, department=item.department)
            _upsert_item(db, item, stamp, report)
    return report


def load_default(db: Database, *, now: datetime | None = None) -> LoadReport:
    """Load the default catalogue shipped with govan (safe to run again)."""
    text = resources.files("db").joinpath("default_catalogue.toml").read_text(encoding="utf-8")
    return load(db, parse_toml(text, "default_catalogue.toml"), now=now)


def set_enabled(db: Database, code: str, enabled: bool, *, now: datetime | None = None) -> Item:
    """Switch an item on or off; tickets and cases keep pointing at it either way."""
    with immediate(db):
        item = get_item(db, code)
        if item.enabled != enabled:
            db.execute(
                "UPDATE service_items SET enabled = ?, changed_at = ? WHERE code = ?",
                [int(enabled), clock.to_text(clock.resolve(now)), code],
            )
        return get_item(db, code)


def _upsert_department(db: Database, department: Department) -> None:
    existing = list(db.query("SELECT * FROM departments WHERE code = ?", [department.code]))
    try:
        if not existing:
            db.execute(
                "INSERT INTO departments (code, name, queue_letter, name_en) VALUES (?, ?, ?, ?)",
                [department.code, department.name, department.queue_letter, department.name_en],
            )
        elif Department(**existing[0]) != department:
            db.execute(
                "UPDATE departments SET name = ?, queue_letter = ?, name_en = ? WHERE code = ?",
                [department.name, department.queue_letter, department.name_en, department.code],
            )
    except IntegrityError:
        raise InvalidValue(
            Code.CATALOGUE_LETTER_TAKEN, department=department.code, letter=department.queue_letter
        ) from None


def _upsert_item(db: Database, item: ItemSpec, stamp: str, report: LoadReport) -> None:
    values = {
        "name": item.name,
        "name_en": item.name_en,
        "department": item.department,
        "materials": json.dumps(list(item.materials), ensure_ascii=False),
        "completion": item.completion,
        "mailable": int(item.mailable),
        "fee_fen": item.fee_fen,
        "time_limit_days": item.time_limit_days,
        "needs_id_photo": int(item.needs_id_photo),
        "enabled": int(item.enabled),
    }
    existing = list(db.query("SELECT * FROM service_items WHERE code = ?", [item.code]))
    if not existing:
        columns = ["code", *values, "added_at", "changed_at"]
        db.execute(
            f"INSERT INTO service_items ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [item.code, *values.values(), stamp, stamp],
        )
        report.added.append(item.code)
    elif any(existing[0][key] != value for key, value in values.items()):
        assignments = ", ".join(f"{key} = ?" for key in values)
        db.execute(
            f"UPDATE service_items SET {assignments}, changed_at = ? WHERE code = ?",
            [*values.values(), stamp, item.code],
        )
        report.changed.append(item.code)
    else:
        report.unchanged.append(item.code)


# Files -----------------------------------------------------------------------


def import_file(db: Database, path: str | Path, *, now: datetime | None = None) -> LoadReport:
    """Load a .toml or .csv catalogue file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".csv"):
        raise InvalidValue(Code.CATALOGUE_FILE_TYPE, path=str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise InvalidValue(Code.CATALOGUE_FILE_UNREADABLE, path=str(path), detail=error.strerror) from None
    except UnicodeDecodeError:
        raise InvalidValue(Code.CATALOGUE_FILE_NOT_UTF8, path=str(path)) from None
    if suffix == ".toml":
        return load(db, parse_toml(text, str(path)), now=now)
    return load(db, parse_csv(text, str(path)), now=now)


def export_file(db: Database, path: str | Path) -> None:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".toml":
        path.write_text(to_toml(db), encoding="utf-8")
    elif suffix == ".csv":
        # With a BOM, so that Excel opens the Chinese text correctly.
        path.write_text(to_csv(db), encoding="utf-8-sig", newline="")
    else:
        raise InvalidValue(Code.CATALOGUE_FILE_TYPE, path=str(path))


def parse_toml(text: str, source: str = "catalogue") -> Catalogue:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidValue(Code.CATALOGUE_NOT_TOML, source=source, detail=str(error)) from None
    unknown = set(raw) - {"departments", "items"}
    if unknown:
        raise InvalidValue(Code.CATALOGUE_UNKNOWN_TABLE, source=source, table=min(unknown))
    departments = [
        _department_spec(entry, f"{source}: departments[{n}]")
        for n, entry in enumerate(_table_list(raw, "departments", source))
    ]
    items = [_item_spec(entry, f"{source}: items[{n}]") for n, entry in enumerate(_table_list(raw, "items", source))]
    return _checked(Catalogue(tuple(departments), tuple(items)), source)


def parse_csv(text: str, source: str = "catalogue") -> Catalogue:
    """One row per item; department_name and queue_letter define the department too."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [column for column in CSV_COLUMNS if column not in (reader.fieldnames or [])]
    optional = {column: column in (reader.fieldnames or []) for column in CSV_OPTIONAL_COLUMNS}
    if missing:
        raise InvalidValue(Code.CATALOGUE_MISSING_COLUMN, source=source, column=missing[0])
    departments: dict[str, Department] = {}
    items = []
    for row in reader:
        where = f"{source}: line {reader.line_num}"
        if None in row:
            raise InvalidValue(Code.CATALOGUE_EXTRA_FIELDS, where=where)
        department_entry = {
            "code": row["department"],
            "name": row["department_name"],
            "queue_letter": row["queue_letter"],
        }
        if optional["department_name_en"] and row["department_name_en"].strip():
            department_entry["name_en"] = row["department_name_en"]
        department = _department_spec(department_entry, where)
        if departments.setdefault(department.code, department) != department:
            raise InvalidValue(Code.CATALOGUE_DEPARTMENT_CONFLICT, where=where, department=department.code)
        raw_item: dict[str, object] = {
            "code": row["code"],
            "name": row["name"],
            "department": row["department"],
            "materials": [m.strip() for m in re.split(r"[;；]", row["materials"]) if m.strip()],
            "completion": row["completion"],
            "mailable": _csv_bool(row["mailable"], where, "mailable"),
            "fee_yuan": row["fee_yuan"],
            "time_limit_days": _csv_int(row["time_limit_days"], where),
            "enabled": _csv_bool(row["enabled"], where, "enabled"),
        }
        if optional["name_en"] and row["name_en"].strip():
            raw_item["name_en"] = row["name_en"]
        if row["needs_id_photo"].strip():
            raw_item["needs_id_photo"] = _csv_bool(row["needs_id_photo"], where, "needs_id_photo")
        items.append(_item_spec(raw_item, where))
    return _checked(Catalogue(tuple(departments.values()), tuple(items)), source)


def to_toml(db: Database) -> str:
    lines = ["# govan service catalogue (可办事项清单)", ""]
    for department in list_departments(db):
        lines += [
            "[[departments]]",
            f"code = {_toml_str(department.code)}",
            f"name = {_toml_str(department.name)}",
            *([f"name_en = {_toml_str(department.name_en)}"] if department.name_en else []),
            f"queue_letter = {_toml_str(department.queue_letter)}",
            "",
        ]
    for item in list_items(db, enabled_only=False):
        materials = ", ".join(_toml_str(material) for material in item.materials)
        lines += [
            "[[items]]",
            f"code = {_toml_str(item.code)}",
            f"name = {_toml_str(item.name)}",
            *([f"name_en = {_toml_str(item.name_en)}"] if item.name_en else []),
            f"department = {_toml_str(item.department)}",
            f"materials = [{materials}]",
            f"completion = {_toml_str(item.completion)}",
            f"mailable = {_toml_bool(item.mailable)}",
            f"fee_yuan = {_yuan_text(item.fee_fen)}",
            f"time_limit_days = {item.time_limit_days}",
            f"needs_id_photo = {_toml_bool(item.needs_id_photo)}",
            f"enabled = {_toml_bool(item.enabled)}",
            "",
        ]
    return "\n".join(lines)


def to_csv(db: Database) -> str:
    departments = {department.code: department for department in list_departments(db)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS + CSV_OPTIONAL_COLUMNS)
    for item in list_items(db, enabled_only=False):
        department = departments[item.department]
        writer.writerow(
            [
                item.code,
                item.name,
                item.department,
                department.name,
                department.queue_letter,
                ";".join(item.materials),
                item.completion,
                _csv_bool_text(item.mailable),
                _yuan_text(item.fee_fen),
                item.time_limit_days,
                _csv_bool_text(item.enabled),
                _csv_bool_text(item.needs_id_photo),
                item.name_en,
                department.name_en,
            ]
        )
    return out.getvalue()


# Checking --------------------------------------------------------------------


def _table_list(raw: Mapping[str, Any], key: str, source: str) -> list[Mapping[str, Any]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise InvalidValue(Code.CATALOGUE_NOT_TABLES, source=source, key=key)
    return value


def _department_spec(entry: Mapping[str, Any], where: str) -> Department:
    _no_unknown_keys(entry, {"code", "name", "name_en", "queue_letter"}, where)
    code = _code(entry.get("code"), where)
    name = _text(entry.get("name"), f"{where}: department {code!r} name")
    name_en = _english(entry.get("name_en"), f"{where}: department {code!r} name_en")
    letter = entry.get("queue_letter")
    if not (isinstance(letter, str) and re.fullmatch(r"[A-Z]", letter)):
        raise InvalidValue(Code.CATALOGUE_QUEUE_LETTER, where=where, department=code)
    return Department(code, name, letter, name_en)


def _item_spec(entry: Mapping[str, Any], where: str) -> ItemSpec:
    allowed = {
        "code",
        "name",
        "name_en",
        "department",
        "materials",
        "completion",
        "mailable",
        "fee_yuan",
        "time_limit_days",
        "needs_id_photo",
        "enabled",
    }
    _no_unknown_keys(entry, allowed, where)
    code = _code(entry.get("code"), where)
    where = f"{where}: item {code!r}"
    materials = entry.get("materials", [])
    if not isinstance(materials, list) or not all(isinstance(m, str) and m.strip() for m in materials):
        raise InvalidValue(Code.CATALOGUE_MATERIALS, where=where)
    materials = [m.strip() for m in materials]
    if len(set(materials)) != len(materials):
        raise InvalidValue(Code.CATALOGUE_MATERIAL_TWICE, where=where)
    completion = entry.get("completion")
    if completion not in COMPLETIONS:
        raise InvalidValue(Code.CATALOGUE_COMPLETION, where=where)
    time_limit = entry.get("time_limit_days", 0)
    if not isinstance(time_limit, int) or isinstance(time_limit, bool) or not 0 <= time_limit <= 365:
        raise InvalidValue(Code.CATALOGUE_TIME_LIMIT, where=where)
    photo_default = any(word in material for material in materials for word in _PHOTO_WORDS)
    return ItemSpec(
        code=code,
        name=_text(entry.get("name"), f"{where}: name"),
        department=_code(entry.get("department"), f"{where}: department"),
        materials=tuple(materials),
        completion=completion,
        mailable=_bool(entry.get("mailable", False), f"{where}: mailable"),
        fee_fen=_fee_fen(entry.get("fee_yuan", 0), where),
        time_limit_days=time_limit,
        needs_id_photo=_bool(entry.get("needs_id_photo", photo_default), f"{where}: needs_id_photo"),
        enabled=_bool(entry.get("enabled", True), f"{where}: enabled"),
        name_en=_english(entry.get("name_en"), f"{where}: name_en"),
    )


def _checked(catalogue: Catalogue, source: str) -> Catalogue:
    if (repeated := _first_repeated([department.code for department in catalogue.departments])) is not None:
        raise InvalidValue(Code.CATALOGUE_DUPLICATE_DEPARTMENT, source=source, department=repeated)
    if (repeated := _first_repeated([item.code for item in catalogue.items])) is not None:
        raise InvalidValue(Code.CATALOGUE_DUPLICATE_ITEM, source=source, item=repeated)
    letters = [department.queue_letter for department in catalogue.departments]
    if len(set(letters)) != len(letters):
        raise InvalidValue(Code.CATALOGUE_SHARED_LETTER, source=source)
    return catalogue


def _first_repeated(codes: list[str]) -> str | None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            return code
        seen.add(code)
    return None


def _no_unknown_keys(entry: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise InvalidValue(Code.CATALOGUE_UNKNOWN_KEY, where=where, key=unknown[0])


def _code(value: object, where: str) -> str:
    if not (isinstance(value, str) and _CODE.fullmatch(value)):
        raise InvalidValue(Code.CATALOGUE_CODE_FORM, where=where)
    return value


def _text(value: object, where: str) -> str:
    if not (isinstance(value, str) and value.strip()) or len(value) > _MAX_TEXT:
        raise InvalidValue(Code.CATALOGUE_TEXT, where=where, limit=_MAX_TEXT)
    return value.strip()


def _english(value: object, where: str) -> str:
    """An optional English name: absent or blank is none ('')."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    return _text(value, where)


def _bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(Code.CATALOGUE_NOT_BOOL, where=where)
    return value


def _fee_fen(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidValue(Code.CATALOGUE_FEE, where=where)
    try:
        yuan = Decimal(str(value).strip() or "0")
    except InvalidOperation:
        raise InvalidValue(Code.CATALOGUE_FEE, where=where) from None
    fen = yuan * 100
    if not yuan.is_finite() or yuan < 0 or fen != fen.to_integral_value():
        raise InvalidValue(Code.CATALOGUE_FEE, where=where)
    return int(fen)


def _csv_bool(text: str, where: str, column: str) -> bool:
    value = text.strip().lower()
    if value in ("true", "1", "yes", "是"):
        return True
    if value in ("false", "0", "no", "否", ""):
        return False
    raise InvalidValue(Code.CATALOGUE_NOT_BOOL, where=f"{where}: {column}")


def _csv_int(text: str, where: str) -> int | str:
    try:
        return int(text.strip() or "0")
    except ValueError:
        return text  # _item_spec names the column


def _csv_bool_text(value: bool) -> str:
    return "true" if value else "false"


def _yuan_text(fen: int) -> str:
    yuan = Decimal(fen) / 100
    return str(yuan.quantize(Decimal(1)) if fen % 100 == 0 else yuan.normalize())


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _toml_bool(value: bool) -> str:
    return "true" if value else "false"
