from datetime import timedelta

from django import forms
from django.utils import timezone

from core.forms import MoneyField
from jobs.forms import DateInput

from .models import MAX_MILESTONES


class BidForm(forms.Form):
    amount_cents = MoneyField(label="Your price ($)", help_text="The total the homeowner pays you. You keep all of it: no commission.")
    estimated_days = forms.IntegerField(min_value=1, max_value=730, label="Working days needed")
    proposed_start = forms.DateField(widget=DateInput, label="You could start on")
    message = forms.CharField(
        required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 5}), label="Message to the homeowner",
        help_text="Your approach, what's included, warranty. Don't share contact details before the award.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposed_start"].widget.attrs["min"] = timezone.localdate().isoformat()
        self.fields["proposed_start"].widget.attrs["max"] = (timezone.localdate() + timedelta(days=366)).isoformat()


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=120, required=False, label="Milestone")
    amount_cents = MoneyField(required=False, label="Amount ($)")

    def clean(self):
        data = super().clean()
        if bool(data.get("title")) != bool(data.get("amount_cents")) and not self.errors:
            raise forms.ValidationError("Give this milestone both a title and an amount, or leave both empty.")
        return data


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=0, min_num=MAX_MILESTONES, max_num=MAX_MILESTONES, validate_max=True)


def milestone_rows(formset) -> list[dict]:
    """Filled rows of the schedule, in order; empty rows are ignored."""
    return [
        {"title": form.cleaned_data["title"], "amount_cents": form.cleaned_data["amount_cents"]}
        for form in formset.forms
        if form.cleaned_data.get("title") and form.cleaned_data.get("amount_cents")
    ]


def milestone_initial(rows) -> list[dict]:
    return [{"title": row["title"], "amount_cents": row["amount_cents"]} for row in rows]
