"""The demo page: one account per role, signed in with one click, only in demo mode
(``orientation.demo.selectors.demo_mode``); anywhere else ``/demo/`` does not exist."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from orientation.accounts.models import User
from orientation.demo.accounts import demo_account_list, demo_user
from orientation.demo.persons import demo_person_account
from orientation.demo.selectors import demo_mode
from orientation.www.backoffice.auth import sign_in_demo_account


def _demo_only() -> None:
    if not demo_mode():
        raise Http404("Pas de démonstration sur cette plateforme.")


def demo_page(request: HttpRequest) -> HttpResponse:
    _demo_only()
    loaded = set(User.objects.filter(is_demo=True, is_active=True).values_list("username", flat=True))  # one query
    accounts = [account for account in [*demo_account_list(), demo_person_account()] if account.username in loaded]
    return render(request, "www/demo.html", {"accounts": accounts, "title": "Essayer chaque rôle"})


@require_POST
def demo_sign_in(request: HttpRequest) -> HttpResponse:
    _demo_only()
    user = demo_user(request.POST.get("username", ""))
    if user is None:
        raise Http404("Ce compte n’est pas un compte de démonstration.")
    if user.is_person:
        # a person's own space: no second factor, its own session lifetime
        login(request, user, backend="orientation.persons.backends.PersonLinkBackend")
        request.session.set_expiry(settings.PERSON_SESSION_DAYS * 86400)
    else:
        sign_in_demo_account(request, user)
    messages.success(request, f"Vous êtes connecté(e) comme {user.get_full_name()}, compte de démonstration.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/gestion/"
    return redirect(target)
