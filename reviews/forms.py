from django import forms

RATING_CHOICES = [(5, "5 — Excellent"), (4, "4 — Good"), (3, "3 — OK"), (2, "2 — Poor"), (1, "1 — Very poor")]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect, label="Your rating")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=2000, label="Your review",
                           help_text="How did it go? Be specific and fair. It stays hidden until the other party "
                                     "reviews too, or the 14-day window closes.")


class ReplyForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label="Your reply",
                           help_text="You can reply once; it is shown under the review.")


class HideForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Shown publicly as “removed by staff: reason”. Kept in the audit log.")
