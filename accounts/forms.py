from django import forms
from django.utils import timezone

from core import timezones
from core.geo import lookup_zip
from jobs.models import Category

from .models import ContractorProfile, User

US_STATES = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC",
    "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
]


def clean_us_zip(value: str) -> str:
    value = (value or "").strip()
    if len(value) != 5 or not value.isdigit():
        raise forms.ValidationError("Enter a 5-digit US ZIP code.")
    if lookup_zip(value) is None:
        raise forms.ValidationError("We don't recognise that ZIP code.")
    return value


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form lacks; allauth calls signup() after creating the user."""

    full_name = forms.CharField(max_length=150, label="Full name", widget=forms.TextInput(attrs={"autocomplete": "name"}))
    role = forms.ChoiceField(
        choices=User.Role.choices,
        widget=forms.RadioSelect,
        label="I am a",
        initial=User.Role.HOMEOWNER,
        help_text="Homeowners post jobs; contractors bid on them. This cannot be changed later.",
    )

    field_order = ["full_name", "email", "role", "password1", "password2"]

    def clean_full_name(self):
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError("Enter your full name.")
        return name

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.role = self.cleaned_data["role"]
        user.save(update_fields=["full_name", "role"])


class ProfileForm(forms.Form):
    full_name = forms.CharField(max_length=150, label="Full name", widget=forms.TextInput(attrs={"autocomplete": "name"}))
    time_zone = forms.ChoiceField(
        choices=timezones.CHOICES, label="Time zone", required=False,
        help_text="Dates and times on the site and in our emails are shown in this zone. Your ZIP code set it first.",
    )


class HomeownerOnboardingForm(forms.Form):
    zip_code = forms.CharField(
        max_length=5,
        label="ZIP code of your home",
        help_text="Used to show your jobs to contractors nearby. Your street address stays private.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )

    def clean_zip_code(self):
        return clean_us_zip(self.cleaned_data["zip_code"])


class ContractorOnboardingForm(forms.ModelForm):
    trades = forms.ModelMultipleChoiceField(
        queryset=Category.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Pick every trade you take work in. The job board shows these first.",
    )
    license_state = forms.ChoiceField(choices=[("", "—")] + [(s, s) for s in US_STATES], required=False)

    class Meta:
        model = ContractorProfile
        fields = [
            "business_name", "trades", "zip_code", "service_radius_miles", "license_number", "license_state",
            "license_expires_on", "insurance_expires_on", "years_in_business", "bio",
        ]
        labels = {
            "zip_code": "Business ZIP code",
            "service_radius_miles": "Service radius (miles)",
            "license_expires_on": "License expiry date",
            "insurance_expires_on": "Insurance expiry date",
        }
        help_texts = {
            "bio": "Tell homeowners about your experience and the work you're proud of.",
            "license_number": "Shown as a verified badge while it is current.",
        }
        widgets = {
            "license_expires_on": forms.DateInput(attrs={"type": "date"}),
            "insurance_expires_on": forms.DateInput(attrs={"type": "date"}),
            "bio": forms.Textarea(attrs={"rows": 5}),
            "zip_code": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
        }

    def clean_zip_code(self):
        return clean_us_zip(self.cleaned_data["zip_code"])

    def clean(self):
        data = super().clean()
        if data.get("license_number") and not data.get("license_state"):
            self.add_error("license_state", "Choose the state that issued the license.")
        today = timezone.localdate()
        for field in ("license_expires_on", "insurance_expires_on"):
            if data.get(field) and data[field] < today:
                self.add_error(field, "This date has passed; enter the current expiry date.")
        return data

    def profile_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "trades"}


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=80, label="Token name", help_text="e.g. 'Accounting sync'. Only you see it.")


class AccountEraseForm(forms.Form):
    password = forms.CharField(
        label="Your password", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}), strip=False
    )
    confirm = forms.CharField(label='Type "DELETE" to confirm', max_length=10)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That password is not correct.")
        return password

    def clean_confirm(self):
        if self.cleaned_data["confirm"].strip() != "DELETE":
            raise forms.ValidationError('Type DELETE in capital letters to confirm.')
        return "DELETE"
