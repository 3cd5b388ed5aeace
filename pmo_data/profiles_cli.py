"""``python -m pmo_data profiles list|show|export|import|delete``, and the import options
``--profile NAME`` and ``--set COLUMN=VALUE``.

Why this module exists: import profiles (``pmo_data.profiles``) are made on the Import page,
but a PMO that imports on a schedule needs them on the command line too, and a profile
made at one trust should travel to another as a TOML file. ``pmo_data.cli`` registers the
subcommand and calls ``add_import_options``/``mapping_from_args`` for import and validate.

Exit codes: 0 done; 2 bad input (unknown profile, unreadable TOML, a profile that may not
be saved), with one line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pmo_data.db import db_path_from_env


def add_import_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--profile`` and ``--set`` to the import and validate commands."""
    parser.add_argument("--profile", default=None, metavar="NAME",
                        help="map sheets with this import profile (see `profiles list`)")
    parser.add_argument("--set", dest="settings", action="append", default=[],
                        metavar="COLUMN=VALUE",
                        help="give every mapped row this value, e.g. --set "
                             "service_group=Medicine (repeatable)")


def _settings(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        column, sep, value = pair.partition("=")
        if not sep or not column.strip():
            raise ValueError(f"--set wants COLUMN=VALUE ({pair})")
        out[column.strip()] = value.strip()
    return out


def mapping_from_args(args: argparse.Namespace, db_path: Path):  # noqa: ANN201 - lazy import
    """The import's ``MappingOptions`` from ``--profile``/``--set`` (saved and built-in
    profiles always apply); ProfileError or ValueError with one sentence when wrong."""
    from pmo_data import profiles

    options = profiles.default_options(db_path, force=getattr(args, "profile", None),
                                       settings=_settings(getattr(args, "settings", []) or []))
    if options.force:
        options.find(options.force)  # unknown name: fail before reading any file
    return options


def _cmd_list(args: argparse.Namespace) -> int:
    from pmo_data import profiles

    for p in profiles.all_profiles(db_path_from_env(args.db)):
        sources = ", ".join(t.source for t in p.targets)
        who = "built-in" if p.builtin else f"saved by {p.saved_by or '?'}" + (
            f" on {p.saved_at:%d/%m/%Y}" if p.saved_at else "")
        print(f"{p.name}\t{sources}\t{who}")
    return 0


def _find(args: argparse.Namespace):  # noqa: ANN202 - Profile, imported lazily
    from pmo_data import profiles

    return profiles.MappingOptions(profiles.all_profiles(db_path_from_env(args.db))).find(
        args.name)


def _cmd_show(args: argparse.Namespace) -> int:
    from pmo_data import profiles

    for line in profiles.describe(_find(args)):
        print(line)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from pmo_data import profiles

    text = profiles.profile_to_toml(_find(args))
    if args.out in (None, "-"):
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        print(args.out)
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from pmo_data import profiles

    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise profiles.ProfileError(f"{path}: cannot be read ({exc})") from None
    profile = profiles.profile_from_toml(text)
    if args.name:
        from dataclasses import replace

        profile = replace(profile, name=args.name)
    version = profiles.save_profile(db_path_from_env(args.db), profile)
    print(f"saved profile {profile.name} (version {version})")
    return 0


def _cmd_delete(args: argparse.Namespace) -> int:
    from pmo_data import profiles

    version = profiles.delete_profile(db_path_from_env(args.db), args.name)
    print(f"deleted profile {args.name} (version {version})")
    return 0


def _guarded(func):  # noqa: ANN001, ANN202 - wraps a command
    def run(args: argparse.Namespace) -> int:
        from pmo_data.profiles import ProfileError

        try:
            return func(args)
        except ProfileError as exc:
            print(f"profiles {args.action}: {exc}", file=sys.stderr)
            return 2
    return run


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``profiles`` subcommand to ``python -m pmo_data``."""
    cmd = subparsers.add_parser("profiles", help="list, show, export and import import profiles")
    actions = cmd.add_subparsers(dest="action", required=True)

    def action(name: str, help_text: str, func) -> argparse.ArgumentParser:  # noqa: ANN001
        parser = actions.add_parser(name, help=help_text)
        parser.add_argument("--db", default=None,
                            help="database (default: PMO_DB or data/pmo.duckdb)")
        parser.set_defaults(func=_guarded(func))
        return parser

    action("list", "every saved and built-in profile", _cmd_list)
    action("show", "what a profile maps", _cmd_show).add_argument("name")
    export = action("export", "write a profile as TOML", _cmd_export)
    export.add_argument("name")
    export.add_argument("--out", default=None, help="file to write (default: stdout)")
    imp = action("import", "save a profile from a TOML file", _cmd_import)
    imp.add_argument("file")
    imp.add_argument("--name", default=None, help="save it under another name")
    action("delete", "delete a saved profile", _cmd_delete).add_argument("name")
