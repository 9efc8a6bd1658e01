from django import forms

from core.forms import TEN_MB, MultipleFileField

from .services import MAX_ATTACHMENTS, MAX_BODY


class MessageForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_BODY, required=False, label="Your message",
    )
    attachments = MultipleFileField(
        required=False, max_files=MAX_ATTACHMENTS, max_bytes=TEN_MB, label="Attach photos or PDFs",
        too_many_message=f"Attach at most {MAX_ATTACHMENTS} files to a message.",
        help_text=f"Up to {MAX_ATTACHMENTS} photos (JPEG, PNG, WebP) or PDFs, 10 MB each. "
                  "Only the two of you (and our staff, if there is a dispute) can open them.",
    )

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("attachments") and not self.errors:
            raise forms.ValidationError("Write a message or attach a file.")
        return data
