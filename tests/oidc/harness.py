"""Run the test OpenID Connect provider (provider.mjs, the npm package oidc-provider) and sign in through it over HTTP.

No browser: the person's side is a `requests` session talking to the provider; the portal's side is Django's test
client. The portal itself talks to the provider for real (discovery, token, userinfo, keys) over loopback.
"""

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("provider.mjs")
PACKAGE = ROOT / "node_modules" / "oidc-provider" / "package.json"
START_TIMEOUT = 20


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def registration(self) -> dict:
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uris": self.redirect_uris,
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            # allauth picks client_secret_post when the provider offers it, as Entra ID does.
            "token_endpoint_auth_method": "client_secret_post",
        }


@dataclass
class LoopbackProvider:
    issuer: str
    clients: dict[str, Client]
    process: subprocess.Popen = field(repr=False)

    def add_account(self, sub: str, **claims) -> str:
        """Create or replace the test account `sub` with these claims (email, email_verified, name...)."""
        response = requests.put(f"{self.issuer}/__test/accounts/{sub}", json=claims, timeout=5)
        response.raise_for_status()
        return sub

    def hand_out_next(self, id_token: str) -> None:
        """The next token response (to whichever client) carries this ID token instead of its own."""
        requests.post(f"{self.issuer}/__test/next-id-token", json={"id_token": id_token}, timeout=5).raise_for_status()

    def ignore_next_reauthentication(self) -> None:
        """The next authorization request is handled without its prompt and max_age (a provider that ignores them)."""
        requests.post(f"{self.issuer}/__test/ignore-next-reauthentication", timeout=5).raise_for_status()

    def authorize(
        self, authorize_url: str, sub: str, browser: requests.Session | None = None, cancel=False, signed_in_at=None
    ) -> str:
        """Be the person at the provider: open the authorization URL, sign in as `sub` (or cancel), and return the
        URL the provider sends the browser back to (the client's redirect URI with code and state). `signed_in_at`
        (seconds since 1970) is the sign-in time the provider records, its ID tokens' auth_time."""
        assert authorize_url.startswith(self.issuer), authorize_url
        browser = browser or requests.Session()
        response = self._follow(browser, browser.get(authorize_url, allow_redirects=False, timeout=5))
        if isinstance(response, str):  # already signed in at the provider: straight back
            return response
        assert response.status_code == 200, response.text
        uid = response.json()["uid"]
        action = "abort" if cancel else "login"
        form = {"login": sub} if signed_in_at is None else {"login": sub, "signed_in_at": int(signed_in_at)}
        submitted = browser.post(
            f"{self.issuer}/interaction/{uid}/{action}", data=form, allow_redirects=False, timeout=5
        )
        back = self._follow(browser, submitted)
        assert isinstance(back, str), f"the provider did not send the browser back: {back.status_code} {back.text}"
        return back

    def _follow(self, browser, response):
        while response.status_code in (302, 303):
            location = urljoin(response.url, response.headers["Location"])
            if not location.startswith(self.issuer + "/"):
                return location
            response = browser.get(location, allow_redirects=False, timeout=5)
        return response

    def issue_tokens(self, client_id: str, sub: str, nonce: str | None = None) -> dict:
        """Act as the client `client_id` itself: a whole code flow for `sub`, returning the token response. Gives a
        genuine ID token signed by the provider, for that client (audience) and with that nonce."""
        client = self.clients[client_id]
        params = {
            "client_id": client_id,
            "response_type": "code",
            "scope": "openid email profile",
            "redirect_uri": client.redirect_uris[0],
            "state": secrets.token_urlsafe(8),
            "nonce": nonce or secrets.token_urlsafe(16),
        }
        authorize = requests.Request("GET", f"{self.issuer}/auth", params=params).prepare().url
        back = parse_qs(urlsplit(self.authorize(authorize, sub)).query)
        response = requests.post(
            f"{self.issuer}/token",
            data={
                "grant_type": "authorization_code",
                "code": back["code"][0],
                "redirect_uri": client.redirect_uris[0],
                "client_id": client_id,
                "client_secret": client.client_secret,
            },
            timeout=5,
        )
        response.raise_for_status()
        return response.json()


def _ensure_package() -> None:
    """oidc-provider comes from package-lock.json (`make test` runs `npm ci`). If it is missing, install it the same
    way; skip only if that cannot run here."""
    if not shutil.which("node"):
        pytest.skip("Single sign-on tests need Node.js (node) to run the test OpenID provider; it is not installed.")
    if PACKAGE.exists():
        return
    npm = shutil.which("npm")
    if not npm:
        pytest.skip("node_modules/oidc-provider is missing and npm is not installed to run `npm ci`.")
    result = subprocess.run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0 or not PACKAGE.exists():
        pytest.skip(
            "node_modules/oidc-provider is missing and `npm ci` could not install it "
            f"(exit {result.returncode}): {(result.stderr or result.stdout).strip()[:400]}"
        )


@contextlib.contextmanager
def running_provider(clients: list[Client]):
    """Start provider.mjs on a free loopback port; yield a LoopbackProvider; stop it."""
    _ensure_package()
    with tempfile.TemporaryDirectory(prefix="oidc-test-") as tmp:
        config = Path(tmp) / "config.json"
        config.write_text(json.dumps({"clients": [client.registration() for client in clients]}))
        out, err = Path(tmp) / "stdout.log", Path(tmp) / "stderr.log"
        with out.open("w") as stdout, err.open("w") as stderr:
            process = subprocess.Popen(
                [shutil.which("node"), str(SCRIPT), str(config)],
                cwd=ROOT,
                stdout=stdout,
                stderr=stderr,
                stdin=subprocess.DEVNULL,
                env={**os.environ, "NODE_ENV": "test"},
            )
        try:
            issuer = _wait_for_issuer(process, out, err)
            yield LoopbackProvider(issuer=issuer, clients={c.client_id: c for c in clients}, process=process)
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def _wait_for_issuer(process, out: Path, err: Path) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        for line in out.read_text().splitlines():
            with contextlib.suppress(ValueError):
                return json.loads(line)["issuer"]
        if process.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError(f"The test OpenID provider did not start (exit {process.poll()}):\n{err.read_text()[-2000:]}")
