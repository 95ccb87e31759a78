"""`make drill`: fault drills under load against the stack, with a ledger of acknowledged writes.

Brings the stack up if it is not running (deploy/stack/up.sh), drives a bounded mixed load
through nginx over https on loopback (visitors browsing and searching; employees sending
service requests and saving services; referents answering requests and their meetings'
RSVPs), and injects in turn:

1. kill -9 of one app server (its whole process group), then its restart;
2. a PostgreSQL restart (fast shutdown, a few seconds down, start);
3. Redis stopped for 20 s, then started;
4. kill -9 of the task worker while mail is queued, then its restart.

Every write that got a success answer goes into a ledger with the id or token the page
showed. After the load the drill waits for the outbox to drain, then checks the database
(deploy/drill/db.py) and the SMTP sink (.stack/mail/): every acknowledged write present,
none twice; every mail queued during the run at the sink (counted by distinct Message-ID;
extra copies of one Message-ID, which at-least-once delivery allows, are listed); every
acknowledged request and answer mailed as often as it should be, no more. It prints one
table row per phase and a last line (here wrapped)

    drill: acknowledged N, lost 0, duplicated 0, mails queued M sent M,
           5xx during faults K (all 503)

and exits 1 when a write was lost or doubled, a mail was not delivered or an event mailed
twice, or any answer was a 500. Bounded: about 3 minutes of load, at most MAX_REQUESTS
requests, 9 minutes in all. Loopback only. Leaves the stack running (make stack-stop).
"""

import contextlib
import email.parser
import email.policy
import http.client
import http.cookiejar
import json
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter, defaultdict

from stack import (  # deploy/drill/stack.py, beside this script
    FAULTS,
    PY,
    ROOT,
    SITE,
    STACK,
    TLS,
    ensure_stack,
    stack_env,
)

PASSWORD = "Distretto2026!"

EMPLOYEES = [
    "dipendente@fbk.eu",
    "dipendente@unitn.it",
    "dipendente@kaleidoscopio.coop",
    "genitore.demo@example.org",
]
# One referent per organisation: each answer and RSVP has one writer, so the last
# acknowledged one is what the database must show.
REFERENTS = ["referente@fbk.eu", "referente@unitn.it"]
VISITORS = 2
SIGNING_IN = "cittadino@example.org"  # signs in and out all along
SEARCH_WORDS = ["estivo", "anziani", "bambini", "bici", "inglese", "psicologico", "sport"]

MAX_REQUESTS = 8000  # the load stops issuing requests past this many
THINK_SECONDS = (0.2, 0.6)  # pause of a client between two requests
WRITE_RETRIES = 6  # a write answered 502/503 or not at all is sent again, same token
RETRY_AFTER_CAP = 3.0  # seconds: the drill honours Retry-After, shortened
REQUEST_TIMEOUT = 65  # a little over nginx's proxy_read_timeout (60 s)
BASELINE_SECONDS = 20
AFTER_FAULT_SECONDS = 20
DRAIN_SECONDS = 120


# --- bookkeeping -------------------------------------------------------------------------


class Recorder:
    """Every answer the load got, with its time and phase; the ledger of acknowledged writes."""

    def __init__(self):
        self.lock = threading.Lock()
        self.phase = "warm-up"
        self.answers = []  # (monotonic time, phase, status, label) ; status 0: no answer
        self.requests = []  # acknowledged service requests
        self.request_attempts = set()  # tokens of requests never acknowledged
        self.answers_ledger = []
        self.saves = {}  # (user, slug) -> list of dicts (acknowledged or not)
        self.rsvps = {}  # (referent, meeting) -> list of dicts
        self.count = 0
        self.without_retry_after = 0  # 503 answers lacking Retry-After
        self.client_errors = 0  # load clients stopped by an error of the drill itself

    def answer(self, status: int, label: str) -> None:
        with self.lock:
            self.answers.append((time.monotonic(), self.phase, status, label))
            self.count += 1

    def set_phase(self, phase: str) -> None:
        with self.lock:
            self.phase = phase

    def ledger(self) -> dict:
        """The ledger as db.py checks it: a change only counts if no later one was sent
        without an answer (that one may or may not have been applied)."""
        saves, rsvps = [], []
        for changes in self.saves.values():
            last_unanswered = max(
                (i for i, change in enumerate(changes) if not change["ack"]), default=-1
            )
            acknowledged = [i for i, change in enumerate(changes) if change["ack"]]
            for i in acknowledged:
                final = i == acknowledged[-1] and i > last_unanswered
                saves.append({**changes[i], "final": final})
        for changes in self.rsvps.values():
            last_unanswered = max(
                (i for i, change in enumerate(changes) if not change["ack"]), default=-1
            )
            acknowledged = [i for i, change in enumerate(changes) if change["ack"]]
            for i in acknowledged:
                final = i == acknowledged[-1] and i > last_unanswered
                rsvps.append({**changes[i], "final": final})
        return {
            "requests": self.requests,
            "request_attempts": sorted(self.request_attempts),
            "answers": self.answers_ledger,
            "saves": saves,
            "rsvps": rsvps,
        }


