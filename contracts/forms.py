"""Forms of the milestone lifecycle: submitting completion, requesting changes."""

from django import forms

from core.forms import MultipleFileField

from .evidence import MAX_FILES


class SubmitForm(forms.Form):
    notes = forms.CharField(
        label="What did you finish?", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The homeowner reads this next to your photos before approving.",
    )
    evidence = MultipleFileField(
        max_files=MAX_FILES, label="Photos or documents", required=True,
        help_text=f"1 to {MAX_FILES} files: photos (JPEG, PNG, WebP) or PDFs, up to 10 MB each.",
    )


class RequestChangesForm(forms.Form):
    note = forms.CharField(
        label="What should change?", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The milestone goes back to the contractor and the auto-approve clock stops.",
    )
