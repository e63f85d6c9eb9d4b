from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from orientation.api.urls import api
from orientation.www.health_views import readiness
from orientation.www.sitemaps import SITEMAPS

# The admin, like the back-office, asks staff for a second factor (django-otp).
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("sante/", readiness, name="readiness"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("gestion/", include("orientation.www.backoffice.urls")),
    path("contact/", include("orientation.www.contact_urls")),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"}),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("", include("orientation.www.urls")),
]
