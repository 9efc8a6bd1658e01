from datetime import timedelta

from django import forms
from django.utils import timezone

from core.forms import IMAGE_TYPES, MoneyField, MultipleFileField

from . import rules
from .models import Category, Job, JobPhoto
from .selectors import SORT_LABELS

RADIUS_CHOICES = [("", "Any distance"), ("5", "5 miles"), ("10", "10 miles"), ("25", "25 miles"), ("50", "50 miles"), ("100", "100 miles")]


def photo_field(**kwargs):
    """Zero or more photos; content checks happen in the service (jobs.images)."""
    return MultipleFileField(
        max_files=JobPhoto.MAX_PER_JOB, max_bytes=JobPhoto.MAX_BYTES, accept=IMAGE_TYPES, required=False,
        too_many_message=f"At most {JobPhoto.MAX_PER_JOB} photos per job.", **kwargs,
    )


class DateInput(forms.DateInput):
    input_type = "date"


class JobForm(forms.Form):
    title = forms.CharField(max_length=120, min_length=5, help_text="For example: “Replace water heater (50 gal, gas)”.")
    category = forms.ModelChoiceField(Category.objects.all(), to_field_name="slug", empty_label="Choose a trade", label="Trade")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 7}), min_length=20, max_length=5000,
        help_text="What needs doing, materials you already have, access, anything unusual. No personal details.",
    )
    zip_code = forms.CharField(
        max_length=5, label="ZIP code",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
        help_text="Contractors see the city; the street address stays private.",
    )
    address = forms.CharField(
        max_length=200, required=False, label="Street address",
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        help_text="Only the contractor you hire ever sees this.",
    )
    budget_min_cents = MoneyField(label="Budget from ($)")
    budget_max_cents = MoneyField(label="Budget up to ($)")
    desired_start = forms.DateField(widget=DateInput, label="Desired start")
    bidding_deadline = forms.DateField(
        widget=DateInput, label="Bids close on",
        help_text=f"Between {rules.MIN_DEADLINE_DAYS} and {rules.MAX_DEADLINE_DAYS} days from today, at the end of that day (UTC).",
    )
    photos = photo_field(label="Photos", help_text="JPEG, PNG or WebP, up to 10 MB each, 10 per job. Location data is removed.")

    def __init__(self, *args, job: Job | None = None, **kwargs):
        self.job = job
        if job is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "title": job.title, "category": job.category.slug, "description": job.description,
                "zip_code": job.zip_code, "address": job.address, "budget_min_cents": job.budget_min_cents,
                "budget_max_cents": job.budget_max_cents, "desired_start": job.desired_start,
                "bidding_deadline": job.bidding_deadline.date(),
            }
        super().__init__(*args, **kwargs)
        if job is not None:
            del self.fields["photos"]  # managed on the job page once the job exists
        today = timezone.localdate()
        self.fields["desired_start"].widget.attrs["min"] = today.isoformat()
        self.fields["bidding_deadline"].widget.attrs.update(
            min=(today + timedelta(days=rules.MIN_DEADLINE_DAYS)).isoformat(),
            max=(today + timedelta(days=rules.MAX_DEADLINE_DAYS)).isoformat(),
        )

    def clean_zip_code(self):
        value = self.cleaned_data["zip_code"].strip()
        if problems := rules.zip_errors(value):
            raise forms.ValidationError(problems[0])
        return value

    def clean_bidding_deadline(self):
        deadline = rules.end_of_day(self.cleaned_data["bidding_deadline"])
        if problems := rules.deadline_errors(deadline):
            raise forms.ValidationError(problems[0])
        return deadline

    def clean_desired_start(self):
        value = self.cleaned_data["desired_start"]
        if problems := rules.start_errors(value):
            raise forms.ValidationError(problems[0])
        return value

    def clean(self):
        data = super().clean()
        low, high = data.get("budget_min_cents"), data.get("budget_max_cents")
        if low and high and low > high:
            self.add_error("budget_max_cents", "The highest budget must be at least the lowest.")
        return data

    def job_fields(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if key != "photos"}


class PhotoForm(forms.Form):
    image = forms.FileField(
        label="Add a photo", widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text="JPEG, PNG or WebP, up to 10 MB. Location data is removed.",
    )


class QuestionForm(forms.Form):
    body = forms.CharField(
        label="Ask the homeowner a question", min_length=5, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Everyone who views this job sees the question and answer; your name is never shown.",
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label="Your answer", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why are you cancelling?", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. Bidders see that the job was cancelled, never the reason.",
    )


class BoardForm(forms.Form):
    """The job board's GET filters. Invalid values are dropped, never a server error."""

    q = forms.CharField(required=False, max_length=200, label="Search", widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. water heater, deck, rewiring"}))
    category = forms.ModelChoiceField(Category.objects.all(), to_field_name="slug", required=False, empty_label="All trades", label="Trade")
    zip = forms.CharField(required=False, max_length=5, label="Near ZIP", widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    radius = forms.TypedChoiceField(choices=RADIUS_CHOICES, required=False, coerce=int, empty_value=None, label="Within")
    budget_min = MoneyField(required=False, label="Budget at least ($)")
    budget_max = MoneyField(required=False, label="Budget at most ($)")
    sort = forms.ChoiceField(choices=list(SORT_LABELS.items()), required=False, label="Sort by")

    def clean_zip(self):
        value = (self.cleaned_data.get("zip") or "").strip()
        if value and rules.zip_errors(value):
            raise forms.ValidationError("We don't recognise that ZIP code.")
        return value
