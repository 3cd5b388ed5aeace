"""Roles from the access settings file: exact address, domain, default, order."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmo_data.access import (
    AccessConfig,
    AccessConfigError,
    allows,
    load_config,
    parse_config,
    role_for,
)

CONFIG = parse_config(
    """
    [access]
    default_role = "none"
    sql_role = "importer"
    [roles]
    "Head.Of.PMO@example.nhs.uk" = "admin"
    "analyst@example.nhs.uk" = "importer"
    "@example.nhs.uk" = "viewer"
    """
)


@pytest.mark.parametrize(
    ("email", "role"),
    [
        ("head.of.pmo@example.nhs.uk", "admin"),  # case-insensitive exact match
        (" HEAD.OF.PMO@EXAMPLE.NHS.UK ", "admin"),
        ("analyst@example.nhs.uk", "importer"),  # exact beats domain
        ("someone@example.nhs.uk", "viewer"),  # domain entry
        ("someone@other.nhs.uk", None),  # default none
        ("", None),
        (None, None),
    ],
)
def test_role_for(email: str | None, role: str | None) -> None:
    assert role_for(email, CONFIG) == role


def test_default_role_applies_to_unmatched() -> None:
    config = parse_config('[access]\ndefault_role = "viewer"\n')
    assert role_for("x@anywhere.org", config) == "viewer"
    # sql_role left out: the SQL box goes to the least permissive choice, admins only
    assert config.sql_role == "admin"
    assert not allows("viewer", config.sql_role) and not allows("importer", config.sql_role)
    assert AccessConfig().sql_role == "admin"


def test_role_order() -> None:
    assert allows("admin", "importer") and allows("importer", "importer")
    assert not allows("viewer", "importer") and not allows(None, "viewer")


def test_unknown_role_is_a_clear_error() -> None:
    with pytest.raises(AccessConfigError, match="roles.a@b.c: unknown role 'owner'"):
        parse_config('[roles]\n"a@b.c" = "owner"\n')


def test_bad_toml_names_the_file() -> None:
    with pytest.raises(AccessConfigError, match="^access.toml: "):
        parse_config("[roles\n")


def test_missing_file_gives_no_one_access(tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.toml")
    assert role_for("a@b.c", config) is None


def test_env_var_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "roles.toml"
    path.write_text('[roles]\n"@trust.nhs.uk" = "importer"\n', encoding="utf-8")
    monkeypatch.setenv("PMO_ACCESS_FILE", str(path))
    assert role_for("pm@trust.nhs.uk", load_config()) == "importer"


def test_example_file_parses() -> None:
    root = Path(__file__).resolve().parent.parent
    config = load_config(root / "config" / "access.example.toml")
    assert config.sql_role == "importer"
    assert role_for("head.of.pmo@example.nhs.uk", config) == "admin"
