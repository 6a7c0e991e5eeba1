from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsClinicStaff(BasePermission):
    """Signed in and belonging to a clinic: the default for every endpoint."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.clinic_id)


class IsClinicAdmin(IsClinicStaff):
    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.is_clinic_admin


class IsClinicAdminOrReadOnly(IsClinicStaff):
    """Staff read; only the clinic's administrators change."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or request.user.is_clinic_admin
