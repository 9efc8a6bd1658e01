from django import forms

from contracts.evidence import MAX_FILES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Content checks happen in contracts.evidence (the service), not here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class SubmitForm(forms.Form):
    notes = forms.CharField(
        label="What did you finish?", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The homeowner reads this next to your photos before approving.",
    )
    evidence = MultipleFileField(
        label="Photos or documents", required=True,
        help_text=f"1 to {MAX_FILES} files: photos (JPEG, PNG, WebP) or PDFs, up to 10 MB each.",
    )


class RequestChangesForm(forms.Form):
    note = forms.CharField(
        label="What should change?", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The milestone goes back to the contractor and the auto-approve clock stops.",
    )
