"""Turn the export's JSON into a tree the HTML page renders: tables for lists of records,
definition lists for records, text for the rest. Works on any app's section, so a new
field in an app's export appears on the page without touching a template."""

from dataclasses import dataclass, field

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
    return str(key).replace("_", " ").capitalize()


def _flat(value) -> bool:
    return not isinstance(value, (dict, list))


def build(value) -> Node:
    if isinstance(value, dict):
        return Node("record", items=[(label(key), build(item)) for key, item in value.items()])
    if isinstance(value, list):
        if not value:
            return Node("text", text="None")
        if all(isinstance(item, dict) for item in value) and all(_flat(v) for item in value for v in item.values()):
            headers = list(dict.fromkeys(key for item in value for key in item))
            return Node("table", headers=[label(h) for h in headers],
                        rows=[[build(item.get(h)) for h in headers] for item in value])
        return Node("list", items=[build(item) for item in value])
    if value is None or value == "":
        return Node("text", text="—")
    if isinstance(value, bool):
        return Node("text", text="Yes" if value else "No")
    return Node("text", text=str(value))


def export_tree(data: dict) -> list[tuple[str, list[tuple[str, Node]]]]:
    """[(section title, [(sub-section title, node), ...]), ...] in the export's order."""
    sections = []
    for key, value in data.items():
        if not isinstance(value, dict):
            continue  # format, exported_at, user_id: shown in the page header
        sections.append((SECTION_TITLES.get(key, label(key)), [(label(k), build(v)) for k, v in value.items()]))
    return sections
