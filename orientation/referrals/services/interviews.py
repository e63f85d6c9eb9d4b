"""The first-level interview: the person's request, and their consent recorded with its
wording, its date and the adviser.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from orientation.accounts.models import User
from orientation.accounts.selectors import organisation_ids
from orientation.directory.codelists import THEMES, Public
from orientation.directory.models import Organisation
from orientation.referrals.models import AccessNeed, AgeBand, Interview, Situation
from orientation.referrals.rules import CONSENT_WORDING
from orientation.referrals.services.flow import Actor, _log_access
from orientation.referrals.services.persons import person_account_for
from orientation.territories.models import Commune


@dataclass(frozen=True)
class PersonDetails:
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    identifiers: dict[str, str] | None = None

    @property
    def empty(self) -> bool:
        return not (self.first_name or self.last_name or self.email or self.phone or self.identifiers)


def _check_request(public: str, age_band: str, situation: str, themes: list[str], needs: list[str]) -> None:
    errors: dict[str, str] = {}
    if public not in Public.values:
        errors["public"] = f"Public inconnu : {public!r}."
    if age_band not in AgeBand.values:
        errors["age_band"] = f"Tranche d’âge inconnue : {age_band!r}."
    if situation not in Situation.values:
        errors["situation"] = f"Situation inconnue : {situation!r}."
    unknown = [theme for theme in themes if theme not in THEMES]
    if not themes or unknown:
        errors["themes"] = (
            f"Thématiques inconnues : {', '.join(unknown)}." if unknown else "Choisissez au moins une thématique."
        )
    if any(need not in AccessNeed.values for need in needs):
        errors["access_needs"] = "Besoin d’accessibilité inconnu."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def interview_record(
    *,
    adviser: User,
    organisation: Organisation,
    public: str,
    age_band: str,
    situation: str,
    themes: list[str],
    request: str = "",
    commune: Commune | None = None,
    access_needs: list[str] | None = None,
    consent: bool = False,
    person: PersonDetails | None = None,
) -> Interview:
    """A first-level interview, anonymous unless the person explicitly agrees: personal details
    without consent are refused, never stored."""
    if organisation.pk not in organisation_ids(adviser):
        raise PermissionDenied("Vous n’êtes pas conseiller de cette organisation.")
    needs = list(access_needs or [])
    _check_request(public, age_band, situation, themes, needs)
    person = person or PersonDetails()
    if not person.empty and not consent:
        raise ValidationError(
            {
                "consent": "Sans l’accord explicite de la personne, l’entretien reste anonyme : "
                "n’inscrivez ni nom ni contact."
            }
        )
    if consent and person.empty:
        raise ValidationError(
            {"consent": "La personne a donné son accord : indiquez au moins un moyen de la contacter."}
        )
    interview = Interview.objects.create(
        organisation=organisation,
        adviser=adviser,
        public=public,
        age_band=age_band,
        situation=situation,
        themes=themes,
        request=request.strip(),
        commune=commune,
        access_needs=needs,
        consent_given=consent,
        consent_wording=CONSENT_WORDING if consent else "",
        consent_at=timezone.now() if consent else None,
        consent_recorded_by=adviser if consent else None,
        first_name=person.first_name.strip(),
        last_name=person.last_name.strip(),
        email=person.email.strip(),
        phone=person.phone.strip(),
        identifiers=person.identifiers or {},
        # the address the person agreed to give is that of their own space: it appears there
        person=person_account_for(person.email) if consent else None,
    )
    if consent:
        _log_access(Actor.of(adviser), "record", interview=interview)
    return interview


#: the wording the adviser confirms before attaching a questionnaire's result to an interview
INTERESTS_CONSENT = (
    "La personne accepte que le résultat du questionnaire d’intérêts fait avec elle soit joint à "
    "l’entretien, lu par les conseillers de l’organisation."
)


@transaction.atomic
def interview_attach_interests(
    *, interview: Interview, adviser: User, code: str, scores: dict[str, float], answers: str, consent: bool
) -> Interview:
    """The interests questionnaire an adviser ran with the person, attached to the interview with
    the person's consent (its result only: nothing of it is shared by a referral)."""
    if interview.organisation_id not in organisation_ids(adviser):
        raise PermissionDenied("Cet entretien n’est pas celui de votre organisation.")
    if not consent:
        raise ValidationError({"consent": "Sans l’accord de la personne, le résultat n’est pas joint à l’entretien."})
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    interview.interests = {
        "code": code,
        "scores": scores,
        "answers": answers,
        "attached_at": timezone.now().isoformat(),
        "consent": INTERESTS_CONSENT,
    }
    interview.save(update_fields=["interests"])
    return interview
