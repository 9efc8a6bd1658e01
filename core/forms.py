"""Form fields shared by every app: money in dollars on screen, cents in cleaned_data;
several uploads in one input. Content checks of files stay in the services."""

from django import forms

from .money import MAX_AMOUNT_CENTS, MoneyParseError, cents_to_decimal_string, format_cents, parse_money

TEN_MB = 10 * 1024 * 1024
IMAGE_TYPES = "image/jpeg,image/png,image/webp"
EVIDENCE_TYPES = IMAGE_TYPES + ",application/pdf"


class MoneyField(forms.Field):
    """Dollars in the form ("1,250.50"), integer cents in cleaned_data."""

    def __init__(self, *args, allow_zero=False, max_message=None, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0.00", "maxlength": 20}))
        self.allow_zero = allow_zero
        self.max_message = max_message or f"At most {format_cents(MAX_AMOUNT_CENTS)}."
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
        if cents < 0 or (cents == 0 and not self.allow_zero):
            raise forms.ValidationError("Cannot be negative." if self.allow_zero else "Must be more than zero.")
        if cents > MAX_AMOUNT_CENTS:
            raise forms.ValidationError(self.max_message)
        return cents


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several uploads in one input; cleaned_data is a list (empty when none)."""

    def __init__(self, *args, max_files, max_bytes=TEN_MB, accept=EVIDENCE_TYPES, too_many_message=None, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        self.max_files = max_files
        self.max_bytes = max_bytes
        self.too_many_message = too_many_message or f"Attach at most {max_files} files."
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = list(data) if isinstance(data, list | tuple) else ([data] if data else [])
        if not files:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_files:
            raise forms.ValidationError(self.too_many_message)
        for upload in files:
            super().clean(upload, initial)
            if upload.size > self.max_bytes:
                raise forms.ValidationError(f"“{upload.name}” is larger than {self.max_bytes // (1024 * 1024)} MB.")
        return files
