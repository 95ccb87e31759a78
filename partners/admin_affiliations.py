"""How the back office changes an affiliation: through the same actions as the partner area.

A change of status (approve, reject, end) or of role (promote, demote) made in the admin
forms is checked like the action would check it, so the coordinator gets the message on the
form, and then carried out by the action in ``partners.actions``. Other fields are saved as
they are. Used by the affiliation admin and the organisation page's inline.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners import actions
from partners.models import Affiliation

Role, Status = Affiliation.Role, Affiliation.Status


def _stored(affiliation: Affiliation) -> dict | None:
    if affiliation.pk is None:
        return None
    return Affiliation.objects.filter(pk=affiliation.pk).values("role", "status").first()


def _is_demotion(stored: dict | None, role, status) -> bool:
    return (
        stored is not None
        and stored["role"] == Role.REFERENT
        and stored["status"] == Status.ACTIVE
        and role == Role.EMPLOYEE
        and status == Status.ACTIVE
    )


def _last_referent_message(organization) -> str:
    return _(
        "This is the only referent of %(organization)s: promote someone else before "
        "removing this role."
    ) % {"organization": organization.name}


class AffiliationForm(forms.ModelForm):
    """Fills in the bookkeeping the database requires when the coordinator changes a status,
    and refuses what the actions would refuse."""

    class Meta:
        model = Affiliation
        # The admin passes its own field list; this is the widest one.
        fields = (
            "user",
            "organization",
            "role",
            "status",
            "request_message",
            "verified_via",
            "verified_at",
            "verified_by",
            "ended_at",
        )

    def clean(self):
        data = super().clean()
        status, role = data.get("status"), data.get("role")
        if status == Status.ACTIVE:
            if "verified_at" in self.fields and not data.get("verified_at"):
                data["verified_at"] = timezone.now()
            if "verified_via" in self.fields and not data.get("verified_via"):
                data["verified_via"] = Affiliation.VerifiedVia.COORDINATOR
        if status == Status.ENDED and "ended_at" in self.fields and not data.get("ended_at"):
            data["ended_at"] = timezone.now()
        stored = _stored(self.instance)
        organization = data.get("organization") or getattr(self.instance, "organization", None)
        if stored is None or organization is None:
            return data
        if _is_demotion(stored, role, status):
            others = (
                Affiliation.objects.referents()
                .filter(organization=organization)
                .exclude(pk=self.instance.pk)
            )
            if not others.exists():
                self.add_error("role", _last_referent_message(organization))
        if (
            stored["status"] == Status.PENDING
            and status == Status.ACTIVE
            and not organization.is_active
        ):
            self.add_error(
                "status",
                _("%(name)s is not an active member of the District.")
                % {"name": organization.name},
            )
        return data


class AffiliationInlineFormSet(forms.BaseInlineFormSet):
    """Several referents demoted at once must not leave the organisation without one."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        demoted, remaining = False, 0
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            data = form.cleaned_data
            if self.can_delete and self._should_delete_form(form):
                continue
            role, status = data.get("role"), data.get("status")
            demoted = demoted or _is_demotion(_stored(form.instance), role, status)
            remaining += role == Role.REFERENT and status == Status.ACTIVE
        if demoted and remaining == 0:
            listed = [form.instance.pk for form in self.forms if form.instance.pk]
            outside = (
                Affiliation.objects.referents()
                .filter(organization=self.instance)
                .exclude(pk__in=listed)
            )
            if not outside.exists():
                raise forms.ValidationError(_last_referent_message(self.instance))


def stamp_verifier(form, user) -> None:
    """The coordinator who activates an affiliation is the one who verified it."""
    affiliation = form.instance
    if (
        "status" in form.changed_data
        and affiliation.status == Status.ACTIVE
        and affiliation.verified_by_id is None
    ):
        affiliation.verified_by = user


def save_affiliation(affiliation: Affiliation, *, actor) -> Affiliation:
    """Save the admin's changes to an existing affiliation, status and role by the actions.

    Approving, rejecting and ending a request or affiliation, promoting and demoting go
    through ``partners.actions`` (mail, history, the last-referent rule). Changes no action
    covers (e.g. re-opening an ended affiliation) are saved as they are.
    """
    stored = Affiliation.objects.get(pk=affiliation.pk)
    wanted_role, wanted_status = affiliation.role, affiliation.status
    affiliation.role, affiliation.status = stored.role, stored.status
    affiliation.save()
    if wanted_status != stored.status:
        if stored.status == Status.PENDING and wanted_status == Status.ACTIVE:
            actions.affiliation_approve(affiliation=affiliation, actor=actor)
        elif stored.status == Status.PENDING and wanted_status == Status.REJECTED:
            actions.affiliation_reject(affiliation=affiliation, actor=actor)
        elif wanted_status == Status.ENDED and stored.status in (Status.PENDING, Status.ACTIVE):
            actions.affiliation_end(affiliation=affiliation, actor=actor)
        else:
            affiliation.status = wanted_status
            affiliation.save()
        affiliation.refresh_from_db()
    if wanted_role != affiliation.role:
        if affiliation.status == Status.ACTIVE and wanted_role == Role.REFERENT:
            actions.referent_promote(affiliation=affiliation, actor=actor)
        elif affiliation.status == Status.ACTIVE and wanted_role == Role.EMPLOYEE:
            actions.referent_demote(affiliation=affiliation, actor=actor)
        else:
            # A request or a closed affiliation: the role is only a note until it is active.
            affiliation.role = wanted_role
            affiliation.save(update_fields=["role"])
        affiliation.refresh_from_db()
    return affiliation
