from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "orientation.referrals"
    label = "referrals"
    verbose_name = "Premier niveau et orientations"

    def ready(self) -> None:
        # Registers the work this app's services queue by name (orientation.utils.tasks).
        from orientation.referrals import tasks  # noqa: F401
