"""One simulated member of staff: signs in, attests to the policy and takes module quizzes, over plain HTTP.

Every request is recorded (kind, status, latency, and for a failure what the body looked like). Every submission
that got a success answer is recorded too, for the ledger check. After a failure the client waits a little and
tries again, as a person would: the same submission again, or from the top after signing in again.

`SubmitClient` is the submissions-only phase's client: it signs its people in before the timed window opens, then
in the window only submits their prepared quiz attempts, one POST each.
"""

import html
import random
import re
import threading
import time
from dataclasses import dataclass, field
from itertools import zip_longest
from urllib.parse import urlsplit

import requests

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INPUT_RE = re.compile(r"<input\b[^>]*>")
ATTR_RE = re.compile(r'([\w-]+)="([^"]*)"')
ATTEST_LINK_RE = re.compile(r'href="/attest/(\d+)/"')
ERROR_RE = re.compile(r'class="nhsuk-error-message"[^>]*>(.*?)</span>\s*(.*?)</span>', re.S)
TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S | re.I)
FRIENDLY_RE = re.compile(r"try again|sorry, there is a problem", re.I)
TRACE_RE = re.compile(r"Traceback \(most recent call last\)|Exception Value:|Request Method:|File \"/", re.I)

CONNECT_TIMEOUT, READ_TIMEOUT = 5, 30
P_ANSWER_RIGHT = 0.85  # how often a person answers every question from what they read


@dataclass
class Request:
    t: float  # seconds since the run began, when the request was sent
    client: int
    kind: str
    method: str
    path: str
    status: int | None
    latency: float
    ok: bool
    failure: str = ""  # friendly page | stack trace | empty body | connection error | signed out | other ...
    detail: str = ""


@dataclass
class ClientLog:
    requests: list[Request] = field(default_factory=list)
    successes: list[dict] = field(default_factory=list)


class SignedOut(Exception):
    pass


class StepFailed(Exception):
    pass


class TimeUp(Exception):
    pass


def classify(status: int | None, body: str, location: str = "") -> tuple[str, str]:
    """What a failed answer looked like to the person: (class, short detail)."""
    if status is None:
        return "connection error", body
    if status in (301, 302, 303) and urlsplit(location).path.startswith("/accounts/login/"):
        return "signed out", location
    text = body.strip()
    title = TITLE_RE.search(body)
    title = html.unescape(title.group(1).strip()) if title else ""
    if not text:
        return "empty body", ""
    if status == 429:  # allauth's sign-in rate limit
        return "rate limited", f"{title}: {'says' if FRIENDLY_RE.search(body) else 'does NOT say'} to try again"
    if TRACE_RE.search(body):
        return "stack trace", title or text[:120]
    if status == 200:
        errors = [re.sub(r"<[^>]+>", "", m.group(2)).strip() for m in ERROR_RE.finditer(body)]
        return "form error", "; ".join(errors)[:160] or title
    if FRIENDLY_RE.search(body):
        return "friendly page", title
    return "other", title or re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))[:120]


