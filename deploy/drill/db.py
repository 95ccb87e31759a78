"""The drill's look into the database: what the load may do, and the checks after the run.

Run by deploy/drill/drill.py in the stack's environment (.stack/stack.env):

    python deploy/drill/db.py discover            -> JSON: services, meetings, accounts
    python deploy/drill/db.py check LEDGER SINCE  -> JSON: the ledger checked against the data

Read-only: it changes nothing in the database.
"""

import json
import os
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "distretto.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402

from background.models import OutgoingMail  # noqa: E402
from meetings.models import Attendance, Meeting  # noqa: E402
from partners.models import Affiliation  # noqa: E402
from partners.rules import referent_organizations  # noqa: E402
from services.models import SavedService, ServiceRequest, WelfareService  # noqa: E402
from services.rules import requester_organization  # noqa: E402

User = get_user_model()


def discover(employees: list[str], referents: list[str]) -> dict:
    referent_orgs = {}
    for email in referents:
        user = User.objects.get(email=email)
        referent_orgs[email] = list(referent_organizations(user).values_list("pk", flat=True))
    answered_by_drill = {pk for pks in referent_orgs.values() for pk in pks}
    result = {"employees": {}, "referents": {}, "public": []}
    for email in employees:
        user = User.objects.get(email=email)
        visible = list(WelfareService.objects.visible_to(user).order_by("slug"))
        result["employees"][email] = {
            # Requests go to providers whose referent is in the drill: they get answered,
            # and the person may ask again.
            "request": [
                service.slug
                for service in visible
                if service.provider_id in answered_by_drill
                and requester_organization(user, service) is not None
            ],
            "save": [service.slug for service in visible],
        }
    now = timezone.now()
    for email in referents:
        user = User.objects.get(email=email)
        meetings = Meeting.objects.visible_to(user).filter(
            status=Meeting.Status.SCHEDULED, starts_at__gt=now
        )
        result["referents"][email] = {
            "organizations": referent_orgs[email],
            "meetings": list(meetings.order_by("pk").values_list("pk", flat=True)),
        }
    anonymous = WelfareService.objects.visible_to(django_anonymous())
    result["public"] = list(anonymous.order_by("slug").values_list("slug", flat=True))
    return result


def django_anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def check(ledger: dict, since: datetime) -> dict:
    """Every acknowledged write present, none twice; the outbox since `since`."""
    lost, duplicated, acknowledged = [], [], 0

    # Service requests: the message carries the write's token, the page showed the id.
    for entry in ledger["requests"]:
        acknowledged += 1
        rows = list(ServiceRequest.objects.filter(message__contains=entry["token"]))
        if not rows:
            lost.append(f"service request {entry['token']} (id {entry['id']})")
        elif len(rows) > 1:
            duplicated.append(f"service request {entry['token']}: ids {[r.pk for r in rows]}")
        elif entry["id"] is not None and rows[0].pk != entry["id"]:
            lost.append(f"service request {entry['token']}: page showed {entry['id']}")
    # Each request tells the provider's active referents, one mail each.
    expected_mails = {}
    for entry in ledger["requests"]:
        row = ServiceRequest.objects.filter(message__contains=entry["token"]).first()
        if row is not None:
            expected_mails[entry["token"]] = (
                Affiliation.objects.referents()
                .filter(organization_id=row.service.provider_id, user__is_active=True)
                .count()
            )
    # Each answer tells the employee who asked, one mail.
    for entry in ledger["answers"]:
        expected_mails[entry["token"]] = 1
    # Requests attempted without an answer: present or not, never twice.
    for token in ledger["request_attempts"]:
        count = ServiceRequest.objects.filter(message__contains=token).count()
        if count > 1:
            duplicated.append(f"service request {token} (unacknowledged): {count} rows")

    # Answers: the request holds the last acknowledged answer (one referent per provider).
    for entry in ledger["answers"]:
        acknowledged += 1
        row = ServiceRequest.objects.filter(pk=entry["id"]).first()
        if row is None or entry["token"] not in row.answer:
            lost.append(f"answer {entry['token']} to request {entry['id']}")

    # Saved services: the state of each (person, service) is the last acknowledged change,
    # unless a later change was attempted without an answer (then either state is right).
    for entry in ledger["saves"]:
        acknowledged += 1
        if not entry["final"]:
            continue
        count = SavedService.objects.filter(
            user__email=entry["user"], service__slug=entry["slug"]
        ).count()
        if count > 1:
            duplicated.append(f"saved {entry['slug']} for {entry['user']}: {count} rows")
        elif bool(count) != entry["saved"]:
            state = "saved" if entry["saved"] else "removed"
            lost.append(f"{entry['slug']} {state} for {entry['user']}")

    # RSVPs: the attendance shows the last acknowledged answer of the organisation.
    for entry in ledger["rsvps"]:
        acknowledged += 1
        if not entry["final"]:
            continue
        rows = list(
            Attendance.objects.filter(
                meeting_id=entry["meeting"], organization_id__in=entry["organizations"]
            )
        )
        if len(rows) > 1:
            duplicated.append(f"attendance meeting {entry['meeting']}: {len(rows)} rows")
        elif not rows or entry["token"] not in rows[0].representative:
            lost.append(f"RSVP {entry['token']} to meeting {entry['meeting']}")

    mails = OutgoingMail.objects.filter(created_at__gte=since)
    statuses = Counter(mails.values_list("status", flat=True))
    return {
        "expected_mails": expected_mails,
        "acknowledged": acknowledged,
        "lost": lost,
        "duplicated": duplicated,
        "mails": {
            "statuses": dict(statuses),
            "message_ids": list(mails.values_list("message_id", flat=True)),
            "not_sent": [
                f"{mail.pk} {mail.status} attempts={mail.attempts} {mail.last_error[:80]}"
                for mail in mails.exclude(status=OutgoingMail.Status.SENT)
            ],
        },
    }


def outbox(since: datetime) -> dict:
    mails = OutgoingMail.objects.filter(created_at__gte=since)
    return dict(Counter(mails.values_list("status", flat=True)))


def main() -> None:
    command = sys.argv[1]
    if command == "discover":
        employees, referents = json.loads(sys.argv[2]), json.loads(sys.argv[3])
        print(json.dumps(discover(employees, referents)))
    elif command == "check":
        ledger = json.loads(Path(sys.argv[2]).read_text())
        since = datetime.fromtimestamp(float(sys.argv[3]), tz=UTC)
        print(json.dumps(check(ledger, since)))
    elif command == "outbox":
        since = datetime.fromtimestamp(float(sys.argv[2]), tz=UTC)
        print(json.dumps(outbox(since)))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
