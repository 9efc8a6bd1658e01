from django import forms

from core.forms import MoneyField, MultipleFileField

from .models import Dispute

MAX_FILES = 10
MAX_FILE_BYTES = 10 * 1024 * 1024


def AmountField(**kwargs):  # noqa: N802  (reads like the field class it builds)
    """Dollars in the form, integer cents (zero allowed) in cleaned_data."""
    return MoneyField(allow_zero=True, max_message="That is more than any milestone can hold.", **kwargs)


def EvidenceField(**kwargs):  # noqa: N802
    """Zero or more photos or PDFs; their content is checked by the service."""
    kwargs.setdefault("required", False)
    kwargs.setdefault("help_text", f"Optional. Photos (JPEG, PNG, WebP) or PDFs, up to {MAX_FILES} files of 10 MB each.")
    return MultipleFileField(
        max_files=MAX_FILES, max_bytes=MAX_FILE_BYTES, too_many_message=f"Attach at most {MAX_FILES} files at a time.",
        **kwargs,
    )


class DisputeOpenForm(forms.Form):
    reason = forms.ChoiceField(choices=Dispute.Reason.choices, widget=forms.RadioSelect, label="What went wrong?")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
        help_text="What happened, what you already tried, and what you would consider fair. Both sides and our staff read it.")
    requested_refund = AmountField(required=False, label="Refund you ask for ($)",
                                   help_text="At most the milestone amount. Leave empty if you are not asking for money back.")
    files = EvidenceField(label="Evidence")

    def __init__(self, *args, role: str = "homeowner", **kwargs):
        super().__init__(*args, **kwargs)
        if role != "homeowner":
            del self.fields["requested_refund"]


class MessageForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, label="Your message")
    files = EvidenceField(label="Attach files")


class OfferForm(forms.Form):
    contractor_amount = AmountField(
        label="Contractor receives ($)",
        help_text="The homeowner is refunded the rest of the milestone (and the platform fee on that part).")
    note = forms.CharField(max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           label="Note")

    def clean_contractor_amount(self):
        value = self.cleaned_data.get("contractor_amount")
        if value is None:
            raise forms.ValidationError("Enter the contractor's share (0 for a full refund).")
        return value


class ResolveForm(forms.Form):
    """Staff decision in admin."""

    outcome = forms.ChoiceField(choices=Dispute.Outcome.choices, widget=forms.RadioSelect)
    contractor_amount = AmountField(required=False, label="Contractor receives ($) — split only")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
                             help_text="Required. Both parties read this.")


class StaffNoteForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="Internal note")


class StaffOfferForm(forms.Form):
    contractor_amount = AmountField(label="Proposed: contractor receives ($)")
    note = forms.CharField(max_length=1000, required=False, label="Explanation for both parties")
