"""Signing in to the back-office: a password, then a second factor (TOTP, django-otp).

A user without an authenticator yet enrols it after the password (the secret shown once, as
a QR code and as text), and is verified by its first code. Failed passwords are throttled by
django-axes (per user name and address). Every back-office view is wrapped in
``staff_required``: signed in *and* verified, else sent here.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.forms import OTPTokenForm
from django_otp.plugins.otp_totp.models import TOTPDevice
from dsfr.forms import DsfrBaseForm

from orientation.accounts.models import User

ViewFunction = Callable[..., HttpResponseBase]


def staff_required(view: ViewFunction) -> ViewFunction:
    """Signed in with both factors; else to the sign-in page, or to the second factor."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('backoffice:login')}?next={quote(request.get_full_path())}")
        if not request.user.is_verified():  # type: ignore[attr-defined]
            return redirect(f"{reverse('backoffice:second_factor')}?next={quote(request.get_full_path())}")
        return view(request, *args, **kwargs)

    return wrapped


class LoginView(auth_views.LoginView):
    template_name = "www/backoffice/login.html"
    extra_context = {"title": "Connexion à l’espace de gestion"}

    def get_success_url(self) -> str:
        target = self.get_redirect_url() or reverse("backoffice:home")
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


@login_required(login_url=reverse_lazy("backoffice:login"))
def second_factor(request: HttpRequest) -> HttpResponse:
    """Verify a code of the user's authenticator; enrol one first if it has none."""
    user: User = request.user  # type: ignore[assignment]
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect(_next(request))
    enrolling = not user_has_device(user, confirmed=True)
    device = None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="Application d’authentification", confirmed=False
        )
    if request.method == "POST":
        if enrolling:
            assert device is not None
            form: forms.Form = TokenForm(request.POST)
            if form.is_valid() and device.verify_token(form.cleaned_data["otp_token"]):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                otp_login(request, device)
                messages.success(request, "Double authentification activée.")
                return redirect(_next(request))
            if form.is_valid():
                form.add_error("otp_token", "Ce code ne correspond pas : vérifiez l’heure de votre téléphone.")
        else:
            form = OTPTokenForm(user, request, data=request.POST)
            if form.is_valid():
                otp_login(request, form.get_user().otp_device)
                return redirect(_next(request))
    else:
        form = TokenForm() if enrolling else OTPTokenForm(user, request)
    context: dict[str, Any] = {
        "title": "Double authentification",
        "form": form,
        "enrolling": enrolling,
        "next": _next(request),
    }
    if device is not None:
        context["secret"] = base64.b32encode(device.bin_key).decode()
        context["qr_code"] = mark_safe(_qr_svg(device.config_url))  # our own SVG, from qrcode
    return render(request, "www/backoffice/second_factor.html", context)


def logout(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth import logout as auth_logout

    if request.method == "POST":
        auth_logout(request)
    return redirect("www:home")
