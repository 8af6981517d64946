"""The catalogue: the default items, switching them on and off, TOML and CSV round trips."""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path

import pytest
from sqlite_utils import Database

import db
from core.problems import Code, Problem
from db import catalogue
from tests.db.support import T0, at, count, raises_problem


def toml_error(text: str) -> str:
    """What tomllib says about text that is not TOML (the store passes it on as the detail)."""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return str(error)
    raise AssertionError(f"{text!r} is valid TOML")


SEED_DEPARTMENTS = {"公交", "不动产登记", "公安", "公积金中心", "市场监管", "人力社保", "医保", "税务", "代办服务科"}


def test_the_default_catalogue_covers_every_item_of_the_seed(store: Database) -> None:
    report = catalogue.load_default(store, now=T0)
    items = db.list_items(store)
    assert len(report.added) == len(items) >= 12
    departments = {d.code: d for d in db.list_departments(store)}
    assert SEED_DEPARTMENTS <= {d.name for d in departments.values()}
    assert len({d.queue_letter for d in departments.values()}) == len(departments)
    names = " ".join(item.name for item in items)
    for word in (
        "公交卡",
        "不动产",
        "身份证",
        "户口",
        "居住证",
        "公积金",
        "个体工商户",
        "社会保障卡",
        "医保",
        "发票",
        "勘察",
        "代办",
    ):
        assert word in names


def test_an_item_records_materials_completion_mailing_fee_and_time_limit(store: Database) -> None:
    catalogue.load_default(store, now=T0)
    permit = db.get_item(store, "residence_permit")
    assert permit.name == "居住证申领"
    assert permit.materials == ("身份证原件", "租赁合同或房产证明", "近期照片")
    assert (permit.completion, permit.mailable, permit.fee_fen, permit.time_limit_days) == ("back_office", True, 0, 15)
    assert permit.needs_id_photo and permit.enabled
    assert permit.added_at == permit.changed_at == "2026-11-20T01:00:00.000+00:00"
    renewal = db.get_item(store, "id_card_renewal")
    assert renewal.fee_yuan == 20 and renewal.department == "police"
    assert not db.get_item(store, "hukou_certificate").needs_id_photo


def test_loading_again_changes_nothing(store: Database) -> None:
    catalogue.load_default(store, now=T0)
    report = catalogue.load_default(store, now=at(60))
    assert report.added == report.changed == [] and len(report.unchanged) == count(store, "service_items")
    assert db.get_item(store, "residence_permit").changed_at == "2026-11-20T01:00:00.000+00:00"


def test_switching_an_item_off_and_on_stamps_the_change(store: Database) -> None:
    catalogue.load_default(store, now=T0)
    item = catalogue.set_enabled(store, "tax_invoice_issue", False, now=at(5))
    assert not item.enabled and item.changed_at == "2026-11-20T01:05:00.000+00:00"
    assert "tax_invoice_issue" not in [i.code for i in db.list_items(store)]
    assert "tax_invoice_issue" in [i.code for i in db.list_items(store, enabled_only=False)]
    assert catalogue.set_enabled(store, "tax_invoice_issue", True, now=at(9)).enabled


@pytest.mark.parametrize("suffix", [".toml", ".csv"])
def test_export_then_import_reproduces_the_catalogue(store: Database, tmp_path: Path, suffix: str) -> None:
    catalogue.load_default(store, now=T0)
    catalogue.set_enabled(store, "bus_card_replace", False, now=T0)
    path = tmp_path / f"catalogue{suffix}"
    catalogue.export_file(store, path)
    other = db.open_store(tmp_path / "other.db")
    report = catalogue.import_file(other, path, now=T0)
    assert len(report.added) == count(store, "service_items")
    assert db.list_items(other, enabled_only=False) == db.list_items(store, enabled_only=False)
    assert db.list_departments(other) == db.list_departments(store)
    other.close()


def test_an_edited_csv_changes_only_the_edited_item(store: Database, tmp_path: Path) -> None:
    catalogue.load_default(store, now=T0)
    path = tmp_path / "catalogue.csv"
    catalogue.export_file(store, path)
    text = path.read_text(encoding="utf-8-sig").replace(
        "公交卡挂失补办,bus,公交,K,身份证原件;原公交卡卡号或购卡凭证,on_site,false,20",
        "公交卡挂失补办,bus,公交,K,身份证原件；原公交卡卡号或购卡凭证,on_site,false,25.5",
    )
    path.write_text(text, encoding="utf-8-sig")
    report = catalogue.import_file(store, path, now=at(1))
    assert report.changed == ["bus_card_replace"] and report.added == []
    assert db.get_item(store, "bus_card_replace").fee_fen == 2550


def test_a_new_item_can_be_added_by_toml(store: Database) -> None:
    catalogue.load_default(store, now=T0)
    text = """
[[items]]
code = "marriage_certificate_copy"
name = "婚姻登记证明补办"
department = "general"
materials = ["身份证原件", "户口簿", "近期二寸合影照片"]
completion = "back_office"
mailable = true
fee_yuan = 9
time_limit_days = 5
"""
    report = catalogue.load(store, catalogue.parse_toml(text), now=at(1))
    item = db.get_item(store, "marriage_certificate_copy")
    assert report.added == [item.code] and item.needs_id_photo and item.fee_fen == 900
    assert item.name_en == ""  # a catalogue without English names: the views show the Chinese one


