"""Signing in to the back-office: a password, then a second factor (TOTP, django-otp).

A user without an authenticator yet asks, after the password, for a link sent to the account's
address; that link, opened in the same session, shows the secret once (as a QR code and as text),
and the first right code enrols it (``orientation.accounts.services``). Failed passwords are throttled by
django-axes (per user name and address). Every back-office view is wrapped in
``staff_required``: signed in *and* verified, else sent here.
"""

from __future__ import annotations

import base64
import io
import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from dsfr.forms import DsfrBaseForm

from orientation.accounts import services as account_services
from orientation.accounts.models import User

ViewFunction = Callable[..., HttpResponseBase]


#: when the session's second factor was last checked (seconds since the epoch)
SECOND_FACTOR_AT = "second_factor_at"


def _verified(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)
    request.session[SECOND_FACTOR_AT] = int(time.time())


def sign_in_demo_account(request: HttpRequest, user: User) -> None:
    """The demo page's one-click sign-in: the account and its authenticator, as if both factors
    were given. Callers check demo mode and that ``user`` is a demo account (``demo.accounts``)."""
    from django.contrib.auth import login as auth_login

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or not user.is_demo:
        raise PermissionDenied("Seuls les comptes de démonstration ont une connexion en un clic.")
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    _verified(request, device)


def second_factor_is_recent(request: HttpRequest) -> bool:
    """Whether the second factor was given within REAUTHENTICATE_AFTER_MINUTES."""
    checked_at = int(request.session.get(SECOND_FACTOR_AT, 0))
    return time.time() - checked_at < settings.REAUTHENTICATE_AFTER_MINUTES * 60


def reauthenticate(request: HttpRequest, target: str) -> HttpResponse:
    """To the code page, and back to ``target`` with a fresh second factor."""
    messages.info(request, "Étape sensible : confirmez avec un nouveau code de votre application d’authentification.")
    return redirect(f"{reverse('backoffice:second_factor')}?confirmer=1&next={quote(target)}")


def recent_second_factor_required(view: ViewFunction) -> ViewFunction:
    """For downloads of personal data: a second factor given within the last minutes."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not second_factor_is_recent(request):
            return reauthenticate(request, request.get_full_path())
        return view(request, *args, **kwargs)

    return staff_required(wrapped)


def staff_required(view: ViewFunction) -> ViewFunction:
    """Signed in with both factors; else to the sign-in page, or to the second factor."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('backoffice:login')}?next={quote(request.get_full_path())}")
        if getattr(request.user, "is_person", False):
            # A person's own space never opens the back-office, whatever else the account holds.
            raise PermissionDenied("L’espace de gestion est réservé aux professionnels.")
        if not request.user.is_verified():  # type: ignore[attr-defined]
            return redirect(f"{reverse('backoffice:second_factor')}?next={quote(request.get_full_path())}")
        return view(request, *args, **kwargs)

    return wrapped


class LoginView(auth_views.LoginView):
    template_name = "www/backoffice/login.html"
    extra_context = {"title": "Connexion à l’espace de gestion"}

    def get_success_url(self) -> str:
        target = self.get_redirect_url() or reverse("backoffice:home")
        if target.startswith(reverse("backoffice:second_factor")):  # the e-mailed enrolment link, opened first
            return target
        return f"{reverse('backoffice:second_factor')}?next={quote(target)}"


class TokenForm(DsfrBaseForm):
    otp_token = forms.CharField(
        label="Code à 6 chiffres de votre application d’authentification",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("backoffice:home")


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


_ENROLMENT_SESSION_KEY = "second_factor_enrolment_device"


def _enrolment_device(request: HttpRequest, user: User) -> TOTPDevice | None:
    """The authenticator this session may enrol: one opened by the e-mailed link, in this session."""
    device_id = request.session.get(_ENROLMENT_SESSION_KEY)
    if device_id is None:
        return None
    return TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()


@login_required(login_url=reverse_lazy("backoffice:login"))
def second_factor(request: HttpRequest) -> HttpResponse:
    """Verify a code of the user's authenticator. Without one, enrolment is opened by a link sent
    to the account's address (the password alone does not let anyone bind their phone to it)."""
    user: User = request.user  # type: ignore[assignment]
    if user.is_person:
        raise PermissionDenied("Un espace personnel n’a pas de double authentification.")
    confirming = bool(request.GET.get("confirmer") or request.POST.get("confirmer"))
    if user.is_verified() and not (confirming and not second_factor_is_recent(request)):  # type: ignore[attr-defined]
        return redirect(_next(request))
    enrolling = not user_has_device(user, confirmed=True)
    device = _enrolment_device(request, user) if enrolling else None
    context: dict[str, Any] = {
        "title": "Double authentification",
        "enrolling": enrolling,
        "confirming": confirming,
        "next": _next(request),
    }
    if enrolling and device is None:
        return _enrolment_link_page(request, user, context)
    # The authenticator to check: the one being enrolled, else the user's own (chosen for them).
    checked = device or TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and checked is not None:
        problem = account_services.second_factor_check(device=checked, token=form.cleaned_data["otp_token"])
        if problem is None:
            if device is not None:
                account_services.enrolment_confirm(device=device)
                request.session.pop(_ENROLMENT_SESSION_KEY, None)
                messages.success(request, "Double authentification activée.")
            _verified(request, checked)
            return redirect(_next(request))
        form.add_error("otp_token", problem)
    context["form"] = form
    if device is not None:
        context["secret"] = base64.b32encode(device.bin_key).decode()
        context["qr_code"] = mark_safe(_qr_svg(device.config_url))  # our own SVG, from qrcode
    return render(request, "www/backoffice/second_factor.html", context)


def _masked(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}{'•' * max(len(local) - 1, 1)}@{domain}"


def _enrolment_link_page(request: HttpRequest, user: User, context: dict[str, Any]) -> HttpResponse:
    if request.method == "POST":
        try:
            account_services.enrolment_link_send(user=user)
        except account_services.EnrolmentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Lien envoyé à {_masked(user.email or '')}. Ouvrez-le dans ce navigateur.")
        return redirect(f"{reverse('backoffice:second_factor')}?next={quote(context['next'])}")
    context["masked_email"] = _masked(user.email) if user.email else None
    context["minutes"] = settings.SECOND_FACTOR_LINK_MINUTES
    return render(request, "www/backoffice/second_factor_link.html", context)


@login_required(login_url=reverse_lazy("backoffice:login"))
def second_factor_enrol(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: in the session signed in with the owner's password, opens enrolment."""
    user: User = request.user  # type: ignore[assignment]
    if user.is_person:
        raise PermissionDenied("Un espace personnel n’a pas de double authentification.")
    try:
        device = account_services.enrolment_open(user=user, token=token)
    except account_services.EnrolmentError as error:
        messages.error(request, str(error))
        return redirect("backoffice:second_factor")
    request.session[_ENROLMENT_SESSION_KEY] = device.pk
    return redirect("backoffice:second_factor")


def logout(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth import logout as auth_logout

    if request.method == "POST":
        auth_logout(request)
    return redirect("www:home")
