from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "orientation.statistics"
    label = "statistics"
    verbose_name = "Statistiques d’audience et d’activité"
