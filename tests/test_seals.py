"""Tampering made evident: seals over every write, an anchor outside the file, foreign rows shown.

Each attack here passed `verify` before seals existed: triggers are turned
off (as the sqlite3 shell can), rows erased or rewritten so that every sum
still agrees, and the triggers put back exactly as they were.
"""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from conftest import raw
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tamper import newest_ids, with_triggers_off

from inventory_desktop import db, paths, seal_store, services

FIXTURE = Path(__file__).with_name("fixtures") / "schema1.sqlite3"


@pytest.fixture
def kitchen(data_file: Path) -> dict[str, int]:
    """Flour received, a waste deduction, then more receipts: ids of what was booked."""
    flour = services.create_item("Flour", "kg", sku="FL-1", initial_quantity="10", user="Ana")
    services.add_stock(flour.id, "5", user="Ana")
    waste = services.deduct_stock(flour.id, "3", "waste", user="Ana", notes="damp sack")
    services.add_stock(flour.id, "2", user="Ana")
    return {"flour": flour.id, "waste": waste.id}


def _seal_details(report: services.VerifyReport) -> list[str]:
    return [finding.detail for finding in report.of("seal")]


def test_a_clean_file_verifies_and_every_write_is_sealed(data_file, kitchen):
    report = services.verify()
    assert report.ok, report.findings
    # One seal per write: the item's creation, three movements.
    assert report.seals == 4
    assert report.foreign_rows == {}


def test_erasing_a_deduction_with_its_trail_is_named_by_verify(data_file, kitchen):
    waste = kitchen["waste"]
    connection = sqlite3.connect(data_file)
    audit_ids = [row[0] for row in connection.execute(
        "SELECT id FROM audit_log WHERE (table_name = 'stock_movement' AND row_id = ?) "
        "OR (table_name = 'stock_item' AND id = (SELECT id + 1 FROM audit_log "
        "WHERE table_name = 'stock_movement' AND row_id = ?))", (waste, waste))]
    history_id = connection.execute(
        "SELECT history_id FROM stock_item_history WHERE current_quantity = 120000").fetchone()[0]
    connection.close()
    # The deduction goes, and everything after it is made to agree again.
    with_triggers_off(data_file, [
        ("DELETE FROM stock_movement WHERE id = ?", (waste,)),
        *[("DELETE FROM audit_log WHERE id = ?", (audit_id,)) for audit_id in audit_ids],
        ("DELETE FROM stock_item_history WHERE history_id = ?", (history_id,)),
        ("UPDATE stock_movement SET balance_after = balance_after + 30000 WHERE id > ?",
         (waste,)),
        ("UPDATE stock_item SET current_quantity = 170000 WHERE id = ?", (kitchen["flour"],)),
        ("UPDATE stock_item_history SET current_quantity = 170000 WHERE history_id = "
         "(SELECT max(history_id) FROM stock_item_history)", ()),
    ])
    report = services.verify()
    # The ledger sums agree and the schema is ours: only the seals can tell.
    assert not report.of("ledger") and not report.of("schema") and not report.of("history")
    details = _seal_details(report)
    assert details[0] == f"movement {waste} was removed after it was sealed (seal 3)"
    assert f"movement {waste + 1} was changed after it was sealed (seal 4)" in details
    assert not report.ok


def test_cutting_off_the_newest_write_is_caught_by_the_anchor(data_file, kitchen):
    newest = newest_ids(data_file)
    last_movement, last_seal = newest["stock_movement"], newest["seal"]
    # The newest receipt (2 kg) and every trace of it, its seal included, vanish;
    # the counters are rewound so the next write reuses the numbers.
    with_triggers_off(data_file, [
        ("DELETE FROM stock_movement WHERE id = ?", (last_movement,)),
        ("DELETE FROM audit_log WHERE id > ?", (newest["audit_log"] - 2,)),
        ("DELETE FROM stock_item_history WHERE history_id = ?", (newest["stock_item_history"],)),
        ("DELETE FROM seal_range WHERE seq = ?", (last_seal,)),
        ("DELETE FROM seal WHERE seq = ?", (last_seal,)),
        ("UPDATE sqlite_sequence SET seq = seq - 1 WHERE name IN "
         "('stock_movement', 'stock_item_history', 'seal')", ()),
        ("UPDATE sqlite_sequence SET seq = seq - 2 WHERE name = 'audit_log'", ()),
        # The item is set back to its last remaining recorded state.
        ("UPDATE stock_item SET current_quantity = 120000, updated_at = (SELECT updated_at "
         "FROM stock_item_history ORDER BY history_id DESC LIMIT 1)", ()),
    ])
    report = services.verify()
    assert [f.check for f in report.findings] == ["seal"]
    assert f"this computer recorded seal {last_seal}" in report.findings[0].detail
    assert "newest writes were cut off" in report.findings[0].detail


