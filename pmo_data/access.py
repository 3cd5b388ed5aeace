"""Who may do what: roles from a settings file, matched by e-mail or e-mail domain.

Sign-in itself is Streamlit's OIDC support (``st.login``, e.g. Microsoft Entra ID),
configured in ``.streamlit/secrets.toml``; this module only decides the role of a signed-in
e-mail address, so it can be tested without a browser or an identity provider.

Roles are ordered: viewer < importer < admin. Viewers see dashboards; importers also see
Import and Rollback; admins everything. The SQL box needs ``sql_role``; when the file
does not set it, only admins get the box (the least permissive role is the default).
Settings file (TOML, default ``config/access.toml``, or the path in ``PMO_ACCESS_FILE``)::

    [access]
    default_role = "none"        # role of a signed-in user matched by nothing ("none": no access)
    sql_role = "importer"        # least role that may use the SQL box

    [roles]
    "head.of.pmo@example.nhs.uk" = "admin"
    "pmo.analyst@example.nhs.uk" = "importer"
    "@example.nhs.uk" = "viewer"  # a whole domain
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROLES: tuple[str, ...] = ("viewer", "importer", "admin")
DEFAULT_FILE = Path("config/access.toml")


class AccessConfigError(Exception):
    """The access settings file is malformed; the message says where."""


@dataclass(frozen=True)
class AccessConfig:
    """Parsed access settings (see the module docstring)."""

    roles: dict[str, str] = field(default_factory=dict)
    default_role: str | None = None
    sql_role: str = "admin"  # least permissive unless the file says otherwise


def _check_role(value: object, where: str, *, allow_none: bool = False) -> str | None:
    text = str(value).strip().lower()
    if allow_none and text == "none":
        return None
    if text not in ROLES:
        raise AccessConfigError(f"{where}: unknown role {value!r}; use one of {', '.join(ROLES)}")
    return text


def parse_config(text: str, source: str = "access.toml") -> AccessConfig:
    """Parse the TOML text of an access settings file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AccessConfigError(f"{source}: {exc}") from None
    section = data.get("access", {})
    roles = {
        str(who).strip().lower(): _check_role(role, f"{source}: roles.{who}")
        for who, role in data.get("roles", {}).items()
    }
    return AccessConfig(
        roles={k: v for k, v in roles.items() if v is not None},
        default_role=_check_role(section.get("default_role", "none"),
                                 f"{source}: access.default_role", allow_none=True),
        sql_role=_check_role(section.get("sql_role", "admin"), f"{source}: access.sql_role")
        or "admin",
    )


def config_path() -> Path:
    """The settings file in force: ``PMO_ACCESS_FILE``, else config/access.toml."""
    return Path(os.environ.get("PMO_ACCESS_FILE") or DEFAULT_FILE)


def load_config(path: Path | None = None) -> AccessConfig:
    """Read the settings file (``config_path()`` by default); absent: defaults
    (no one matched, so with sign-in on nobody gets in until roles are set)."""
    path = path or config_path()
    if not path.exists():
        return AccessConfig()
    return parse_config(path.read_text(encoding="utf-8"), str(path))


def role_for(email: str | None, config: AccessConfig) -> str | None:
    """The role of an e-mail address: an exact entry first, then its ``@domain`` entry, then
    the default role. None means no access. Matching ignores case and surrounding spaces."""
    if not email:
        return None
    address = email.strip().lower()
    if address in config.roles:
        return config.roles[address]
    domain = "@" + address.rsplit("@", 1)[-1] if "@" in address else None
    if domain and domain in config.roles:
        return config.roles[domain]
    return config.default_role


def allows(role: str | None, needed: str) -> bool:
    """True if ``role`` is at least ``needed`` in the order viewer < importer < admin."""
    if role is None:
        return False
    return ROLES.index(role) >= ROLES.index(needed)
