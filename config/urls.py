from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from clinic.authentication import StaffPasswordChangeForm
from config.health import healthz
from httpapi.schema_view import SchemaView
from httpapi.throttling import limit_password_guesses

api_v1: list[URLPattern | URLResolver] = [
    path("", include("clinic.urls")),
    path("", include("screening.urls")),
    path("", include("sessions.urls")),
    path("", include("aftercare.urls")),
    path("", include("outcomes.urls")),
    path("", include("reports.urls")),
    path("schema/", SchemaView.as_view(), name="schema"),
    path(
        "docs/",
        # Its start-up script is a file of its own, not inline: the CSP allows no inline script.
        SpectacularSwaggerSplitView.as_view(url_name="schema", permission_classes=[AllowAny]),
        name="docs",
    ),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("aftercare.public_urls")),
    # The staff app: Django's sign-in pages in the app's look, then the app itself at /.
    path(
        "accounts/login/",
        limit_password_guesses(auth_views.LoginView.as_view(template_name="web/login.html")),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        limit_password_guesses(
            auth_views.PasswordChangeView.as_view(
                form_class=StaffPasswordChangeForm, template_name="web/password_change.html"
            )
        ),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="web/password_changed.html"),
        name="password_change_done",
    ),
    path("", include("web.urls")),
]

handler400 = "httpapi.errors.bad_request"
handler404 = "httpapi.errors.not_found"
handler500 = "httpapi.errors.server_error"
