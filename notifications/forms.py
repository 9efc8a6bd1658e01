from django import forms

from . import events as catalogue
from .services import channel_enabled


def field_name(event_key: str, channel: str) -> str:
    return f"{event_key.replace('.', '__')}--{channel}"


class PreferencesForm(forms.Form):
    """One checkbox per switchable (event, channel). Essential email has no checkbox."""

    def __init__(self, *args, user, prefs: dict, sms_available: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        self.events = [ev for ev in catalogue.switchable_events() if ev.audience in (catalogue.ANYONE, user.role)]
        for ev in self.events:
            cells = {}
            for channel in catalogue.CHANNELS:
                if not ev.switchable(channel):
                    cells[channel] = {"locked": channel == catalogue.EMAIL and ev.essential, "field": None}
                    continue
                name = field_name(ev.key, channel)
                self.fields[name] = forms.BooleanField(
                    required=False,
                    initial=channel_enabled(ev, channel, prefs),
                    label=f"{ev.label} by {'email' if channel == catalogue.EMAIL else 'text message'}",
                    disabled=channel == catalogue.SMS and not sms_available,
                )
                cells[channel] = {"locked": False, "name": name}
            self.rows.append({"event": ev, "cells": cells})

    def bound_rows(self):
        for row in self.rows:
            cells = {}
            for channel, cell in row["cells"].items():
                cells[channel] = {**cell, "field": self[cell["name"]] if cell.get("name") else None}
            yield {"event": row["event"], "email": cells[catalogue.EMAIL], "sms": cells[catalogue.SMS]}

    def choices(self) -> dict:
        out = {}
        for ev in self.events:
            for channel in catalogue.CHANNELS:
                name = field_name(ev.key, channel)
                if name in self.fields and not self.fields[name].disabled:
                    out[(ev.key, channel)] = self.cleaned_data.get(name, False)
        return out


class UnsubscribeForm(forms.Form):
    everything = forms.BooleanField(
        required=False, label="Also stop every other optional email (account, payment and dispute emails still arrive)"
    )
