from django.urls import path

from orientation.www.backoffice import feeds

app_name = "backoffice"
urlpatterns = [
    path("flux/", feeds.health, name="feed_health"),
    path("flux/<slug:name>/", feeds.source_health, name="feed_health_source"),
    path("flux/<slug:name>/rejets.csv", feeds.rejects_csv, name="feed_rejects_csv"),
    path("flux/<slug:name>/importer/", feeds.run_now, name="feed_run_now"),
]