REC = Recorder()
STOP = threading.Event()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One person's browser: cookies, the self-signed certificate accepted, no redirects."""

    def __init__(self, name: str):
        self.name = name
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=TLS),
            urllib.request.HTTPCookieProcessor(self.cookies),
            NoRedirect,
        )

    def request(self, path: str, data: dict | None = None, label: str = ""):
        """(status, headers, text); status 0 when no answer came (reset, timeout)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"Accept-Encoding": "identity"}
        if data is not None:
            headers.update({"Origin": SITE, "Referer": SITE + path})
        request = urllib.request.Request(SITE + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                status, response_headers = response.status, response.headers
                text = response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            status, response_headers = error.code, error.headers
            text = error.read().decode("utf-8", "replace")
        except (urllib.error.URLError, OSError, TimeoutError, http.client.HTTPException):
            # No answer, or one cut off (the app server died while sending it).
            status, response_headers, text = 0, {}, ""
        REC.answer(status, label or ("POST " if data is not None else "GET ") + path)
        if status == 503 and not response_headers.get("Retry-After"):
            with REC.lock:
                REC.without_retry_after += 1
        return status, response_headers, text

    def form(self, path: str, label: str) -> str | None:
        """The CSRF token of the page's form, or None when the page did not come."""
        status, _, text = self.request(path, label=label)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        return match.group(1) if status == 200 and match else None

    def login(self, email: str) -> bool:
        for _ in range(WRITE_RETRIES):
            if STOP.is_set():
                return False
            token = self.form("/account/login/", "GET login")
            if token:
                status, headers, _ = self.request(
                    "/account/login/",
                    {"csrfmiddlewaretoken": token, "login": email, "password": PASSWORD},
                    label="POST login",
                )
                if status == 302:
                    return True
                # 429: allauth's rate limit, or its lock not taken within a second (several
                # logins from one address at once on a busy machine): a person tries again.
                if status not in (0, 429, 502, 503, 504):
                    print(f"  {self.name}: login answered {status}", flush=True)
                    return False
            pause_after_error()
        return False

    def post(self, page: str, path: str, fields: dict, label: str):
        """A form sent as a person does: get the page, post it; sent again (same fields)
        when the answer is a 502/503/504 or none, as someone pressing the button again."""
        status, headers, text = 0, {}, ""
        for _ in range(WRITE_RETRIES):
            if STOP.is_set():
                break
            token = self.form(page, f"GET {label} page")
            if token is None:
                pause_after_error()
                continue
            status, headers, text = self.request(
                path, {"csrfmiddlewaretoken": token, **fields}, label=f"POST {label}"
            )
            if status not in (0, 502, 503, 504):
                return status, headers, text
            pause_after_error(headers)
        return status, headers, text


def pause_after_error(headers=None) -> None:
    retry_after = 1.0
    with contextlib.suppress(TypeError, ValueError, AttributeError):
        retry_after = float(headers.get("Retry-After", 1))
    time.sleep(min(retry_after, RETRY_AFTER_CAP) * random.uniform(0.5, 1.0))


