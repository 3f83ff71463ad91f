"""`verify`: is the file still the ledger this program wrote?

SQLite's own integrity and foreign keys; the whole schema against this
version's; the seals (tampering by a tool that turned the triggers off) and
the rows nobody sealed (another tool's writes); and the ledger itself: every
quantity the sum of its movements, every balance the running sum, every value
re-derived from the costing rule, every item its last recorded state, times in
order, ids in range, SKUs distinct.
"""

from __future__ import annotations

from .. import db, seal, seal_check, seal_store
from ..db import database
from ..errors import DataFileError, ValidationError
from ..sqlite_errors import translate_sqlite_errors
from . import ledger_checks, value_checks
from ._write import writing
from .rows import Finding, VerifyReport

_CONTENT_CHECKS = (
    ledger_checks.quantity_findings, ledger_checks.running_sum_findings,
    ledger_checks.history_findings, ledger_checks.time_findings,
    ledger_checks.numbering_findings, ledger_checks.sku_findings,
    ledger_checks.stocktake_findings, value_checks.value_findings,
)


def verify() -> VerifyReport:
    """Check the whole file; the report names every problem and the item it concerns."""
    info = db.current_file()
    findings: list[Finding] = []
    notes: list[str] = []
    with translate_sqlite_errors():
        findings += [Finding(check, detail) for check, detail in db.structure_problems()]
        sealed = _checked(findings, lambda: _seals(info, notes)) or seal_check.SealFindings()
        findings += seal_findings(sealed)
        for check in _CONTENT_CHECKS:
            findings += _checked(findings, check) or []
    return VerifyReport(findings=findings, notes=notes, foreign_rows=sealed.foreign,
                        seals=sealed.seals, sealed=db.seals_kept())


def accept_foreign_rows(*, user: str | None = None) -> int:
    """Seal the rows another tool wrote, as accepted by `user`; how many were accepted.

    For after a manager has looked at them (verify lists them): from then on
    verify treats them as known, and would notice if they changed again.
    """
    info = db.current_file()
    if not db.seals_kept():
        raise ValidationError(
            "A server's database has no seals to accept: another program's changes are "
            "kept in its audit with the login that made them, and verify lists them.")
    with writing(user) as actor:
        ranges = []
        for table, id_column in seal.sealed_tables(database.execute_sql).items():
            ids = seal_check.unsealed_ids(database.execute_sql, table, id_column)
            for first, last in seal_check.id_runs(ids):
                cursor = database.execute_sql(
                    f"SELECT * FROM {table} WHERE {id_column} BETWEEN ? AND ? "
                    f"ORDER BY {id_column}", (first, last))
                ranges += seal.chunked_ranges(table, seal.digested_rows(cursor, id_column))
        if not ranges:
            return 0
        anchor = seal.append_seal(database.execute_sql, "accepted", ranges,
                                  key=db.seal_key(), file_id=info.file_id or "",
                                  actor=actor)
    db.anchors().record(anchor, info.path)
    return sum(r.last_id - r.first_id + 1 for r in ranges)


def _checked(findings: list[Finding], check):
    # A file whose tables another program removed cannot be read everywhere:
    # say which check could not run instead of stopping at the first.
    try:
        return check()
    except DataFileError as error:
        findings.append(Finding("schema", f"a check could not run: {error}"))
        return None


def _seals(info: db.DataFileInfo, notes: list[str]) -> seal_check.SealFindings:
    if not db.seals_kept():
        notes += _other_programs_notes()
        return seal_check.SealFindings()
    if info.file_id is None:
        return seal_check.SealFindings()
    anchor = db.anchors().find(info.file_id, info.path)
    found = seal_check.check_seals(database.execute_sql, keys=seal_store.known_keys(),
                                   file_id=info.file_id, anchor=anchor)
    notes += _seal_notes(found, anchor)
    return found


def _other_programs_notes() -> list[str]:
    # A server's privileges let its logins change what they may (items, never
    # the ledger) from any tool: those changes are kept, named by login.
    return [f"{count} change{'s' if count > 1 else ''} made with the login {login} by another "
            "program than this one (recorded in the audit with the actor 'unknown')."
            for login, count in db.other_programs_changes()]


def _seal_notes(found: seal_check.SealFindings, anchor: seal_store.Anchor | None) -> list[str]:
    notes = []
    if found.seals and anchor is None:
        notes.append("This computer has not written to this file before, so it cannot tell "
                     "whether its newest writes were cut off (the other checks still apply).")
    return notes


def seal_findings(found: seal_check.SealFindings) -> list[Finding]:
    """The seal check's results as Findings: tampering, unknown keys, foreign rows."""
    findings = [Finding("seal", problem) for problem in found.problems]
    for key_id, count in found.unknown_keys.items():
        findings.append(Finding(
            "seal", f"{count} seal{'s' if count > 1 else ''} were made with key {key_id}, which "
                    "this computer does not have, so they cannot be checked here: copy the "
                    f"{seal_store.KEY_FILE} file of the computer that made them into "
                    f"{seal_store.key_file().parent / seal_store.EXTRA_KEYS_DIR} "
                    "(any name ending in .key)"))
    runs = [seal_check.row_label(table, first, last)
            for table, ids in found.foreign.items() for first, last in seal_check.id_runs(ids)]
    if runs:
        count = sum(len(ids) for ids in found.foreign.values())
        shown = "; ".join(runs[:10]) + ("; …" if len(runs) > 10 else "")
        findings.append(Finding(
            "foreign_rows", f"{_rows(count)} written by another program "
                            f"{'carry' if count > 1 else 'carries'} no seal: {shown}. Look at "
                            "them in the audit log; 'inventory verify --accept-foreign' "
                            "accepts them"))
    return findings


def _rows(count: int) -> str:
    return f"{count} row{'s' if count != 1 else ''}"
