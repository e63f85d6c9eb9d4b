"""The demo's referral in flight, written for this project: a young woman met at the mission
locale de Blois, referred with her consent to the CIO de Blois's guidance interview, so that the
CIO's demo adviser has a referral to read and answer. Made through the referral services, like
any other (the e-mails it sends go where the platform's mail goes); loading again changes nothing.
"""

from __future__ import annotations

from orientation.demo.accounts import demo_users_by_role
from orientation.directory.models import Organisation, ServiceOffer
from orientation.referrals import services
from orientation.referrals.models import Interview
from orientation.territories.models import Commune

ADVISER_ORGANISATION = "Mission locale de Blois"
RECEIVER_ORGANISATION = "Centre d’information et d’orientation (CIO) de Blois"
REQUEST = (
    "Inès, 19 ans, a quitté sa première année de BTS et hésite entre reprendre des études dans le "
    "social ou chercher une formation en alternance. Elle souhaite un entretien approfondi pour "
    "faire le point sur ses goûts et ses points forts."
)


def load_demo_referrals() -> int:
    """Create the demo referral once; returns how many were created."""
    adviser = demo_users_by_role().get(f"member:{ADVISER_ORGANISATION}")
    organisation = Organisation.objects.filter(name=ADVISER_ORGANISATION).first()
    offer = ServiceOffer.objects.referrable().filter(organisation__name=RECEIVER_ORGANISATION).order_by("pk").first()
    if adviser is None or organisation is None or offer is None:
        return 0
    if Interview.objects.filter(adviser=adviser).exists():
        return 0
    interview = services.interview_record(
        adviser=adviser,
        organisation=organisation,
        public="jeunes",
        age_band="16-25",
        situation="sans-emploi-ni-formation",
        themes=list(offer.themes[:2]),
        request=REQUEST,
        commune=Commune.objects.filter(code="41018").first(),
        consent=True,
        person=services.PersonDetails(first_name="Inès", last_name="Exemple", email="ines.exemple@example.org"),
    )
    services.referral_send(
        interview=interview,
        offer=offer,
        by_user=adviser,
        message="Bonjour, Inès est disponible les après-midi. Merci de la recontacter par courriel.",
        share=["name", "email"],
    )
    return 1
