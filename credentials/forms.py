from django import forms
from django.utils import timezone

from accounts.forms import US_STATES
from core.forms import EVIDENCE_TYPES, MoneyField

from .models import Credential


class CredentialForm(forms.Form):
    kind = forms.ChoiceField(label="What are you adding?", choices=Credential.Kind.choices)
    number = forms.CharField(label="License, policy or bond number", max_length=60)
    state = forms.ChoiceField(label="Issuing state (licenses)", choices=[("", "—")] + [(s, s) for s in US_STATES],
                              required=False)
    license_class = forms.CharField(label="License class (licenses)", max_length=60, required=False,
                                    help_text="As printed, e.g. Master Plumber, Class A Electrical.")
    issuer = forms.CharField(label="Insurer or surety (insurance, bond)", max_length=120, required=False)
    coverage_cents = MoneyField(label="Coverage amount in $ (insurance, bond)", required=False)
    expires_on = forms.DateField(label="Expiry date", widget=forms.DateInput(attrs={"type": "date"}))
    document = forms.FileField(label="Document (PDF or photo)",
                               help_text="The license card or certificate of insurance. Only you, our staff and "
                                         "homeowners you bid for can open it.",
                               widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_TYPES}))

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        if value <= timezone.localdate():
            raise forms.ValidationError("This date has passed: upload the current document.")
        return value


class RejectForm(forms.Form):
    reason = forms.CharField(label="Reason (sent to the contractor)", max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))
