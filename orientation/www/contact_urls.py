from django.urls import path

from orientation.www import contact_views

app_name = "contact"
urlpatterns = [
    path("sip/route", contact_views.sip_route, name="sip_route"),
    path("voix/", contact_views.voice_start, name="voice_start"),
    path("voix/profil/", contact_views.voice_profile, name="voice_profile"),
    path("voix/besoin/", contact_views.voice_need, name="voice_need"),
]
