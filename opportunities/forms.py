from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Message


class ContactForm(forms.ModelForm):
    """A visitor's message to the cluster office. `website` is a honeypot: hidden from people
    (and from screen readers), filled in by bots that complete every field they find."""

    website = forms.CharField(required=False, label=_("Leave this field empty"))
    consent = forms.BooleanField(
        required=True,
        label=_("I agree that the cluster office passes my name, organisation and e-mail address on."),
        error_messages={"required": _("Without your consent the office cannot pass your message on.")},
    )

    class Meta:
        model = Message
        fields = ["name", "organisation", "email", "text", "consent"]  # noqa: RUF012 (Django's Meta)
        labels = {"text": _("Message")}  # noqa: RUF012
        widgets = {  # noqa: RUF012
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "text": forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_bot(self):
        return bool(self.data.get("website"))
