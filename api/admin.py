"""API tokens in the admin: admins create one for any user (shown once, on the page that
creates it) and revoke them; nothing that could authenticate is ever shown again."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.template.response import TemplateResponse

from . import services
from .models import ApiToken
from .services import DEFAULT_DAYS, MAX_DAYS


class TokenAddForm(forms.ModelForm):
    days = forms.IntegerField(
        label="Valid for (days)", min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "display", "created_at", "expires_at", "last_used_at", "state")
    list_filter = (("user", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "user__username", "prefix")
    list_select_related = ("user",)
    readonly_fields = (
        "user",
        "name",
        "display",
        "created_at",
        "created_by",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = TokenAddForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_fields(self, request, obj=None):
        return ["user", "name", "days"] if obj is None else list(self.readonly_fields)

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the row stays for the record

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "POST":
            form = TokenAddForm(request.POST)
            if form.is_valid():
                new = services.token_create(
                    user=form.cleaned_data["user"],
                    name=form.cleaned_data["name"],
                    days=form.cleaned_data["days"],
                    actor=request.user,
                )
                context = {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": "API token created",
                    "new": new,
                }
                response = TemplateResponse(request, "admin/api/token_created.html", context)
                response["Cache-Control"] = "no-store"
                return response
        return super().add_view(request, form_url, extra_context)

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        for token in queryset:
            services.token_revoke(token=token, actor=request.user)
        messages.success(request, f"{queryset.count()} token(s) revoked.")
