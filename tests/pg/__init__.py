"""Tests on a real PostgreSQL server (a package, so that its conftest is not the suite's)."""
