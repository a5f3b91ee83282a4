"""Forms check the shape of what the user typed; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NAME_MAX_LENGTH, SUBSECTORS_BY_SECTOR, ProjectStatus, Role, Sector, Subsector


def _subsector_choices() -> list:
    labels = dict(Subsector.choices)
    sectors = dict(Sector.choices)
    return [("", _("— none —"))] + [
        (sectors[sector], [(value, labels[value]) for value in values])
        for sector, values in SUBSECTORS_BY_SECTOR.items()
    ]


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Project name"), max_length=NAME_MAX_LENGTH)
    client = forms.CharField(label=_("Client"), max_length=NAME_MAX_LENGTH, required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    subsector = forms.ChoiceField(label=_("Subsector"), choices=_subsector_choices, required=False)
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        min_length=2,
        required=False,
        help_text=_("Two-letter ISO code, e.g. MX, ES, US."),
        widget=forms.TextInput(attrs={"autocomplete": "country", "size": 2}),
    )
    city = forms.CharField(label=_("City"), max_length=120, required=False)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("The name cannot be empty."))
        return name

    def clean_country(self) -> str:
        country = self.cleaned_data["country"].strip().upper()
        if country and not country.isalpha():
            raise forms.ValidationError(_("Use a two-letter country code, e.g. MX."))
        return country

    def clean(self) -> dict:
        data = super().clean()
        sector, subsector = data.get("sector"), data.get("subsector")
        if sector and subsector and subsector not in SUBSECTORS_BY_SECTOR[sector]:
            self.add_error("subsector", _("That subsector does not belong to the chosen sector."))
        return data


class RenameForm(forms.Form):
    name = forms.CharField(label=_("Project name"), max_length=NAME_MAX_LENGTH)
    client = forms.CharField(label=_("Client"), max_length=NAME_MAX_LENGTH, required=False)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("The name cannot be empty."))
        return name


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.ENGINEER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class DashboardFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    phase = forms.ChoiceField(
        label=_("Phase"),
        required=False,
        choices=[("", _("All phases")), *ProjectStatus.choices, ("archived", _("Archived"))],
    )


__all__ = ["DashboardFilterForm", "InviteForm", "ProjectForm", "RenameForm", "RoleForm"]
