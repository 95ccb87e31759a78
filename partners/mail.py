"""The portal's mail to people, each in the language they read (partners.models.Person)."""

from collections.abc import Iterable, Mapping

from common.audit import send_templated_mail, site_url
from partners.models import Person

__all__ = ["send_mail_to_people", "site_url"]


def send_mail_to_people(
    template: str,
    addresses: Iterable[str],
    context: dict,
    *,
    languages: Mapping[str, str] | None = None,
    attachments: Iterable[tuple[str, str, str]] = (),
) -> None:
    """``common.audit.send_templated_mail`` to ``addresses``, each mail in the language its
    recipient chose (the site's language for people without a preference or an account).
    ``languages`` (address to code) wins over the preference: an invitation is written in
    the language the coordinator chose for it."""
    addresses = [address for address in addresses if address]
    chosen = Person.objects.languages_for(addresses)
    chosen.update({address.lower(): code for address, code in (languages or {}).items()})
    send_templated_mail(template, addresses, context, languages=chosen, attachments=attachments)
