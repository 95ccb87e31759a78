"""The outbox carries small text attachments (a meeting's .ics), keeping their type's
parameters; anything else is refused before it is stored."""

import pytest
from django.core.mail import EmailMessage

from background.mail import queue_mail
from background.models import OutgoingMail


@pytest.mark.django_db
def test_a_text_attachment_leaves_with_its_method_parameter(
    mailoutbox, django_capture_on_commit_callbacks
):
    message = EmailMessage(subject="Invito", body="Ciao", to=["carla@alfa.example"])
    message.attachments.append(
        ("invito.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar; method=REQUEST")
    )
    with django_capture_on_commit_callbacks(execute=True):
        queue_mail(message)
    [sent] = mailoutbox
    [part] = [p for p in sent.message().walk() if p.get_filename() == "invito.ics"]
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert "BEGIN:VCALENDAR" in part.get_content()
    # Once sent, nothing of it stays in the outbox.
    assert OutgoingMail.objects.get().alternatives == []


@pytest.mark.django_db
def test_binary_attachments_are_refused():
    message = EmailMessage(subject="PDF", body="", to=["carla@alfa.example"])
    message.attach("a.pdf", b"%PDF-1.4", "application/pdf")
    with pytest.raises(ValueError):
        queue_mail(message)
    assert not OutgoingMail.objects.exists()
