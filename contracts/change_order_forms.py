"""The change-order form: the contract's unfunded milestones as editable rows (title, amount,
remove), up to two new milestones, the timeline and the reason. It turns into a list of
change_orders.Change; the service decides whether they are allowed."""

from django import forms

from core.forms import MoneyField

from .services.change_orders import Change

NEW_ROWS = 2


class ChangeOrderForm(forms.Form):
    start = forms.DateField(label="Start date", widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label="Estimated days", min_value=1, max_value=730)
    reason = forms.CharField(label="Why this change?", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="The other party reads this before accepting or declining.")

    def __init__(self, *args, contract, editable, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.editable = list(editable)
        self.fields["start"].initial = contract.current_start
        self.fields["days"].initial = contract.current_estimated_days
        for m in self.editable:
            self.fields[f"title_{m.pk}"] = forms.CharField(label=f"Milestone {m.position} title", max_length=120,
                                                           initial=m.title)
            self.fields[f"amount_{m.pk}"] = MoneyField(label=f"Milestone {m.position} amount ($)", initial=m.amount_cents)
            self.fields[f"remove_{m.pk}"] = forms.BooleanField(label=f"Remove milestone {m.position}", required=False)
        for i in range(1, NEW_ROWS + 1):
            self.fields[f"new_title_{i}"] = forms.CharField(label=f"New milestone {i} title", max_length=120,
                                                            required=False)
            self.fields[f"new_amount_{i}"] = MoneyField(label=f"New milestone {i} amount ($)", required=False)

    def rows(self):
        """(milestone, title field, amount field, remove field) for the template."""
        return [(m, self[f"title_{m.pk}"], self[f"amount_{m.pk}"], self[f"remove_{m.pk}"]) for m in self.editable]

    def new_rows(self):
        return [(i, self[f"new_title_{i}"], self[f"new_amount_{i}"]) for i in range(1, NEW_ROWS + 1)]

    def clean(self):
        data = super().clean()
        for i in range(1, NEW_ROWS + 1):
            title, amount = (data.get(f"new_title_{i}") or "").strip(), data.get(f"new_amount_{i}")
            if bool(title) != (amount is not None) and not self.errors.get(f"new_amount_{i}"):
                self.add_error(f"new_title_{i}" if not title else f"new_amount_{i}",
                               "A new milestone needs both a title and an amount.")
        return data

    def changes(self) -> list[Change]:
        data = self.cleaned_data
        out = []
        for m in self.editable:
            if data.get(f"remove_{m.pk}"):
                out.append(Change("remove", m.pk))
                continue
            title, amount = data[f"title_{m.pk}"].strip(), data[f"amount_{m.pk}"]
            if title != m.title or amount != m.amount_cents:
                out.append(Change("update", m.pk, title, amount))
        for i in range(1, NEW_ROWS + 1):
            title, amount = (data.get(f"new_title_{i}") or "").strip(), data.get(f"new_amount_{i}")
            if title and amount is not None:
                out.append(Change("add", None, title, amount))
        return out
