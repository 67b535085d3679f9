"""The people a sandbox user can play: who they are on Telegram and on the phone.

The list is kept in a JSON file next to the sandbox database, so a restarted sandbox shows
the same people as the database knows.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import phonenumbers

FIRST_TELEGRAM_ID = 900_001
MAX_PEOPLE = 50
MAX_NAME = 40


class PersonError(ValueError):
    """What is wrong with a person to add, in words for the page."""


@dataclass(frozen=True, slots=True)
class Person:
    """Someone to play: on Telegram (a user id), by text (a phone), or both."""

    key: str
    name: str
    role: str  # what the seed made them: officer, leader, resident, "" for people added
    telegram_id: int | None = None
    phone: str | None = None
    language: str = "en"

    def as_json(self) -> dict[str, object]:
        """The person for the page."""
        return asdict(self)


# The demo cast: an officer, an elected leader, three residents and one who only texts.
SEEDED = (
    Person("officer", "Dana Reyes", "officer", 900_001, None),
    Person("leader", "Marcus Lee", "leader", 900_002, "+13125550102"),
    Person("ruth", "Ruth Alvarez", "resident", 900_003, "+13125550103"),
    Person("sam", "Sam Okafor", "resident", 900_004, "+13125550104"),
    Person("priya", "Priya Shah", "resident", 900_005, "+13125550105"),
    Person("walt", "Walt Brennan", "resident (text only)", None, "+13125550106"),
)


class People:
    """The sandbox's people, saved to a JSON file."""

    def __init__(self, path: Path, people: list[Person] | None = None) -> None:
        self.path = path
        self.people: list[Person] = list(people or [])

    @classmethod
    def load(cls, path: Path) -> People:
        """The saved people (none when the file does not exist yet)."""
        if not path.exists():
            return cls(path)
        rows = json.loads(path.read_text(encoding="utf-8"))
        return cls(path, [Person(**row) for row in rows])

    def save(self) -> None:
        """Write the list next to the database."""
        rows = [person.as_json() for person in self.people]
        self.path.write_text(json.dumps(rows, indent=2), encoding="utf-8")

    def find(self, key: str) -> Person | None:
        """The person with this key."""
        return next((p for p in self.people if p.key == key), None)

    def by_telegram(self, telegram_id: int) -> Person | None:
        """The person with this Telegram user id."""
        return next((p for p in self.people if p.telegram_id == telegram_id), None)

    def by_phone(self, phone: str) -> Person | None:
        """The person with this phone number."""
        return next((p for p in self.people if p.phone == phone), None)

    def add(self, name: str, phone: str, language: str, telegram: bool) -> Person:
        """Add someone (a Telegram user unless `telegram` is false, then a phone only)."""
        name = " ".join(name.split())
        if not name or len(name) > MAX_NAME:
            raise PersonError(f"A name of 1 to {MAX_NAME} characters, please.")
        if len(self.people) >= MAX_PEOPLE:
            raise PersonError(f"The sandbox holds {MAX_PEOPLE} people; start --fresh for more.")
        number = normalise_phone(phone) if phone.strip() else None
        if number is None and not telegram:
            raise PersonError("Someone who only texts needs a phone number.")
        if number is not None and self.by_phone(number):
            raise PersonError("Someone here already has that number.")
        if language not in ("en", "es"):
            raise PersonError("The language is en or es.")
        used = [p.telegram_id for p in self.people if p.telegram_id is not None]
        telegram_id = max([FIRST_TELEGRAM_ID + 99, *used]) + 1 if telegram else None
        key = f"p{len(self.people) + 1}"
        while self.find(key):
            key += "x"
        person = Person(key, name, "", telegram_id, number, language)
        self.people.append(person)
        self.save()
        return person


def normalise_phone(typed: str) -> str:
    """A phone number in E.164 (US numbers without +1 are taken as US)."""
    try:
        number = phonenumbers.parse(typed, "US")
    except phonenumbers.NumberParseException:
        raise PersonError("That does not look like a phone number.") from None
    if not phonenumbers.is_possible_number(number):
        raise PersonError("That does not look like a phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
