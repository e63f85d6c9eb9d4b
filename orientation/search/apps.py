from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "orientation.search"
    verbose_name = "Recherche"

    def ready(self) -> None:
        # Registers the work this app's services queue by name (orientation.utils.tasks).
        from orientation.search import tasks  # noqa: F401
