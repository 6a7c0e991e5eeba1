from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from clinic.health import healthz

api_v1 = [
    path("", include("clinic.urls")),
    path("", include("screening.urls")),
    path("", include("sessions.urls")),
    path("", include("aftercare.urls")),
    path("", include("audit.urls")),
    path("", include("outcomes.urls")),
    path("", include("reports.urls")),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="schema", permission_classes=[AllowAny]),
        name="docs",
    ),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("aftercare.public_urls")),
]

handler404 = "clinic.errors.not_found"
handler500 = "clinic.errors.server_error"
