"""Turn the export's JSON into a tree the HTML page renders: tables for lists of records,
definition lists for records, text for the rest. Works on any app's section, so a new
field in an app's export appears on the page without touching a template."""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from core.money import format_cents

_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

SECTION_TITLES = {
    "accounts": "Your account",
    "jobs": "Jobs and questions",
    "bids": "Your bids",
    "contracts": "Contracts and milestones",
    "payments": "Payments and payouts",
    "disputes": "Disputes",
    "reviews": "Reviews",
    "notifications": "Notifications",
    "audit": "Security and activity log",
}


@dataclass
class Node:
    kind: str  # "text" | "record" | "table" | "list"
    text: str = ""
    items: list = field(default_factory=list)  # record: [(label, Node)], list: [Node]
    headers: list = field(default_factory=list)  # table
    rows: list = field(default_factory=list)  # table: [[Node, ...]]


def label(key: str) -> str:
    text = str(key).removesuffix("_cents").replace("__", " ").replace("_", " ").capitalize()
    return re.sub(r"\b(Api|Ip|Id|Zip)\b", lambda m: m.group(1).upper(), text)


def _flat(value) -> bool:
    return not isinstance(value, (dict, list))


def _text(value, key: str = "", currency: str = "usd") -> Node:
    """One value as people read it: money from cents, dates without ISO noise."""
    if value is None or value == "":
        return Node("text", text="—")
    if isinstance(value, bool):
        return Node("text", text="Yes" if value else "No")
    if key.endswith("_cents") and isinstance(value, int):
        return Node("text", text=format_cents(value, currency))
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        moment = datetime.fromisoformat(value).astimezone(UTC)
        return Node("text", text=moment.strftime("%b %-d, %Y %H:%M UTC"))
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return Node("text", text=date.fromisoformat(value).strftime("%b %-d, %Y"))
    return Node("text", text=str(value))


def build(value, key: str = "", currency: str = "usd") -> Node:
    if isinstance(value, dict):
        currency = value.get("currency") or currency
        return Node("record", items=[(label(k), build(v, k, currency)) for k, v in value.items()])
    if isinstance(value, list):
        if not value:
            return Node("text", text="None")
        if all(isinstance(item, dict) for item in value) and all(_flat(v) for item in value for v in item.values()):
            headers = list(dict.fromkeys(k for item in value for k in item))
            return Node("table", headers=[label(h) for h in headers],
                        rows=[[_text(item.get(h), h, item.get("currency") or currency) for h in headers]
                              for item in value])
        if all(_flat(item) for item in value):
            return Node("text", text=", ".join(_text(item, key, currency).text for item in value))
        return Node("list", items=[build(item, key, currency) for item in value])
    return _text(value, key, currency)


def export_tree(data: dict) -> list[tuple[str, list[tuple[str, Node]]]]:
    """[(section title, [(sub-section title, node), ...]), ...] in the export's order."""
    sections = []
    for key, value in data.items():
        if not isinstance(value, dict):
            continue  # format, exported_at, user_id: shown in the page header
        sections.append((SECTION_TITLES.get(key, label(key)), [(label(k), build(v)) for k, v in value.items()]))
    return sections
