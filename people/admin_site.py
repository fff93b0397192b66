from django.contrib import admin


class RulesAdminSite(admin.AdminSite):
    site_header = "Interview Kit administration"
    site_title = "Interview Kit admin"

    def has_permission(self, request):
        """Staff, curators and admins enter; the model permissions decide what they see."""
        user = request.user
        return user.is_active and user.has_perm("people.use_admin")