def think() -> None:
    time.sleep(random.uniform(*THINK_SECONDS))


def person(function):
    """A client thread that reports an unexpected error of the drill itself and stops."""

    def run(*args):
        try:
            function(*args)
        except Exception as error:  # noqa: BLE001 - the drill's own bug: said, not hidden
            print(f"  drill client {function.__name__}{args[:1]} stopped: {error!r}", flush=True)
            with REC.lock:
                REC.client_errors += 1

    return run


def running() -> bool:
    return not STOP.is_set() and REC.count < MAX_REQUESTS


def new_token() -> str:
    return "drill-" + uuid.uuid4().hex[:12]


# --- the people ----------------------------------------------------------------------------


def visitor(number: int, plan: dict) -> None:
    client = Client(f"visitor-{number}")
    pages = ["/", "/servizi/", "/partner/", "/accordi/", "/programma/", "/distretto/"]
    while running():
        choice = random.random()
        if choice < 0.35:
            word = random.choice(SEARCH_WORDS)
            client.request(f"/servizi/?q={word}", label="GET search")
        elif choice < 0.6 and plan["public"]:
            client.request(f"/servizi/{random.choice(plan['public'])}/", label="GET service")
        else:
            page = random.choice(pages)
            client.request(page, label=f"GET {page}")
        think()


def signing_in(email: str) -> None:
    """Someone who signs in, looks at their profile and signs out, again and again: logins
    meet every fault too (allauth's rate limits live in Redis, sessions in both)."""
    while running():
        client = Client(email)
        if client.login(email):
            client.request("/account/profilo/", label="GET profile")
            token = client.form("/account/logout/", "GET logout")
            if token:
                client.request("/account/logout/", {"csrfmiddlewaretoken": token}, "POST logout")
        time.sleep(random.uniform(5, 10))


def employee(email: str, plan: dict) -> None:
    client = Client(email)
    if not client.login(email):
        print(f"  {email}: could not log in, stays out of the load", flush=True)
        return
    to_request = list(plan["request"])
    to_save = list(plan["save"])
    while running():
        choice = random.random()
        if choice < 0.35 and to_request:
            send_request(client, email, random.choice(to_request))
        elif choice < 0.65 and to_save:
            toggle_saved(client, email, random.choice(to_save))
        else:
            page = random.choice(["/servizi/mie-richieste/", "/servizi/salvati/", "/servizi/"])
            status, headers, _ = client.request(page, label=f"GET {page}")
            if status == 302 and "/account/login/" in headers.get("Location", ""):
                print(f"  {email}: logged out by the server, logging in again", flush=True)
                client.login(email)
        think()


def find_request(client: Client, token: str) -> int | None:
    """The id "My requests" shows for the request carrying `token` (None if not there)."""
    for _ in range(WRITE_RETRIES):
        status, _, text = client.request("/servizi/mie-richieste/", label="GET my requests")
        if status == 200:
            for item in re.findall(r'data-request="(\d+)"(.*?)</li>', text, re.DOTALL):
                if token in item[1]:
                    return int(item[0])
            return None
        pause_after_error()
    return None


def send_request(client: Client, email: str, slug: str) -> None:
    token = new_token()
    status, headers, text = client.post(
        f"/servizi/{slug}/",
        f"/servizi/{slug}/richiesta/",
        {"kind": random.choice(["interest", "booking"]), "message": f"Drill {token}"},
        "service request",
    )
    if status == 302:
        request_id = find_request(client, token)
        with REC.lock:
            REC.requests.append({"token": token, "user": email, "slug": slug, "id": request_id})
        return
    # Refused (e.g. a request still open for that service): an answer, not a write. Still,
    # an earlier attempt that got no answer may have gone through: "My requests" shows it.
    request_id = find_request(client, token)
    with REC.lock:
        if request_id is not None:
            REC.requests.append({"token": token, "user": email, "slug": slug, "id": request_id})
        elif status in (0, 502, 503, 504):
            REC.request_attempts.add(token)


