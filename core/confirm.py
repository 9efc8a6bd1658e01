"""The confirmation step of an irreversible action (money, deletion, closing a sealed
auction): GET on the action's URL shows what will happen, with the amounts; POST does it.
Buttons elsewhere link to the GET, so a single stray click never moves money."""

from dataclasses import dataclass, field

from django.shortcuts import render


@dataclass
class Confirm:
    title: str
    button: str
    action_url: str
    back_url: str
    consequences: list[str]
    facts: list[tuple[str, str]] = field(default_factory=list)
    back_label: str = "Back"
    cancel_label: str = "Cancel"
    irreversible: str = "This cannot be undone."
    danger: bool = False
    hidden: list[tuple[str, str]] = field(default_factory=list)


def confirm_page(request, confirm: Confirm, status: int = 200):
    return render(request, "includes/confirm.html", {"confirm": confirm}, status=status)
