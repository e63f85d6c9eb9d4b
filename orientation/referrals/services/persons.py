"""The person's own space seen from the referrals: an interview and the referrals made with the
person's consent join the space whose address is the one they agreed to give; the person may
withdraw a referral there (as from their link) or erase what a closed one still holds."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from orientation.accounts.models import User
from orientation.referrals.models import Interview, Referral
from orientation.referrals.services.flow import PERSON, _log_access
from orientation.referrals.services.referrals import _erase_personal_data, referral_withdraw


def person_account_for(email: str) -> User | None:
    """The person's space whose address is ``email``, if they have one."""
    if not email.strip():
        return None
    return User.objects.filter(is_person=True, is_active=True, email__iexact=email.strip()).first()


@transaction.atomic
def referrals_link_person(*, person: User) -> int:
    """Interviews and referrals made with the person's consent, under the address of their space
    (just proved by the sign-in), join it. Returns how many referrals joined."""
    if not (person.is_person and person.email):
        return 0
    interviews = Interview.objects.filter(
        consent_given=True, email__iexact=person.email, person__isnull=True, anonymised_at__isnull=True
    )
    interview_ids = list(interviews.values_list("pk", flat=True))
    interviews.update(person=person)
    return Referral.objects.filter(
        Q(interview_id__in=interview_ids) | Q(email__iexact=person.email),
        person__isnull=True,
        anonymised_at__isnull=True,
    ).update(person=person)


@transaction.atomic
def referral_erase_for_person(*, referral: Referral, person: User) -> Referral:
    """From the person's space: an open referral is withdrawn (the service is told), a closed one
    loses the personal data it still held. Only the person's own referral."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.person_id != person.pk or not person.is_person:
        raise PermissionDenied("Cette orientation n’est pas la vôtre.")
    if referral.is_open or referral.state == Referral.State.ACCEPTED:
        referral_withdraw(referral=referral)
        referral.refresh_from_db()
    elif referral.anonymised_at is None:
        _erase_personal_data(referral)
        referral.anonymised_at = timezone.now()
        referral.save()
        _log_access(PERSON, "erase", referral=referral)
    if referral.interview_id:
        Interview.objects.filter(pk=referral.interview_id).update(
            first_name="", last_name="", email="", phone="", identifiers={}
        )
    return referral