def toggle_saved(client: Client, email: str, slug: str) -> None:
    key = (email, slug)
    with REC.lock:
        changes = REC.saves.setdefault(key, [])
        acknowledged = [change for change in changes if change["ack"]]
        save = not (acknowledged and acknowledged[-1]["saved"])
        change = {"user": email, "slug": slug, "saved": save, "ack": False}
        changes.append(change)
    path = f"/servizi/{slug}/salva/" if save else f"/servizi/{slug}/rimuovi/"
    status, _, _ = client.post(
        f"/servizi/{slug}/", path, {"next": "/servizi/salvati/"}, "save" if save else "unsave"
    )
    # Removing what is not there (404) leaves it removed, as asked.
    if status == 302 or (not save and status == 404):
        change["ack"] = True


def referent(email: str, plan: dict, organizations: list[int]) -> None:
    client = Client(email)
    if not client.login(email):
        print(f"  {email}: could not log in, stays out of the load", flush=True)
        return
    meetings = list(plan["meetings"])
    while running():
        choice = random.random()
        if choice < 0.5:
            answer_a_request(client)
        elif choice < 0.75 and meetings:
            rsvp(client, email, random.choice(meetings), organizations)
        else:
            page = random.choice(["/area-partner/", "/area-partner/servizi/", "/incontri/"])
            client.request(page, label=f"GET {page}")
        think()


def answer_a_request(client: Client) -> None:
    status, _, text = client.request("/area-partner/richieste/", label="GET open requests")
    ids = sorted(set(re.findall(r'href="/area-partner/richieste/(\d+)/"', text)))
    if status != 200 or not ids:
        return
    request_id = int(random.choice(ids))
    token = new_token()
    page = f"/area-partner/richieste/{request_id}/"
    status, _, _ = client.post(
        page,
        page,
        {
            "status": random.choice(["accepted", "declined", "more_info"]),
            "answer": f"Drill answer {token}",
        },
        "answer",
    )
    if status == 302:
        with REC.lock:
            REC.answers_ledger.append({"id": request_id, "token": token})


def rsvp(client: Client, email: str, meeting: int, organizations: list[int]) -> None:
    token = new_token()
    change = {
        "meeting": meeting,
        "organizations": organizations,
        "token": token,
        "ack": False,
    }
    with REC.lock:
        REC.rsvps.setdefault((email, meeting), []).append(change)
    page = f"/incontri/{meeting}/"
    status, _, _ = client.post(
        page,
        f"/incontri/{meeting}/presenza/",
        {"status": random.choice(["confirmed", "declined"]), "representative": f"Drill {token}"},
        "RSVP",
    )
    if status != 302:
        return
    # The answer is on the meeting's page ("Current answer: ... – Drill <token>").
    for _ in range(WRITE_RETRIES):
        status, _, text = client.request(page, label="GET meeting")
        if status == 200:
            own = re.search(r'id="own-answer">(.*?)</p>', text, re.DOTALL)
            if own and token in own.group(1):
                change["ack"] = True
            return
        pause_after_error()


# --- the stack's processes -----------------------------------------------------------------


