from ninja import NinjaAPI

from orientation.api.contact import contact
from orientation.api.errors import install_error_handlers
from orientation.api.labels import labels
from orientation.api.referrals import offers, referrals
from orientation.api.views import communes, feeds, occupations, places, searches, trainings

api = NinjaAPI(
    title="Orientation pour tous",
    version="1",
    description="API publique du service public de l’orientation : métiers, formations, lieux d’accueil, "
    "registre du label.",
    urls_namespace="api-v1",
)
install_error_handlers(api)
api.add_router("/occupations", occupations)
api.add_router("/trainings", trainings)
api.add_router("/places", places)
api.add_router("/feeds", feeds)
api.add_router("/search", searches)
api.add_router("/communes", communes)
api.add_router("/labels", labels)
api.add_router("/referrals", referrals)
api.add_router("/offers", offers)
api.add_router("/contact", contact)
