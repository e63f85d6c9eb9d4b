"""The referral's delays and retention periods (DESIGN.md, « referral »), and the consent the
person gives: what the services apply and the mails say."""

#: what the person agrees to, read to them and kept with the consent
CONSENT_WORDING = (
    "J’accepte que l’organisme qui m’accueille enregistre mes coordonnées et les transmette au service "
    "vers lequel il m’oriente, pour que ce service me contacte. Seules les informations que je choisis "
    "sont transmises. Je peux voir où en est ma demande et retirer mon accord à tout moment avec le lien "
    "que je reçois ; mes données sont alors effacées de la demande."
)
#: the receiving service's secure link opens for 8 days (and 8 days after an acceptance)
RECEIVER_LINK_DAYS = 8
#: the receiver is reminded on these days after sending
REMINDER_DAYS = (10, 20)
#: unanswered on this day after sending, the referral expires
EXPIRY_DAYS = 30
#: attachments are deleted 6 months after the referral is closed
ATTACHMENTS_KEPT_DAYS = 183
#: personal data is erased 2 years after
PERSONAL_DATA_KEPT_DAYS = 730
#: an organisation confirms its offers every 6 months
OFFER_CHECK_DAYS = 183
