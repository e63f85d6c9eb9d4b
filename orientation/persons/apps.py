from django.apps import AppConfig


class PersonsConfig(AppConfig):
    name = "orientation.persons"
    verbose_name = "Espace personnel et passeport orientation-formation"

    def ready(self) -> None:
        from orientation.persons import tasks  # noqa: F401  (registers the daily task)
