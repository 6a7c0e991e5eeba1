"""The view serving the OpenAPI document (apart from httpapi.schema, which DRF's settings
load while drf-spectacular's views are being imported)."""

from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny


class SchemaView(SpectacularAPIView):
    """The one OpenAPI document, in JSON or YAML (`?format=`), for anyone (api.md).

    drf-spectacular would also read `?version=`, a label it writes into a header (where a line
    break is a server error), and `?lang=`, building and keeping a translation for each code
    asked, however many, to translate the framework's words only ("Un Cadena UUID que
    identifique este appointment."): the API has one version and is documented in English, so
    the query names nothing else."""

    permission_classes = [AllowAny]

    def initialize_request(self, request, *args, **kwargs):
        query = request.GET.copy()
        for variant in ("version", "lang"):
            query.pop(variant, None)
        request.GET = query
        return super().initialize_request(request, *args, **kwargs)
