from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail: read-only, filterable by user and candidate (append-only from the app)."""

    list_display = ("created_at", "actor_name", "verb", "target_type", "target_label", "candidate")
    list_filter = ("verb", "target_type", ("actor", admin.RelatedOnlyFieldListFilter))
    search_fields = ("actor_name", "target_label", "summary", "candidate__name")
    list_select_related = ("actor", "candidate")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    show_facets = admin.ShowFacets.NEVER

    def get_list_filter(self, request):
        return (*self.list_filter, ("candidate", admin.RelatedOnlyFieldListFilter))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
