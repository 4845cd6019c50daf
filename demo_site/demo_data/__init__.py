"""The demo site's content, kept as JSON files in this folder and read by ``seed_demo``.

Changing the demo courses, people, cohort or sharing story means editing these files, not Python:
the seeding code only builds what they describe, through the services and the page tree. Each
reader checks the shape of what it reads, so that a typo gives an error naming the file and the
entry instead of a half-built demo site.
"""

import json
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import TextChoices

DATA_DIR = Path(__file__).resolve().parent
Choice = TypeVar("Choice", bound=TextChoices)


class DemoDataError(ValueError):
    """A demo data file is missing, is not valid JSON, or is not shaped as the seeding expects."""


def read(name: str) -> Any:
    """The parsed content of ``<name>.json`` in this folder (UTF-8)."""
    path = DATA_DIR / f"{name}.json"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DemoDataError(f"Cannot read the demo data file {path}: {exc.strerror}.") from exc
    except UnicodeDecodeError as exc:
        raise DemoDataError(f"{path.name}: not UTF-8 text ({exc.reason}).") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DemoDataError(
            f"{path.name}, line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})."
        ) from exc


_TYPE_NAMES = {str: "a string", int: "a whole number", bool: "true or false"}
_TYPE_NAMES |= {list: "a list", dict: "an object"}


def _found(value: Any) -> str:
    if value is None:
        return "null"
    for kind, name in reversed(_TYPE_NAMES.items()):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def typed(value: Any, kind: type, where: str) -> Any:
    """``value`` if it is of ``kind`` (a bool is not taken for a number), else an error."""
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    raise DemoDataError(f"{where}: expected {_TYPE_NAMES[kind]}, found {_found(value)}.")


def fields(
    value: Any,
    where: str,
    *,
    required: dict[str, type],
    optional: dict[str, tuple[type, Any]] | None = None,
) -> dict[str, Any]:
    """``value`` as an object with every ``required`` key and any ``optional`` ones (defaults
    filled in), each of its type; a missing, unknown or mistyped key is an error."""
    optional = optional or {}
    typed(value, dict, where)
    unknown = sorted(set(value) - set(required) - set(optional))
    if unknown:
        expected = ", ".join([*required, *optional])
        raise DemoDataError(f"{where}: unknown key {', '.join(unknown)} (expected {expected}).")
    missing = [key for key in required if key not in value]
    if missing:
        raise DemoDataError(f"{where}: missing {', '.join(missing)}.")
    result = {key: typed(value[key], kind, at(where, key)) for key, kind in required.items()}
    for key, (kind, default) in optional.items():
        result[key] = typed(value[key], kind, at(where, key)) if key in value else default
    return result


def at(where: str, key: str) -> str:
    """Where a key is, for messages: ``people.json: users`` at the top, ``users[0].groups``
    further in."""
    return f"{where}: {key}" if where.endswith(".json") else f"{where}.{key}"


def items(value: Any, where: str, kind: type = dict) -> list[tuple[str, Any]]:
    """The entries of a list, each of ``kind``, paired with where they are for error messages."""
    typed(value, list, where)
    return [(f"{where}[{n}]", typed(item, kind, f"{where}[{n}]")) for n, item in enumerate(value)]


def choice(value: str, choices: type[Choice], where: str) -> Choice:
    """The member of ``choices`` whose stored value is ``value``."""
    if value not in choices.values:
        raise DemoDataError(f"{where}: {value!r} is not one of {', '.join(choices.values)}.")
    return choices(value)


def known(value: str, names, where: str) -> str:
    """``value`` if it names something defined elsewhere in the data (a user, course, skill)."""
    if value not in names:
        raise DemoDataError(f"{where}: {value!r} is not one of {', '.join(sorted(names))}.")
    return value


def words_by_language(
    value: Any,
    where: str,
    *,
    required: dict[str, type],
    optional: dict[str, tuple[type, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """A ``translations`` object: each key a language the site offers (``LANGUAGES``), each
    value that language's words, checked as :func:`fields` checks them."""
    languages = {code for code, _name in settings.LANGUAGES}
    typed(value, dict, where)
    return {
        known(code, languages, at(where, code)): fields(
            words, at(where, code), required=required, optional=optional
        )
        for code, words in value.items()
    }