def db(*args: str) -> dict:
    result = subprocess.run(
        [PY, str(ROOT / "deploy/drill/db.py"), *args],
        cwd=ROOT,
        env=stack_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise SystemExit(f"drill: deploy/drill/db.py {args[0]} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def sink_messages(since: float) -> tuple[Counter, dict]:
    """What the SMTP sink received since `since`: copies per Message-ID, and for each drill
    token in a message's text the distinct Message-IDs that carry it."""
    copies = Counter()
    tokens = defaultdict(set)
    parser = email.parser.BytesParser(policy=email.policy.default)
    for folder in ("new", "cur"):
        for path in (STACK / "mail" / folder).glob("*"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < since - 1:
                    continue
                with path.open("rb") as handle:
                    message = parser.parse(handle)
                message_id = (message.get("Message-ID") or "").strip()
                copies[message_id] += 1
                for part in message.walk():
                    if part.get_content_type() == "text/plain":
                        for token in re.findall(r"drill-[0-9a-f]{12}", part.get_content()):
                            tokens[token].add(message_id)
    return copies, tokens


def recovery(answers: list, name: str, started: float) -> str:
    """Seconds from the fault to the first good answer after the last bad one."""
    window = [(t, status) for t, phase, status, _ in answers if phase == name]
    bad = [t for t, status in window if status == 0 or status >= 500]
    if not bad:
        return "no error"
    last_bad = max(bad)
    good = [t for t, status in window if t > last_bad and 0 < status < 500]
    if not good:
        return "not recovered"
    return f"{min(good) - started:.1f}"


def report(phases: list, answers: list) -> Counter:
    """The table, one row per phase; the errors (5xx, no answer) met during the faults."""
    print()
    header = (
        f"{'phase':22} {'requests':>8} {'2xx/3xx':>7} {'4xx':>5}  {'errors by status':26} "
        f"{'recovered after s':>17}"
    )
    print(header)
    print("-" * len(header))
    fault_errors = Counter()
    notes = []
    for name, started, _, note in phases:
        rows = [a for a in answers if a[1] == name]
        statuses = Counter(status for _, _, status, _ in rows)
        good = sum(n for s, n in statuses.items() if 0 < s < 400)
        client = sum(n for s, n in statuses.items() if 400 <= s < 500)
        errors = {s: n for s, n in statuses.items() if s == 0 or s >= 500}
        text = ", ".join(f"{'no answer' if s == 0 else s}: {n}" for s, n in sorted(errors.items()))
        is_fault = name[0].isdigit()
        recovered = recovery(answers, name, started) if is_fault else ""
        print(f"{name:22} {len(rows):8} {good:7} {client:5}  {text or '-':26} {recovered:>17}")
        if is_fault:
            fault_errors.update(errors)
        where = Counter(label for _, _, status, label in rows if status == 0 or status >= 500)
        if note or where:
            detail = ", ".join(f"{label} x{n}" for label, n in where.most_common(5))
            notes.append(f"  {name}: {note}" + (f"; errors on {detail}" if detail else ""))
    print()
    print("\n".join(notes))
    return fault_errors


def main() -> int:
    deadline = time.monotonic() + 9 * 60
    ensure_stack()
    plan = db("discover", json.dumps(EMPLOYEES), json.dumps(REFERENTS))
    organizations = {
        email: [int(pk) for pk in plan["referents"][email].get("organizations", [])]
        for email in REFERENTS
    }
    since = time.time()
    threads = [
        threading.Thread(target=person(visitor), args=(n, plan), daemon=True)
        for n in range(VISITORS)
    ]
    threads.append(threading.Thread(target=person(signing_in), args=(SIGNING_IN,), daemon=True))
    threads += [
        threading.Thread(target=person(employee), args=(e, plan["employees"][e]), daemon=True)
        for e in EMPLOYEES
    ]
    threads += [
        threading.Thread(
            target=person(referent), args=(e, plan["referents"][e], organizations[e]), daemon=True
        )
        for e in REFERENTS
    ]
    print(
        f"drill: load of {len(threads)} clients ({VISITORS} visitors, one person signing in "
        f"and out, {len(EMPLOYEES)} employees, {len(REFERENTS)} referents) through {SITE}",
        flush=True,
    )
    for thread in threads:
        thread.start()
        time.sleep(0.5)  # people arrive one after the other
    time.sleep(5)  # logins
    phases = []

    def phase(name: str, action=None, after: float = AFTER_FAULT_SECONDS):
        REC.set_phase(name)
        started = time.monotonic()
        note = ""
        if action is not None:
            print(f"drill: fault {name} ...", flush=True)
            note = action()
        time.sleep(after)
        phases.append((name, started, time.monotonic(), note))
        print(f"drill: {name}: done after {time.monotonic() - started:.0f} s", flush=True)

    phase("baseline", after=BASELINE_SECONDS)
    for name, action in FAULTS:
        if time.monotonic() > deadline - DRAIN_SECONDS - 60 or REC.count >= MAX_REQUESTS:
            print(f"drill: no time left for {name}: skipped", flush=True)
            continue
        phase(name, action)
    REC.set_phase("after")
    STOP.set()
    # Requests in flight finish (each within REQUEST_TIMEOUT); the drill waits no longer.
    join_deadline = time.monotonic() + REQUEST_TIMEOUT + 5
    for thread in threads:
        thread.join(timeout=max(0.0, join_deadline - time.monotonic()))

    # The outbox drains: every mail queued since the start sent (or given up).
    drain_deadline = min(time.monotonic() + DRAIN_SECONDS, deadline)
    while time.monotonic() < drain_deadline:
        statuses = db("outbox", str(since))
        if not set(statuses) - {"sent", "failed"}:
            break
        time.sleep(3)
    ledger = REC.ledger()
    ledger_path = STACK / "drill-ledger.json"
    ledger_path.write_text(json.dumps(ledger, indent=1))
    checked = db("check", str(ledger_path), str(since))

    answers = list(REC.answers)
    (STACK / "drill-answers.json").write_text(json.dumps(answers))
    fault_errors = report(phases, answers)
    all_statuses = Counter(status for _, _, status, _ in answers)

    message_ids = [m for m in checked["mails"]["message_ids"] if m]
    queued = len(checked["mails"]["message_ids"])
    at_sink, token_mails = sink_messages(since)
    sent = sum(1 for m in message_ids if at_sink.get(m, 0) >= 1)
    mail_copies = {m: at_sink[m] for m in message_ids if at_sink.get(m, 0) > 1}
    lost, duplicated = list(checked["lost"]), list(checked["duplicated"])
    # One event, its mails: a request to each referent of the provider, an answer to the
    # employee. More distinct messages than that: the event was mailed twice.
    for token, expected in checked["expected_mails"].items():
        found = len(token_mails.get(token, ()))
        if found > expected:
            duplicated.append(f"{token}: {found} different mails, {expected} expected")
        elif found < expected:
            lost.append(f"{token}: {found} mail(s) at the sink, {expected} expected")

    print()
    print(
        f"requests: {len(answers)} in {time.time() - since:.0f} s; answers by status: "
        + ", ".join(f"{'no answer' if s == 0 else s}: {n}" for s, n in sorted(all_statuses.items()))
    )
    print(
        f"writes acknowledged: {len(ledger['requests'])} service requests, "
        f"{len(ledger['answers'])} answers, {len(ledger['saves'])} saved/removed, "
        f"{len(ledger['rsvps'])} RSVPs; {len(ledger['request_attempts'])} requests "
        "never acknowledged (may or may not exist, never twice)"
    )
    print(f"outbox since the start: {checked['mails']['statuses']}")
    for line in lost:
        print(f"  LOST: {line}")
    for line in duplicated:
        print(f"  DUPLICATED: {line}")
    for line in checked["mails"]["not_sent"]:
        print(f"  MAIL NOT SENT: {line}")
    for message_id, copies in mail_copies.items():
        # At-least-once: a worker killed between the mail server's "accepted" and marking the
        # mail sent sends it again, with the same Message-ID (see background/mail.py).
        print(f"  mail delivered {copies} times with the same Message-ID {message_id}")
    if REC.without_retry_after:
        print(f"  {REC.without_retry_after} answer(s) 503 without Retry-After")
    if queued != len(message_ids):
        print(f"  {queued - len(message_ids)} queued mail(s) without a Message-ID")

    kinds = Counter({s: n for s, n in fault_errors.items() if s != 0})
    if kinds and set(kinds) == {503}:
        kind_text = "all 503"
    elif not kinds:
        kind_text = "none"
    else:
        kind_text = ", ".join(f"{s}: {n}" for s, n in sorted(kinds.items()))
    no_answer = fault_errors.get(0, 0)
    if no_answer:
        kind_text += f"; {no_answer} without an answer"
    duplicates = len(duplicated)
    if REC.client_errors:
        print(f"  {REC.client_errors} load client(s) stopped by an error of the drill")
    print(
        f"drill: acknowledged {checked['acknowledged']}, lost {len(lost)}, duplicated "
        f"{duplicates}, mails queued {queued} sent {sent}, 5xx during faults "
        f"{sum(kinds.values())} ({kind_text})"
    )
    failed = lost or duplicates or sent != queued or all_statuses.get(500, 0) or REC.client_errors
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
