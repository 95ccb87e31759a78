"""The writes behind the partner area, called directly."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import translation

from partners import actions as partner_actions
from partners.models import Affiliation
from services import actions
from services.models import ServiceRequest, WelfareService
from tests import factories
from tests.area.helpers import image_bytes


def referent_affiliation(user, organization):
    return Affiliation.objects.get(user=user, organization=organization)


def test_the_last_referent_cannot_be_demoted(org_a, referent_a):
    with translation.override("en"), pytest.raises(ValidationError, match="only referent"):
        partner_actions.referent_demote(
            affiliation=referent_affiliation(referent_a, org_a), actor=referent_a
        )


def test_a_referent_of_another_organisation_cannot_promote(org_a, employee_a, referent_b):
    with pytest.raises(PermissionDenied):
        partner_actions.referent_promote(
            affiliation=referent_affiliation(employee_a, org_a), actor=referent_b
        )


def test_the_coordinator_may_promote(org_a, employee_a, coordinator):
    affiliation = partner_actions.referent_promote(
        affiliation=referent_affiliation(employee_a, org_a), actor=coordinator
    )
    assert affiliation.role == Affiliation.Role.REFERENT


def test_promoting_a_referent_again_is_refused(org_a, referent_a):
    with pytest.raises(ValidationError):
        partner_actions.referent_promote(
            affiliation=referent_affiliation(referent_a, org_a), actor=referent_a
        )


def test_an_ended_affiliation_cannot_be_promoted(org_a, employee_a, referent_a):
    affiliation = referent_affiliation(employee_a, org_a)
    affiliation.status = Affiliation.Status.ENDED
    affiliation.save()
    with pytest.raises(ValidationError):
        partner_actions.referent_promote(affiliation=affiliation, actor=referent_a)


def test_a_duplicate_gets_its_own_copy_of_the_image(org_a, referent_a, service_a):
    service_a.image.save("originale.png", ContentFile(image_bytes()), save=True)
    copy = actions.service_duplicate(service=service_a, actor=referent_a)
    assert copy.image.name != service_a.image.name
    assert copy.image.name.endswith(".png")
    assert copy.image.storage.exists(copy.image.name)
    assert copy.status == WelfareService.Status.DRAFT


def test_a_duplicate_of_a_service_whose_image_is_missing_has_no_image(referent_a, service_a):
    service_a.image.name = "services/sparita.png"
    service_a.save()
    copy = actions.service_duplicate(service=service_a, actor=referent_a)
    assert not copy.image


def test_a_long_title_still_fits_when_duplicated(referent_a, service_a):
    service_a.title = "T" * 200
    service_a.save()
    copy = actions.service_duplicate(service=service_a, actor=referent_a)
    assert len(copy.title) <= 200


def test_a_request_of_an_unknown_kind_is_refused(org_a, employee_a, service_a):
    with pytest.raises(ValidationError):
        actions.service_request_send(
            service=service_a, organization=org_a, kind="bribe", message="", actor=employee_a
        )


def test_an_answer_must_be_a_real_outcome(employee_a, referent_a, service_a):
    service_request = ServiceRequest.objects.create(service=service_a, requester=employee_a)
    with pytest.raises(ValidationError):
        actions.service_request_answer(
            service_request=service_request, status="open", answer="", actor=referent_a
        )


def test_no_mail_goes_to_a_deleted_requester(
    referent_a, service_a, mailoutbox, django_capture_on_commit_callbacks
):
    service_request = ServiceRequest.objects.create(service=service_a, requester=None)
    with django_capture_on_commit_callbacks(execute=True):
        actions.service_request_answer(
            service_request=service_request, status="accepted", answer="", actor=referent_a
        )
    assert mailoutbox == []


def test_saving_and_unsaving(employee_a, service_a):
    actions.service_save(service=service_a, actor=employee_a)
    actions.service_save(service=service_a, actor=employee_a)
    assert employee_a.saved_services.count() == 1
    assert actions.service_unsave(service=service_a, actor=employee_a) is True
    assert actions.service_unsave(service=service_a, actor=employee_a) is False


def test_absurd_ids_in_urls_are_404(client, referent_a):
    client.force_login(referent_a)
    huge = "9" * 30
    assert client.get(f"/area-partner/richieste/{huge}/").status_code == 404
    assert client.post(f"/area-partner/persone/{huge}/promuovi/").status_code == 404
    assert client.post(f"/area-partner/persone/richieste/{huge}/approva/").status_code == 404


def test_a_second_organisation_referent_list_is_separate(org_a, org_b, referent_a, referent_b):
    extra = factories.make_user("ugo@beta.example")
    factories.affiliate(extra, org_b, role=Affiliation.Role.REFERENT)
    # B has two referents, A only one: demoting A's is still refused.
    with pytest.raises(ValidationError):
        partner_actions.referent_demote(
            affiliation=referent_affiliation(referent_a, org_a), actor=referent_a
        )
