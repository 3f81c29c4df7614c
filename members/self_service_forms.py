"""The member's own update form: the fields a member may say about itself, validated by the
model's own rules (and the admin's logo rules), turned into a pending change, never a save."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import logos
from .models import Member

# What a member may change about itself; the rest (name, fiscal code, category, membership
# dates, publication) stays with the manager.
SELF_SERVICE_FIELDS = [
    "short_description_ro",
    "short_description_en",
    "description_ro",
    "description_en",
    "competences",
    "certifications",
    "website",
    "size",
    "founded",
    "address",
    "postal_code",
    "locality",
    "offers_subcontracting",
    "seeks_partners",
]


def _https_by_default(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class SelfServiceForm(forms.ModelForm):
    class Meta:
        model = Member
        formfield_callback = _https_by_default
        fields = [*SELF_SERVICE_FIELDS, "logo"]
        widgets = {
            "competences": forms.CheckboxSelectMultiple,
            "certifications": forms.CheckboxSelectMultiple,
            "logo": forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["logo"].help_text = _(
            "PNG, JPEG or WebP, at most 2 MB. Leave empty to keep the present logo."
        )

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload, not the stored file
            return logos.clean_logo(logo)
        return None


class ContactForm(forms.Form):
    """One contact person: as known (id) or new, with the person's choice about being shown."""

    CONSENT_CHOICES = [
        ("public", _("I agree to be shown on the public profile")),
        ("private", _("Do not show me publicly")),
    ]
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("name"), max_length=150, required=False)
    role = forms.CharField(label=_("role"), max_length=150, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    consent = forms.ChoiceField(
        label=_("Public display"), choices=CONSENT_CHOICES, widget=forms.RadioSelect, initial="private"
    )

    def clean(self):
        data = super().clean()
        if not data.get("name") and (data.get("email") or data.get("phone") or data.get("role")):
            self.add_error("name", _("Please give the person's name."))
        return data


ContactFormSet = forms.formset_factory(ContactForm, extra=1, max_num=20, absolute_max=30)
