from django.contrib import admin
from django.db.models import Count

from . import services
from .models import (
    Amendment,
    Candidate,
    ErasureRecord,
    Interview,
    InterviewQuestion,
    Kit,
    KitQuestion,
    Loop,
    LoopStage,
)


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    """Deleting a candidate erases everything about them (services.candidate_erase): interviews,
    scores, notes, amendments, and what this admin's history says about them."""

    list_display = ("name", "email", "level", "interview_count", "created_by", "created_at")
    list_filter = ("level", ("archived_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "email")
    readonly_fields = ("created_by", "created_at")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("level", "created_by")
            .annotate(interview_count=Count("interviews"))
        )

    @admin.display(description="Interviews", ordering="interview_count")
    def interview_count(self, obj):
        return obj.interview_count

    def has_delete_permission(self, request, obj=None):
        """Deleting is erasing: the can_erase rule (hiring managers and admins), as on the
        candidate's page."""
        return request.user.has_perm("interviews.erase")

    def delete_model(self, request, obj):
        services.candidate_erase(candidate=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for candidate in queryset:
            services.candidate_erase(candidate=candidate, by=request.user)

    def response_delete(self, request, obj_display, obj_id):
        # The confirmation message must not carry the erased name either.
        return super().response_delete(request, services.ERASED, obj_id)


@admin.register(ErasureRecord)
class ErasureRecordAdmin(admin.ModelAdmin):
    """What is left of erased candidates: anonymous counts, read only."""

    list_display = ("erased_at", "reason", "erased_by", "interviews", "submitted_interviews")
    list_filter = ("reason",)
    list_select_related = ("erased_by",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InterviewQuestionInline(admin.TabularInline):
    model = InterviewQuestion
    fields = ("position", "text", "score", "skipped", "notes", "seconds_spent", "planned")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AmendmentInline(admin.TabularInline):
    model = Amendment
    fields = ("created_at", "user", "reason", "changes")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    """Read-only history: interviews change through the app, where the rules are enforced."""

    list_display = (
        "title",
        "candidate",
        "interviewer",
        "level",
        "status",
        "recommendation",
        "scheduled_at",
        "submitted_at",
    )
    list_filter = ("status", "level", "recommendation")
    search_fields = ("title", "candidate__name", "interviewer__username")
    list_select_related = ("candidate", "interviewer", "level")
    inlines = [InterviewQuestionInline, AmendmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class KitQuestionInline(admin.TabularInline):
    model = KitQuestion
    fields = ("position", "question")
    raw_id_fields = ("question",)
    extra = 0


@admin.register(Kit)
class KitAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "level", "shared", "updated_at")
    list_filter = ("shared", "level")
    search_fields = ("name", "owner__username")
    list_select_related = ("owner", "level")
    inlines = [KitQuestionInline]


class LoopStageInline(admin.TabularInline):
    model = LoopStage
    fields = ("position", "name", "interviewer", "planned_minutes", "scheduled_at", "interview")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Loop)
class LoopAdmin(admin.ModelAdmin):
    """Read-only: loops change on their page in the app, where the rules are enforced."""

    list_display = ("candidate", "hiring_manager", "status", "created_at", "closed_at")
    list_filter = ("status",)
    search_fields = ("candidate__name", "hiring_manager__username")
    list_select_related = ("candidate", "hiring_manager")
    inlines = [LoopStageInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