class Client(threading.Thread):
    def __init__(self, index, person, plan, base, t0, deadline, seed, *, mode="portal"):
        """`mode`: "portal" (sign in, attest, take a quiz, over and over), "bare" (the bare POST view) or "floor"
        (the floor of a submission, bench/load/floor.py)."""
        super().__init__(name=f"client-{index}", daemon=True)
        self.index, self.person, self.plan, self.base = index, person, plan, base
        self.t0, self.deadline, self.mode = t0, deadline, mode
        self.rng = random.Random(seed)
        self.http = requests.Session()
        self.log = ClientLog()
        self.signed_in = False
        self.iteration = 0

    # --- plumbing -------------------------------------------------------------------------------------------------

    def _send(self, kind, method, path, expect, data=None) -> tuple[Request, requests.Response | None]:
        sent = time.perf_counter()
        try:
            response = self.http.request(
                method, self.base + path, data=data, allow_redirects=False, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT)
            )
        except requests.RequestException as error:
            latency = time.perf_counter() - sent
            record = Request(sent - self.t0, self.index, kind, method, path, None, latency, False)
            record.failure, record.detail = "connection error", f"{type(error).__name__}: {str(error)[:100]}"
            self.log.requests.append(record)
            return record, None
        latency = time.perf_counter() - sent
        location = response.headers.get("Location", "")
        ok = response.status_code in expect
        if ok and response.status_code in (301, 302, 303):
            ok = not urlsplit(location).path.startswith("/accounts/login/") or path.startswith("/accounts/login/")
        record = Request(sent - self.t0, self.index, kind, method, path, response.status_code, latency, ok)
        if not ok:
            record.failure, record.detail = classify(response.status_code, response.text, location)
        self.log.requests.append(record)
        return record, response

    def step(self, kind, method, path, expect, data=None, tries=8) -> requests.Response:
        """Send until the expected answer comes, waiting a little longer after each failure."""
        for attempt in range(tries):
            if time.perf_counter() >= self.deadline:
                raise TimeUp
            record, response = self._send(kind, method, path, expect, data)
            if record.ok:
                return response
            if record.failure == "signed out":
                raise SignedOut
            time.sleep(min(0.25 * 2**attempt, 2.0) * (0.5 + self.rng.random()))
        raise StepFailed(kind)

    @staticmethod
    def _token(response) -> str:
        match = TOKEN_RE.search(response.text)
        if not match:
            raise StepFailed("no CSRF token on the page")
        return match.group(1)

    @staticmethod
    def _location(response) -> str:
        return urlsplit(response.headers.get("Location", "")).path

    # --- the person -----------------------------------------------------------------------------------------------

    def run(self):
        while time.perf_counter() < self.deadline:
            try:
                if self.mode == "bare":
                    self.step("bare POST", "POST", "/bench/ok/", (200,), data={"x": "1"})
                    continue
                if self.mode == "floor":
                    data = {"staff": self.index, "requirement": self.iteration % 8}
                    self.step("floor POST", "POST", "/bench/floor/", (200,), data=data)
                    self.iteration += 1
                    continue
                if not self.signed_in:
                    self.sign_in()
                self.attest()
                self.take_quiz()
                self.iteration += 1
            except SignedOut:
                self.signed_in = False
            except StepFailed:
                time.sleep(0.5 + self.rng.random())
            except TimeUp:
                break

    def sign_in(self):
        self.http.cookies.clear()
        page = self.step("sign-in page", "GET", "/accounts/login/", (200,))
        data = {
            "login": self.person["email"],
            "password": self.plan["password"],
            "csrfmiddlewaretoken": self._token(page),
        }
        response = self.step("sign-in POST", "POST", "/accounts/login/", (302,), data=data)
        if self._location(response).startswith("/accounts/login/"):
            raise StepFailed("sign-in refused")
        self.signed_in = True

    def attest(self):
        listing = self.step("attest list", "GET", "/attest/", (200,))
        match = ATTEST_LINK_RE.search(listing.text)
        if not match:
            raise StepFailed("no policy to attest")
        path = f"/attest/{match.group(1)}/"
        page = self.step("attest page", "GET", path, (200,))
        sent = time.perf_counter() - self.t0
        # As a browser sends the form: its hidden fields (the CSRF token, the version of the policy shown) and the tick.
        answer = self.step("attest POST", "POST", path, (302,), data={**self._hidden(page.text), "confirm": "on"})
        done = re.fullmatch(r"/attest/done/(\d+)/", self._location(answer))
        if not done:
            raise StepFailed(f"attest answered with {self._location(answer)}")
        self.log.successes.append(
            {
                "kind": "attestation",
                "t": sent,
                "client": self.index,
                "staff_id": self.person["staff_id"],
                "user_id": self.person["user_id"],
                "requirement_id": int(match.group(1)),
                "entry_id": int(done.group(1)),
            }
        )
        self.step("attest done", "GET", self._location(answer), (200,))

    def take_quiz(self):
        modules = self.plan["modules"]
        module = modules[(self.index + self.iteration) % len(modules)]
        page = self.step("module page", "GET", module["url"], (200,))
        start = self.step(
            "quiz start POST",
            "POST",
            f"/learn/modules/{module['page_id']}/quiz/start/",
            (302,),
            data={"csrfmiddlewaretoken": self._token(page)},
        )
        attempt_path = self._location(start)
        found = re.fullmatch(r"/learn/attempts/(\d+)/", attempt_path)
        if not found:
            raise StepFailed(f"quiz start answered with {attempt_path}")
        attempt_id = int(found.group(1))
        form = self.step("attempt page", "GET", attempt_path, (200,))
        answers = self._answers(form.text)
        data = {"csrfmiddlewaretoken": self._token(form), **answers}
        sent = time.perf_counter() - self.t0
        answer = self.step("attempt POST", "POST", attempt_path, (302,), data=data)
        if self._location(answer) != f"/learn/attempts/{attempt_id}/result/":
            raise StepFailed(f"attempt answered with {self._location(answer)}")
        success = {
            "kind": "quiz",
            "t": sent,
            "client": self.index,
            "staff_id": self.person["staff_id"],
            "user_id": self.person["user_id"],
            "page_id": module["page_id"],
            "attempt_id": attempt_id,
            "answers": {qid: sorted(ids) for qid, ids in answers.items()},
            "shown": None,
            "module_completed_shown": None,
        }
        self.log.successes.append(success)
        result = self.step("attempt result", "GET", self._location(answer), (200,))
        if "You passed" in result.text:
            success["shown"] = "passed"
        elif "You did not pass" in result.text:
            success["shown"] = "not passed"
        success["module_completed_shown"] = "Module completed" in result.text

    @staticmethod
    def _hidden(page: str) -> dict[str, str]:
        """The page's hidden form fields, name -> value."""
        hidden = {}
        for tag in INPUT_RE.findall(page):
            attrs = dict(ATTR_RE.findall(tag))
            if attrs.get("type") == "hidden" and attrs.get("name"):
                hidden[attrs["name"]] = attrs.get("value", "")
        if "csrfmiddlewaretoken" not in hidden:
            raise StepFailed("no CSRF token on the page")
        return hidden

    @staticmethod
    def _offered(page: str) -> dict[str, tuple[str, list[str]]]:
        """The attempt form's questions: field name -> (radio or checkbox, the choices' values)."""
        offered: dict[str, tuple[str, list[str]]] = {}
        for tag in INPUT_RE.findall(page):
            attrs = dict(ATTR_RE.findall(tag))
            name, kind = attrs.get("name", ""), attrs.get("type", "")
            if re.fullmatch(r"q\d+", name) and kind in ("radio", "checkbox"):
                offered.setdefault(name, (kind, []))[1].append(attrs.get("value", ""))
        return offered

    def _answers(self, page: str) -> dict[str, list[str]]:
        offered = self._offered(page)
        if not offered:
            raise StepFailed("no questions on the attempt page")
        key = self.plan["answer_key"]
        right = self.rng.random() < P_ANSWER_RIGHT
        answers = {}
        for name, (kind, values) in offered.items():
            if right:
                chosen = [v for v in values if key.get(v)]
            elif kind == "radio":
                chosen = [self.rng.choice(values)]
            else:
                chosen = self.rng.sample(values, self.rng.randint(1, len(values)))
            answers[name] = chosen
        return answers


