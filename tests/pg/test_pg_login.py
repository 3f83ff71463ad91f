"""Logging in before opening (File → Open server…): refusals said, a wanted password told apart."""

from __future__ import annotations

import psycopg
import pytest
from pg_server import login_url

from inventory_desktop import db
from inventory_desktop.errors import DataFileError
from inventory_desktop.pg_errors import LoginRefusedError, ServerUnreachableError, server_error


def test_the_programs_login_gets_in_and_nothing_is_opened(pg_db) -> None:
    db.check_login(login_url(pg_db.server, pg_db.name))
    with pytest.raises(RuntimeError):
        db.current_file()  # checking a login opens nothing


def test_an_unknown_login_is_refused_without_asking_for_a_password(pg_db) -> None:
    url = login_url(pg_db.server, pg_db.name).replace("inventory_test_app", "nobody_here", 1)
    with pytest.raises(LoginRefusedError, match="no login 'nobody_here'") as refused:
        db.check_login(url)
    assert not db.needs_password(refused.value)


def test_a_server_that_is_not_there_is_unreachable(tmp_path) -> None:
    with pytest.raises(ServerUnreachableError) as refused:
        db.check_login(f"postgresql://bar@/inventory?host={tmp_path}&port=5432")
    assert not db.needs_password(refused.value)


@pytest.mark.parametrize("libpq_says", [
    "connection failed: connection to server at \"office\" (10.0.0.5), port 5432 failed: "
    "fe_sendauth: no password supplied",
    "connection failed: connection to server at \"office\" (10.0.0.5), port 5432 failed: "
    "FATAL:  password authentication failed for user \"bar\"",
])
def test_a_wanted_password_is_told_apart_by_libpqs_words(libpq_says: str) -> None:
    # The test server trusts its socket and never asks: these are libpq's own sentences.
    refusal = server_error(psycopg.OperationalError(libpq_says))
    assert isinstance(refusal, DataFileError) and db.needs_password(refusal)
    assert "~/.pgpass" in str(refusal)
