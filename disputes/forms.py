from django import forms

from core.money import MAX_AMOUNT_CENTS, MoneyParseError, cents_to_decimal_string, parse_money

from .models import Dispute

MAX_FILES = 10
MAX_FILE_BYTES = 10 * 1024 * 1024


class AmountField(forms.Field):
    """Dollars in the form, integer cents (zero allowed) in cleaned_data."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0.00", "maxlength": 20}))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return cents_to_decimal_string(value) if isinstance(value, int) else value

    def to_python(self, value):
        value = str(value).strip() if value is not None else ""
        if not value:
            return None
        if len(value) > 20:
            raise forms.ValidationError("Enter an amount like 1250 or 1250.50.")
        try:
            cents = parse_money(value)
        except MoneyParseError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if cents < 0:
            raise forms.ValidationError("Cannot be negative.")
        if cents > MAX_AMOUNT_CENTS:
            raise forms.ValidationError("That is more than any milestone can hold.")
        return cents


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Zero or more photos or PDFs; their content is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", f"Optional. Photos (JPEG, PNG, WebP) or PDFs, up to {MAX_FILES} files of 10 MB each.")
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"Attach at most {MAX_FILES} files at a time.")
        for upload in files:
            if upload.size > MAX_FILE_BYTES:
                raise forms.ValidationError(f"“{upload.name}” is larger than 10 MB.")
        return files


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
