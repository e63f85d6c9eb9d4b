from django.urls import path

from orientation.www.backoffice import auth, feeds, labels

app_name = "backoffice"
urlpatterns = [
    path("", labels.home, name="home"),
    path("connexion/", auth.LoginView.as_view(), name="login"),
    path("double-authentification/", auth.second_factor, name="second_factor"),
    path("deconnexion/", auth.logout, name="logout"),
    path("flux/", feeds.health, name="feed_health"),
    path("flux/<slug:name>/", feeds.source_health, name="feed_health_source"),
    path("flux/<slug:name>/rejets.csv", feeds.rejects_csv, name="feed_rejects_csv"),
    path("flux/<slug:name>/importer/", feeds.run_now, name="feed_run_now"),
    path("labels/", labels.application_list, name="labels"),
    path("labels/nouvelle/", labels.application_create, name="label_create"),
    path("labels/tableau-de-bord/", labels.dashboard, name="label_dashboard"),
    path("labels/groupements/", labels.grouping_list, name="label_groupings"),
    path("labels/groupements/<int:pk>/", labels.grouping_detail, name="label_grouping"),
    path(
        "labels/groupements/<int:pk>/convention/<int:convention_id>/",
        labels.convention_download,
        name="label_convention",
    ),
    path("labels/<int:pk>/", labels.application_detail, name="label_application"),
    path("labels/<int:pk>/pieces/<int:attachment_id>/", labels.attachment_download, name="label_attachment"),
    path("labels/<int:pk>/dossier/<slug:step>/", labels.application_step, name="label_step"),
    path("labels/<int:pk>/version/<int:number>/", labels.version_detail, name="label_version"),
    path("labels/<int:pk>/action/<slug:action>/", labels.application_action, name="label_action"),
]