class Window:
    """The submissions-only phase's timed window, opened when every client has signed its people in and the runner
    arrives at the barrier too: `_open` runs in whichever thread arrives last, before any is let go."""

    def __init__(self, clients: int, duration: float, on_open=None):
        self.duration, self.on_open = duration, on_open
        self.t0 = self.deadline = None
        self.barrier = threading.Barrier(clients + 1, action=self._open)

    def _open(self):
        if self.on_open:
            self.on_open()
        self.t0 = time.perf_counter()
        self.deadline = self.t0 + self.duration


class SubmitClient(Client):
    """Signs in each of its people (a session each) before the window, then POSTs their prepared attempts to
    `modules:attempt` (/learn/attempts/<id>/) with the form's CSRF token, one person after another, until the window
    closes or the attempts run out. Each success is a first submission that passed: the attempt, the module's
    completion and the ledger entry recorded in one request. The requests made while signing in are kept apart
    (`preparation`), out of the window's figures."""

    def __init__(self, index, people, plan, base, window: Window, seed, prepare_for: float = 600):
        super().__init__(index, people[0] if people else {}, plan, base, None, None, seed, mode="submissions")
        self.window, self.prepare_for = window, prepare_for
        self.people = people
        self.sessions: list[tuple[dict, requests.Session, str]] = []
        self.preparation = ClientLog()
        self.unprepared: list[str] = []  # people who could not be signed in, with why
        self.prepared = threading.Event()  # set once the client waits at the barrier
        self.ran_out_at: float | None = None  # seconds into the window when the prepared attempts ran out

    def run(self):
        self.t0 = time.perf_counter()
        self.deadline = self.t0 + self.prepare_for
        self.log = self.preparation
        try:
            for person in self.people:
                self.person, self.http = person, requests.Session()
                try:
                    token = self._sign_in_for_window(person)
                except (SignedOut, StepFailed, TimeUp) as error:
                    self.unprepared.append(f"{person['email']}: {type(error).__name__} {error}")
                    continue
                self.sessions.append((person, self.http, token))
        except BaseException:
            self.window.barrier.abort()  # a fault in the bench itself: stop the phase rather than wait for ever
            self.prepared.set()
            raise
        self.log = ClientLog()
        self.prepared.set()
        try:
            self.window.barrier.wait()
        except threading.BrokenBarrierError:
            return
        self.t0, self.deadline = self.window.t0, self.window.deadline
        queue = [
            (person, http, token, attempt)
            for round_ in zip_longest(*(person["attempts"] for person, _, _ in self.sessions))
            for (person, http, token), attempt in zip(self.sessions, round_, strict=True)
            if attempt is not None
        ]
        for person, http, token, attempt in queue:
            if time.perf_counter() >= self.deadline:
                return
            self.person, self.http = person, http
            try:
                self.submit(attempt, token)
            except (SignedOut, StepFailed):
                continue
            except TimeUp:
                return
        self.ran_out_at = time.perf_counter() - self.t0

    def _sign_in_for_window(self, person: dict) -> str:
        """Signs the person in and opens their first attempt's page, as a browser would before submitting: the form
        gives the CSRF token, and its questions and choices must be those the prepared answers are for."""
        self.sign_in()
        first = person["attempts"][0]
        page = self.step("attempt page", "GET", _attempt_path(first), (200,))
        offered = self._offered(page.text)
        if set(offered) != set(first["answers"]) or any(
            not set(chosen) <= set(offered[name][1]) for name, chosen in first["answers"].items()
        ):
            raise StepFailed(f"attempt {first['attempt_id']}'s form is not the one its answers were prepared for")
        return self._token(page)

    def submit(self, attempt: dict, token: str) -> None:
        path = _attempt_path(attempt)
        sent = time.perf_counter() - self.t0
        data = {"csrfmiddlewaretoken": token, **attempt["answers"]}
        answer = self.step("submission POST", "POST", path, (302,), data=data)
        if self._location(answer) != f"{path}result/":
            raise StepFailed(f"attempt answered with {self._location(answer)}")
        self.log.successes.append(
            {
                "kind": "submission",
                "t": sent,
                "client": self.index,
                "staff_id": self.person["staff_id"],
                "user_id": self.person["user_id"],
                "page_id": attempt["page_id"],
                "attempt_id": attempt["attempt_id"],
                "requirement_id": attempt["requirement_id"],
                "answers": attempt["answers"],
            }
        )


def _attempt_path(attempt: dict) -> str:
    return f"/learn/attempts/{attempt['attempt_id']}/"
