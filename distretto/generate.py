"""A generated district of any size, for load tests: `python manage.py generate_district`.

Realistic rather than real: Italian organisation names, welfare services in every category
with everyday titles, the places of Trentino as areas, sizes skewed like a real network (a
few providers offer thousands of services, most offer a handful; a few employers have
thousands of people), and every case the visibility rules distinguish: services open to
everyone, to all partners' employees and to chosen partners; drafts and archived services;
suspended, withdrawn and applicant organisations; active, pending, ended and rejected
affiliations; referents; people with no organisation.

Fast because it writes in bulk (`bulk_create` in batches, one password hash for everybody)
instead of through the actions one row at a time; it writes exactly the rows the actions
would (a verified primary e-mail address per account, a publication date per published
service). On PostgreSQL the search document of each service is filled by the same trigger
that fills it for a referent's save (services migration 0002).

Every generated organisation's description starts with GENERATED_MARKER, so that a generated
database is recognisable; the command refuses a database holding anything else.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from distretto.demo_data import CATALOGUE
from partners.models import Affiliation, Certification, EmailDomain, Organization
from services import actions as service_actions
from services.models import Audience, Category, WelfareService

GENERATED_MARKER = "(Organizzazione generata per le prove di carico.)"
GENERATED_PASSWORD = "Distretto-bench-2026!"
BATCH_SIZE = 5000

AREAS = [
    # Trento's neighbourhoods and suburbs first: most services are in the city.
    "Centro storico", "Povo", "Gardolo", "Mattarello", "Villazzano", "Meano", "Ravina",
    "Romagnano", "Sardagna", "Cognola", "Martignano", "San Giuseppe", "Bolghera", "Clarina",
    "Piedicastello", "Vela", "Solteri", "Madonna Bianca", "Man", "Cristo Re",
    # Then the province.
    "Rovereto", "Pergine Valsugana", "Arco", "Riva del Garda", "Cles", "Borgo Valsugana",
    "Lavis", "Mezzolombardo", "Levico Terme", "Cavalese", "Tione di Trento", "Predazzo", "Ala",
    "Mori", "Folgaria", "Malè", "Storo", "Primiero San Martino di Castrozza", "Baselga di Pinè",
    "Aldeno", "Civezzano", "Caldonazzo", "Nago-Torbole", "Dro", "Vezzano", "Lona-Lases",
    "Moena", "Canazei", "Pinzolo", "Madonna di Campiglio", "Fondo", "Sanzeno", "Avio",
    "Isera", "Volano", "Calliano", "Besenello", "Albiano", "Segonzano", "Cembra Lisignago",
]  # fmt: skip

STREETS = [
    "via Roma", "via Verdi", "via Manci", "via Grazioli", "corso 3 Novembre", "via Sommarive",
    "via Brennero", "piazza Dante", "via Santa Croce", "via Belenzani", "via Milano",
    "via Gocciadoro", "via Marsala", "viale Rovereto", "via Fersina", "via dei Mille",
]  # fmt: skip

SURNAMES = [
    "Rossi", "Bianchi", "Moser", "Pedrotti", "Dalpiaz", "Bertoldi", "Zanetti", "Dallapiccola",
    "Gottardi", "Fontana", "Conci", "Tomasi", "Chistè", "Demarchi", "Battisti", "Degasperi",
    "Kessler", "Mattivi", "Pisetta", "Tamanini", "Andreatta", "Bonvecchio", "Caproni",
    "Dalbosco", "Eccher", "Filippi", "Giovannini", "Lorenzi", "Martinelli", "Nicolodi",
    "Oberosler", "Pancher", "Rigotti", "Sartori", "Tait", "Vettori", "Zeni", "Zanella",
]  # fmt: skip

FIRST_NAMES = [
    "Giulia", "Marco", "Francesca", "Luca", "Chiara", "Andrea", "Sara", "Matteo", "Elena",
    "Paolo", "Anna", "Stefano", "Silvia", "Davide", "Laura", "Michele", "Marta", "Simone",
    "Valentina", "Alessandro", "Federica", "Lorenzo", "Irene", "Nicola", "Serena", "Fabio",
]  # fmt: skip

WORDS = [
    "Arcobaleno", "Il Girasole", "La Rete", "Aquilone", "Primavera", "Il Ponte", "La Bussola",
    "Orizzonti", "Villa Sant'Ignazio", "Samuele", "La Meridiana", "Il Melograno", "Alpi",
    "Dolomiti", "Adige", "Bondone", "Paganella", "Valsugana", "Nuovi Sentieri", "Il Faro",
]  # fmt: skip

# (kind, share of organisations, name patterns: {s} surname, {w} word, {t} town)
ORGANIZATION_KINDS = [
    ("company", 0.38, ["{s} S.r.l.", "{s} & {s2} S.p.A.", "{w} Servizi S.r.l.", "{s} Impianti"]),
    ("cooperative", 0.12, ["Famiglia Cooperativa di {t}", "Cooperativa {w}", "Cassa Rurale {t}"]),
    ("social_cooperative", 0.14, ["Cooperativa sociale {w}", "{w} s.c.s.", "Progetto {w}"]),
    ("public_body", 0.10, ["Comune di {t}", "Comunità di valle {w}", "Azienda pubblica {t}"]),
    ("foundation", 0.07, ["Fondazione {s}", "Fondazione {w}"]),
    ("apsp", 0.06, ["APSP {s} di {t}", "APSP {w}"]),
    ("association", 0.11, ["Associazione {w}", "Circolo {w} di {t}", "ASD {w} {t}"]),
    ("university", 0.01, ["Istituto di ricerca {w}", "Centro studi {s}"]),
    ("other", 0.01, ["Consorzio {w}", "Ente {s}"]),
]

# Services per category: (title patterns, summary, description lines, audiences, cost weights)
# Patterns: {area} the service's area, {w} a word, {s} a surname.
SERVICE_KINDS = {
    "infanzia-e-scuola": (
        [
            "Nido aziendale {w}",
            "Micronido a {area}",
            "Asilo nido convenzionato {w}",
            "Scuola dell'infanzia {w}",
            "Tagesmutter a {area}",
            "Doposcuola e aiuto compiti a {area}",
            "Baby parking {w}",
            "Servizio di pre e post scuola a {area}",
            "Spazio gioco 0-3 anni {w}",
        ],
        "Posti riservati per i figli dei dipendenti, con orari pensati per chi lavora.",
        ["0-3", "3-6", "6-14", "famiglie"],
    ),
    "estate-e-tempo-libero": (
        [
            "Centro estivo a {area}",
            "Campus estivo sportivo {w}",
            "Colonia diurna a {area}",
            "Settimane verdi in montagna",
            "Campeggio per ragazzi in Paganella",
            "Centro estivo in inglese {w}",
            "Laboratori creativi d'estate a {area}",
        ],
        "Settimane di attività, sport e gioco per bambini e ragazzi durante le vacanze.",
        ["3-6", "6-14", "famiglie"],
    ),
    "assistenza-anziani": (
        [
            "Assistenza domiciliare anziani a {area}",
            "Sportello badanti {w}",
            "Centro diurno per anziani {w}",
            "Teleassistenza e telesoccorso",
            "Consulenza per chi assiste un familiare anziano",
            "Pasti a domicilio per anziani a {area}",
        ],
        "Un aiuto concreto per chi si prende cura di un genitore o di un familiare anziano.",
        ["anziani", "famiglie"],
    ),
    "salute-e-benessere": (
        [
            "Sportello di ascolto psicologico {w}",
            "Palestra convenzionata a {area}",
            "Corso di yoga in pausa pranzo",
            "Fisioterapia a tariffa agevolata",
            "Screening di prevenzione {w}",
            "Piscina e nuoto per famiglie a {area}",
            "Consulenza nutrizionale",
        ],
        "Per stare bene: ascolto, movimento e prevenzione a condizioni agevolate.",
        ["tutti", "famiglie"],
    ),
    "conciliazione-e-tempo": (
        [
            "Maggiordomo aziendale {w}",
            "Lavanderia e stireria in azienda",
            "Spesa consegnata in ufficio",
            "Pasti pronti da asporto {w}",
            "Disbrigo pratiche e commissioni",
            "Ritiro pacchi in portineria a {area}",
        ],
        "Servizi salva-tempo che aiutano a conciliare lavoro e vita familiare.",
        ["tutti"],
    ),
    "mobilita": (
        [
            "Car pooling casa-lavoro {w}",
            "Abbonamento al trasporto pubblico scontato",
            "Bike sharing aziendale a {area}",
            "Navetta aziendale da {area}",
            "Parcheggio bici custodito {w}",
        ],
        "Per arrivare al lavoro senza stress, risparmiando e inquinando meno.",
        ["tutti"],
    ),
    "formazione": (
        [
            "Corso di inglese per ragazzi a {area}",
            "Webinar sulla genitorialità {w}",
            "Corso di informatica per over 60",
            "Incontri sull'adolescenza",
            "Laboratorio di educazione finanziaria",
            "Corso di primo soccorso pediatrico",
        ],
        "Corsi, webinar e incontri per famiglie, genitori e dipendenti.",
        ["famiglie", "tutti", "6-14"],
    ),
    "spesa-e-convenzioni": (
        [
            "Convenzione ottica {s}",
            "Sconto in farmacia a {area}",
            "Gruppo di acquisto solidale {w}",
            "Convenzione libreria {w}",
            "Sconti su articoli per l'infanzia",
            "Convenzione con il negozio di biciclette {s}",
        ],
        "Sconti e condizioni di favore riservati alle famiglie del Distretto.",
        ["famiglie", "tutti"],
    ),
}

DESCRIPTION_LINES = [
    "Il servizio è attivo tutto l'anno, con orari concordati con le famiglie.",
    "Per iscriversi basta scrivere all'indirizzo indicato o telefonare negli orari d'ufficio.",
    "Gli operatori sono qualificati e il servizio è coperto da assicurazione.",
    "I posti sono limitati: le richieste sono accolte in ordine di arrivo.",
    "Per i dipendenti delle organizzazioni del Distretto sono previste condizioni agevolate.",
    "Il servizio collabora con i servizi sociali del territorio e con le scuole della zona.",
    "È possibile un primo incontro conoscitivo gratuito, su appuntamento.",
    "Le attività si svolgono in spazi accessibili, raggiungibili con i mezzi pubblici.",
]

COST_CONDITIONS = [
    "Sconto del 20% sulla tariffa ordinaria per i dipendenti del Distretto.",
    "Quota mensile agevolata di 150 euro, pasti compresi.",
    "Tariffa oraria di 12 euro; riduzioni per il secondo figlio.",
    "Quota settimanale di 90 euro, con ISEE inferiore a 20.000 euro 60 euro.",
    "Abbonamento annuale scontato del 30% rispetto al prezzo di listino.",
]


def zipf_weights(count: int, exponent: float) -> list[float]:
    """Weights of a Zipf law: the first item is the biggest, a long tail of small ones."""
    return [1 / (rank**exponent) for rank in range(1, count + 1)]


def spread(total: int, weights: list[float], *, minimum: int = 0) -> list[int]:
    """`total` split in proportion to `weights`, each share at least `minimum`."""
    if not weights:
        return []
    base = minimum * len(weights)
    remaining = max(total - base, 0)
    scale = sum(weights)
    shares = [int(remaining * weight / scale) for weight in weights]
    # Hand the rounding leftovers to the biggest, so the sum is exact.
    shares[0] += remaining - sum(shares)
    return [share + minimum for share in shares][: len(weights)]


@dataclass
class GenerationReport:
    organizations: int = 0
    services: int = 0
    users: int = 0
    affiliations: int = 0
    seconds: float = 0.0
    steps: list[tuple[str, float]] = field(default_factory=list)


class DistrictGenerator:
    """Writes organisations, then users and affiliations, then services, in bulk."""

    def __init__(self, *, organizations: int, services: int, users: int, seed: int, log=None):
        self.n_orgs, self.n_services, self.n_users = organizations, services, users
        self.random = random.Random(seed)
        self.log = log or (lambda message: None)
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.report = GenerationReport()
        self.started = time.monotonic()

    def step(self, name: str) -> None:
        elapsed = time.monotonic() - self.started
        self.report.steps.append((name, elapsed))
        self.log(f"{elapsed:6.1f}s  {name}")

    # Organisations -------------------------------------------------------------------------

    def organization_name(self, kind_patterns, used: set[str]) -> str:
        rnd = self.random
        for attempt in range(20):
            pattern = rnd.choice(kind_patterns)
            name = pattern.format(
                s=rnd.choice(SURNAMES),
                s2=rnd.choice(SURNAMES),
                w=rnd.choice(WORDS),
                t=rnd.choice(AREAS),
            )
            if attempt > 3:
                name = f"{name} {rnd.choice(AREAS)}"
            if attempt > 8:
                name = f"{name} {len(used) + 1}"
            if name not in used:
                used.add(name)
                return name
        raise RuntimeError("could not find a free organisation name")  # pragma: no cover

    def create_organizations(self) -> list[Organization]:
        rnd = self.random
        used = set(Organization.objects.values_list("name", flat=True))
        used_slugs = set(Organization.objects.values_list("slug", flat=True))
        kinds = [kind for kind, _share, _patterns in ORGANIZATION_KINDS]
        shares = [share for _kind, share, _patterns in ORGANIZATION_KINDS]
        patterns = {kind: names for kind, _share, names in ORGANIZATION_KINDS}
        statuses = ["active", "suspended", "withdrawn", "applicant"]
        status_weights = [0.91, 0.03, 0.03, 0.03]
        bands = ["large", "medium", "small", "micro"]
        organizations = []
        has_institution = Organization.objects.filter(role=Organization.Role.INSTITUTIONAL).exists()
        for index in range(self.n_orgs):
            kind = rnd.choices(kinds, shares)[0]
            name = self.organization_name(patterns[kind], used)
            slug = base = slugify(name)[:190] or "organizzazione"
            suffix = 2
            while slug in used_slugs:
                slug, suffix = f"{base}-{suffix}", suffix + 1
            used_slugs.add(slug)
            # The biggest employers come first (they also offer the most services) and are
            # active; the last three are one of each other status, whatever the size.
            from_end = self.n_orgs - 1 - index
            if from_end < 3 and self.n_orgs >= 6:
                status = statuses[1 + from_end]
            elif index < min(20, self.n_orgs // 2):
                status = "active"
            else:
                status = rnd.choices(statuses, status_weights)[0]
            area = rnd.choice(AREAS[:20] if rnd.random() < 0.6 else AREAS)
            joined = self.today - dt.timedelta(days=rnd.randint(30, 8 * 365))
            organizations.append(
                Organization(
                    name=name,
                    slug=slug,
                    kind=kind,
                    role=(
                        Organization.Role.INSTITUTIONAL
                        if index == 0 and not has_institution
                        else Organization.Role.PARTNER
                    ),
                    description=f"{GENERATED_MARKER}\n\n{name}: {rnd.choice(DESCRIPTION_LINES)}",
                    website=f"https://{slug}.example",
                    contact_email=f"info@{slug}.example",
                    contact_phone=f"0461 {rnd.randint(100000, 999999)}",
                    address=f"{rnd.choice(STREETS)} {rnd.randint(1, 120)}, {area}",
                    area=area,
                    headcount_band=bands[min(3, index * 4 // max(self.n_orgs, 1))],
                    membership_status=status,
                    joined_on=None if status == "applicant" else joined,
                    left_on=self.today if status == "withdrawn" else None,
                )
            )
        Organization.objects.bulk_create(organizations, batch_size=BATCH_SIZE)
        organizations = list(
            Organization.objects.filter(slug__in=[o.slug for o in organizations]).order_by("pk")
        )
        EmailDomain.objects.bulk_create(
            [EmailDomain(organization=o, domain=f"{o.slug}.example") for o in organizations],
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )
        phases = [choice for choice, _label in Certification.Phase.choices]
        certifications = []
        for organization in organizations:
            if organization.membership_status == "applicant":
                continue
            registered = self.today - dt.timedelta(days=rnd.randint(400, 3000))
            granted = registered + dt.timedelta(days=rnd.randint(60, 300))
            certifications.append(
                Certification(
                    organization=organization,
                    phase=rnd.choice(phases),
                    status=Certification.Status.VALID,
                    registered_on=registered,
                    granted_on=granted,
                    expires_on=self.today + dt.timedelta(days=rnd.randint(-30, 3 * 365)),
                )
            )
        Certification.objects.bulk_create(certifications, batch_size=BATCH_SIZE)
        self.report.organizations = len(organizations)
        self.step(f"{len(organizations)} organisations")
        return organizations

    # People --------------------------------------------------------------------------------

    def create_users(self, organizations: list[Organization]) -> dict[int, list[int]]:
        """Users with verified addresses, most of them affiliated; returns referents by org."""
        rnd = self.random
        User = get_user_model()
        password = make_password(GENERATED_PASSWORD)  # hashed once: hashing is slow on purpose
        # About one person in ten has no organisation (a citizen, a family member).
        employed = int(self.n_users * 0.9)
        headcounts = spread(employed, zipf_weights(len(organizations), 0.9), minimum=1)
        if len(organizations) > employed:
            headcounts = [1] * employed + [0] * (len(organizations) - employed)
        start = User.objects.count()
        users, addresses, owners = [], [], []
        for index in range(self.n_users):
            number = start + index + 1
            first, last = rnd.choice(FIRST_NAMES), rnd.choice(SURNAMES)
            owners.append(None)
            email = f"{slugify(first)}.{slugify(last)}.{number}@persone.example"
            users.append(
                User(
                    username=email,
                    email=email,
                    password=password,
                    first_name=first,
                    last_name=last,
                    is_active=rnd.random() > 0.01,
                    date_joined=self.now - dt.timedelta(days=rnd.randint(0, 5 * 365)),
                )
            )
        created = User.objects.bulk_create(users, batch_size=BATCH_SIZE)
        if created and created[0].pk is None:  # pragma: no cover - only old SQLite lacks RETURNING
            created = list(User.objects.filter(email__in=[u.email for u in users]).order_by("pk"))
        for user in created:
            addresses.append(EmailAddress(user=user, email=user.email, verified=True, primary=True))
        EmailAddress.objects.bulk_create(addresses, batch_size=BATCH_SIZE)
        self.step(f"{len(created)} users")

        affiliations = []
        referents: dict[int, list[int]] = {}
        position = 0
        statuses = [
            Affiliation.Status.ACTIVE,
            Affiliation.Status.PENDING,
            Affiliation.Status.ENDED,
            Affiliation.Status.REJECTED,
            # Not confirmed again at the yearly check.
            Affiliation.Status.LAPSED,
        ]
        status_weights = [0.92, 0.03, 0.03, 0.01, 0.01]
        gone = (Affiliation.Status.ENDED, Affiliation.Status.LAPSED)
        for organization, headcount in zip(organizations, headcounts, strict=False):
            people = created[position : position + headcount]
            position += headcount
            for number, user in enumerate(people):
                # The first one or two people of each organisation are its referents.
                if number < 2:
                    role, status = Affiliation.Role.REFERENT, Affiliation.Status.ACTIVE
                    referents.setdefault(organization.pk, []).append(user.pk)
                elif 1 <= number - len(people) + 5 < 5 and len(people) >= 10:
                    # The last four people of every sizeable organisation: one pending, one
                    # ended, one rejected, one lapsed, so that every case exists at any size.
                    role = Affiliation.Role.EMPLOYEE
                    status = statuses[number - len(people) + 5]
                else:
                    role = Affiliation.Role.EMPLOYEE
                    status = rnd.choices(statuses, status_weights)[0]
                active = status == Affiliation.Status.ACTIVE
                affiliations.append(
                    Affiliation(
                        user=user,
                        organization=organization,
                        role=role,
                        status=status,
                        verified_via=(
                            Affiliation.VerifiedVia.EMAIL_DOMAIN if active or status in gone else ""
                        ),
                        verified_at=self.now if active or status in gone else None,
                        ended_at=self.now if status in gone else None,
                        request_message=(
                            "Lavoro qui da settembre, potete confermare?"
                            if status == Affiliation.Status.PENDING
                            else ""
                        ),
                    )
                )
        Affiliation.objects.bulk_create(affiliations, batch_size=BATCH_SIZE)
        self.report.users = len(created)
        self.report.affiliations = len(affiliations)
        self.step(f"{len(affiliations)} affiliations")
        return referents

    # Services ------------------------------------------------------------------------------

    def reference_data(self) -> tuple[dict[str, Category], dict[str, Audience]]:
        """The demo catalogue's categories and audiences (created when missing)."""
        for position, data in enumerate(CATALOGUE["categories"], start=1):
            service_actions.category_ensure(**data, position=position, actor=None)
        for position, data in enumerate(CATALOGUE["audiences"], start=1):
            service_actions.audience_ensure(**data, position=position, actor=None)
        return (
            {c.slug: c for c in Category.objects.all()},
            {a.code: a for a in Audience.objects.all()},
        )

    def create_services(self, organizations: list[Organization], referents: dict) -> None:
        rnd = self.random
        categories, audiences = self.reference_data()
        kinds = [slug for slug in SERVICE_KINDS if slug in categories] or list(categories)
        providers = [o for o in organizations if o.membership_status != "applicant"]
        if not providers:
            return
        active = [o for o in providers if o.membership_status == "active"]
        per_provider = spread(self.n_services, zipf_weights(len(providers), 1.0), minimum=1)
        if len(providers) > self.n_services:
            per_provider = [1] * self.n_services + [0] * (len(providers) - self.n_services)
        used_slugs = set(WelfareService.objects.values_list("slug", flat=True))
        statuses = ["published", "draft", "archived"]
        status_weights = [0.78, 0.10, 0.12]
        eligibilities = ["everyone", "all_partners", "chosen_partners"]
        eligibility_weights = [0.50, 0.38, 0.12]
        costs = ["free", "discounted", "paid"]
        services, audience_links, eligible_links = [], [], []
        counter = len(used_slugs)
        for provider, count in zip(providers, per_provider, strict=False):
            provider_referents = referents.get(provider.pk) or [None]
            for _ in range(count):
                counter += 1
                kind = rnd.choice(kinds)
                patterns, summary, audience_codes = SERVICE_KINDS.get(
                    kind, (["Servizio {w}"], "Un servizio per le famiglie del Distretto.", [])
                )
                area = provider.area if rnd.random() < 0.6 else rnd.choice(AREAS)
                title = rnd.choice(patterns).format(
                    area=area, w=rnd.choice(WORDS), s=rnd.choice(SURNAMES)
                )
                slug = f"{slugify(title)[:200]}-{counter}"
                while slug in used_slugs:  # pragma: no cover - the counter makes it unique
                    counter += 1
                    slug = f"{slugify(title)[:200]}-{counter}"
                used_slugs.add(slug)
                status = rnd.choices(statuses, status_weights)[0]
                eligibility = rnd.choices(eligibilities, eligibility_weights)[0]
                cost = rnd.choices(costs, [0.45, 0.40, 0.15])[0]
                online = rnd.random() < 0.15
                published_at = (
                    self.now - dt.timedelta(minutes=rnd.randint(0, 3 * 365 * 24 * 60))
                    if status != "draft"
                    else None
                )
                seasonal = kind == "estate-e-tempo-libero" and rnd.random() < 0.7
                available_from = dt.date(self.today.year, 6, 15) if seasonal else None
                available_until = dt.date(self.today.year, 9, 5) if seasonal else None
                lines = rnd.sample(DESCRIPTION_LINES, 3)
                services.append(
                    WelfareService(
                        provider=provider,
                        title=title,
                        slug=slug,
                        summary=summary,
                        description=f"{title}, offerto da {provider.name}. " + " ".join(lines),
                        category=categories[kind],
                        eligibility=eligibility,
                        cost=cost,
                        cost_conditions="" if cost == "free" else rnd.choice(COST_CONDITIONS),
                        address=f"{rnd.choice(STREETS)} {rnd.randint(1, 120)}, {area}",
                        area=area,
                        is_online=online,
                        contact_email=f"servizi@{provider.slug}.example",
                        contact_phone=f"0461 {rnd.randint(100000, 999999)}",
                        available_from=available_from,
                        available_until=available_until,
                        status=status,
                        is_featured=status == "published" and rnd.random() < 0.01,
                        published_at=published_at,
                        last_verified_on=self.today - dt.timedelta(days=rnd.randint(0, 400)),
                        created_by_id=rnd.choice(provider_referents),
                    )
                )
                codes = [c for c in audience_codes if c in audiences]
                chosen_audiences = rnd.sample(codes, k=min(len(codes), rnd.randint(1, 2)))
                audience_links.append([audiences[code] for code in chosen_audiences])
                eligible_links.append(
                    rnd.sample(active, k=min(len(active), rnd.randint(1, 4)))
                    if eligibility == "chosen_partners"
                    else []
                )
        created = WelfareService.objects.bulk_create(services, batch_size=BATCH_SIZE)
        self.step(f"{len(created)} services")
        Through = WelfareService.audiences.through
        Through.objects.bulk_create(
            [
                Through(welfareservice_id=service.pk, audience_id=audience.pk)
                for service, linked in zip(created, audience_links, strict=True)
                for audience in linked
            ],
            batch_size=BATCH_SIZE,
        )
        Eligible = WelfareService.eligible_organizations.through
        Eligible.objects.bulk_create(
            [
                Eligible(welfareservice_id=service.pk, organization_id=organization.pk)
                for service, linked in zip(created, eligible_links, strict=True)
                for organization in linked
            ],
            batch_size=BATCH_SIZE,
        )
        # auto_now fields took today's date: give services the history a real catalogue has.
        if created:
            WelfareService.objects.filter(
                pk__gte=created[0].pk, pk__lte=created[-1].pk, published_at__isnull=False
            ).update(created_at=F("published_at"), updated_at=F("published_at"))
        self.report.services = len(created)
        self.step("audiences, eligible organisations and dates of the services")

    def run(self, *, organizations=True, services=True, users=True) -> GenerationReport:
        with transaction.atomic():
            orgs = self.create_organizations() if organizations else self.existing_orgs()
            referents = self.create_users(orgs) if users else {}
            if services:
                self.create_services(orgs, referents)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum would do in the next minutes: planner statistics, and the
            # visibility map that lets counts read the indexes alone.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            self.step("VACUUM ANALYZE")
        self.report.seconds = time.monotonic() - self.started
        return self.report

    def existing_orgs(self) -> list[Organization]:
        return list(Organization.objects.order_by("pk"))


def real_data_present() -> bool:
    """Whether the database holds anything this generator did not write.

    Organisations without the generated marker, or accounts outside the generated domain:
    the demo district and a production site both count as real data.
    """
    User = get_user_model()
    return (
        Organization.objects.exclude(description__startswith=GENERATED_MARKER).exists()
        or User.objects.exclude(email__endswith="@persone.example").exists()
    )


def generate_district(
    *,
    organizations: int,
    services: int,
    users: int,
    seed: int = 1,
    log=None,
) -> GenerationReport:
    """Generate a district of the given size (see the module docstring)."""
    generator = DistrictGenerator(
        organizations=organizations, services=services, users=users, seed=seed, log=log
    )
    return generator.run(organizations=organizations > 0, services=services > 0, users=users > 0)
