from ninja import NinjaAPI

api = NinjaAPI(title="Orientation pour tous", version="1")
