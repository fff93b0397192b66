from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People and audit"
    default = True
    default_auto_field = "django.db.models.BigAutoField"


class PeopleAdminConfig(admin_apps.AdminConfig):
    """The admin, on a site that asks the rules who may enter (curators need no staff tick)."""

    default = False
    default_site = "people.admin_site.RulesAdminSite"
