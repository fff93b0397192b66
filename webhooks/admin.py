from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone

from .models import Delivery, DeliveryStatus, Endpoint, Event
from .services import _enqueue


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        help_text="Receives a signed POST per event",
    )
    events = forms.MultipleChoiceField(
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The events this endpoint receives",
    )

    class Meta:
        model = Endpoint
        fields = ("name", "url", "secret", "events", "active")


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    """Admins register receivers; the secret is generated and shown here to copy to them."""

    form = EndpointForm
    list_display = ("name", "url", "event_labels", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("name", "url")

    @admin.display(description="Events")
    def event_labels(self, obj):
        return obj.event_labels()


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Read-only: every delivery with its attempts and the receiver's answers."""

    list_display = (
        "created_at",
        "event",
        "endpoint",
        "status",
        "attempts",
        "last_response_status",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("status", "event", "endpoint")
    search_fields = ("uuid",)
    date_hierarchy = "created_at"
    fields = (
        "uuid",
        "endpoint",
        "event",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "last_attempt_at",
        "delivered_at",
        "last_response_status",
        "last_response_body",
        "last_error",
        "log",
        "payload",
    )
    readonly_fields = fields
    actions = ("send_again_now",)

    def get_queryset(self, request):
        return super().get_queryset(request).for_admin()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request):
        return request.user.has_perm("webhooks.change_endpoint")

    @admin.action(
        description="Send again now (failed or pending deliveries)", permissions=["resend"]
    )
    def send_again_now(self, request, queryset):
        now = timezone.now()
        with transaction.atomic():
            rows = list(
                queryset.select_for_update().exclude(status=DeliveryStatus.DELIVERED).order_by()
            )
            for delivery in rows:
                # One more attempt now; retries go on while the event is less than a day old.
                delivery.status = DeliveryStatus.PENDING
                delivery.next_attempt_at = now
                delivery.save(update_fields=["status", "next_attempt_at"])
                transaction.on_commit(lambda pk=delivery.pk: _enqueue(pk), robust=True)
        self.message_user(request, f"{len(rows)} deliveries queued again.", messages.SUCCESS)
