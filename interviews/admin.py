from django.contrib import admin
from django.db.models import Count

from .models import (
    Amendment,
    Candidate,
    Interview,
    InterviewQuestion,
    Kit,
    KitQuestion,
    Loop,
    LoopStage,
)


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    """Deleting a candidate deletes everything about them: interviews, scores, notes, amendments."""

    list_display = ("name", "email", "level", "interview_count", "created_by", "created_at")
    list_filter = ("level",)
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
