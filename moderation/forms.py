from django import forms

from .models import ReportReason
from .services import DETAILS_MAX


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label="What is wrong?", choices=[("", "Choose a reason")] + ReportReason.choices)
    details = forms.CharField(
        label="Details", required=False, max_length=DETAILS_MAX, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What should our moderators look at? Required for “Something else”.")


class ReasonForm(forms.Form):
    """Staff: hide, warn, suspend. The person concerned reads the reason."""

    reason = forms.CharField(label="Reason (the person is shown it)", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label="Note (optional)", max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
