from typing import Any

from ninja import NinjaAPI

from orientation.api.catalogue import label_changes, studies
from orientation.api.contact import contact
from orientation.api.errors import install_error_handlers
from orientation.api.interests import interests
from orientation.api.labels import labels
from orientation.api.persons import me, passports
from orientation.api.referrals import offers, referrals
from orientation.api.statistics import statistics
from orientation.api.views import communes, feeds, occupations, places, searches, trainings


class OrientationAPI(NinjaAPI):
    """The API, whose OpenAPI also documents the answers every operation can give: 422 when a
    parameter or the body is invalid (ErrorOut with ``errors``), 414 when the address is longer
    than the web server takes (gunicorn, 4,094 bytes of request line, before the API)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation["responses"]
                if operation.get("parameters") or operation.get("requestBody"):
                    responses.setdefault(422, {"description": "Paramètres invalides", "content": error})
                if any(parameter.get("in") == "query" for parameter in operation.get("parameters", [])):
                    responses.setdefault(414, {"description": "Adresse trop longue, refusée par le serveur web"})
        return schema


api = OrientationAPI(
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
api.add_router("/labels", label_changes)
api.add_router("/labels", labels)
api.add_router("/studies", studies)
api.add_router("/referrals", referrals)
api.add_router("/offers", offers)
api.add_router("/contact", contact)
api.add_router("/interests", interests)
api.add_router("/me", me)
api.add_router("/passports", passports)
api.add_router("/statistics", statistics)