def test_without_the_anchor_a_cut_tail_is_said_to_be_undetectable(data_file, kitchen):
    # Another computer opening the file has no anchor for it: verify says what
    # it cannot know instead of claiming more.
    seal_store.forget_open_files()
    shutil.rmtree(paths.data_dir() / seal_store.ANCHOR_FOLDER)
    report = services.verify()
    assert report.ok
    assert any("cannot tell whether its newest writes were cut off" in n for n in report.notes)


def test_a_sealed_row_rewritten_with_its_digest_recomputed_breaks_the_seal(data_file, kitchen):
    # The per-row digest is plain SHA-256, which anyone can recompute; the seal
    # over it is keyed, which nobody without the key file can.
    import hashlib

    from inventory_desktop import seal

    with_triggers_off(data_file, [
        ("UPDATE stock_movement SET notes = 'all fine' WHERE id = ?", (kitchen["waste"],))])
    connection = sqlite3.connect(data_file)
    cursor = connection.execute("SELECT * FROM stock_movement WHERE id = ?", (kitchen["waste"],))
    (_, canonical), = seal.digested_rows(cursor, "id")
    forged = hashlib.sha256(canonical).hexdigest()[:32]
    connection.close()
    with_triggers_off(data_file, [
        ("UPDATE seal_range SET rows_digest = ? WHERE table_name = 'stock_movement' "
         "AND first_id = ?", (forged, kitchen["waste"]))])
    details = _seal_details(services.verify())
    assert details and details[0].startswith("seal 3 (made ")
    assert "does not match what it seals" in details[0]


def test_rows_of_another_program_are_named_until_accepted(data_file, kitchen):
    with raw(data_file) as other:
        movement = other.execute(
            "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
            "balance_after, created_by) VALUES (?, -10000, 'out', 'theft', 130000, 'Ana')",
            (kitchen["flour"],)).lastrowid
    other.close()
    report = services.verify()
    assert [f.check for f in report.findings] == ["foreign_rows"]
    assert f"movement {movement}" in report.findings[0].detail
    assert "4 rows written by another program carry no seal" in report.findings[0].detail
    # The audit log shows whose these are, whatever name they carry.
    entries = services.audit_entries(limit=10)
    assert [e.sealed for e in entries[:2]] == [False, False]
    assert all(e.sealed for e in entries[2:])

    assert services.accept_foreign_rows(user="Maria") == 4
    assert services.verify().ok
    assert all(e.sealed for e in services.audit_entries(limit=10))
    # Accepted rows are sealed like any other: changing one is caught.
    with_triggers_off(data_file, [
        ("UPDATE stock_movement SET reason = 'waste' WHERE id = ?", (movement,))])
    assert f"movement {movement} was changed after it was sealed (seal 5)" in _seal_details(
        services.verify())


def test_a_name_left_in_write_context_lends_no_trust(data_file, kitchen):
    with raw(data_file) as other:
        other.execute("INSERT INTO write_context (id, actor) VALUES (1, 'Ana')")
        other.execute("UPDATE stock_item SET name = 'Rye flour'")
    other.close()
    report = services.verify()
    assert {f.check for f in report.findings} == {"write_context", "foreign_rows"}
    assert "'Ana'" in report.of("write_context")[0].detail
    # Audited under the name it claimed, but shown as another program's.
    newest = services.audit_entries(limit=1)[0]
    assert (newest.actor, newest.sealed) == ("Ana", False)
    # Opening the file says so; the next change made here clears the row.
    info = db.open_database(data_file)
    assert info.notices and "'Ana'" in info.notices[0]
    services.add_stock(kitchen["flour"], "1", user="Maria")
    assert not services.verify().of("write_context")


