from django import forms

from accounts.forms import clean_us_zip
from core.forms import IMAGE_TYPES
from jobs.models import Category

RADIUS_CHOICES = [("", "Their service area"), ("10", "10 miles"), ("25", "25 miles"), ("50", "50 miles"),
                  ("100", "100 miles")]
RATING_CHOICES = [("", "Any rating"), ("3", "3 ★ and up"), ("4", "4 ★ and up"), ("4.5", "4.5 ★ and up")]
SORT_CHOICES = [("rating", "Best rated"), ("reviews", "Most reviews"), ("jobs", "Most jobs done"), ("name", "Name")]


class DirectoryForm(forms.Form):
    category = forms.ModelChoiceField(label="Trade", queryset=Category.objects.all(), to_field_name="slug",
                                      required=False, empty_label="All trades")
    zip = forms.CharField(label="Near ZIP", max_length=5, required=False,
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}))
    radius = forms.ChoiceField(label="Within", choices=RADIUS_CHOICES, required=False)
    min_rating = forms.ChoiceField(label="Rating", choices=RATING_CHOICES, required=False)
    verified = forms.BooleanField(label="Verified license or insurance only", required=False)
    sort = forms.ChoiceField(label="Sort by", choices=SORT_CHOICES, required=False)

    def clean_zip(self):
        value = (self.cleaned_data.get("zip") or "").strip()
        return clean_us_zip(value) if value else ""

    def clean(self):
        data = super().clean()
        if data.get("radius") and not data.get("zip"):
            self.add_error("zip", "Enter a ZIP to measure the distance from.")
        return data

    def filters(self) -> dict:
        data = self.cleaned_data
        return {"category": data["category"].slug if data.get("category") else "", "zip_code": data.get("zip") or "",
                "radius_miles": int(data["radius"]) if data.get("radius") else None,
                "min_rating": data.get("min_rating") or None, "verified_only": bool(data.get("verified")),
                "sort": data.get("sort") or "rating"}


class InviteForm(forms.Form):
    job = forms.ChoiceField(label="Invite to bid on")

    def __init__(self, *args, jobs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job"].choices = [(str(job.pk), job.title) for job in jobs]


class PortfolioForm(forms.Form):
    image = forms.FileField(label="Photo of your work", widget=forms.ClearableFileInput(attrs={"accept": IMAGE_TYPES}),
                            help_text="JPEG, PNG or WebP up to 10 MB. Location data (EXIF) is removed.")
    caption = forms.CharField(label="Caption", max_length=200, required=False,
                              help_text="What, where and when, e.g. “Walk-in shower, South Austin, 2025”.")


class LogoForm(forms.Form):
    logo = forms.FileField(label="New logo", widget=forms.ClearableFileInput(attrs={"accept": IMAGE_TYPES}),
                           help_text="JPEG, PNG or WebP up to 5 MB; a square image looks best. Location data (EXIF) "
                                     "is removed and large images are scaled down.")
