"""The contract between the account-closing service and the apps that hold personal data.

Each app that stores something about a person has a `privacy.py` module with three
functions, and is listed by hand in `fairtrade/privacy.py`:

- `export(user) -> dict`: that app's data about the person, one entry per section
  (lists of plain dicts), JSON-serialisable with DjangoJSONEncoder. Never another
  party's private data (their bids, address, phone, internal staff notes).
- `erasure_blockers(user) -> list[Blocker]`: obligations still open in that app that
  keep the account from being closed, each with a link to where the person can act.
- `erase(user)`: remove or scrub that app's personal data. What the law and the books
  need stays, attached to the pseudonymised account (README, "What erasure keeps").
"""

from dataclasses import dataclass
from types import ModuleType
from typing import Protocol


@dataclass(frozen=True)
class Blocker:
    """Why the account cannot be closed yet, in words the person understands."""

    text: str
    url: str
    link_text: str = "Open"


class PrivacyContributor(Protocol):
    def export(self, user) -> dict: ...

    def erasure_blockers(self, user) -> list[Blocker]: ...

    def erase(self, user) -> None: ...


def section_name(module: ModuleType) -> str:
    """`jobs.privacy` -> `jobs`."""
    return module.__name__.split(".")[0]


def rows(queryset, *fields) -> list[dict]:
    return [dict(row) for row in queryset.values(*fields)]
