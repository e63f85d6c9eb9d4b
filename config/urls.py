from django.contrib import admin
from django.urls import include, path

from orientation.api.urls import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("gestion/", include("orientation.www.backoffice.urls")),
    path("", include("orientation.www.urls")),
]