def test_english_names_go_with_the_catalogue_through_toml_and_csv(store: Database, tmp_path: Path) -> None:
    catalogue.load_default(store, now=T0)
    assert {d.name: d.name_en for d in db.list_departments(store)}["公安"] == "Public Security"
    assert db.get_item(store, "hukou_certificate").name_en == "Household registration certificate"
    assert all(item.name_en for item in db.list_items(store, enabled_only=False))
    # A CSV written before English names (no name_en columns) still loads, and changes no name.
    path = tmp_path / "catalogue.csv"
    catalogue.export_file(store, path)
    header, *rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert header[-2:] == ["name_en", "department_name_en"]
    old = io.StringIO()
    csv.writer(old).writerows(row[:-2] for row in [header, *rows])
    (tmp_path / "old.csv").write_text(old.getvalue(), encoding="utf-8-sig")
    other = db.open_store(tmp_path / "other.db")
    catalogue.import_file(other, tmp_path / "old.csv", now=T0)
    assert db.get_item(other, "hukou_certificate").name_en == ""
    assert {d.code: d.name_en for d in db.list_departments(other)}["police"] == ""
    other.close()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "[[items]]\ncode = 'x'\nname = 'x'\ndepartment = 'nowhere'\ncompletion = 'on_site'",
            Problem(Code.CATALOGUE_ITEM_DEPARTMENT, {"item": "x", "department": "nowhere"}),
        ),
        (
            "[[items]]\ncode = 'x'\nname = 'x'\ndepartment = 'police'\ncompletion = 'maybe'",
            Problem(Code.CATALOGUE_COMPLETION, {"where": "catalogue: items[1]: item 'x'"}),
        ),
        (
            "[[items]]\ncode = 'x'\nname = 'x'\ndepartment = 'police'\ncompletion = 'on_site'\nfee_yuan = -1",
            Problem(Code.CATALOGUE_FEE, {"where": "catalogue: items[1]: item 'x'"}),
        ),
        (
            "[[items]]\ncode = 'x'\nname = 'x'\ndepartment = 'police'\ncompletion = 'on_site'\nfee_yuan = 0.001",
            Problem(Code.CATALOGUE_FEE, {"where": "catalogue: items[1]: item 'x'"}),
        ),
        (
            "[[items]]\ncode = 'x'\nname = 'x'\ndepartment = 'police'\ncompletion = 'on_site'\ncolour = 'red'",
            Problem(Code.CATALOGUE_UNKNOWN_KEY, {"where": "catalogue: items[1]", "key": "colour"}),
        ),
        (
            "[[items]]\ncode = 'Bad Code'\nname = 'x'\ndepartment = 'police'\ncompletion = 'on_site'",
            Problem(Code.CATALOGUE_CODE_FORM, {"where": "catalogue: items[1]"}),
        ),
        (
            "[[departments]]\ncode = 'new'\nname = '新部门'\nqueue_letter = 'A'",
            Problem(Code.CATALOGUE_LETTER_TAKEN, {"department": "new", "letter": "A"}),
        ),
        ("items = 3", Problem(Code.CATALOGUE_NOT_TABLES, {"source": "catalogue", "key": "items"})),
        ("[[items]", Problem(Code.CATALOGUE_NOT_TOML, {"source": "catalogue", "detail": toml_error("[[items]")})),
    ],
)
def test_a_bad_catalogue_is_refused_whole_with_a_clear_message(store: Database, text: str, problem: Problem) -> None:
    catalogue.load_default(store, now=T0)
    good_first = (
        "[[items]]\ncode = 'good_item'\nname = '好事项'\ndepartment = 'police'\ncompletion = 'on_site'\n"
        if text.startswith("[[items]]\n")
        else ""
    )
    before = count(store, "service_items"), count(store, "departments")
    with pytest.raises(db.InvalidValue) as raised:
        catalogue.load(store, catalogue.parse_toml(good_first + text))
    assert raised.value.problem == problem
    assert (count(store, "service_items"), count(store, "departments")) == before


def test_a_csv_without_the_expected_columns_is_refused() -> None:
    with raises_problem(db.InvalidValue, Code.CATALOGUE_MISSING_COLUMN, source="catalogue", column="department_name"):
        catalogue.parse_csv("code,name,department\nx,y,z\n")


def test_unknown_items_and_files_are_clear_errors(store: Database, tmp_path: Path) -> None:
    with raises_problem(db.UnknownItem, Code.CATALOGUE_UNKNOWN_ITEM, item="no_such_item"):
        db.get_item(store, "no_such_item")
    with raises_problem(db.InvalidValue, Code.CATALOGUE_FILE_TYPE, path=str(tmp_path / "catalogue.xlsx")):
        catalogue.import_file(store, tmp_path / "catalogue.xlsx")
