from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "orientation.referrals"
    label = "referrals"
    verbose_name = "Premier niveau et orientations"