def test_seals_made_with_another_computers_key_are_checked_once_it_is_copied(data_file, kitchen):
    key_file = seal_store.key_file()
    elsewhere = key_file.with_name("from-the-office.key")
    key_file.rename(elsewhere)
    seal_store._key_at.cache_clear()
    report = services.verify()
    assert [f.check for f in report.findings] == ["seal"]
    assert "4 seals were made with key" in report.findings[0].detail
    assert "which this computer does not have" in report.findings[0].detail
    extra = key_file.parent / seal_store.EXTRA_KEYS_DIR
    extra.mkdir()
    shutil.move(elsewhere, extra / elsewhere.name)
    assert services.verify().ok


def test_the_key_is_owner_only_and_outside_the_data_file(data_file, kitchen):
    key_file = seal_store.key_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.parent == paths.config_dir()
    secret = key_file.read_text().strip()
    assert secret.encode() not in data_file.read_bytes()


def test_a_backup_is_owner_only_and_anchored(data_file, kitchen, tmp_path):
    copy = services.back_up(tmp_path / "backup.sqlite3")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    sidecar = db.anchor_file(copy)
    assert stat.S_IMODE(sidecar.stat().st_mode) == 0o600
    assert '"seq": 4' in sidecar.read_text()
    # The backup verifies on its own, anchor included; cut short, it does not.
    db.open_database(copy)
    assert services.verify().ok
    with_triggers_off(copy, [("DELETE FROM seal_range WHERE seq = 4", ()),
                             ("DELETE FROM seal WHERE seq = 4", ())])
    assert any("this computer recorded seal 4" in d for d in _seal_details(services.verify()))


def test_upgrading_an_older_file_seals_what_it_held(tmp_path):
    path = tmp_path / "kitchen.sqlite3"
    shutil.copy(FIXTURE, path)
    db.open_database(path)
    report = services.verify()
    assert report.ok, report.findings
    assert report.seals == 1  # the baseline, over every row the file held
    with_triggers_off(path, [("UPDATE stock_movement SET notes = 'edited' WHERE id = 2", ())])
    assert "movements 1–10, sealed together (seal 1), were changed or removed since" in (
        _seal_details(services.verify()))


_TAMPERABLE = {
    "stock_movement": ("id", ["notes", "created_by", "op_key"]),
    "audit_log": ("id", ["actor", "changes", "at"]),
    "stock_item_history": ("history_id", ["name", "history_by", "history_at"]),
}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=st.sampled_from(sorted(_TAMPERABLE)), pick=st.integers(min_value=0),
       column_pick=st.integers(min_value=0), value=st.text(min_size=1, max_size=12))
def test_any_change_to_any_sealed_row_is_named(tmp_path_factory, table, pick, column_pick,
                                                value):
    path = tmp_path_factory.mktemp("seal") / "inventory.sqlite3"
    db.open_database(path)
    flour = services.create_item("Flour", "kg", sku="FL-1", initial_quantity="10")
    services.deduct_stock(flour.id, "1", "waste", reference="SHEET-1")
    services.add_stock(flour.id, "4", reference="INV-7")
    id_column, columns = _TAMPERABLE[table]
    connection = sqlite3.connect(path)
    ids = [row[0] for row in connection.execute(f"SELECT {id_column} FROM {table}")]
    connection.close()
    row_id, column = ids[pick % len(ids)], columns[column_pick % len(columns)]
    connection = sqlite3.connect(path)
    (original,) = connection.execute(
        f"SELECT {column} FROM {table} WHERE {id_column} = ?", (row_id,)).fetchone()
    connection.close()
    with_triggers_off(path, [(f"UPDATE {table} SET {column} = ? WHERE {id_column} = ?",
                              (value, row_id))])
    report = services.verify()
    words = {"stock_movement": "movement", "audit_log": "audit entry",
             "stock_item_history": "item history entry"}[table]
    if original != value:
        assert f"{words} {row_id} was changed after it was sealed" in " ".join(
            _seal_details(report))
    else:
        assert report.ok
    db.close_database()
