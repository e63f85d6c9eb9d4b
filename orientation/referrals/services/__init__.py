"""Writes of the first level and the referral, one module per flow: ``interviews`` (the
first-level interview and the person's consent), ``referrals`` (sending, receiving from a
partner platform, the service's answer, the person's withdrawal and export), ``links`` (the
secure links of the service and of the person), ``daily`` (reminders, expiry, purges), ``offers``
(services kept up to date), ``persons`` (the person's own space: their referrals, erased from
there), over ``flow`` (who acts, the table on the one engine, the events).

Every public function is one transaction; it refuses the actor before it reads what was sent,
and its e-mails (``referrals.notifications``) and tasks go after the commit. Callers import
from this package.
"""

from orientation.referrals.rules import (
    ATTACHMENTS_KEPT_DAYS,
    CONSENT_WORDING,
    EXPIRY_DAYS,
    OFFER_CHECK_DAYS,
    PERSONAL_DATA_KEPT_DAYS,
    RECEIVER_LINK_DAYS,
    REMINDER_DAYS,
)
from orientation.referrals.services.daily import referrals_run_daily
from orientation.referrals.services.flow import FLOW, PERSON, SECURE_LINK, SYSTEM, Actor
from orientation.referrals.services.interviews import (
    INTERESTS_CONSENT,
    PersonDetails,
    interview_attach_interests,
    interview_record,
)
from orientation.referrals.services.links import (
    Links,
    referral_by_expired_receiver_token,
    referral_by_person_token,
    referral_by_receiver_token,
    referral_renew_link,
    text_message_text,
)
from orientation.referrals.services.offers import offer_confirm, offer_update, offers_remind_checks
from orientation.referrals.services.partners import referral_forward, referral_receive, referral_receive_from_partner
from orientation.referrals.services.persons import (
    person_account_for,
    referral_erase_for_person,
    referrals_link_person,
)
from orientation.referrals.services.referrals import (
    person_data_export,
    referral_accept,
    referral_mark_seen,
    referral_read,
    referral_refuse,
    referral_send,
    referral_withdraw,
)
from orientation.utils.workflow import TransitionError

__all__ = [
    "ATTACHMENTS_KEPT_DAYS",
    "CONSENT_WORDING",
    "EXPIRY_DAYS",
    "FLOW",
    "INTERESTS_CONSENT",
    "OFFER_CHECK_DAYS",
    "PERSON",
    "PERSONAL_DATA_KEPT_DAYS",
    "RECEIVER_LINK_DAYS",
    "REMINDER_DAYS",
    "SECURE_LINK",
    "SYSTEM",
    "Actor",
    "Links",
    "PersonDetails",
    "TransitionError",
    "interview_attach_interests",
    "interview_record",
    "offer_confirm",
    "offer_update",
    "offers_remind_checks",
    "person_account_for",
    "person_data_export",
    "referral_accept",
    "referral_by_expired_receiver_token",
    "referral_by_person_token",
    "referral_by_receiver_token",
    "referral_erase_for_person",
    "referral_forward",
    "referral_mark_seen",
    "referral_read",
    "referral_receive",
    "referral_receive_from_partner",
    "referral_refuse",
    "referral_renew_link",
    "referral_send",
    "referral_withdraw",
    "referrals_link_person",
    "referrals_run_daily",
    "text_message_text",
]
