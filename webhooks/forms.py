from django import forms

from . import catalogue


class EndpointForm(forms.Form):
    url = forms.CharField(label="Endpoint URL", max_length=500,
                          help_text="An https:// address of your receiver. We POST signed JSON to it.",
                          widget=forms.URLInput(attrs={"placeholder": "https://example.com/webhooks/fairtrade"}))
    description = forms.CharField(label="Description", max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label="Events to send", widget=forms.CheckboxSelectMultiple,
        choices=[(name, f"{name} — {text}") for name, text in catalogue.EVENT_TYPES.items()],
    )
