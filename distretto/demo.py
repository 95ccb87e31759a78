"""The demo district: the real organisations and agreements of the seed, plus example data.

`load_demo()` is idempotent: every row is looked up by a natural key (slug, code, e-mail,
year, title...) and only written when one of its values differs, so a second run on the
same day creates nothing, changes nothing and leaves `updated_at` untouched.

What is real (from the seed text): the nine organisations that signed the area agreement
of 10 October 2018 and the partnership agreement of 19 March 2019, the Comune di Trento in
its institutional role, the four agreements with their dates, the quarterly working group.
Everything else — certifications, services, meetings, minutes, programme actions, people —
is example data and says so in its own text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Signature
from common.roles import COORDINATOR_GROUP
from meetings.models import (
    Action,
    AgendaItem,
    Attendance,
    Meeting,
    WorkingGroup,
    WorkProgramme,
)
from partners.models import Affiliation, Certification, EmailDomain, Organization
from services.models import Audience, Category, WelfareService

ROME = ZoneInfo("Europe/Rome")

#: The password given to demo accounts when they are created (never reset afterwards).
DEMO_PASSWORD = "Distretto2026!"

#: Every example service carries this sentence at the start of its description.
SERVICE_MARKER = "(Servizio di esempio: dati dimostrativi.)"
#: Other example rows (certifications, minutes, actions, programmes) say this.
EXAMPLE_NOTE = "Dati di esempio."

DISTRICT_FOUNDED = dt.date(2018, 10, 10)
PARTNERSHIP_2019 = dt.date(2019, 3, 19)

# --------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------

FBK = "fondazione-bruno-kessler"
GRAZIOLI = "apsp-margherita-grazioli"
FAMCOOP = "famiglia-cooperativa-di-povo"
KALEIDO = "kaleidoscopio"
UNITN = "universita-degli-studi-di-trento"
FIDIA = "fidia"
P92 = "progetto-92"
DEMARCHI = "fondazione-franco-demarchi"
UPIPA = "upipa"
COMUNE = "comune-di-trento"

#: The nine signatories of 10 October 2018 and 19 March 2019, in the seed's order.
SIGNATORIES = [FBK, GRAZIOLI, FAMCOOP, KALEIDO, UNITN, FIDIA, P92, DEMARCHI, UPIPA]
POVO = [FBK, GRAZIOLI, FAMCOOP, UNITN]

K = Organization.Kind
H = Organization.HeadcountBand

# Websites and e-mail domains: only those known to be the organisation's own; the others
# get a reserved `.example` domain (RFC 2606) so no real mailbox is ever involved.
ORGANIZATIONS = [
    {
        "slug": FBK,
        "name": "Fondazione Bruno Kessler",
        "short_name": "FBK",
        "kind": K.FOUNDATION,
        "description": (
            "Fondazione di ricerca della Provincia autonoma di Trento, con sede principale "
            "a Povo. Ha sottoscritto l'Accordo volontario di area del Distretto Family Audit "
            "di Trento il 10 ottobre 2018."
        ),
        "website": "https://www.fbk.eu/",
        "address": "Via Sommarive 18, 38123 Povo (TN)",
        "area": "Povo",
        "latitude": Decimal("46.067100"),
        "longitude": Decimal("11.150200"),
        "headcount_band": H.LARGE,
        "domain": "fbk.eu",
    },
    {
        "slug": GRAZIOLI,
        "name": "APSP Margherita Grazioli",
        "short_name": "APSP Grazioli",
        "kind": K.APSP,
        "description": (
            "Azienda pubblica di servizi alla persona con sede a Povo, attiva nei servizi "
            "di assistenza alle persone anziane."
        ),
        "website": "",
        "address": "38123 Povo (TN)",
        "area": "Povo",
        "headcount_band": H.MEDIUM,
        "domain": "apsp-grazioli.example",
    },
    {
        "slug": FAMCOOP,
        "name": "Famiglia Cooperativa di Povo",
        "short_name": "",
        "kind": K.COOPERATIVE,
        "description": (
            "Cooperativa di consumo del territorio di Povo, parte del sistema della "
            "cooperazione trentina."
        ),
        "website": "",
        "address": "38123 Povo (TN)",
        "area": "Povo",
        "headcount_band": H.SMALL,
        "domain": "famiglia-cooperativa-povo.example",
    },
    {
        "slug": KALEIDO,
        "name": "Kaleidoscopio s.c.s.",
        "short_name": "Kaleidoscopio",
        "kind": K.SOCIAL_COOPERATIVE,
        "description": (
            "Cooperativa sociale che progetta ed eroga servizi per minori, giovani, adulti "
            "e anziani in diversi territori della provincia di Trento."
        ),
        "website": "https://www.kaleidoscopio.coop/",
        "address": "Trento",
        "area": "Trento",
        "headcount_band": H.MEDIUM,
        "domain": "kaleidoscopio.coop",
    },
    {
        "slug": UNITN,
        "name": "Università degli Studi di Trento",
        "short_name": "UniTrento",
        "kind": K.UNIVERSITY,
        "description": (
            "L'Università degli Studi di Trento partecipa al Distretto con le proprie sedi, "
            "tra cui il polo scientifico e tecnologico di Povo."
        ),
        "website": "https://www.unitn.it/",
        "address": "Via Sommarive, 38123 Povo (TN)",
        "area": "Povo",
        "latitude": Decimal("46.066700"),
        "longitude": Decimal("11.150600"),
        "headcount_band": H.LARGE,
        "domain": "unitn.it",
    },
    {
        "slug": FIDIA,
        "name": "FIDIA S.r.l.",
        "short_name": "FIDIA",
        "kind": K.COMPANY,
        "description": (
            "Impresa aderente al Distretto Family Audit di Trento, firmataria degli accordi "
            "del 10 ottobre 2018 e del 19 marzo 2019."
        ),
        "website": "",
        "address": "",
        "area": "",
        "headcount_band": H.SMALL,
        "domain": "fidia.example",
    },
    {
        "slug": P92,
        "name": "Progetto '92 Società Cooperativa Sociale",
        "short_name": "Progetto '92",
        "kind": K.SOCIAL_COOPERATIVE,
        "description": (
            "Cooperativa sociale nata a Trento nel 1992, impegnata a favore di bambini, "
            "ragazzi, giovani e famiglie."
        ),
        "website": "",
        "address": "Trento",
        "area": "Trento",
        "headcount_band": H.MEDIUM,
        "domain": "progetto92.example",
    },
    {
        "slug": DEMARCHI,
        "name": "Fondazione Franco Demarchi",
        "short_name": "Fondazione Demarchi",
        "kind": K.FOUNDATION,
        "description": (
            "Ente strumentale della Provincia autonoma di Trento che opera nella ricerca "
            "sociale, nella formazione degli adulti e nelle attività culturali per le "
            "comunità locali."
        ),
        "website": "https://www.fdemarchi.it/",
        "address": "38122 Trento",
        "area": "Centro storico",
        "headcount_band": H.MEDIUM,
        "domain": "fdemarchi.it",
    },
    {
        "slug": UPIPA,
        "name": "U.P.I.P.A.",
        "short_name": "UPIPA",
        "kind": K.ASSOCIATION,
        "description": (
            "Unione Provinciale Istituzioni per l'Assistenza: riunisce le Aziende pubbliche "
            "di servizi alla persona e gli enti di assistenza agli anziani del Trentino."
        ),
        "website": "https://www.upipa.tn.it/",
        "address": "Trento",
        "area": "Trento",
        "headcount_band": H.SMALL,
        "domain": "upipa.tn.it",
    },
    {
        "slug": COMUNE,
        "name": "Comune di Trento",
        "short_name": "",
        "kind": K.PUBLIC_BODY,
        "role": Organization.Role.INSTITUTIONAL,
        "description": (
            "Il Comune di Trento ha mantenuto costanti le relazioni fra le organizzazioni "
            "aderenti al Distretto Famiglia Collina Est e sostiene la rete dei partner "
            "pubblici e privati del Distretto Family Audit di Trento con un ruolo "
            "istituzionale."
        ),
        "website": "https://www.comune.trento.it/",
        "address": "Via Belenzani 19, 38122 Trento",
        "area": "Centro storico",
        "latitude": Decimal("46.069900"),
        "longitude": Decimal("11.121600"),
        "headcount_band": H.LARGE,
        "domain": "comune.trento.it",
    },
]

# Family Audit path per organisation: (phase, status, registered, granted, expires).
# Years are relative: "Y" is the current year, so valid certificates stay current.
P = Certification.Phase
S = Certification.Status
CERTIFICATION_NOTE = (
    f"{EXAMPLE_NOTE} Fasi e date non provengono dagli atti ufficiali di certificazione."
)


def _certifications(year: int) -> dict[str, list[tuple]]:
    def d(y, m, day):
        return dt.date(y, m, day)

    return {
        FBK: [
            (P.FAMILY_AUDIT, S.EXPIRED, d(2013, 3, 4), d(2013, 11, 20), d(2016, 11, 20)),
            (P.EXECUTIVE, S.VALID, d(2016, 9, 1), d(year - 1, 11, 20), d(year + 2, 11, 20)),
        ],
        GRAZIOLI: [
            (P.FAMILY_AUDIT, S.VALID, d(2015, 2, 10), d(year - 1, 10, 15), d(year + 2, 10, 15)),
        ],
        FAMCOOP: [
            (P.FAMILY_AUDIT, S.EXPIRED, d(2014, 1, 20), d(2014, 12, 5), d(2017, 12, 5)),
            (P.MAINTENANCE, S.VALID, d(2017, 10, 1), d(year - 1, 12, 5), d(year + 1, 12, 5)),
        ],
        KALEIDO: [
            (P.FAMILY_AUDIT, S.VALID, d(2016, 5, 9), d(year - 2, 6, 1), d(year + 1, 6, 1)),
        ],
        UNITN: [
            (P.FAMILY_AUDIT, S.EXPIRED, d(2013, 6, 3), d(2014, 5, 26), d(2017, 5, 26)),
            (P.EXECUTIVE, S.VALID, d(2017, 3, 1), d(year - 1, 5, 26), d(year + 2, 5, 26)),
        ],
        FIDIA: [
            (P.FAMILY_AUDIT, S.VALID, d(2017, 4, 3), d(year - 1, 3, 12), d(year + 2, 3, 12)),
        ],
        P92: [
            (P.FAMILY_AUDIT, S.EXPIRED, d(2014, 9, 15), d(2015, 6, 30), d(2018, 6, 30)),
            (P.CONSOLIDATION, S.IN_PROGRESS, d(year - 1, 9, 1), None, None),
        ],
        DEMARCHI: [
            (P.FAMILY_AUDIT, S.VALID, d(2015, 10, 1), d(year - 2, 9, 18), d(year + 1, 9, 18)),
        ],
        UPIPA: [
            (P.FAMILY_AUDIT, S.VALID, d(2016, 1, 18), d(year - 1, 7, 7), d(year + 2, 7, 7)),
        ],
        COMUNE: [
            (P.FAMILY_AUDIT, S.VALID, d(2014, 4, 1), d(year - 1, 4, 22), d(year + 2, 4, 22)),
        ],
    }


# --------------------------------------------------------------------------------------
# Agreements (all facts from the seed text)
# --------------------------------------------------------------------------------------

AGREEMENTS = [
    {
        "slug": "accordo-volontario-area-collina-est-2014",
        "kind": Agreement.Kind.AREA,
        "title": (
            "Accordo volontario di area per favorire lo sviluppo del Distretto famiglia nel "
            "Comune di Trento – Circoscrizione di Povo (Distretto Famiglia Collina Est)"
        ),
        "signed_on": dt.date(2014, 6, 1),
        "signed_on_precision": "month",
        "summary": (
            "Con la firma di questo accordo, nel giugno del 2014, nasce il Distretto Famiglia "
            "Collina Est di Trento: una rete costituita per favorire lo sviluppo del Distretto "
            "famiglia nella Circoscrizione di Povo, con il fine ultimo di condividere esigenze "
            "e risorse per realizzare un sistema di welfare interaziendale, nell'ottica di "
            "conseguire gli obiettivi di conciliazione espressi nelle certificazioni familiari "
            "intraprese dai singoli aderenti. La fonte storica indica solo il mese di firma e "
            "non riporta l'elenco dei firmatari."
        ),
        "signatories": [],
        "signed": None,
    },
    {
        "slug": "accordo-partenariato-2017",
        "kind": Agreement.Kind.PARTNERSHIP,
        "title": "Accordo di partenariato del Distretto per la Famiglia di Trento",
        "signed_on": dt.date(2017, 4, 10),
        "signed_on_precision": "day",
        "summary": (
            "Firmato il 10 aprile 2017, l'accordo fa evolvere il Distretto in un modello "
            "sperimentale di partenariato pubblico-privato, con il fine principale di "
            "promuovere il positivo bilanciamento tra vita privata e lavorativa favorendo la "
            "creazione di servizi di welfare interaziendale a favore dei collaboratori e delle "
            "collaboratrici delle organizzazioni partner. La fonte storica non riporta "
            "l'elenco dei firmatari."
        ),
        "signatories": [],
        "signed": None,
    },
    {
        "slug": "accordo-volontario-area-2018",
        "kind": Agreement.Kind.AREA,
        "title": "Accordo volontario di area del Distretto Family Audit di Trento",
        "signed_on": DISTRICT_FOUNDED,
        "signed_on_precision": "day",
        "summary": (
            "In seguito alle richieste di adesione di diverse organizzazioni con "
            "certificazione Family Audit e alla revisione delle linee guida provinciali per i "
            "Distretti Famiglia dell'8 ottobre 2018, che hanno previsto la creazione di "
            "Distretti tra organizzazioni certificate Family Audit, il Distretto Famiglia "
            "Collina Est si trasforma nel Distretto Family Audit di Trento. L'accordo è "
            "sottoscritto il 10 ottobre 2018 da Fondazione Bruno Kessler, APSP Margherita "
            "Grazioli, Famiglia Cooperativa di Povo, Kaleidoscopio s.c.s., Università degli "
            "Studi di Trento, FIDIA S.r.l., Progetto '92 Società Cooperativa Sociale, "
            "Fondazione Franco Demarchi e U.P.I.P.A."
        ),
        "signatories": SIGNATORIES,
        "signed": DISTRICT_FOUNDED,
    },
    {
        "slug": "accordo-partenariato-2019",
        "kind": Agreement.Kind.PARTNERSHIP,
        "title": "Accordo di partenariato del Distretto Family Audit di Trento",
        "signed_on": PARTNERSHIP_2019,
        "signed_on_precision": "day",
        "summary": (
            "Le stesse nove organizzazioni firmatarie dell'accordo di area sottoscrivono il "
            "19 marzo 2019 l'Accordo di partenariato del Distretto Family Audit di Trento, "
            "proseguendo la sperimentazione di un modello di partenariato pubblico-privato. "
            "Secondo lo schema dell'accordo, i referenti delle singole azioni co-progettate e "
            "realizzate in partnership si riuniscono in sotto-gruppi di lavoro in funzione "
            "delle esigenze operative."
        ),
        "signatories": SIGNATORIES,
        "signed": PARTNERSHIP_2019,
    },
]

# --------------------------------------------------------------------------------------
# Catalogue vocabulary
# --------------------------------------------------------------------------------------

CATEGORIES = [
    ("infanzia-e-scuola", "Infanzia e scuola", "it-pencil", "Nidi, scuole, doposcuola."),
    ("estate-e-tempo-libero", "Estate e tempo libero", "it-calendar", "Centri estivi, campus."),
    ("assistenza-anziani", "Assistenza anziani", "it-user", "Sostegno a chi cura un anziano."),
    ("salute-e-benessere", "Salute e benessere", "it-plus-circle", "Ascolto, sport, salute."),
    ("conciliazione-e-tempo", "Conciliazione e tempo", "it-clock", "Servizi salva-tempo."),
    ("mobilita", "Mobilità", "it-car", "Spostamenti casa-lavoro."),
    ("formazione", "Formazione", "it-presentation", "Corsi, webinar e incontri."),
    ("spesa-e-convenzioni", "Spesa e convenzioni", "it-cart", "Sconti e convenzioni."),
]

AUDIENCES = [
    ("0-3", "Bambini 0–3 anni"),
    ("3-6", "Bambini 3–6 anni"),
    ("6-14", "Ragazzi 6–14 anni"),
    ("famiglie", "Famiglie"),
    ("anziani", "Anziani"),
    ("tutti", "Tutti"),
]

# --------------------------------------------------------------------------------------
# Example welfare services
# --------------------------------------------------------------------------------------

E = WelfareService.Eligibility
C = WelfareService.Cost
ST = WelfareService.Status

SUMMER = "summer"  # mid-June to early September of the current year
JULY = "july"  # July of the current year
CHRISTMAS = "christmas"  # 22 December of the current year to 5 January of the next
LAST_SUMMER = "last_summer"  # July of the previous year
LAST_CHRISTMAS = "last_christmas"  # 22 December of the previous year to 5 January


def _service(slug, provider, title, category, audiences, summary, text, **extra):
    return {
        "slug": slug,
        "provider": provider,
        "title": title,
        "category": category,
        "audiences": audiences,
        "summary": summary,
        "text": text,
        "eligibility": extra.pop("eligibility", E.ALL_PARTNERS),
        "cost": extra.pop("cost", C.FREE),
        **extra,
    }


SERVICES = [
    # Fondazione Bruno Kessler
    _service(
        "centro-estivo-povo-6-11-anni",
        FBK,
        "Centro estivo a Povo per bambini 6–11 anni",
        "estate-e-tempo-libero",
        ["6-14"],
        "Settimane di gioco, sport e laboratori scientifici nei pressi della collina di Povo.",
        "Il centro estivo accoglie bambine e bambini dai 6 agli 11 anni con turni settimanali "
        "dalle 8 alle 16,30. Le iscrizioni si raccolgono per settimana fino a esaurimento posti.",
        cost=C.DISCOUNTED,
        cost_conditions="Quota settimanale ridotta per i figli dei dipendenti del Distretto.",
        area="Povo",
        address="Via Sommarive 18, 38123 Povo (TN)",
        season=SUMMER,
        featured=True,
    ),
    _service(
        "spazio-allattamento-povo",
        FBK,
        "Spazio allattamento e cambio nella sede di Povo",
        "conciliazione-e-tempo",
        ["0-3", "famiglie"],
        "Una stanza tranquilla per allattare, cambiare e scaldare la pappa durante la giornata.",
        "Lo spazio è attrezzato con poltrona, fasciatoio, scaldabiberon e frigorifero. È "
        "accessibile con il badge aziendale dalle 7,30 alle 19.",
        eligibility=E.CHOSEN_PARTNERS,
        eligible=POVO,
        area="Povo",
        address="Via Sommarive 18, 38123 Povo (TN)",
    ),
    _service(
        "webinar-genitorialita-digitale",
        FBK,
        "Webinar sulla genitorialità digitale",
        "formazione",
        ["famiglie", "6-14"],
        "Quattro incontri online su smartphone, videogiochi e social network in famiglia.",
        "Un ciclo di webinar serali tenuti da ricercatrici e ricercatori per accompagnare i "
        "genitori nell'uso consapevole delle tecnologie digitali da parte dei figli.",
        eligibility=E.EVERYONE,
        online=True,
        featured=True,
    ),
    _service(
        "consulenza-rientro-congedo-parentale",
        FBK,
        "Consulenza per il rientro dal congedo parentale",
        "conciliazione-e-tempo",
        ["famiglie"],
        "Un colloquio individuale per organizzare orari, lavoro agile e servizi al rientro.",
        "Il servizio offre un colloquio riservato con l'ufficio del personale per pianificare "
        "il rientro dopo il congedo: orari, lavoro agile, servizi per l'infanzia disponibili.",
        eligibility=E.CHOSEN_PARTNERS,
        eligible=[FBK],
        online=True,
        area="Povo",
    ),
    _service(
        "bici-aziendali-casa-lavoro",
        FBK,
        "Bici aziendali in prestito per il tragitto casa-lavoro",
        "mobilita",
        ["tutti"],
        "Biciclette a pedalata assistita in prestito mensile per salire in collina senza auto.",
        "Le biciclette si prenotano per un mese rinnovabile; casco e lucchetto sono inclusi. "
        "La manutenzione ordinaria è a carico del servizio.",
        eligibility=E.CHOSEN_PARTNERS,
        eligible=[FBK, UNITN],
        area="Povo",
    ),
    _service(
        "laboratori-scientifici-sabato",
        FBK,
        "Laboratori scientifici del sabato per ragazzi",
        "estate-e-tempo-libero",
        ["6-14"],
        "Esperimenti, robotica e programmazione per ragazze e ragazzi dagli 8 ai 13 anni.",
        "Ogni mese un sabato mattina di laboratori pratici a piccoli gruppi, guidati da "
        "animatori scientifici.",
        eligibility=E.EVERYONE,
        cost=C.DISCOUNTED,
        cost_conditions="Ingresso ridotto per i figli dei dipendenti delle organizzazioni "
        "del Distretto.",
        area="Povo",
    ),
    # Università degli Studi di Trento
    _service(
        "campus-estivo-universitario-11-14",
        UNITN,
        "Campus estivo universitario per ragazzi 11–14 anni",
        "estate-e-tempo-libero",
        ["6-14"],
        "Un mese di attività tra scienza, lingue e sport negli spazi del polo di Povo.",
        "Il campus si svolge a luglio con turni settimanali; comprende il pranzo in mensa e "
        "attività sportive pomeridiane.",
        cost=C.PAID,
        cost_conditions="Quota settimanale comprensiva di pasti e materiali.",
        area="Povo",
        season=JULY,
        featured=True,
    ),
    _service(
        "campus-estivo-universitario-edizione-precedente",
        UNITN,
        "Campus estivo universitario per ragazzi 11–14 anni (edizione {last_year})",
        "estate-e-tempo-libero",
        ["6-14"],
        "L'edizione dello scorso anno del campus estivo, conclusa.",
        "La scheda resta consultabile come archivio dell'edizione precedente.",
        cost=C.PAID,
        area="Povo",
        season=LAST_SUMMER,
        status=ST.ARCHIVED,
    ),
    _service(
        "sportello-ascolto-psicologico",
        UNITN,
        "Sportello di ascolto psicologico per il personale",
        "salute-e-benessere",
        ["tutti"],
        "Fino a quattro colloqui riservati con una psicologa, in presenza o online.",
        "Lo sportello offre uno spazio di ascolto per difficoltà legate al lavoro, alla "
        "famiglia o alla cura di un familiare. I colloqui sono riservati.",
        eligibility=E.CHOSEN_PARTNERS,
        eligible=[UNITN],
        online=True,
    ),
    _service(
        "inglese-genitori-e-figli",
        UNITN,
        "Corso di inglese per genitori e figli",
        "formazione",
        ["famiglie", "6-14"],
        "Lezioni del sabato mattina in cui genitori e figli imparano l'inglese insieme.",
        "Il corso prevede dieci incontri per livello, da ottobre a marzo, con insegnanti "
        "madrelingua.",
        cost=C.DISCOUNTED,
        cost_conditions="Quota agevolata per i dipendenti del Distretto e i loro figli.",
        area="Trento",
    ),
    _service(
        "impianti-sportivi-tariffa-agevolata",
        UNITN,
        "Impianti sportivi a tariffa agevolata",
        "salute-e-benessere",
        ["tutti"],
        "Palestra, corsi di ginnastica e attività all'aperto con un abbonamento ridotto.",
        "L'abbonamento ridotto dà accesso alla sala attrezzi e ai corsi collettivi nelle "
        "fasce orarie indicate in segreteria.",
        cost=C.DISCOUNTED,
        cost_conditions="Abbonamento trimestrale a prezzo ridotto.",
        area="Trento",
    ),
    _service(
        "baby-sitting-convegni",
        UNITN,
        "Baby-sitting durante convegni e lezioni serali",
        "conciliazione-e-tempo",
        ["0-3", "3-6"],
        "Un'educatrice per i più piccoli mentre il genitore partecipa a un evento di lavoro.",
        "Il servizio è in preparazione: si sta definendo con le strutture quali eventi "
        "coprire e con quale preavviso prenotare.",
        eligibility=E.CHOSEN_PARTNERS,
        eligible=[UNITN, FBK],
        cost=C.PAID,
        status=ST.DRAFT,
    ),
    # APSP Margherita Grazioli
    _service(
        "consulenza-familiari-anziani",
        GRAZIOLI,
        "Consulenza per i familiari di persone anziane",
        "assistenza-anziani",
        ["anziani", "famiglie"],
        "Un colloquio per orientarsi tra servizi domiciliari, centri diurni e residenze.",
        "L'assistente sociale aiuta chi si occupa di un genitore o di un parente anziano a "
        "capire quali servizi sono disponibili e come accedervi.",
        eligibility=E.EVERYONE,
        area="Povo",
        featured=True,
    ),
    _service(
        "centro-diurno-posti-sollievo",
        GRAZIOLI,
        "Centro diurno: posti di sollievo per anziani",
        "assistenza-anziani",
        ["anziani"],
        "Giornate di accoglienza al centro diurno per dare respiro a chi assiste un anziano.",
        "Il centro diurno accoglie la persona anziana dal mattino al pomeriggio, con pranzo, "
        "attività di animazione e assistenza.",
        cost=C.DISCOUNTED,
        cost_conditions="Retta giornaliera ridotta per i familiari dei dipendenti.",
        area="Povo",
    ),
    _service(
        "pasti-a-domicilio-anziani",
        GRAZIOLI,
        "Pasti a domicilio per familiari anziani",
        "assistenza-anziani",
        ["anziani"],
        "Il pranzo consegnato a casa dal lunedì al sabato, con menù adatti alle diete.",
        "Il servizio copre Povo e le zone limitrofe; la consegna avviene tra le 11,30 e le 12,30.",
        cost=C.PAID,
        area="Povo",
    ),
    _service(
        "fisioterapia-ambulatoriale",
        GRAZIOLI,
        "Fisioterapia ambulatoriale a tariffa agevolata",
        "salute-e-benessere",
        ["anziani", "tutti"],
        "Sedute di fisioterapia in ambulatorio per dipendenti e loro familiari.",
        "Le sedute si prenotano con prescrizione medica; sono disponibili fasce orarie serali.",
        cost=C.DISCOUNTED,
        cost_conditions="Tariffa ridotta per i dipendenti del Distretto e i loro familiari.",
        area="Povo",
    ),
    # Famiglia Cooperativa di Povo
    _service(
        "sconto-spesa-dipendenti-distretto",
        FAMCOOP,
        "Sconto sulla spesa per i dipendenti del Distretto",
        "spesa-e-convenzioni",
        ["tutti"],
        "Uno sconto sulla spesa nel punto vendita di Povo presentando il badge aziendale.",
        "Lo sconto si applica alla spesa alimentare e non alimentare, escluse le offerte già "
        "in promozione.",
        cost=C.DISCOUNTED,
        cost_conditions="Sconto percentuale alla cassa su presentazione del badge aziendale.",
        area="Povo",
        featured=True,
    ),
    _service(
        "spesa-pronta-fine-turno",
        FAMCOOP,
        "Spesa pronta da ritirare a fine turno",
        "conciliazione-e-tempo",
        ["famiglie"],
        "Si ordina la spesa la mattina e la si ritira pronta all'uscita dal lavoro.",
        "L'ordine si invia entro le 11 e la spesa è pronta dalle 16 alle 19,30 nel punto "
        "vendita di Povo.",
        cost_conditions="La preparazione è gratuita; si pagano solo i prodotti.",
        area="Povo",
    ),
    _service(
        "spesa-a-domicilio-anziani",
        FAMCOOP,
        "Consegna della spesa a domicilio per anziani",
        "assistenza-anziani",
        ["anziani"],
        "La spesa portata a casa delle persone anziane del territorio di Povo.",
        "Il servizio è pensato per le persone anziane che non possono recarsi al negozio; "
        "l'ordine si fa per telefono.",
        eligibility=E.EVERYONE,
        cost=C.PAID,
        cost_conditions="Piccolo contributo per la consegna.",
        area="Povo",
    ),
    _service(
        "buoni-spesa-famiglie-0-3",
        FAMCOOP,
        "Buoni spesa per famiglie con figli da 0 a 3 anni",
        "spesa-e-convenzioni",
        ["0-3", "famiglie"],
        "Buoni sconto sui prodotti per la prima infanzia.",
        "La proposta è in preparazione con il sotto-gruppo welfare e convenzioni.",
        cost=C.DISCOUNTED,
        area="Povo",
        status=ST.DRAFT,
    ),
    # Kaleidoscopio
    _service(
        "doposcuola-aiuto-compiti",
        KALEIDO,
        "Doposcuola e aiuto compiti",
        "infanzia-e-scuola",
        ["6-14"],
        "Pomeriggi di studio assistito per ragazze e ragazzi della scuola primaria e media.",
        "Il doposcuola si svolge dal lunedì al giovedì, dalle 14 alle 17,30, con educatori "
        "qualificati e piccoli gruppi.",
        cost=C.DISCOUNTED,
        cost_conditions="Quota mensile ridotta per i figli dei dipendenti del Distretto.",
        area="Trento",
    ),
    _service(
        "centro-estivo-3-6-anni",
        KALEIDO,
        "Centro estivo per bambini 3–6 anni",
        "estate-e-tempo-libero",
        ["3-6"],
        "Mattine e pomeriggi all'aria aperta per i più piccoli, in piccoli gruppi.",
        "Il centro estivo è aperto a luglio, con possibilità di frequenza a mezza giornata "
        "o a giornata intera.",
        cost=C.PAID,
        area="Trento",
        season=JULY,
    ),
    _service(
        "nido-convenzionato-posti-riservati",
        KALEIDO,
        "Posti riservati al nido d'infanzia convenzionato",
        "infanzia-e-scuola",
        ["0-3"],
        "Alcuni posti al nido riservati ai figli dei dipendenti delle organizzazioni aderenti.",
        "I posti si assegnano per anno educativo, da settembre a luglio; le domande si "
        "presentano entro la primavera.",
        eligibility=E.CHOSEN_PARTNERS,
        eligible=[KALEIDO, FBK, UNITN],
        cost=C.DISCOUNTED,
        cost_conditions="Retta agevolata in base alla convenzione con l'organizzazione.",
        area="Trento",
        featured=True,
    ),
    _service(
        "pre-post-scuola-povo",
        KALEIDO,
        "Pre-scuola e post-scuola a Povo",
        "infanzia-e-scuola",
        ["3-6", "6-14"],
        "Accoglienza dalle 7,30 e fino alle 18 nei giorni di scuola.",
        "Il servizio copre l'orario prima e dopo le lezioni per chi lavora nella zona di Povo.",
        eligibility=E.CHOSEN_PARTNERS,
        eligible=[*POVO, KALEIDO],
        cost=C.PAID,
        area="Povo",
    ),
    _service(
        "assistenza-domiciliare-leggera",
        KALEIDO,
        "Assistenza domiciliare leggera per anziani",
        "assistenza-anziani",
        ["anziani"],
        "Compagnia, piccole commissioni e accompagnamento alle visite.",
        "Operatori qualificati affiancano la persona anziana per alcune ore alla settimana.",
        eligibility=E.EVERYONE,
        cost=C.PAID,
        area="Trento",
    ),
    _service(
        "gruppi-di-parola-figli",
        KALEIDO,
        "Gruppi di parola per figli di genitori separati",
        "salute-e-benessere",
        ["6-14", "famiglie"],
        "Quattro incontri in piccolo gruppo per bambini e ragazzi che vivono una separazione.",
        "Gli incontri sono condotti da professionisti formati e si chiudono con un momento "
        "dedicato ai genitori.",
        eligibility=E.EVERYONE,
        area="Trento",
    ),
    # Progetto '92
    _service(
        "centro-estivo-citta-6-14",
        P92,
        "Centro estivo in città per ragazzi 6–14 anni",
        "estate-e-tempo-libero",
        ["6-14"],
        "Uscite, sport e laboratori per tutta l'estate, con turni settimanali.",
        "Il centro estivo propone attività diverse per fasce d'età, con uscite sul "
        "territorio e una gita settimanale.",
        cost=C.DISCOUNTED,
        cost_conditions="Quota ridotta per i figli dei dipendenti del Distretto.",
        area="Trento",
        season=SUMMER,
        featured=True,
    ),
    _service(
        "consulenza-educativa-genitori",
        P92,
        "Sportello di consulenza educativa per genitori",
        "salute-e-benessere",
        ["famiglie"],
        "Colloqui con un'educatrice su crescita, scuola e relazioni in famiglia.",
        "Lo sportello riceve su appuntamento, in presenza o in videochiamata.",
        eligibility=E.EVERYONE,
        online=True,
        area="Trento",
    ),
    _service(
        "spazio-compiti-adolescenti",
        P92,
        "Spazio compiti per adolescenti",
        "infanzia-e-scuola",
        ["6-14"],
        "Un luogo dove studiare insieme, con educatori disponibili ad aiutare.",
        "Lo spazio è aperto due pomeriggi alla settimana durante l'anno scolastico.",
        eligibility=E.EVERYONE,
        area="Trento",
    ),
    _service(
        "campus-di-natale",
        P92,
        "Campus di Natale per bambini 6–11 anni",
        "estate-e-tempo-libero",
        ["6-14"],
        "Giornate di gioco e laboratori durante la chiusura natalizia delle scuole.",
        "Il campus è aperto nei giorni feriali delle vacanze di Natale, dalle 8 alle 16.",
        cost=C.PAID,
        area="Trento",
        season=CHRISTMAS,
    ),
    _service(
        "campus-di-natale-edizione-precedente",
        P92,
        "Campus di Natale per bambini 6–11 anni (edizione {last_year})",
        "estate-e-tempo-libero",
        ["6-14"],
        "L'edizione dello scorso anno del campus di Natale, conclusa.",
        "La scheda resta consultabile come archivio dell'edizione precedente.",
        cost=C.PAID,
        area="Trento",
        season=LAST_CHRISTMAS,
        status=ST.ARCHIVED,
    ),
    # Fondazione Franco Demarchi
    _service(
        "percorsi-formativi-conciliazione",
        DEMARCHI,
        "Percorsi formativi sulla conciliazione vita-lavoro",
        "formazione",
        ["tutti"],
        "Moduli brevi online su tempi, carichi di cura e organizzazione del lavoro.",
        "I percorsi sono pensati per dipendenti e responsabili di gruppi di lavoro e si "
        "seguono online in modo flessibile.",
        online=True,
    ),
    _service(
        "corsi-terza-eta-quota-agevolata",
        DEMARCHI,
        "Corsi per la terza età a quota agevolata",
        "formazione",
        ["anziani"],
        "Corsi di cultura e benessere per i familiari anziani dei dipendenti.",
        "L'iscrizione agevolata vale per i genitori e i suoceri dei dipendenti delle "
        "organizzazioni aderenti.",
        cost=C.DISCOUNTED,
        cost_conditions="Quota di iscrizione ridotta.",
        area="Centro storico",
    ),
    _service(
        "incontri-genitori-adolescenti",
        DEMARCHI,
        "Ciclo di incontri per genitori di adolescenti",
        "formazione",
        ["famiglie"],
        "Tre serate con esperti su autonomia, scuola e uso del tempo libero dei ragazzi.",
        "Gli incontri si tengono in presenza e sono trasmessi anche in diretta online.",
        eligibility=E.EVERYONE,
        online=True,
        area="Centro storico",
    ),
    # U.P.I.P.A.
    _service(
        "guida-servizi-anziani",
        UPIPA,
        "Guida ai servizi per anziani del territorio",
        "assistenza-anziani",
        ["anziani", "famiglie"],
        "Una guida online per orientarsi tra i servizi per le persone anziane in Trentino.",
        "La guida raccoglie le informazioni essenziali su residenze, centri diurni e servizi "
        "domiciliari, con i contatti utili.",
        eligibility=E.EVERYONE,
        online=True,
    ),
    _service(
        "formazione-caregiver-familiari",
        UPIPA,
        "Formazione per chi assiste un familiare non autosufficiente",
        "formazione",
        ["famiglie", "anziani"],
        "Un corso online su mobilizzazione, alimentazione e prevenzione delle cadute.",
        "Il corso è diviso in brevi lezioni video, con un incontro finale di domande e "
        "risposte con un'infermiera.",
        online=True,
    ),
    # FIDIA
    _service(
        "car-pooling-distretto",
        FIDIA,
        "Car pooling tra i dipendenti del Distretto",
        "mobilita",
        ["tutti"],
        "Un servizio per trovare colleghi delle altre organizzazioni con cui condividere l'auto.",
        "Chi aderisce indica tragitto e orari; il servizio propone gli abbinamenti possibili.",
        online=True,
    ),
    _service(
        "maggiordomo-aziendale",
        FIDIA,
        "Servizio di maggiordomo aziendale",
        "conciliazione-e-tempo",
        ["tutti"],
        "Ritiro e consegna di lavanderia e piccole commissioni sul luogo di lavoro.",
        "La sperimentazione si è conclusa; la scheda resta come archivio.",
        eligibility=E.CHOSEN_PARTNERS,
        eligible=[FIDIA, KALEIDO],
        cost=C.PAID,
        status=ST.ARCHIVED,
    ),
]

# --------------------------------------------------------------------------------------
# Working groups, meetings, work programmes
# --------------------------------------------------------------------------------------

MAIN_GROUP = "gruppo-di-lavoro-distretto"
SUB_CHILDREN = "sottogruppo-servizi-0-14"
SUB_TRAINING = "sottogruppo-formazione-sensibilizzazione"
SUB_WELFARE = "sottogruppo-welfare-convenzioni"

GROUPS = [
    {
        "slug": MAIN_GROUP,
        "name": "Gruppo di lavoro del Distretto Family Audit di Trento",
        "parent": None,
        "coordinator": COMUNE,
        "members": SIGNATORIES + [COMUNE],
        "description": (
            "Composto dai referenti delle organizzazioni aderenti, si riunisce "
            "trimestralmente per definire le principali azioni da realizzare nel corso "
            "dell'anno: programmazione, definizione del programma di lavoro, iniziative "
            "collaterali."
        ),
    },
    {
        "slug": SUB_CHILDREN,
        "name": "Sotto-gruppo servizi 0–14",
        "parent": MAIN_GROUP,
        "coordinator": KALEIDO,
        "members": [KALEIDO, P92, FBK, UNITN],
        "description": "Referenti delle azioni sui servizi per l'infanzia e i centri estivi.",
    },
    {
        "slug": SUB_TRAINING,
        "name": "Sotto-gruppo formazione e sensibilizzazione",
        "parent": MAIN_GROUP,
        "coordinator": DEMARCHI,
        "members": [DEMARCHI, UPIPA, UNITN, COMUNE],
        "description": "Referenti delle azioni di formazione, informazione e sensibilizzazione.",
    },
    {
        "slug": SUB_WELFARE,
        "name": "Sotto-gruppo welfare interaziendale e convenzioni",
        "parent": MAIN_GROUP,
        "coordinator": FBK,
        "members": [FBK, FAMCOOP, FIDIA, GRAZIOLI],
        "description": "Referenti delle azioni sul catalogo dei servizi e sulle convenzioni.",
    },
]

#: Month of the quarterly meeting: inside each quarter, avoiding August.
MEETING_MONTHS = {1: 2, 2: 5, 3: 9, 4: 11}
QUARTER_ORDINALS = {1: "1º", 2: "2º", 3: "3º", 4: "4º"}
ONLINE_MEETING_URL = "https://videoconferenza.example/distretto-family-audit"
MEETING_PLACES = {
    1: "Comune di Trento, via Belenzani 19, Trento",
    2: "Fondazione Bruno Kessler, via Sommarive 18, Povo",
    3: "",  # online
    4: "Università degli Studi di Trento, polo scientifico di Povo, via Sommarive, Povo",
}
AGENDAS = {
    1: [
        "Approvazione del programma di lavoro {year}",
        "Aggiornamento del catalogo dei servizi di welfare",
        "Calendario degli incontri dell'anno",
    ],
    2: [
        "Organizzazione dei centri estivi {year}",
        "Stato di avanzamento delle azioni",
        "Varie ed eventuali",
    ],
    3: [
        "Bilancio dei centri estivi {year}",
        "Iniziative di sensibilizzazione dell'autunno",
        "Varie ed eventuali",
    ],
    4: [
        "Verifica del programma di lavoro {year}",
        "Proposte per il programma di lavoro {next_year}",
        "Richieste di adesione al Distretto",
    ],
}

A = Action.Area
AS = Action.Status
PREVIOUS, CURRENT = "previous", "current"

# (area, title, description, lead, partners, subgroup, services, {year: status})
ACTIONS = [
    (
        A.PLANNING,
        "Mappatura dei bisogni di conciliazione dei dipendenti",
        "Un questionario comune alle organizzazioni per raccogliere i bisogni di "
        "conciliazione e orientare il programma dell'anno successivo.",
        DEMARCHI,
        [UNITN, UPIPA],
        SUB_TRAINING,
        [],
        {PREVIOUS: AS.COMPLETED, CURRENT: AS.IN_PROGRESS},
    ),
    (
        A.PLANNING,
        "Calendario condiviso degli incontri e delle iniziative",
        "Il calendario trimestrale del gruppo di lavoro e delle iniziative aperte ai "
        "dipendenti di tutte le organizzazioni.",
        COMUNE,
        SIGNATORIES,
        None,
        [],
        {PREVIOUS: AS.COMPLETED, CURRENT: AS.COMPLETED},
    ),
    (
        A.AWARENESS,
        "Ciclo di incontri sulla genitorialità",
        "Webinar e serate per i genitori, aperti anche alla cittadinanza.",
        FBK,
        [P92, DEMARCHI],
        SUB_TRAINING,
        ["webinar-genitorialita-digitale", "incontri-genitori-adolescenti"],
        {PREVIOUS: AS.COMPLETED, CURRENT: AS.IN_PROGRESS},
    ),
    (
        A.AWARENESS,
        "Formazione dei referenti aziendali del welfare",
        "Percorso comune per i referenti che gestiscono i servizi di welfare nelle "
        "organizzazioni aderenti.",
        DEMARCHI,
        [UPIPA],
        SUB_TRAINING,
        ["percorsi-formativi-conciliazione"],
        {PREVIOUS: AS.COMPLETED, CURRENT: AS.PLANNED},
    ),
    (
        A.AWARENESS,
        "Giornata del Distretto Family Audit",
        "Un incontro pubblico per presentare i servizi del Distretto e le esperienze delle "
        "organizzazioni.",
        COMUNE,
        SIGNATORIES,
        None,
        [],
        {PREVIOUS: AS.COMPLETED, CURRENT: AS.PLANNED},
    ),
    (
        A.STANDARDS,
        "Centri estivi condivisi per i figli dei dipendenti",
        "Posti e quote agevolate nei centri estivi delle organizzazioni, con un calendario "
        "unico delle iscrizioni.",
        KALEIDO,
        [FBK, UNITN, P92],
        SUB_CHILDREN,
        [
            "centro-estivo-povo-6-11-anni",
            "campus-estivo-universitario-11-14",
            "centro-estivo-3-6-anni",
            "centro-estivo-citta-6-14",
        ],
        {PREVIOUS: AS.COMPLETED, CURRENT: AS.IN_PROGRESS},
    ),
    (
        A.STANDARDS,
        "Catalogo unico dei servizi di welfare interaziendale",
        "Raccolta e aggiornamento periodico dei servizi che ogni organizzazione mette a "
        "disposizione dei dipendenti delle altre.",
        FBK,
        SIGNATORIES,
        SUB_WELFARE,
        ["sconto-spesa-dipendenti-distretto", "nido-convenzionato-posti-riservati"],
        {PREVIOUS: AS.COMPLETED, CURRENT: AS.IN_PROGRESS},
    ),
    (
        A.STANDARDS,
        "Sostegno a chi assiste un familiare anziano",
        "Consulenza, formazione e servizi di sollievo per i dipendenti con carichi di cura.",
        GRAZIOLI,
        [UPIPA, KALEIDO],
        None,
        [
            "consulenza-familiari-anziani",
            "formazione-caregiver-familiari",
            "centro-diurno-posti-sollievo",
        ],
        {PREVIOUS: AS.COMPLETED, CURRENT: AS.IN_PROGRESS},
    ),
    (
        A.STANDARDS,
        "Convenzioni per la spesa dei dipendenti",
        "Sconti e servizi salva-tempo nei punti vendita del territorio.",
        FAMCOOP,
        [FBK, UNITN],
        SUB_WELFARE,
        ["sconto-spesa-dipendenti-distretto", "spesa-pronta-fine-turno"],
        {PREVIOUS: AS.COMPLETED, CURRENT: AS.IN_PROGRESS},
    ),
    (
        A.PILOT,
        "Sperimentazione del maggiordomo aziendale",
        "Prova di un servizio di commissioni e lavanderia sul luogo di lavoro.",
        FIDIA,
        [KALEIDO],
        SUB_WELFARE,
        ["maggiordomo-aziendale"],
        {PREVIOUS: AS.COMPLETED},
    ),
    (
        A.PILOT,
        "Banca del tempo tra colleghi",
        "Scambio di piccoli aiuti tra dipendenti di organizzazioni diverse.",
        P92,
        [KALEIDO, FAMCOOP],
        None,
        [],
        {PREVIOUS: AS.CANCELLED},
    ),
    (
        A.PILOT,
        "Sperimentazione del car pooling tra le organizzazioni",
        "Abbinamento di colleghi delle diverse organizzazioni che fanno lo stesso tragitto.",
        FIDIA,
        [FBK, UNITN],
        SUB_WELFARE,
        ["car-pooling-distretto", "bici-aziendali-casa-lavoro"],
        {CURRENT: AS.IN_PROGRESS},
    ),
]

# --------------------------------------------------------------------------------------
# Demo accounts
# --------------------------------------------------------------------------------------

COORDINATOR, ADMIN, REFERENT, EMPLOYEE, CITIZEN = (
    "coordinator",
    "admin",
    "referent",
    "employee",
    "citizen",
)
R = Affiliation.Role
V = Affiliation.VerifiedVia

# (e-mail, kind, first name, last name, organisation, affiliation status, verified via)
ACCOUNTS = [
    ("coordinatore@comune.trento.it", COORDINATOR, "Demo", "Coordinamento", None, None, None),
    ("admin@distretto.example", ADMIN, "Demo", "Amministrazione", None, None, None),
    ("referente@fbk.eu", REFERENT, "Demo", "Referente FBK", FBK, "active", V.INVITATION),
    ("referente2@fbk.eu", REFERENT, "Demo", "Referente FBK 2", FBK, "active", V.INVITATION),
    ("referente@unitn.it", REFERENT, "Demo", "Referente UniTrento", UNITN, "active", V.INVITATION),
    (
        "referente2@unitn.it",
        REFERENT,
        "Demo",
        "Referente UniTrento 2",
        UNITN,
        "active",
        V.INVITATION,
    ),
    *[
        (
            f"referente@{domain}",
            REFERENT,
            "Demo",
            f"Referente {label}",
            slug,
            "active",
            V.INVITATION,
        )
        for slug, domain, label in [
            (GRAZIOLI, "apsp-grazioli.example", "APSP Grazioli"),
            (FAMCOOP, "famiglia-cooperativa-povo.example", "Famiglia Cooperativa"),
            (KALEIDO, "kaleidoscopio.coop", "Kaleidoscopio"),
            (FIDIA, "fidia.example", "FIDIA"),
            (P92, "progetto92.example", "Progetto '92"),
            (DEMARCHI, "fdemarchi.it", "Fondazione Demarchi"),
            (UPIPA, "upipa.tn.it", "UPIPA"),
        ]
    ],
    ("dipendente@fbk.eu", EMPLOYEE, "Demo", "Dipendente FBK", FBK, "active", V.EMAIL_DOMAIN),
    (
        "dipendente@unitn.it",
        EMPLOYEE,
        "Demo",
        "Dipendente UniTrento",
        UNITN,
        "active",
        V.EMAIL_DOMAIN,
    ),
    (
        "dipendente@kaleidoscopio.coop",
        EMPLOYEE,
        "Demo",
        "Dipendente Kaleidoscopio",
        KALEIDO,
        "active",
        V.EMAIL_DOMAIN,
    ),
    (
        "genitore.demo@example.org",
        EMPLOYEE,
        "Demo",
        "Dipendente Progetto '92",
        P92,
        "active",
        V.REFERENT_APPROVAL,
    ),
    ("nuovo.collega@example.net", EMPLOYEE, "Demo", "In attesa FBK", FBK, "pending", None),
    ("cittadino@example.org", CITIZEN, "Demo", "Cittadino", None, None, None),
]

ROLE_LABELS = {
    COORDINATOR: _("Coordinator (back office)"),
    ADMIN: _("Technical administrator"),
    REFERENT: _("Referent"),
    EMPLOYEE: _("Employee"),
    CITIZEN: _("No affiliation"),
}

# --------------------------------------------------------------------------------------
# The loader
# --------------------------------------------------------------------------------------


@dataclass
class DemoAccount:
    email: str
    role: str
    organization: str
    status: str


@dataclass
class DemoReport:
    created: int = 0
    updated: int = 0
    accounts: list[DemoAccount] = field(default_factory=list)


def _second_tuesday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(1 - first.weekday()) % 7 + 7)


def meeting_title(year: int, quarter: int) -> str:
    return f"Incontro trimestrale — {QUARTER_ORDINALS[quarter]} trimestre {year}"


def _validate(obj) -> None:
    """Field validation (choices, lengths, URLs, domains) without a query per row.

    Relations, uniqueness and check constraints are enforced by the database itself.
    """
    relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    # Field checks only: the demo's services predate WelfareService.clean()'s completeness
    # rules (contact, place, prices), which the demo data does not meet yet.
    obj.clean_fields(exclude=relations)


def _differs(obj, name, value) -> bool:
    model_field = obj._meta.get_field(name)
    if model_field.many_to_one or model_field.one_to_one:
        return getattr(obj, model_field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


class _Loader:
    def __init__(self, now: dt.datetime):
        self.now = now
        self.today = timezone.localdate(now)
        self.year = self.today.year
        self.report = DemoReport()
        self.orgs: dict[str, Organization] = {}
        self.categories: dict[str, Category] = {}
        self.audiences: dict[str, Audience] = {}
        self.services: dict[str, WelfareService] = {}
        self.groups: dict[str, WorkingGroup] = {}
        self.users: dict[str, object] = {}
        self.referents: dict[str, object] = {}
        self._password_hash: str | None = None
        self._created: set[tuple[type, int]] = set()

    # -- generic helpers ------------------------------------------------------------

    def upsert(self, model, lookup: dict, values: dict, *, on_create: dict | None = None):
        """Create the row, or write it only if one of `values` differs.

        `on_create` holds values set once (e.g. timestamps) and never enforced again.
        """
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            plain = {name: value for name, value in lookup.items() if "__" not in name}
            obj = model(**plain, **values, **(on_create or {}))
            _validate(obj)
            obj.save()
            self.report.created += 1
            self._created.add((model, obj.pk))
            return obj
        changed = [name for name, value in values.items() if _differs(obj, name, value)]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            _validate(obj)
            obj.save()
            self.report.updated += 1
        return obj

    def sync_m2m(self, obj, name: str, wanted) -> None:
        manager = getattr(obj, name)
        wanted_ids = {item.pk for item in wanted}
        if set(manager.values_list("pk", flat=True)) != wanted_ids:
            manager.set(list(wanted))
            if (type(obj), obj.pk) not in self._created:
                self.report.updated += 1

    def password_hash(self) -> str:
        # One hash for every new demo account: hashing is deliberately slow.
        if self._password_hash is None:
            self._password_hash = make_password(DEMO_PASSWORD)
        return self._password_hash

    def org_list(self, slugs):
        return [self.orgs[slug] for slug in slugs]

    # -- sections -------------------------------------------------------------------

    def load(self) -> DemoReport:
        self.load_organizations()
        self.load_agreements()
        self.load_catalogue_vocabulary()
        self.load_accounts()
        self.load_services()
        self.load_groups()
        self.load_meetings()
        self.load_programmes()
        return self.report

    def load_organizations(self) -> None:
        certifications = _certifications(self.year)
        for data in ORGANIZATIONS:
            data = dict(data)
            slug, domain = data.pop("slug"), data.pop("domain")
            values = {
                "role": Organization.Role.PARTNER,
                "contact_email": "",
                "latitude": None,
                "longitude": None,
                **data,
                "membership_status": Organization.MembershipStatus.ACTIVE,
                "joined_on": DISTRICT_FOUNDED,
                "left_on": None,
            }
            org = self.upsert(Organization, {"slug": slug}, values)
            self.orgs[slug] = org
            self.upsert(EmailDomain, {"domain": domain}, {"organization": org})
            for phase, status, registered, granted, expires in certifications[slug]:
                self.upsert(
                    Certification,
                    {"organization": org, "phase": phase},
                    {
                        "status": status,
                        "registered_on": registered,
                        "granted_on": granted,
                        "expires_on": expires,
                        "notes": CERTIFICATION_NOTE,
                    },
                )

    def load_agreements(self) -> None:
        predecessor = None
        for data in AGREEMENTS:
            agreement = self.upsert(
                Agreement,
                {"slug": data["slug"]},
                {
                    "kind": data["kind"],
                    "title": data["title"],
                    "signed_on": data["signed_on"],
                    "signed_on_precision": data["signed_on_precision"],
                    "summary": data["summary"],
                    "is_public": True,
                    "predecessor": predecessor,
                },
            )
            for slug in data["signatories"]:
                self.upsert(
                    Signature,
                    {"agreement": agreement, "organization": self.orgs[slug]},
                    {"signed_on": data["signed"], "withdrawn_on": None},
                )
            predecessor = agreement

    def load_catalogue_vocabulary(self) -> None:
        for position, (slug, name, icon, description) in enumerate(CATEGORIES, start=1):
            self.categories[slug] = self.upsert(
                Category,
                {"slug": slug},
                {"name": name, "icon": icon, "description": description, "position": position},
            )
        for position, (code, name) in enumerate(AUDIENCES, start=1):
            self.audiences[code] = self.upsert(
                Audience, {"code": code}, {"name": name, "position": position}
            )

    def load_accounts(self) -> None:
        User = get_user_model()
        coordinator_group, _created = Group.objects.get_or_create(name=COORDINATOR_GROUP)
        coordinator = None
        referents: dict[str, object] = {}
        for email, kind, first, last, org_slug, status, via in ACCOUNTS:
            user = User.objects.filter(email__iexact=email).first()
            values = {
                "first_name": first,
                "last_name": last,
                "is_active": True,
                "is_staff": kind in (COORDINATOR, ADMIN),
                "is_superuser": kind == ADMIN,
            }
            if user is None:
                user = User(username=email, email=email, password=self.password_hash(), **values)
                user.save()
                self.report.created += 1
                self._created.add((User, user.pk))
            elif any(getattr(user, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(user, name, value)
                user.save()
                self.report.updated += 1
            self.users[email] = user
            self.upsert(
                EmailAddress,
                {"email__iexact": email},
                {"user": user, "verified": True, "primary": True},
                on_create={"email": email},
            )
            if kind == COORDINATOR:
                coordinator = user
                if not user.groups.filter(pk=coordinator_group.pk).exists():
                    user.groups.add(coordinator_group)
                    if (User, user.pk) not in self._created:
                        self.report.updated += 1
            org = self.orgs[org_slug] if org_slug else None
            if org is not None:
                verifier = None
                if via == V.INVITATION:
                    verifier = coordinator
                elif via == V.REFERENT_APPROVAL:
                    verifier = referents.get(org_slug)
                affiliation = self.upsert_affiliation(user, org, kind, status, via, verifier)
                if kind == REFERENT:
                    referents.setdefault(org_slug, user)
                status_label = affiliation.get_status_display()
            else:
                status_label = ""
            self.report.accounts.append(
                DemoAccount(
                    email=email,
                    role=str(ROLE_LABELS[kind]),
                    organization=org.display_name if org else "",
                    status=str(status_label),
                )
            )
        self.referents = referents

    def upsert_affiliation(self, user, org, kind, status, via, verifier):
        role = R.REFERENT if kind == REFERENT else R.EMPLOYEE
        active = status == Affiliation.Status.ACTIVE
        values = {
            "role": role,
            "status": status,
            "verified_via": via or "",
            "verified_by": verifier,
            "request_message": (
                ""
                if active
                else "Richiesta di esempio: lavoro presso la sede di Povo con un indirizzo "
                "e-mail personale."
            ),
        }
        lookup = {
            "user": user,
            "organization": org,
            "status__in": [Affiliation.Status.PENDING, Affiliation.Status.ACTIVE],
        }
        existing = Affiliation.objects.filter(**lookup).first()
        if existing is not None and active and existing.verified_at is None:
            values["verified_at"] = self.now
        return self.upsert(
            Affiliation,
            lookup,
            values,
            on_create={"verified_at": self.now if active else None},
        )

    def load_services(self) -> None:
        year = self.year
        seasons = {
            None: (None, None),
            SUMMER: (dt.date(year, 6, 15), dt.date(year, 9, 4)),
            JULY: (dt.date(year, 7, 1), dt.date(year, 7, 31)),
            CHRISTMAS: (dt.date(year, 12, 22), dt.date(year + 1, 1, 5)),
            LAST_SUMMER: (dt.date(year - 1, 7, 1), dt.date(year - 1, 7, 31)),
            LAST_CHRISTMAS: (dt.date(year - 1, 12, 22), dt.date(year, 1, 5)),
        }
        # Verification dates move with the quarter, so they always look recent.
        quarter_start = dt.date(year, 3 * ((self.today.month - 1) // 3) + 1, 1)
        for index, data in enumerate(SERVICES):
            status = data.get("status", ST.PUBLISHED)
            available_from, available_until = seasons[data.get("season")]
            published_at = None
            if status != ST.DRAFT:
                published_at = dt.datetime(year - 1, 9, 1, 9, 0, tzinfo=ROME) + dt.timedelta(
                    days=3 * index
                )
            provider = self.orgs[data["provider"]]
            text = data["text"]
            values = {
                "provider": provider,
                "title": data["title"].format(last_year=year - 1),
                "summary": data["summary"],
                "description": f"{SERVICE_MARKER}\n\n{text}",
                "category": self.categories[data["category"]],
                "eligibility": data["eligibility"],
                "cost": data["cost"],
                "cost_conditions": data.get("cost_conditions", ""),
                "address": data.get("address", ""),
                "area": data.get("area", ""),
                "is_online": data.get("online", False),
                "available_from": available_from,
                "available_until": available_until,
                "status": status,
                "is_featured": data.get("featured", False),
                "published_at": published_at,
                "last_verified_on": quarter_start - dt.timedelta(days=2 * index + 1),
                "created_by": self.referents.get(data["provider"]),
            }
            service = self.upsert(WelfareService, {"slug": data["slug"]}, values)
            self.services[data["slug"]] = service
            self.sync_m2m(service, "audiences", [self.audiences[c] for c in data["audiences"]])
            eligible = data.get("eligible", []) if data["eligibility"] == E.CHOSEN_PARTNERS else []
            self.sync_m2m(service, "eligible_organizations", self.org_list(eligible))

    def load_groups(self) -> None:
        for data in GROUPS:
            group = self.upsert(
                WorkingGroup,
                {"slug": data["slug"]},
                {
                    "name": data["name"],
                    "parent": self.groups[data["parent"]] if data["parent"] else None,
                    "coordinator": self.orgs[data["coordinator"]],
                    "description": data["description"],
                },
            )
            self.groups[data["slug"]] = group
            self.sync_m2m(group, "members", self.org_list(data["members"]))

    def meeting_times(self, year: int, quarter: int) -> tuple[dt.datetime, dt.datetime]:
        day = _second_tuesday(year, MEETING_MONTHS[quarter])
        starts = dt.datetime(day.year, day.month, day.day, 14, 30, tzinfo=ROME)
        return starts, starts + dt.timedelta(hours=2)

    def load_meetings(self) -> None:
        group = self.groups[MAIN_GROUP]
        members = self.org_list(SIGNATORIES + [COMUNE])
        for year in (self.year - 1, self.year):
            for quarter in (1, 2, 3, 4):
                self.load_meeting(group, members, year, quarter)
        # Next year's first meeting is always convened already, so the portal has one ahead.
        self.load_meeting(group, members, self.year + 1, 1)

    def load_meeting(self, group, members, year: int, quarter: int) -> None:
        starts, ends = self.meeting_times(year, quarter)
        held = ends <= self.now
        agenda = [item.format(year=year, next_year=year + 1) for item in AGENDAS[quarter]]
        attendance = {}
        for index, org in enumerate(members):
            if held:
                present = (index + quarter + year) % 5 != 0
                attendance[org] = (
                    Attendance.Status.ATTENDED if present else Attendance.Status.ABSENT
                )
            else:
                confirmed = (index + quarter) % 2 == 0
                attendance[org] = (
                    Attendance.Status.CONFIRMED if confirmed else Attendance.Status.INVITED
                )
        minutes = ""
        if held:
            present = sum(1 for s in attendance.values() if s == Attendance.Status.ATTENDED)
            minutes = (
                f"{EXAMPLE_NOTE} Verbale di esempio dell'incontro trimestrale. Presenti i "
                f"referenti di {present} organizzazioni su {len(members)}. Il gruppo ha "
                f"discusso i punti all'ordine del giorno: " + "; ".join(agenda) + ". "
                "Le decisioni sono state riportate nel programma di lavoro e le azioni "
                "operative affidate ai sotto-gruppi competenti."
            )
        meeting = self.upsert(
            Meeting,
            {"group": group, "title": meeting_title(year, quarter)},
            {
                "starts_at": starts,
                "ends_at": ends,
                "place": MEETING_PLACES[quarter],
                "online_url": ONLINE_MEETING_URL if not MEETING_PLACES[quarter] else "",
                "status": Meeting.Status.HELD if held else Meeting.Status.SCHEDULED,
                "minutes": minutes,
            },
        )
        for position, title in enumerate(agenda, start=1):
            self.upsert(
                AgendaItem,
                {"meeting": meeting, "position": position},
                {"title": title, "notes": ""},
            )
        for org, status in attendance.items():
            self.upsert(
                Attendance,
                {"meeting": meeting, "organization": org},
                {"status": status, "representative": ""},
            )

    def load_programmes(self) -> None:
        for which, year in ((PREVIOUS, self.year - 1), (CURRENT, self.year)):
            first_meeting, _end = self.meeting_times(year, 1)
            approved_on = first_meeting.date() if first_meeting <= self.now else None
            programme = self.upsert(
                WorkProgramme,
                {"year": year},
                {
                    "title": f"Programma di lavoro {year}",
                    "summary": (
                        f"{EXAMPLE_NOTE} Le azioni che il gruppo di lavoro del Distretto Family "
                        f"Audit di Trento ha definito per il {year} nei quattro ambiti dei "
                        "Distretti Famiglia."
                    ),
                    "approved_on": approved_on,
                },
            )
            position = 0
            for area, title, text, lead, partners, subgroup, services, statuses in ACTIONS:
                if which not in statuses:
                    continue
                position += 1
                action = self.upsert(
                    Action,
                    {"programme": programme, "title": title},
                    {
                        "area": area,
                        "description": f"{text} (Azione di esempio: dati dimostrativi.)",
                        "lead_organization": self.orgs[lead],
                        "subgroup": self.groups[subgroup] if subgroup else None,
                        "status": statuses[which],
                        "position": position,
                    },
                )
                self.sync_m2m(action, "partners", self.org_list(p for p in partners if p != lead))
                self.sync_m2m(action, "services", [self.services[s] for s in services])


def load_demo(*, now: dt.datetime | None = None) -> DemoReport:
    """Load (or bring back) the demo district; safe to run any number of times."""
    with transaction.atomic():
        return _Loader(now or timezone.now()).load()
