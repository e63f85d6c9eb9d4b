from django.apps import AppConfig


class TrainingsConfig(AppConfig):
    name = "orientation.trainings"
    label = "trainings"
