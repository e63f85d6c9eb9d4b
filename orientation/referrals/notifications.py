"""E-mails and SMS of the referral: who hears of each step, written in the templates under
``templates/mail/referrals/``; the services send them after the commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone

from orientation.directory.models import Organisation, ServiceOffer
from orientation.referrals.models import Referral
from orientation.referrals.rules import EXPIRY_DAYS, RECEIVER_LINK_DAYS
from orientation.utils.mail import Mail, render, render_text, site_url

__all__ = ["Mail"]


def person_address(referral: Referral) -> str:
    """Where the person hears of their request: the address they gave with their consent."""
    if referral.interview is not None and referral.interview.consent_given and referral.interview.email:
        return referral.interview.email
    return referral.email


def _follow_url(referral: Referral) -> str:
    return site_url("backoffice:referral", referral.pk)


def receiver_mail(referral: Referral, link: str, *, reminder: int = 0) -> Mail:
    """The receiving service hears of a referral (or is reminded of it) with its secure link."""
    context = {
        "referral": referral,
        "link": link,
        "reminder": reminder,
        "themes": referral.theme_labels,
        "link_days": RECEIVER_LINK_DAYS,
        "answer_by": timezone.localdate(referral.sent_at) + timedelta(days=EXPIRY_DAYS),
    }
    return render("mail/referrals/receiver.txt", context, [referral.offer.referral_address])


def person_sent_mail(referral: Referral, link: str) -> Mail:
    return render("mail/referrals/person_sent.txt", {"referral": referral, "link": link}, [person_address(referral)])


def sms_text(referral: Referral, link: str) -> str:
    return render_text("mail/referrals/sms_sent.txt", {"referral": referral, "link": link}).strip()


def answer_mails(referral: Referral, *, accepted: bool) -> list[Mail]:
    """The sender and the person hear of the service's answer (the person hears the reason of a
    refusal only if the service chose to show it)."""
    context = {"referral": referral, "accepted": accepted, "follow_url": _follow_url(referral)}
    mails = []
    if referral.sender_email:
        mails.append(render("mail/referrals/answer_sender.txt", context, [referral.sender_email]))
    if person_address(referral):
        mails.append(render("mail/referrals/answer_person.txt", context, [person_address(referral)]))
    return mails


def withdrawn_mails(referral: Referral, *, receiver_address: str) -> list[Mail]:
    mails = [render("mail/referrals/withdrawn.txt", {"referral": referral, "to_receiver": True}, [receiver_address])]
    if referral.sender_email:
        mails.append(render("mail/referrals/withdrawn.txt", {"referral": referral}, [referral.sender_email]))
    return mails


def expired_mails(referral: Referral) -> list[Mail]:
    context = {"referral": referral, "expiry_days": EXPIRY_DAYS, "follow_url": _follow_url(referral)}
    mails = []
    if referral.sender_email:
        mails.append(render("mail/referrals/expired_sender.txt", context, [referral.sender_email]))
    if person_address(referral):
        mails.append(render("mail/referrals/expired_person.txt", context, [person_address(referral)]))
    return mails


def offers_to_check_mail(organisation: Organisation, offers: list[ServiceOffer], recipients: Iterable[str]) -> Mail:
    """An organisation is asked to confirm or update the offers not checked for six months."""
    rows = [(offer, site_url("backoffice:offer", offer.pk)) for offer in offers]
    return render("mail/referrals/offers_to_check.txt", {"organisation": organisation, "offers": rows}, recipients)
