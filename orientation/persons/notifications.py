"""E-mails of the person's space, written in the templates under ``templates/mail/persons/``;
the services send them after the commit. A sign-in link is written in the mail only: never in a
log (the mail backends log a message's id and its count of recipients)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from orientation.accounts.models import User
from orientation.persons.models import Entry, SavedSearch
from orientation.trainings.models import Action
from orientation.utils.mail import Mail, render, site_url


def sign_in_mail(person: User, link: str) -> Mail:
    context = {"link": link, "minutes": settings.PERSON_LINK_MINUTES}
    return render("mail/persons/sign_in.txt", context, [person.email or ""])


def staff_address_mail(address: str) -> Mail:
    return render("mail/persons/staff_address.txt", {}, [address])


def proposal_mail(entry: Entry) -> Mail:
    link = site_url("www:person_passport") + "#propositions"
    return render("mail/persons/proposal.txt", {"entry": entry, "link": link}, [entry.person.email or ""])


def alert_mail(saved: SavedSearch, actions: list[Action], total: int, unsubscribe_token: str) -> Mail:
    query = {"q": saved.text, "ou": saved.where, "rayon": saved.radius_km, "type": "formations", **saved.filters}
    context = {
        "saved": saved,
        "actions": actions,
        "total": total,
        "more": total - len(actions),
        "site": settings.SITE_URL,
        "search_link": settings.SITE_URL + reverse("www:search") + "?" + urlencode(query),
        "unsubscribe": site_url("www:person_unsubscribe", unsubscribe_token),
    }
    return render("mail/persons/alert.txt", context, [saved.person.email or ""])


def inactivity_mail(person: User, *, erase_on: datetime) -> Mail:
    context = {"erase_on": erase_on, "link": site_url("www:person_space")}
    return render("mail/persons/inactivity.txt", context, [person.email or ""])


def erased_mail(address: str, *, by_request: bool) -> Mail:
    return render("mail/persons/erased.txt", {"by_request": by_request}, [address])
