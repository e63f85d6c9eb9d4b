"""The visitors of make test-production and make bench-production (Locust, headless, loopback
only): searches as people type them, occupation and training pages, the public API, and the
callback form (a write). Each visitor comes from an address of its own (X-Forwarded-For, which
the balancer passes on and the platform trusts from it), as visitors do; the callback numbers
that the service confirmed are written to CONFIRMED_FILE, to be looked for in the database after
the run (no write may be lost). A send whose host died under it (a crash) is sent again, as a
person would, counted apart (CONFIRMED_FILE.resent), and must give one callback."""

from __future__ import annotations

import itertools
import os
import random
import re
import threading

from locust import HttpUser, between, task

from bench.visitors import OCCUPATIONS, SEARCHES, TOWNS

CONFIRMED_FILE = os.environ.get("CONFIRMED_FILE", "var/bench/production-confirmed.txt")
_numbers = itertools.count(1)
_lock = threading.Lock()
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Visitor(HttpUser):
    wait_time = between(0.05, 0.3)

    def on_start(self) -> None:
        self.address = f"198.51.{random.randint(0, 255)}.{random.randint(1, 254)}"
        self.client.headers["X-Forwarded-For"] = self.address

    @task(5)
    def search(self) -> None:
        words = random.choice(SEARCHES)
        self.client.get(f"/recherche/?q={words}&ou={random.choice(TOWNS)}", name="/recherche/?q=…&ou=…")

    @task(3)
    def search_api(self) -> None:
        self.client.get(f"/api/v1/search/trainings?q={random.choice(SEARCHES)}", name="/api/v1/search/trainings")

    @task(3)
    def occupation(self) -> None:
        self.client.get(f"/metiers/{random.choice(OCCUPATIONS)}/", name="/metiers/{code}/")

    @task(2)
    def occupation_api(self) -> None:
        self.client.get(f"/api/v1/occupations/{random.choice(OCCUPATIONS)}", name="/api/v1/occupations/{code}")

    @task(1)
    def home(self) -> None:
        self.client.get("/")

    @task(1)
    def callback(self) -> None:
        """The callback form, sent as a person does; a page that did not come back is sent again
        with the same number (the service plans one callback per number)."""
        with _lock:
            number = f"06{next(_numbers) % 100_000_000:08d}"
        form = self.client.get("/etre-rappele/", name="/etre-rappele/ (form)")
        found = TOKEN.search(form.text or "")
        if found is None:
            return
        data = {"csrfmiddlewaretoken": found.group(1), "number": number, "profile": "parent", "need": "autre",
                "consent": "on"}  # fmt: skip
        # a person of their own, from an address of their own (the form's limits are per address)
        headers = {"Referer": f"{self.host}/etre-rappele/",
                   "X-Forwarded-For": f"203.0.{random.randint(0, 255)}.{random.randint(1, 254)}"}  # fmt: skip
        for _attempt in range(3):
            with self.client.post("/etre-rappele/", data=data, headers=headers, name="/etre-rappele/ (send)",
                                  catch_response=True) as response:  # fmt: skip
                text = response.text or ""
                if response.status_code == 200 and (
                    "Demande de rappel enregistrée" in text or "déjà enregistrée" in text
                ):
                    response.success()
                    with _lock, open(CONFIRMED_FILE, "a", encoding="utf-8") as confirmed:
                        confirmed.write(number + "\n")
                    return
                if response.status_code in (0, 502, 503, 504) and _attempt < 2:
                    # the host that had it went away mid-request (a crash): the person sends it
                    # again; counted apart, and the write must still be there exactly once
                    response.success()
                    with _lock, open(CONFIRMED_FILE + ".resent", "a", encoding="utf-8") as resent:
                        resent.write(f"{number} {response.status_code}\n")
                    continue
                response.failure(f"{response.status_code}: callback not confirmed")
                return
