from django.apps import AppConfig


class IngestionConfig(AppConfig):
    name = "orientation.ingestion"
    label = "ingestion"

    def ready(self) -> None:
        # Registers the work this app's services queue by name (orientation.utils.tasks).
        from orientation.ingestion import tasks  # noqa: F401
